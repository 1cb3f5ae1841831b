/** The ePayment adapter's HTTP behaviour with a scripted `fetch`: headers, token cache and refresh, retries, errors. */
import { describe, expect, it } from "vitest";
import { VippsUnavailable } from "../../../../shared/adapters/vipps/api-client.vipps";
import { VippsPaymentProvider } from "../../../../shared/adapters/vipps/payment-provider.vipps";
import { PaymentProviderRejected } from "../../../../shared/ports/payment-provider";

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: unknown;
}

type Script = (call: Call) => Response | Promise<Response> | "network-error";

const config = {
  baseUrl: "https://apitest.vipps.no/",
  clientId: "client-id-1",
  clientSecret: "client-secret-do-not-leak",
  subscriptionKey: "subscription-key-1",
  merchantSerialNumber: "123456",
};

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
const token = (value = "token-1", expiresIn = "3600") =>
  json(200, { token_type: "Bearer", expires_in: expiresIn, access_token: value });
const amount = (value: number) => ({ currency: "NOK", value });
const payment = (overrides: Record<string, unknown> = {}) => ({
  reference: "ref-00000001",
  state: "AUTHORIZED",
  amount: amount(10_000),
  aggregate: {
    authorizedAmount: amount(10_000),
    cancelledAmount: amount(0),
    capturedAmount: amount(0),
    refundedAmount: amount(0),
  },
  pspReference: "psp-1",
  paymentMethod: { type: "WALLET" },
  profile: {},
  ...overrides,
});

function harness(script: Script, options: { now?: () => Date } = {}) {
  const calls: Call[] = [];
  const fetchFn = (async (input: string | URL | Request, init?: RequestInit) => {
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((v, k) => (headers[k] = v));
    const call: Call = {
      url: typeof input === "string" ? input : input instanceof URL ? input.href : input.url,
      method: init?.method ?? "GET",
      headers,
      ...(typeof init?.body === "string" ? { body: JSON.parse(init.body) as unknown } : {}),
    };
    calls.push(call);
    const answer = await script(call);
    if (answer === "network-error") throw new TypeError("fetch failed");
    return answer;
  }) as typeof fetch;
  const provider = new VippsPaymentProvider({ ...config, fetch: fetchFn, retryDelaysMs: [1, 1], ...options });
  return { provider, calls };
}

describe("VippsPaymentProvider", () => {
  it("gets a token with the client credentials, then creates a WEB_REDIRECT payment with every required header", async () => {
    const { provider, calls } = harness((call) =>
      call.url.endsWith("/accesstoken/get")
        ? token()
        : json(201, { reference: "ref-00000001", redirectUrl: "https://landing.vipps.no?token=x" }),
    );
    const created = await provider.create({
      reference: "ref-00000001",
      amount: { value: 10_000, currency: "NOK" },
      method: "card",
      returnUrl: "https://pay.example.no/p/abc/receipt",
      description: "Faktura 1",
      idempotencyKey: "idem-1",
    });
    expect(created).toEqual({ reference: "ref-00000001", redirectUrl: "https://landing.vipps.no?token=x" });
    expect(calls[0]).toMatchObject({
      url: "https://apitest.vipps.no/accesstoken/get",
      method: "POST",
      headers: {
        client_id: "client-id-1",
        client_secret: "client-secret-do-not-leak",
        "ocp-apim-subscription-key": "subscription-key-1",
        "merchant-serial-number": "123456",
      },
    });
    expect(calls[1]).toMatchObject({
      url: "https://apitest.vipps.no/epayment/v1/payments",
      method: "POST",
      headers: {
        authorization: "Bearer token-1",
        "ocp-apim-subscription-key": "subscription-key-1",
        "merchant-serial-number": "123456",
        "idempotency-key": "idem-1",
        "vipps-system-name": expect.any(String),
        "vipps-system-version": expect.any(String),
        "vipps-system-plugin-name": expect.any(String),
        "vipps-system-plugin-version": expect.any(String),
      },
      body: {
        amount: { currency: "NOK", value: 10_000 },
        paymentMethod: { type: "CARD" },
        reference: "ref-00000001",
        userFlow: "WEB_REDIRECT",
        returnUrl: "https://pay.example.no/p/abc/receipt",
        paymentDescription: "Faktura 1",
      },
    });
    expect(calls[1]!.headers.client_secret).toBeUndefined();
  });

  it("asks for WALLET when the debtor chose Vipps", async () => {
    const { provider, calls } = harness((call) =>
      call.url.endsWith("/accesstoken/get")
        ? token()
        : json(201, { reference: "ref-00000001", redirectUrl: "https://landing.vipps.no?token=x" }),
    );
    await provider.create({
      reference: "ref-00000001",
      amount: { value: 1, currency: "NOK" },
      method: "vipps",
      returnUrl: "https://x.no",
      description: "abc",
      idempotencyKey: "k",
    });
    expect(calls[1]!.body).toMatchObject({ paymentMethod: { type: "WALLET" } });
  });

  it("maps the aggregate to ProviderPayment", async () => {
    const { provider } = harness((call) =>
      call.url.endsWith("/accesstoken/get")
        ? token()
        : json(
            200,
            payment({
              aggregate: {
                authorizedAmount: amount(10_000),
                cancelledAmount: amount(1_000),
                capturedAmount: amount(9_000),
                refundedAmount: amount(500),
              },
            }),
          ),
    );
    expect(await provider.get("ref-00000001")).toEqual({
      reference: "ref-00000001",
      state: "AUTHORIZED",
      amount: { value: 10_000, currency: "NOK" },
      authorized: { value: 10_000, currency: "NOK" },
      cancelled: { value: 1_000, currency: "NOK" },
      captured: { value: 9_000, currency: "NOK" },
      refunded: { value: 500, currency: "NOK" },
      pspReference: "psp-1",
      paymentMethodType: "WALLET",
    });
  });

  it("reuses the token until shortly before it expires", async () => {
    let now = new Date("2026-11-23T12:00:00Z");
    let tokens = 0;
    const { provider } = harness(
      (call) => (call.url.endsWith("/accesstoken/get") ? token(`token-${++tokens}`) : json(200, payment())),
      { now: () => now },
    );
    await provider.get("ref-00000001");
    await provider.get("ref-00000001");
    expect(tokens).toBe(1);
    now = new Date(now.getTime() + 56 * 60_000);
    await provider.get("ref-00000001");
    expect(tokens).toBe(2);
  });

  it("fetches a new token once when Vipps answers 401, and repeats the call", async () => {
    let tokens = 0;
    const { provider, calls } = harness((call) => {
      if (call.url.endsWith("/accesstoken/get")) return token(`token-${++tokens}`);
      return call.headers.authorization === "Bearer token-1"
        ? json(401, { title: "Unauthorized" })
        : json(200, payment());
    });
    expect((await provider.get("ref-00000001")).state).toBe("AUTHORIZED");
    expect(calls.map((c) => c.headers.authorization ?? "token request")).toEqual([
      "token request",
      "Bearer token-1",
      "token request",
      "Bearer token-2",
    ]);
  });

  it("retries a capture through a network error and a 503 with the same Idempotency-Key", async () => {
    let attempts = 0;
    const { provider, calls } = harness((call) => {
      if (call.url.endsWith("/accesstoken/get")) return token();
      attempts++;
      if (attempts === 1) return "network-error";
      if (attempts === 2) return json(503, { title: "Service Unavailable" });
      return json(
        200,
        payment({
          aggregate: {
            authorizedAmount: amount(10_000),
            cancelledAmount: amount(0),
            capturedAmount: amount(10_000),
            refundedAmount: amount(0),
          },
        }),
      );
    });
    const captured = await provider.capture("ref-00000001", { value: 10_000, currency: "NOK" }, "capture-1");
    expect(captured.captured.value).toBe(10_000);
    const captures = calls.filter((c) => c.url.endsWith("/capture"));
    expect(captures).toHaveLength(3);
    expect(new Set(captures.map((c) => c.headers["idempotency-key"]))).toEqual(new Set(["capture-1"]));
    expect(captures[0]!.body).toEqual({ modificationAmount: { currency: "NOK", value: 10_000 } });
  });

  it("gives up after the bounded retries with VippsUnavailable", async () => {
    const { provider, calls } = harness((call) => (call.url.endsWith("/accesstoken/get") ? token() : json(500, {})));
    await expect(provider.get("ref-00000001")).rejects.toBeInstanceOf(VippsUnavailable);
    expect(calls.filter((c) => !c.url.endsWith("/accesstoken/get"))).toHaveLength(3);
  });

  it("turns a 4xx problem into PaymentProviderRejected with its status and detail, without retrying", async () => {
    const { provider, calls } = harness((call) =>
      call.url.endsWith("/accesstoken/get")
        ? token()
        : json(400, {
            type: "about:blank",
            title: "Bad Request",
            status: 400,
            detail: "reference: invalid",
            traceId: "t",
          }),
    );
    const error = await provider.refund("ref-00000001", { value: 1, currency: "NOK" }, "r-1").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaymentProviderRejected);
    expect(error).toMatchObject({ status: 400, detail: "reference: invalid" });
    expect(calls.filter((c) => c.url.endsWith("/refund"))).toHaveLength(1);
  });

  it("never puts the client secret or the token in an error message", async () => {
    const { provider } = harness(() => json(401, { title: "Unauthorized" }));
    const error = (await provider.get("ref-00000001").catch((e: unknown) => e)) as PaymentProviderRejected;
    expect(error).toBeInstanceOf(PaymentProviderRejected);
    expect(error.status).toBe(401);
    expect(`${error.message} ${error.detail ?? ""}`).not.toContain("client-secret-do-not-leak");
  });

  it("sends cancel without a body and encodes the reference in the path", async () => {
    const { provider, calls } = harness((call) =>
      call.url.endsWith("/accesstoken/get") ? token() : json(200, payment({ state: "TERMINATED" })),
    );
    await provider.cancel("ref-00000001", "cancel-1");
    expect(calls[1]).toMatchObject({
      url: "https://apitest.vipps.no/epayment/v1/payments/ref-00000001/cancel",
      method: "POST",
      headers: { "idempotency-key": "cancel-1" },
    });
    expect(calls[1]!.body).toBeUndefined();
  });
});
