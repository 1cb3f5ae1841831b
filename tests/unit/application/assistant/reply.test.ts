/**
 * The assistant's answers from the signed-in person's cases: amounts and dates as a Norwegian reads them (Europe/Oslo),
 * the links to the forms and documents, general explanations without cases, and when it hands over to a person.
 */
import { describe, expect, it } from "vitest";
import { INTENTS, type AssistantLang } from "../../../../shared/application/assistant/intents";
import {
  composeAssistantReply,
  HAND_OVER_BELOW,
  type AssistantCase,
} from "../../../../shared/application/assistant/reply";
import { money } from "../../../../shared/domain/money";

const NOK = (value: number) => money(value, "NOK");
/** Intl's Norwegian amounts use no-break spaces; the tests read them as plain spaces. */
const plain = (text: string) => text.replace(/[\u00a0\u202f]/gu, " ").replace(/\u2212/gu, "-");

function aCase(overrides: Partial<AssistantCase> = {}): AssistantCase {
  return {
    tenantId: "t_fjordnett",
    caseId: "c_1001",
    creditorName: "Fjordnett",
    invoiceNumber: "1001",
    status: "open",
    balance: { total: NOK(141_000), principal: NOK(125_000), fees: NOK(7_000), interest: NOK(9_000) },
    kid: "0000100100016",
    payments: [],
    fees: [],
    services: [],
    nextStep: null,
    ...overrides,
  };
}

const ask = (intent: (typeof INTENTS)[number], cases: AssistantCase[], lang: AssistantLang = "nb", confidence = 0.95) =>
  composeAssistantReply({ intent, confidence, lang, cases });

describe("the assistant's answers", () => {
  describe("'har dere fått betalingen min?' (payment-status)", () => {
    const paid = aCase({
      payments: [
        { amount: NOK(50_000), receivedAt: "2026-11-02T09:00:00Z" },
        { amount: NOK(125_000), receivedAt: "2026-11-12T14:05:00Z" },
      ],
    });

    it("answers with the latest payment's amount, and its date and time in Norway", () => {
      const r = ask("payment-status", [paid]);
      expect(plain(r.text)).toBe("Ja, vi har mottatt 1 250,00 kr 12.11.2026 kl. 15:05 på faktura 1001 fra Fjordnett.");
      expect(r.handOver).toBe(false);
    });

    it("shows a summer payment in Norwegian summer time", () => {
      const r = ask("payment-status", [
        aCase({ payments: [{ amount: NOK(9_950), receivedAt: "2026-06-30T22:30:00Z" }] }),
      ]);
      expect(plain(r.text)).toContain("99,50 kr 01.07.2026 kl. 00:30");
    });

    it("answers in nynorsk and in English", () => {
      expect(plain(ask("payment-status", [paid], "nn").text)).toBe(
        "Ja, vi har motteke 1 250,00 kr 12.11.2026 kl. 15:05 på faktura 1001 frå Fjordnett.",
      );
      expect(plain(ask("payment-status", [paid], "en").text)).toBe(
        "Yes, we received NOK 1,250.00 on 12 Nov 2026 at 15:05 for invoice 1001 from Fjordnett.",
      );
    });

    it("says no payment is registered yet, when each kind of payment shows, and links 'I have paid' for each open claim", () => {
      const r = ask("payment-status", [aCase(), aCase({ caseId: "c_1002", invoiceNumber: "1002", status: "paid" })]);
      expect(r.text).toContain("Vi har ikke registrert noen betaling på kravene dine ennå.");
      expect(r.text).toContain("Vipps eller kort vises med en gang");
      expect(r.links).toEqual([
        {
          label: "Jeg har betalt faktura 1001 fra Fjordnett",
          href: "/min-side/krav/t_fjordnett/c_1001/jeg-har-betalt",
        },
      ]);
    });

    it("names the latest payment of each case when the person has several", () => {
      const other = aCase({
        tenantId: "t_kraft",
        caseId: "c_77",
        creditorName: "Kraftlaget",
        invoiceNumber: "77",
        payments: [{ amount: NOK(30_000), receivedAt: "2026-11-10T08:00:00Z" }],
      });
      const r = ask("payment-status", [paid, other]);
      expect(plain(r.text)).toBe(
        "Ja, vi har mottatt 1 250,00 kr 12.11.2026 kl. 15:05 på faktura 1001 fra Fjordnett. " +
          "Ja, vi har mottatt 300,00 kr 10.11.2026 kl. 09:00 på faktura 77 fra Kraftlaget.",
      );
    });
  });

  it("balance: what is owed on each open claim, broken down, and the total", () => {
    const r = ask("balance", [
      aCase(),
      aCase({
        caseId: "c_2",
        invoiceNumber: "2002",
        balance: { total: NOK(50_000), principal: NOK(50_000), fees: NOK(0), interest: NOK(0) },
      }),
    ]);
    expect(plain(r.text)).toBe(
      "Du skylder 1 410,00 kr på faktura 1001 fra Fjordnett (1 250,00 kr + gebyrer 70,00 kr + renter 90,00 kr). " +
        "Du skylder 500,00 kr på faktura 2002 fra Fjordnett. Til sammen 1 910,00 kr.",
    );
  });

  it("how-to-pay: Vipps, card and the bank, with each open claim's KID", () => {
    const r = ask("how-to-pay", [aCase({ accountNumber: "1234.56.78903" })], "en");
    expect(r.text).toContain("Vipps or card");
    expect(r.text).toContain("invoice 1001 from Fjordnett: KID 0000100100016, account 1234.56.78903.");
  });

  it("invoice-copy: links the copy of the original invoice", () => {
    const r = ask("invoice-copy", [aCase({ invoiceCopyHref: "/min-side/krav/t_fjordnett/c_1001/dokumenter/invoice" })]);
    expect(r.links).toEqual([
      {
        label: "Kopi av faktura 1001 fra Fjordnett (PDF)",
        href: "/min-side/krav/t_fjordnett/c_1001/dokumenter/invoice",
      },
    ]);
    expect(ask("invoice-copy", [aCase()]).text).toContain("under Dokumenter på kravet");
  });

  it("deferral and instalment-plan: link the forms of each open claim", () => {
    const cases = [aCase(), aCase({ caseId: "c_closed", status: "paid" })];
    expect(ask("deferral", cases).links).toEqual([
      { label: "Be om utsettelse på faktura 1001 fra Fjordnett", href: "/min-side/krav/t_fjordnett/c_1001/utsettelse" },
    ]);
    expect(ask("instalment-plan", cases, "nn").links).toEqual([
      {
        label: "Nedbetalingsplan for faktura 1001 frå Fjordnett",
        href: "/min-side/krav/t_fjordnett/c_1001/nedbetaling",
      },
    ]);
    expect(ask("deferral", [aCase({ tenantId: "t/x", caseId: "c 1" })]).links[0]!.href).toBe(
      "/min-side/krav/t%2Fx/c%201/utsettelse",
    );
  });

  it("dispute: links the objection form", () => {
    const r = ask("dispute", [aCase()], "en");
    expect(r.text).toContain("We wait with the next step while the creditor looks at it.");
    expect(r.links).toEqual([
      { label: "Object to invoice 1001 from Fjordnett", href: "/min-side/krav/t_fjordnett/c_1001/innsigelse" },
    ]);
  });

  it("fee-explanation: each fee with the letter that added it, its date and legal basis, and the letter linked", () => {
    const r = ask("fee-explanation", [
      aCase({
        fees: [
          {
            kind: "reminder",
            amount: NOK(3_500),
            legalBasis: "inkassoforskriften § 1-1",
            letter: {
              kind: "reminder",
              on: "2026-11-12",
              href: "/min-side/krav/t_fjordnett/c_1001/dokumenter/step-2-reminder",
            },
          },
        ],
      }),
    ]);
    expect(plain(r.text)).toBe(
      "Purregebyret (faktura 1001 fra Fjordnett) på 35,00 kr kom med purringen 12.11.2026 (inkassoforskriften § 1-1).",
    );
    expect(r.links).toEqual([
      { label: "Purringen 12.11.2026 (PDF)", href: "/min-side/krav/t_fjordnett/c_1001/dokumenter/step-2-reminder" },
    ]);
    expect(ask("fee-explanation", [aCase()]).text).toBe("Det er ikke lagt gebyrer på kravene dine.");
  });

  it("consequences: the next step with its day and legal basis", () => {
    const r = ask(
      "consequences",
      [aCase({ nextStep: { kind: "collection-notice", on: "2026-11-26", legalBasis: "inkassoloven § 9" } })],
      "en",
    );
    expect(r.text).toBe(
      "If invoice 1001 from Fjordnett is not paid, the next step is the debt collection notice on 26 Nov 2026 (inkassoloven § 9). If you pay before then, it does not happen.",
    );
  });

  it("service-reopen: the service's state; a reopen that failed goes to a person", () => {
    const suspended = ask("service-reopen", [aCase({ services: [{ kind: "broadband", state: "suspended" }] })]);
    expect(suspended.text).toContain("Bredbåndet på faktura 1001 fra Fjordnett er stengt.");
    expect(suspended.handOver).toBe(false);
    const reopening = ask("service-reopen", [aCase({ services: [{ kind: "power-meter", state: "reopening" }] })], "nn");
    expect(reopening.text).toBe(
      "Straumen på faktura 1001 frå Fjordnett blir opna no: vi har gjeve leverandøren beskjed.",
    );
    const stuck = ask("service-reopen", [aCase({ services: [{ kind: "broadband", state: "escalated" }] })], "en");
    expect(stuck.handOver).toBe(true);
    expect(ask("service-reopen", [aCase({ services: [{ kind: "broadband", state: "active" }] })]).text).toBe(
      "Ingen av kravene dine har en tjeneste som er stengt.",
    );
  });

  it("contact-human always hands over; so does any question the classifier was unsure of", () => {
    expect(ask("contact-human", [aCase()]).handOver).toBe(true);
    const unsure = ask("balance", [aCase()], "nb", HAND_OVER_BELOW - 0.01);
    expect(unsure.handOver).toBe(true);
    expect(unsure.text).toContain("Jeg er ikke sikker på at jeg forstod spørsmålet.");
    expect(ask("balance", [aCase()], "nb", HAND_OVER_BELOW).handOver).toBe(false);
  });

  it("explains generally when nobody is signed in", () => {
    expect(ask("balance", [], "en").text).toBe(
      "Sign in to Min side to see what you owe today, with fees and interest.",
    );
    expect(ask("deferral", [], "nb").links).toEqual([]);
    expect(ask("payment-status", [], "nn").text).toContain("Betaling med Vipps eller kort syner med ein gong.");
  });

  it("answers every intent in every language, with text and without a person unless asked", () => {
    for (const lang of ["nb", "nn", "en"] as const) {
      for (const intent of INTENTS) {
        for (const cases of [[], [aCase()]]) {
          const r = ask(intent, cases, lang);
          expect(r.text.length, `${intent} ${lang}`).toBeGreaterThan(20);
          expect(r.handOver, `${intent} ${lang}`).toBe(intent === "contact-human");
        }
      }
    }
  });
});
