/**
 * The pay page's HTTP edge, host-free: status codes and headers a browser and a debtor see — 200 page, 404/410 kind
 * pages, 303 to the provider, 422 with the message at the field, 429 with Retry-After, 503 instead of a stack trace.
 */
import { RequestRateLimiter } from "../../../../shared/http/rate-limit";
import { HttpRequest, type HttpResponseInit } from "@azure/functions";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { beforeEach, describe, expect, it } from "vitest";
import { makeRegisterInvoice } from "../../../../shared/application/register-invoice";
import { makeRecordDirectPayment } from "../../../../shared/application/record-direct-payment";
import { makePayPageFunctions, type PayPageFunctionDeps } from "../../../../functions/payments/http-pay-page";
import { FakePaymentProvider } from "../../../support/fake-payment-provider";
import { context, seedTenant, testWorld, type TestWorld } from "../api/api-fixtures";

const BASE = "https://pay.example.test";
let w: TestWorld;
let provider: FakePaymentProvider;
let token: string;
let caseId: string;

function deps(overrides: Partial<PayPageFunctionDeps> = {}): PayPageFunctionDeps {
  return { ...w.deps, paymentProvider: provider, ...overrides };
}

function get(path: string, headers: Record<string, string> = {}): HttpRequest {
  const url = new URL(`${BASE}${path}`);
  const [, , t] = url.pathname.split("/");
  return new HttpRequest({
    method: "GET",
    url: url.toString(),
    headers: { "x-forwarded-for": "203.0.113.7:5555", ...headers },
    params: { token: t ?? "" },
  });
}

function post(path: string, form: Record<string, string>): HttpRequest {
  const url = new URL(`${BASE}${path}`);
  const [, , t] = url.pathname.split("/");
  return new HttpRequest({
    method: "POST",
    url: url.toString(),
    headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": "203.0.113.7:5555" },
    body: { string: new URLSearchParams(form).toString() },
    params: { token: t ?? "" },
  });
}

function header(res: HttpResponseInit, name: string): string | undefined {
  return (res.headers as Record<string, string> | undefined)?.[name];
}

/** The page the handler answered with (its body is always rendered HTML text). */
function page(res: HttpResponseInit): string {
  if (typeof res.body !== "string") throw new Error(`expected an HTML body, got ${typeof res.body}`);
  return res.body;
}

beforeEach(async () => {
  w = testWorld({ now: "2026-11-12T10:00:00Z" });
  provider = new FakePaymentProvider();
  const { tenantId } = await seedTenant(w);
  const r = await makeRegisterInvoice(w.deps)(tenantId, {
    invoiceNumber: "INV-9",
    customer: { customerId: "c-9", name: "Ola Nordmann", phone: "+4791234567", consent: { sms: true, email: false } },
    amount: { value: 129_900, currency: "NOK" },
    issueDate: "2026-10-20",
    dueDate: "2026-11-05",
  });
  token = r.payLink.split("/p/")[1]!;
  caseId = r.caseId;
});

describe("GET /p/{token}", () => {
  it("serves the page in Norwegian, uncached, with a strict content security policy and no referrer", async () => {
    const fns = makePayPageFunctions(() => deps());
    const res = await fns.show(get(`/p/${token}`), context());
    expect(res.status).toBe(200);
    expect(header(res, "content-type")).toBe("text/html; charset=utf-8");
    expect(header(res, "cache-control")).toBe("no-store");
    expect(header(res, "referrer-policy")).toBe("no-referrer");
    expect(header(res, "content-security-policy")).toContain("default-src 'none'");
    expect(page(res)).toContain('lang="nb"');
    expect(page(res)).toContain("INV-9");
    expect(page(res)).toContain("Betal med Vipps");
    const en = await fns.show(get(`/p/${token}?lang=en`), context());
    expect(page(en)).toContain('lang="en"');
  });

  it("compresses the page with brotli or gzip when the browser accepts it, and says so in vary", async () => {
    const fns = makePayPageFunctions(() => deps());
    const plain = await fns.show(get(`/p/${token}`), context());
    expect(header(plain, "content-encoding")).toBeUndefined();
    expect(header(plain, "vary")).toBe("accept-encoding");
    const html = page(plain);
    const br = await fns.show(get(`/p/${token}`, { "accept-encoding": "gzip, deflate, br" }), context());
    expect(header(br, "content-encoding")).toBe("br");
    const brBody = br.body as Uint8Array;
    expect(brotliDecompressSync(brBody).toString("utf8")).toBe(html);
    expect(brBody.length).toBeLessThan(Buffer.byteLength(html) / 2);
    const gz = await fns.show(get(`/p/${token}`, { "accept-encoding": "gzip;q=1, br;q=0" }), context());
    expect(header(gz, "content-encoding")).toBe("gzip");
    expect(gunzipSync(gz.body as Uint8Array).toString("utf8")).toBe(html);
    const notFound = await fns.show(get(`/p/${"A".repeat(27)}`, { "accept-encoding": "br" }), context());
    expect(notFound.status).toBe(404);
    expect(header(notFound, "content-encoding")).toBe("br");
  });

  it("answers an unknown link with 404 and an expired one with 410, each a page saying what to do", async () => {
    const fns = makePayPageFunctions(() => deps());
    const unknown = await fns.show(get(`/p/${"A".repeat(27)}`), context());
    expect(unknown.status).toBe(404);
    expect(header(unknown, "content-type")).toContain("text/html");
    w.clock.set("2026-12-20T10:00:00Z");
    const expired = await fns.show(get(`/p/${token}`), context());
    expect(expired.status).toBe(410);
    expect(page(expired)).toContain("KID");
  });

  it("limits requests per link and answers 429 with Retry-After", async () => {
    const payPageLimiter = new RequestRateLimiter({
      token: { points: 3, durationSeconds: 60 },
      client: { points: 300, durationSeconds: 60 },
    });
    const fns = makePayPageFunctions(() => deps({ payPageLimiter }));
    for (let i = 0; i < 3; i += 1) expect((await fns.show(get(`/p/${token}`), context())).status).toBe(200);
    const limited = await fns.show(get(`/p/${token}`), context());
    expect(limited.status).toBe(429);
    expect(Number(header(limited, "retry-after"))).toBeGreaterThan(0);
  });

  it("shows a kind 503 page, not a stack trace, when the store fails", async () => {
    const broken = { ...w.deps.payLinks, get: async () => Promise.reject(new Error("cosmos down at 10.0.0.1")) };
    const fns = makePayPageFunctions(() => deps({ payLinks: broken }));
    const res = await fns.show(get(`/p/${token}`), context());
    expect(res.status).toBe(503);
    expect(page(res)).not.toContain("cosmos down");
    expect(page(res)).not.toMatch(/at .*\.(ts|js):\d+/u);
    expect(page(res)).not.toContain("10.0.0.1");
  });
});

describe("POST /p/{token}/pay", () => {
  it("answers 303 to the provider's page for a Vipps payment of the whole balance", async () => {
    const fns = makePayPageFunctions(() => deps());
    const res = await fns.pay(post(`/p/${token}/pay`, { method: "vipps", option: "full" }), context());
    expect(res.status).toBe(303);
    expect(header(res, "location")).toMatch(/^https:\/\/provider\.test\/landing\/pfu-[0-9a-f]{24}$/u);
  });

  it("shows the page again with 422 and the minimum next to the amount when the amount is too small", async () => {
    await w.deps.cases.update("t_alpha", caseId, (r) => ({ ...r, case: { ...r.case, stage: "collection-notice" } }));
    const fns = makePayPageFunctions(() => deps());
    const res = await fns.pay(post(`/p/${token}/pay`, { method: "vipps", option: "custom", amount: "50" }), context());
    expect(res.status).toBe(422);
    const html = page(res);
    expect(html).toContain('aria-invalid="true"');
    expect(html).toMatch(/100,00/u);
    expect(html).toContain('value="50"');
    expect(provider.payments.size).toBe(0);
  });
});

describe("GET /p/{token}/receipt", () => {
  it("says the payment is pending and refreshes itself until it is applied", async () => {
    const fns = makePayPageFunctions(() => deps());
    const started = await fns.pay(post(`/p/${token}/pay`, { method: "card", option: "full" }), context());
    const reference = header(started, "location")!.split("/").pop()!;
    const res = await fns.receipt(get(`/p/${token}/receipt?ref=${reference}`), context());
    expect(res.status).toBe(200);
    expect(page(res)).toContain('http-equiv="refresh"');
  });
});

describe("POST /p/{token}/assistent (Spør oss on the pay page)", () => {
  const reply = (html: string) => /<p role="status">([^<]*)</u.exec(html)?.[1] ?? "";

  it("offers the question form on the page (and on the page a refused payment shows again), posting to the link's own assistant", async () => {
    const fns = makePayPageFunctions(() => deps());
    const html = page(await fns.show(get(`/p/${token}`), context()));
    expect(html).toContain(`<form method="post" action="/p/${token}/assistent#sporsmal-tittel">`);
    expect(html).toContain('name="sporsmal"');
    const refused = await fns.pay(
      post(`/p/${token}/pay`, { method: "vipps", option: "custom", amount: "1" }),
      context(),
    );
    expect(refused.status).toBe(422);
    expect(page(refused)).toContain(`action="/p/${token}/assistent#sporsmal-tittel"`);
    const nn = page(await fns.show(get(`/p/${token}?lang=nn`), context()));
    expect(nn).toContain(`action="/p/${token}/assistent?lang=nn#sporsmal-tittel"`);
  });

  it("answers 'har dere fått betalingen min?' from the link's case: the amount and the date, in bokmål and nynorsk", async () => {
    const { tenantId } = (await w.deps.cases.getById(caseId))!;
    await makeRecordDirectPayment(w.deps)(tenantId, caseId, {
      amount: { value: 50_000, currency: "NOK" },
      paidAt: "2026-11-10",
      reference: "bank-1",
    });
    const logged: unknown[] = [];
    const ctx = Object.assign(context(), {
      log: (...a: unknown[]) => logged.push(a),
      error: (...a: unknown[]) => logged.push(a),
    });
    const fns = makePayPageFunctions(() => deps());
    const nb = await fns.ask(post(`/p/${token}/assistent`, { sporsmal: "har dere fått betalingen min?" }), ctx);
    expect(nb.status).toBe(200);
    expect(reply(page(nb))).toMatch(
      /^Ja, vi har mottatt 500,00\s?kr .*12\.11\.2026 kl\. \d{2}:\d{2} på faktura INV-9/u,
    );
    const nnRequest = post(`/p/${token}/assistent?lang=nn`, { sporsmal: "har de fått betalinga mi?" });
    const nn = await fns.ask(nnRequest, ctx);
    expect(reply(page(nn))).toMatch(/^Ja, vi har motteke 500,00\s?kr .*12\.11\.2026/u);
    expect(page(nn)).toContain('lang="nn"');
    expect(JSON.stringify(logged)).not.toContain("betaling");
  });

  it("asks for a question when none was written (422), and refuses an unknown link kindly (404)", async () => {
    const fns = makePayPageFunctions(() => deps());
    const empty = await fns.ask(post(`/p/${token}/assistent`, { sporsmal: "  " }), context());
    expect(empty.status).toBe(422);
    expect(page(empty)).toContain("Skriv et spørsmål først.");
    const unknown = await fns.ask(post(`/p/${"x".repeat(27)}/assistent`, { sporsmal: "hei" }), context());
    expect(unknown.status).toBe(404);
  });

  it("limits questions per link (429 with Retry-After) while the page itself still opens", async () => {
    const limited = new RequestRateLimiter({
      token: { points: 2, durationSeconds: 60 },
      client: { points: 100, durationSeconds: 60 },
    });
    const fns = makePayPageFunctions(() => deps({ payAssistantLimiter: limited }));
    const ask = () => fns.ask(post(`/p/${token}/assistent`, { sporsmal: "hvor mye skylder jeg?" }), context());
    expect((await ask()).status).toBe(200);
    expect((await ask()).status).toBe(200);
    const third = await ask();
    expect(third.status).toBe(429);
    expect(header(third, "retry-after")).toBeDefined();
    expect((await fns.show(get(`/p/${token}`), context())).status).toBe(200);
  });
});
