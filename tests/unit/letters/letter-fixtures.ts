/**
 * Letter models for the tests: one per kind, for a fictitious creditor and debtor. Valid identifiers come from the
 * reference test vectors (org number 123456785, account 12345678903, KID 10000123454 MOD10).
 */
import type { LetterModelInput } from "../../../shared/letters";

const nok = (value: number) => ({ value, currency: "NOK" as const });

export const creditor = {
  name: "Fjordkraft Testnett AS",
  orgNumber: "123456785",
  address: { lines: ["Postboks 123 Sentrum"], postalCode: "0102", city: "Oslo" },
  accountNumber: "12345678903",
  contact: { phone: "22 12 34 56", email: "kundeservice@testnett.no", web: "testnett.no" },
};

export const debtor = {
  name: "Kari Nordmann",
  address: { lines: ["c/o Ola Hansen", "Storgata 1 B"], postalCode: "0155", city: "Oslo" },
};

export const payment = { account: "12345678903", kid: "10000123454", payLink: "https://pay.testnett.no/p/Xy7Qk2" };

const claim = {
  invoiceNumber: "F-2026-1001",
  caseReference: "C-7Q2K",
  issueDate: "2026-10-18",
  dueDate: "2026-11-01",
  description: "strøm for oktober 2026",
};

/** Purring sent 22 days after the due date, with a reminder fee and invoice lines. Total 1 269,50. */
export function reminder(overrides: Partial<LetterModelInput> = {}): LetterModelInput {
  return {
    kind: "reminder",
    creditor,
    debtor,
    claim: {
      ...claim,
      lines: [
        { description: "Nettleie oktober", amount: nok(45_000) },
        { description: "Strøm 1 234 kWh", amount: nok(78_450) },
      ],
    },
    amounts: {
      principal: nok(123_450),
      fees: [{ kind: "reminder-fee", amount: nok(3_500), legalBasis: "inkassoforskriften § 1-2" }],
      totalDue: nok(126_950),
    },
    payment,
    sentDate: "2026-11-23",
    deadline: "2026-12-07",
    ...overrides,
  } as LetterModelInput;
}

/** Inkassovarsel with a 14-day deadline, carrying the earlier reminder fee and its own fee. Total 1 304,50. */
export function collectionNotice(overrides: Partial<LetterModelInput> = {}): LetterModelInput {
  return {
    kind: "collection-notice",
    creditor,
    debtor,
    claim,
    amounts: {
      principal: nok(123_450),
      fees: [
        { kind: "reminder-fee", amount: nok(3_500), legalBasis: "inkassoforskriften § 1-2", chargedOn: "2026-11-23" },
        { kind: "collection-notice-fee", amount: nok(3_500), legalBasis: "inkassoforskriften § 1-2" },
      ],
      totalDue: nok(130_450),
    },
    payment,
    sentDate: "2026-12-08",
    deadline: "2026-12-22",
    ...overrides,
  } as LetterModelInput;
}

/**
 * Betalingsoppfordring from the creditor itself: principal, three fees, interest at 12,00 % from the day after the
 * due date, and a part payment. 1 234,50 + 35 + 35 + 105 + 26,38 − 500 = 935,88.
 */
export function paymentDemand(overrides: Partial<LetterModelInput> = {}): LetterModelInput {
  return {
    kind: "payment-demand",
    creditor,
    debtor,
    claim,
    amounts: {
      principal: nok(123_450),
      fees: [
        { kind: "reminder-fee", amount: nok(3_500), legalBasis: "inkassoforskriften § 1-2", chargedOn: "2026-11-23" },
        {
          kind: "collection-notice-fee",
          amount: nok(3_500),
          legalBasis: "inkassoforskriften § 1-2",
          chargedOn: "2026-12-08",
        },
        { kind: "payment-demand-fee", amount: nok(10_500), legalBasis: "inkassoforskriften § 1-3" },
      ],
      interest: {
        amount: nok(2_638),
        annualRatePercent: 12,
        fromDate: "2026-11-02",
        toDate: "2027-01-05",
      },
      payments: [{ date: "2026-12-15", amount: nok(50_000) }],
      totalDue: nok(93_588),
    },
    payment,
    sentDate: "2027-01-05",
    deadline: "2027-01-19",
    ...overrides,
  } as LetterModelInput;
}

/** Varsel om stenging of a consumer's power supply, 4 weeks to pay. Total 1 234,50. */
export function suspensionNotice(overrides: Partial<LetterModelInput> = {}): LetterModelInput {
  return {
    kind: "suspension-notice",
    creditor,
    debtor,
    claim,
    amounts: { principal: nok(123_450), totalDue: nok(123_450) },
    payment,
    sentDate: "2026-11-23",
    deadline: "2026-12-21",
    suspension: {
      service: "power-meter",
      serviceDescription: "strømmen til Storgata 1 B, 0155 Oslo (målepunkt 707057500012345678)",
      earliestDisconnectionDate: "2026-12-22",
      customerKind: "consumer",
    },
    ...overrides,
  };
}
