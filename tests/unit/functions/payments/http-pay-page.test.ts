/**
 * The pay page's HTTP edge, host-free: status codes and headers a browser and a debtor see — 200 page, 404/410 kind
 * pages, 303 to the provider, 422 with the message at the field, 429 with Retry-After, 503 instead of a stack trace.
 */
import { RequestRateLimiter } from "../../../../shared/http/rate-limit";
import { HttpRequest, type HttpResponseInit } from "@azure/functions";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { beforeEach, describe, expect, it } from "vitest";
import { makeRegisterInvoice } from "../../../../shared/application/register-invoice";
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
