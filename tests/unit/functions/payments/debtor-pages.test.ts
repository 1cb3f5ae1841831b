/**
 * What a debtor sees behind a pay link, through the HTTP functions with every port in memory: the pay page in the
 * words of the last letter, each fee linked to the letter that added it (and that letter served to the link's holder
 * only), the creditor's and the agency's contact details, and a receipt that says exactly what happened — part
 * payment or paid, when, what it covered, what is left and the next step's day — with a PDF that says the same.
 */
import { HttpRequest, type HttpResponseInit } from "@azure/functions";
import { beforeEach, describe, expect, it } from "vitest";
import { makeApplyProviderEvent } from "../../../../shared/application/payments/apply-provider-event";
import { makeRegisterInvoice } from "../../../../shared/application/register-invoice";
import { makePayPageFunctions, type PayPageFunctionDeps } from "../../../../functions/payments/http-pay-page";
import type { CaseRecord } from "../../../../shared/ports/case-store";
import type { ProviderEventMessage } from "../../../../shared/ports/payment-queue";
import { FakePaymentProvider } from "../../../support/fake-payment-provider";
import { context, seedTenant, testWorld, type TestWorld } from "../api/api-fixtures";
import { pdfText } from "../../letters/pdf-text";

const BASE = "https://pay.example.test";
const LETTERHEAD = {
  name: "Betalingsoppfølging AS",
  address: { lines: ["Postboks 1234 Sentrum"], postalCode: "0106", city: "Oslo" },
  accountNumber: "12345678903",
  contact: { phone: "+47 22 00 00 00", email: "kundeservice@example.no", web: "https://example.no" },
};
let w: TestWorld;
let provider: FakePaymentProvider;
let token: string;
let caseId: string;
let tenantId: string;

function deps(): PayPageFunctionDeps {
  return { ...w.deps, paymentProvider: provider, letterhead: LETTERHEAD };
}

function request(method: "GET" | "POST", path: string, form?: Record<string, string>): HttpRequest {
  const url = new URL(`${BASE}${path}`);
  const [, , t, , caseParam, documentParam] = url.pathname.split("/");
  return new HttpRequest({
    method,
    url: url.toString(),
    headers: {
      "x-forwarded-for": "203.0.113.7:5555",
      ...(form ? { "content-type": "application/x-www-form-urlencoded" } : {}),
    },
    ...(form ? { body: { string: new URLSearchParams(form).toString() } } : {}),
    params: {
      token: t ?? "",
      ...(caseParam ? { caseId: decodeURIComponent(caseParam) } : {}),
      ...(documentParam ? { documentId: decodeURIComponent(documentParam) } : {}),
    },
  });
}

/** The response body as text (pages are strings; a PDF is a Buffer). */
function body(res: HttpResponseInit): string {
  if (typeof res.body === "string") return res.body;
  if (Buffer.isBuffer(res.body)) return res.body.toString("latin1");
  throw new Error(`unexpected body: ${typeof res.body}`);
}

const header = (res: HttpResponseInit, name: string) => (res.headers as Record<string, string>)[name];
const text = (res: HttpResponseInit) =>
  body(res)
    .replace(/<[^>]+>/gu, " ")
    .replace(/[\s\u00a0\u202f]+/gu, " ");

function event(reference: string): ProviderEventMessage {
  return {
    kind: "provider-event",
    event: { reference, name: "AUTHORIZED", pspReference: `psp-${reference}`, timestamp: w.clock.now().toISOString() },
  } as unknown as ProviderEventMessage;
}

/** The ladder sent a reminder (35 kr) and a collection notice (70 kr), each archived as a PDF. */
async function sendLetters(): Promise<void> {
  const letters = [
    { stepIndex: 1, kind: "reminder" as const, on: "2026-10-15", fee: 3500 },
    { stepIndex: 4, kind: "collection-notice" as const, on: "2026-10-30", fee: 7000 },
  ];
  for (const l of letters) {
    await w.deps.letters.put({
      tenantId,
      caseId,
      documentId: `step-${l.stepIndex}-${l.kind}`,
      kind: l.kind,
      contentType: "application/pdf",
      content: Buffer.from(`%PDF-1.7 ${l.kind}`),
      createdAt: new Date(`${l.on}T08:00:00Z`),
    });
  }
  await w.deps.cases.update(tenantId, caseId, (r: CaseRecord) => ({
    ...r,
    documents: letters.map((l) => ({
      documentId: `step-${l.stepIndex}-${l.kind}`,
      kind: l.kind,
      createdAt: `${l.on}T08:00:00.000Z`,
      contentType: "application/pdf",
    })),
    case: {
      ...r.case,
      stage: "collection-notice",
      steps: [
        {
          stepIndex: 0,
          kind: "lets-pay-sms" as const,
          on: "2026-10-08",
          at: "2026-10-08T07:00:00.000Z",
          channel: "sms" as const,
          deadline: null,
          fee: null,
          serviceIds: [],
        },
        ...letters.map((l) => ({
          stepIndex: l.stepIndex,
          kind: l.kind,
          on: l.on,
          at: `${l.on}T08:00:00.000Z`,
          channel: "letter" as const,
          deadline: null,
          fee: { value: l.fee, currency: "NOK" as const },
          serviceIds: [],
        })),
      ],
      ledger: [
        ...r.case.ledger,
        ...letters.map((l) => ({
          type: "fee" as const,
          on: l.on,
          feeKind: l.kind,
          amount: { value: l.fee, currency: "NOK" as const },
          stepIndex: l.stepIndex,
          legalBasis: "inkassoforskriften § 1-2",
        })),
      ],
    },
  }));
}

beforeEach(async () => {
  w = testWorld({ now: "2026-11-12T13:05:00Z" });
  provider = new FakePaymentProvider();
  ({ tenantId } = await seedTenant(w));
  await w.deps.tenants.create(
    {
      ...(await w.deps.tenants.get(tenantId))!,
      tenantId: "t_contact",
      name: "Fjordnett AS",
      contact: { phone: "22 12 34 56", email: "kundeservice@fjordnett.no", web: "fjordnett.no" },
    },
    { keyId: "k_contact", tenantId: "t_contact", keyHash: "x", createdAt: w.clock.now().toISOString() },
  );
  tenantId = "t_contact";
  const r = await makeRegisterInvoice(w.deps)(tenantId, {
    invoiceNumber: "1001",
    customer: { customerId: "c-1", name: "Kari Nordmann", phone: "+4791234567", consent: { sms: true, email: false } },
    amount: { value: 125_000, currency: "NOK" },
    issueDate: "2026-09-15",
    dueDate: "2026-10-01",
  });
  token = r.payLink.split("/p/")[1]!;
  caseId = r.caseId;
});

describe("the pay page of a claim that had a reminder and a collection notice", () => {
  it("says inkassovarsel, links each fee to its letter, and shows the creditor's and the agency's contacts", async () => {
    await sendLetters();
    const fns = makePayPageFunctions(() => deps());
    const res = await fns.show(request("GET", `/p/${token}`), context());
    expect(res.status).toBe(200);
    const page = text(res);
    expect(page).toContain("Inkassovarsel fra Fjordnett AS");
    expect(page).toContain("Betal inkassovarselet med Vipps");
    expect(page).toContain("Purregebyr 35,00 kr Purring 15.10.2026 (PDF)");
    expect(page).toContain("Gebyr for inkassovarsel 70,00 kr Inkassovarsel 30.10.2026 (PDF)");
    expect(page).toContain("Kontakt Fjordnett AS: telefon 22 12 34 56 kundeservice@fjordnett.no fjordnett.no");
    expect(page).toContain(
      "Kontakt Betalingsoppfølging AS: telefon +47 22 00 00 00 kundeservice@example.no example.no",
    );
    expect(body(res)).toContain('<a href="tel:+4722000000">telefon +47 22 00 00 00</a>');
    const hrefs = [...body(res).matchAll(/class="doc" href="([^"]+)"/gu)].map((m) => m[1]!);
    expect(hrefs).toEqual([
      `/p/${token}/letters/${caseId}/step-1-reminder`,
      `/p/${token}/letters/${caseId}/step-4-collection-notice`,
    ]);

    const letter = await fns.letter(request("GET", hrefs[1]!), context());
    expect(letter.status).toBe(200);
    expect(header(letter, "content-type")).toBe("application/pdf");
    expect(body(letter)).toBe("%PDF-1.7 collection-notice");
    // Only the link's own cases and their listed letters: anything else is an unknown link.
    const other = await fns.letter(request("GET", `/p/${token}/letters/another-case/step-1-reminder`), context());
    expect(other.status).toBe(404);
    const unlisted = await fns.letter(request("GET", `/p/${token}/letters/${caseId}/step-9-reminder`), context());
    expect(unlisted.status).toBe(404);
  });
});

describe("the receipt", () => {
  async function pay(form: Record<string, string>): Promise<string> {
    const fns = makePayPageFunctions(() => deps());
    const started = await fns.pay(request("POST", `/p/${token}/pay`, form), context());
    expect(started.status).toBe(303);
    const reference = header(started, "location")!.split("/").pop()!;
    provider.approve(reference);
    w.clock.set("2026-11-12T13:07:30Z");
    const outcome = await makeApplyProviderEvent({ ...w.deps, paymentProvider: provider })(event(reference));
    expect(outcome).toMatchObject({ outcome: "applied" });
    return reference;
  }

  it("of a part payment says Delbetaling mottatt, when, what it covered, what is left and the next step's day", async () => {
    await sendLetters();
    const reference = await pay({ method: "vipps", option: "custom", amount: "500" });
    const fns = makePayPageFunctions(() => deps());
    const res = await fns.receipt(request("GET", `/p/${token}/receipt?ref=${reference}`), context());
    const page = text(res);
    expect(body(res)).toContain("<h1>Delbetaling mottatt</h1>");
    // 13:07 UTC is 14:07 in Oslo in November.
    expect(page).toContain("Vi har fått 500,00 kr (Vipps) 12.11.2026 kl. 14:07. Takk!");
    // The usual order: fees first (35 + 70 kr), then interest, then principal.
    expect(page).toMatch(/Dette dekket betalingen Gebyrer 105,00 kr Renter (\d+,\d\d) kr Hovedstol (\d+,\d\d) kr/u);
    const ore = (kr: string) => Number(kr.replace(/\D/gu, ""));
    const [, interest, principal] = /Renter (\d+,\d\d) kr Hovedstol (\d+,\d\d) kr/u.exec(page)!;
    expect(10_500 + ore(interest!) + ore(principal!), "the parts add up to the 500 kr paid").toBe(50_000);
    expect(page).toMatch(/Faktura 1001 Gjenstår å betale: [\d ]+,\d\d kr/u);
    expect(page).toMatch(/Neste steg: [a-zæøå ]+ \d\d\.\d\d\.2026, hvis resten ikke er betalt før det\./u);
    expect(body(res)).toContain(`<span class="nowrap">${reference}</span>`);

    const pdfHref = `/p/${token}/receipt/pdf?ref=${reference}`;
    expect(body(res)).toContain(`href="${pdfHref}"`);
    const pdf = await fns.receiptPdf(request("GET", pdfHref), context());
    expect(pdf.status).toBe(200);
    expect(header(pdf, "content-type")).toBe("application/pdf");
    expect(header(pdf, "content-disposition")).toBe(`attachment; filename="kvittering-${reference}.pdf"`);
    const extracted = await pdfText(new Uint8Array(pdf.body as Buffer));
    expect(extracted.flat).toContain("Delbetaling mottatt");
    expect(extracted.flat).toContain("Vi har fått 500,00 kr (Vipps) 12.11.2026 kl. 14:07. Takk!");
    expect(extracted.flat).toContain(`Referanse: ${reference}`);
    expect(extracted.flat).toContain("Dette dekket betalingen Gebyrer 105,00 kr");
    expect(extracted.flat).toMatch(/Neste steg: [a-zæøå ]+ \d\d\.\d\d\.2026/u);
    expect(extracted.flat).toContain(
      "Kontakt Fjordnett AS: telefon 22 12 34 56, kundeservice@fjordnett.no, fjordnett.no",
    );
  });

  it("of the whole balance says Betalt, with no next step, and so does its PDF; no PDF before it is paid", async () => {
    const fns = makePayPageFunctions(() => deps());
    const started = await fns.pay(request("POST", `/p/${token}/pay`, { method: "card", option: "full" }), context());
    const pending = header(started, "location")!.split("/").pop()!;
    expect((await fns.receiptPdf(request("GET", `/p/${token}/receipt/pdf?ref=${pending}`), context())).status).toBe(
      404,
    );
    provider.approve(pending);
    await makeApplyProviderEvent({ ...w.deps, paymentProvider: provider })(event(pending));
    const res = await fns.receipt(request("GET", `/p/${token}/receipt?ref=${pending}`), context());
    expect(body(res)).toContain("<h1>Betalt</h1>");
    expect(text(res)).not.toContain("Neste steg");
    expect(text(res)).toContain("Faktura 1001 Saken er betalt");
    const pdf = await fns.receiptPdf(request("GET", `/p/${token}/receipt/pdf?ref=${pending}&lang=en`), context());
    const extracted = await pdfText(new Uint8Array(pdf.body as Buffer));
    expect(extracted.flat).toContain("Paid");
    expect(extracted.flat).toContain("Invoice 1001 This case is paid");
    expect(header(pdf, "content-disposition")).toBe(`attachment; filename="receipt-${pending}.pdf"`);
  });
});
