import type { Money } from "../../../shared/domain/money";
import type { PayPageCase, PayPageView, ReceiptView } from "../../../shared/application/payments/pay-page-model";

export const nok = (value: number): Money => ({ value, currency: "NOK" });

export function payCase(overrides: Partial<PayPageCase> = {}, n = 1): PayPageCase {
  return {
    caseId: `case-${n}`,
    invoiceNumber: `2026-10${n}`,
    description: "Strøm oktober 2026",
    kid: `00012345678${n}`,
    dueDate: "2026-11-02",
    invoiced: nok(123450),
    balance: { principal: nok(123450), fees: nok(3500), interest: nok(1275), total: nok(128225) },
    status: "open",
    inCollection: false,
    serviceSuspended: false,
    stage: "reminder",
    feeLines: [
      {
        kind: "reminder",
        amount: nok(3500),
        letter: { caseId: `case-${n}`, documentId: "step-1-reminder", kind: "reminder", on: "2026-11-16" },
      },
    ],
    feesPaid: nok(0),
    ...overrides,
  };
}

/** A link with three cases, every option and both methods: the largest page there is. */
export function fullView(overrides: Partial<PayPageView> = {}): PayPageView {
  const cases = [1, 2, 3].map((n) =>
    payCase(
      { serviceSuspended: n === 1, inCollection: n === 1, description: `Bredbånd og strøm, faktura nummer ${n}` },
      n,
    ),
  );
  return {
    token: "tok_AbCdEf0123456789xyz",
    creditor: { name: "Fjordkraft Strøm AS", logoUrl: "https://cdn.example.no/logo.png" },
    cases,
    total: nok(384675),
    options: [
      { kind: "full", amount: nok(384675) },
      { kind: "instalment", amount: nok(50000), dueDate: "2026-12-01" },
      { kind: "reopen", amount: nok(128225) },
      { kind: "custom", min: nok(10000), max: nok(384675) },
    ],
    methods: ["vipps", "card"],
    accountNumber: "1234.56.78903",
    expiresAt: "2026-12-23T23:30:00Z",
    today: "2026-11-23",
    stage: "collection",
    creditorContact: {
      name: "Fjordkraft Strøm AS",
      phone: "22 12 34 56",
      email: "kundeservice@fjordkraft.example",
      web: "fjordkraft.example",
    },
    agencyContact: {
      name: "Betalingsoppfølging AS",
      phone: "22 00 00 00",
      email: "kundeservice@example.no",
      web: "https://example.no",
    },
    ...overrides,
  };
}

export function receipt(overrides: Partial<ReceiptView> = {}): ReceiptView {
  return {
    token: "tok_AbCdEf0123456789xyz",
    creditor: { name: "Fjordkraft Strøm AS" },
    state: "paid",
    payment: { reference: "ref-0001-abcd", amount: nok(128225), method: "vipps" },
    cases: [
      { invoiceNumber: "2026-101", balance: nok(0), status: "paid" },
      { invoiceNumber: "2026-102", balance: nok(128225), status: "open" },
    ],
    services: [],
    ...overrides,
  };
}
