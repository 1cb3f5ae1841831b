/**
 * Asked for a person, Spør oss (Min side's and the pay page's) says one true thing once (issue 15, a newcomer's
 * finding): it never says the conversation was sent to customer service before the debtor has sent anything, the
 * agency's contact line is not repeated for each creditor, and the pay page does not say the same sentence twice.
 */
import { describe, expect, it } from "vitest";
import { composeAssistantReply } from "../../../shared/application/assistant/reply";
import type { AssistantAnswer } from "../../../shared/application/min-side/assistant";
import { renderAssistantPage } from "../../../shared/web/min-side-pages";
import { renderHandOverForm } from "../../../shared/web/min-side/message-pages";
import { renderPayAssistant } from "../../../shared/web/pay-assistant";
import { parseHtml, readable } from "./html";

const AGENCY = { name: "Betalingsoppfølging AS", phone: "+47 22 00 00 00", email: "kundeservice@example.no" };
const QUESTION = "jeg vil snakke med et menneske";
const count = (text: string, part: string) => text.split(part).length - 1;

function answer(lang: "nb" | "en", creditors: string[]): AssistantAnswer {
  return {
    reply: composeAssistantReply({ intent: "contact-human", confidence: 1, lang, cases: [] }),
    contacts: creditors.map((creditorName, i) => ({
      creditorName,
      creditorContact: { name: creditorName, phone: `22 12 34 5${String(i)}` },
      agencyContact: AGENCY,
    })),
  };
}

describe("Min side's Spør oss, asked for a person", () => {
  it("says nothing was sent yet, offers the form, and gives the agency's line once for two creditors", () => {
    const asked = { question: QUESTION, answer: answer("nb", ["Demo Kreditor AS", "Nordlys Energi AS"]) };
    const handOverFormHtml = renderHandOverForm({
      lang: "nb",
      csrf: "t",
      question: QUESTION,
      answer: asked.answer.reply.text,
      claims: [{ tenantId: "t1", caseId: "c1", invoiceNumber: "1001", creditorName: "Demo Kreditor AS" }],
    });
    const text = readable(parseHtml(renderAssistantPage({ lang: "nb", csrf: "t", asked, handOverFormHtml })).text);
    expect(text).not.toMatch(/sender (samtalen|det) videre/u);
    expect(text).toContain("Send til kundeservice");
    expect(count(text, "Betalingsoppfølging AS")).toBe(1);
    expect(text).toContain("Demo Kreditor AS");
    expect(text).toContain("Nordlys Energi AS");
  });

  it("promises nothing sent in English or when unsure either", () => {
    const en = composeAssistantReply({ intent: "contact-human", confidence: 1, lang: "en", cases: [] });
    expect(en.text).not.toMatch(/passing (it|the conversation) on/u);
    const unsure = composeAssistantReply({ intent: "balance", confidence: 0, lang: "nb", cases: [] });
    expect(unsure.handOver).toBe(true);
    expect(unsure.text).not.toMatch(/sender (samtalen|det) videre|svarer deg her/u);
  });
});

describe("the pay page's Spør oss, asked for a person", () => {
  it("says each sentence once, then the contacts", () => {
    for (const lang of ["nb", "nn", "en"] as const) {
      const html = renderPayAssistant({
        lang,
        action: "/p/tok/assistent",
        asked: { question: QUESTION, answer: answer(lang === "en" ? "en" : "nb", ["Demo Kreditor AS"]) },
      });
      const text = readable(parseHtml(html).text);
      const sentences = text
        .split(/(?<=[.:])\s+/u)
        .map((s) => s.trim())
        .filter((s) => s.length > 12);
      expect(sentences.filter((s, i) => sentences.indexOf(s) !== i)).toEqual([]);
      expect(text).not.toMatch(/svarer kundeservice best på|svarar kundeservice best på|answers this best/u);
      expect(count(text, "Demo Kreditor AS")).toBe(1);
    }
  });
});
