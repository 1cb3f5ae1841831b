/**
 * Min side's assistant page ("Spør oss", issue 15): a signed-in debtor who paid part of an invoice asks "har dere fått
 * betalingen min?" and the page answers from that case — the amount and the date — with the question box (a POST form
 * with the session's CSRF token, labelled); asked for a person, it says how to reach the creditor; a case the subject
 * may not see is never read into the answer; the question is escaped, never markup.
 */
import { describe, expect, it } from "vitest";
import { makeAnswerQuestion } from "../../../shared/application/min-side/assistant";
import { questionSetClassifier } from "../../../shared/application/assistant/question-set";
import { makeRecordDirectPayment } from "../../../shared/application/record-direct-payment";
import { makeRegisterInvoice } from "../../../shared/application/register-invoice";
import { money } from "../../../shared/domain/money";
import { renderAssistantPage, renderOverviewPage } from "../../../shared/web/min-side-pages";
import { seedTenant, testWorld } from "../functions/api/api-fixtures";
import { byId, byTag, labelText, parseHtml, readable } from "./html";

async function paidInPart() {
  const w = testWorld({ now: "2026-11-12T14:05:00Z" });
  const { tenantId } = await seedTenant(w);
  const { caseId } = await makeRegisterInvoice(w.deps)(tenantId, {
    invoiceNumber: "INV-9",
    customer: { customerId: "c-9", name: "Ola Nordmann", phone: "+4791234567", consent: { sms: true, email: false } },
    amount: { value: 129_900, currency: "NOK" },
    issueDate: "2026-10-20",
    dueDate: "2026-11-05",
  });
  await makeRecordDirectPayment(w.deps)(tenantId, caseId, {
    amount: money(50_000, "NOK"),
    paidAt: "2026-11-12",
    reference: "bank-1",
  });
  const answer = makeAnswerQuestion(
    { ...w.deps, personCases: { listByNationalId: async () => [] }, intentClassifier: questionSetClassifier },
    { links: { invoiceCopy: (r) => `/min-side/krav/${r.tenantId}/${r.caseId}/faktura` } },
  );
  return { answer, subject: { kind: "case" as const, tenantId, caseId }, tenantId, caseId };
}

describe("Min side's assistant page", () => {
  it("shows a labelled question box that POSTs with the session's CSRF token", () => {
    const root = parseHtml(renderAssistantPage({ lang: "nb", csrf: "tok-1" }));
    const form = byTag(root, "form")[0]!;
    expect(form.attrs.method).toBe("post");
    expect(form.attrs.action).toBe("/min-side/assistent");
    const csrf = byTag(form, "input").find((i) => i.attrs.name === "csrf")!;
    expect(csrf.attrs.value).toBe("tok-1");
    const box = byId(root, "sporsmal")!;
    expect(box.tag).toBe("textarea");
    expect(labelText(root, box)).toBe("Spørsmålet ditt");
    expect(readable(byTag(root, "h1")[0]!.text)).toBe("Spør oss");
  });

  it("answers 'har dere fått betalingen min?' from the subject's own case with the amount and the date", async () => {
    const { answer, subject } = await paidInPart();
    const question = "har dere fått betalingen min?";
    const html = renderAssistantPage({
      lang: "nb",
      csrf: "tok-1",
      asked: { question, answer: await answer(subject, question, "nb") },
    });
    const text = readable(parseHtml(html).text);
    expect(text).toContain("Ja, vi har mottatt 500,00 kr 12.11.2026 kl. 15:05 på faktura INV-9");
    expect(text).toContain("Du spurte");
  });

  it("gives the reply's links as real links, in English with ?lang=en", async () => {
    const { answer, subject, tenantId, caseId } = await paidInPart();
    const question = "can I get a copy of the invoice?";
    const root = parseHtml(
      renderAssistantPage({
        lang: "en",
        csrf: "t",
        asked: { question, answer: await answer(subject, question, "en") },
      }),
    );
    const links = byTag(root, "a").map((a) => a.attrs.href);
    expect(links).toContain(`/min-side/krav/${tenantId}/${caseId}/faktura?lang=en`);
    const plan = await answer(subject, "can I pay in instalments?", "en");
    const planRoot = parseHtml(
      renderAssistantPage({ lang: "en", csrf: "t", asked: { question: "can I pay in instalments?", answer: plan } }),
    );
    expect(byTag(planRoot, "a").map((a) => a.attrs.href)).toContain(
      `/min-side/krav/${tenantId}/${caseId}/nedbetaling?lang=en`,
    );
  });

  it("says how to reach customer service when asked for a person (no message thread yet)", async () => {
    const { answer, subject } = await paidInPart();
    const question = "jeg vil snakke med et menneske";
    const asked = { question, answer: await answer(subject, question, "nb") };
    expect(asked.answer.reply.handOver).toBe(true);
    const text = readable(parseHtml(renderAssistantPage({ lang: "nb", csrf: "t", asked })).text);
    expect(text).toContain("Snakk med en person");
    expect(text).toContain("Ta kontakt med kundeservice direkte");
    expect(asked.answer.contacts).toHaveLength(1);
  });

  it("reads no case the subject may not see, and escapes the question", async () => {
    const { answer, tenantId } = await paidInPart();
    const question = "<script>alert(1)</script> hvor mye skylder jeg?";
    const stranger = { kind: "case" as const, tenantId, caseId: "c_someoneelse0000000000000" };
    const asked = { question, answer: await answer(stranger, question, "nb") };
    const html = renderAssistantPage({ lang: "nb", csrf: "t", asked });
    expect(html).not.toContain("<script>alert");
    expect(html).not.toContain("INV-9");
  });

  it("marks an empty question, and the overview links to the assistant", () => {
    const root = parseHtml(renderAssistantPage({ lang: "nb", csrf: "t", missing: true }));
    expect(byId(root, "sporsmal")!.attrs["aria-invalid"]).toBe("true");
    expect(readable(byId(root, "sporsmal-error")!.text)).toBe("Skriv et spørsmål først.");
    const overview = parseHtml(
      renderOverviewPage({ lang: "en", csrf: "t", subjectKind: "person", open: [], closed: [] }),
    );
    expect(byTag(overview, "a").find((a) => a.attrs.href === "/min-side/assistent?lang=en")).toBeDefined();
  });
});
