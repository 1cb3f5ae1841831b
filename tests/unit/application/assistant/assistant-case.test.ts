/**
 * From a case record to the assistant's answer: a debtor who paid part of an invoice asks "har dere fått betalingen
 * min?" and is told the payment's amount and the date and time it was registered, in Norway's time.
 */
import { describe, expect, it } from "vitest";
import { assistantCaseOf } from "../../../../shared/application/assistant/assistant-case";
import { composeAssistantReply } from "../../../../shared/application/assistant/reply";
import { questionSetClassifier } from "../../../../shared/application/assistant/question-set";
import { makeRecordDirectPayment } from "../../../../shared/application/record-direct-payment";
import { makeRegisterInvoice } from "../../../../shared/application/register-invoice";
import { money } from "../../../../shared/domain/money";
import { seedTenant, testWorld } from "../../functions/api/api-fixtures";

const plain = (text: string) => text.replace(/[\u00a0\u202f]/gu, " ");

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
  const record = (await w.deps.cases.get(tenantId, caseId))!;
  const tenant = (await w.deps.tenants.get(tenantId))!;
  return { w, record, tenant, tenantId, caseId };
}

describe("the assistant's view of a case", () => {
  it("carries the payment with its amount and the instant it was registered, the balance and the next step", async () => {
    const { w, record, tenant, tenantId, caseId } = await paidInPart();
    const view = assistantCaseOf(record, tenant, w.clock.now(), {
      invoiceCopy: (r) => `/min-side/krav/${r.tenantId}/${r.caseId}/dokumenter/faktura`,
    });
    expect(view).toMatchObject({
      tenantId,
      caseId,
      creditorName: tenant.name,
      invoiceNumber: "INV-9",
      status: "open",
      payments: [{ amount: money(50_000, "NOK"), receivedAt: "2026-11-12T14:05:00.000Z" }],
      fees: [],
      services: [],
      invoiceCopyHref: `/min-side/krav/${tenantId}/${caseId}/dokumenter/faktura`,
    });
    // The payment covered the interest run up since the due date first, then principal.
    const { total, principal, fees, interest } = view.balance;
    expect(total.value).toBe(principal.value + fees.value + interest.value);
    expect(principal.value).toBeGreaterThan(129_900 - 50_000);
    expect(principal.value).toBeLessThan(129_900);
    expect(view.nextStep?.on).toMatch(/^\d{4}-\d{2}-\d{2}$/u);
    expect(view.nextStep?.legalBasis.length).toBeGreaterThan(0);
  });

  it("answers 'har dere fått betalingen min?' with that payment's amount and date", async () => {
    const { w, record, tenant } = await paidInPart();
    const question = "har dere fått betalingen min?";
    const { intent, confidence } = questionSetClassifier.classify(question);
    const reply = composeAssistantReply({
      intent,
      confidence,
      lang: "nb",
      cases: [assistantCaseOf(record, tenant, w.clock.now())],
    });
    expect(plain(reply.text)).toBe(
      `Ja, vi har mottatt 500,00 kr 12.11.2026 kl. 15:05 på faktura INV-9 fra ${tenant.name}.`,
    );
    expect(reply.handOver).toBe(false);
  });

  it("gives a fee's legal basis as the letter cites it, without the rule set's English notes", async () => {
    const { w, record, tenant } = await paidInPart();
    // A reminder fee as the planner records it: the rule set's basis, with its notes written for us in English.
    const basis =
      "inkassoforskriften §§ 1-2, 1-3 (claims falling due on or after 2020-10-01): reminder fee at most 1/20 of the " +
      "inkassosats in force on 2026-12-31 (NOK 750.00, unconfirmed) = NOK 37.50";
    const withFee = {
      ...record,
      case: {
        ...record.case,
        ledger: [
          ...record.case.ledger,
          {
            type: "fee" as const,
            on: "2026-11-12",
            feeKind: "reminder" as const,
            amount: money(3_750, "NOK"),
            stepIndex: 1,
            legalBasis: basis,
          },
        ],
      },
    };
    const question = "hvorfor har jeg fått et gebyr?";
    const { intent, confidence } = questionSetClassifier.classify(question);
    const reply = composeAssistantReply({
      intent,
      confidence,
      lang: "nb",
      cases: [assistantCaseOf(withFee, tenant, w.clock.now())],
    });
    expect(plain(reply.text)).toContain("(inkassoforskriften §§ 1-2, 1-3).");
    for (const english of ["claims falling due", "reminder fee at most", "unconfirmed", "in force"])
      expect(reply.text).not.toContain(english);
  });
});
