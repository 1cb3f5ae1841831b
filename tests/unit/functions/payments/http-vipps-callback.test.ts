/** `POST /api/callbacks/vipps` at the HTTP edge: 202 queued, 401 refused, 400 malformed, 409 replayed, 503 unconfigured. */
import { HttpRequest, type HttpResponseInit } from "@azure/functions";
import { beforeEach, describe, expect, it } from "vitest";
import { makeVippsCallbackFunction } from "../../../../functions/payments/http-vipps-callback";
import type { MemoryPaymentQueue } from "../../../../shared/adapters/memory/payment-queue.memory";
import { signVippsWebhook } from "../../../../shared/adapters/vipps/webhook-signature.vipps";
import { VippsWebhookVerifier } from "../../../../shared/adapters/vipps/webhook-verifier.vipps";
import { context, testWorld, type TestWorld } from "../api/api-fixtures";

const SECRET = "callback-test-secret-0123456789";
const URL_ = "https://pay.example.test/api/callbacks/vipps";
let w: TestWorld;

function request(body: string, headers: Record<string, string>): HttpRequest {
  return new HttpRequest({
    method: "POST",
    url: URL_,
    headers: { "content-type": "application/json", ...headers },
    body: { string: body },
  });
}

type CallbackDeps = Parameters<typeof makeVippsCallbackFunction>[0];

/** The function under test, its answer typed as the plain response init it returns. */
function callback(resolve: CallbackDeps) {
  const fn = makeVippsCallbackFunction(resolve);
  return (req: HttpRequest) => fn(req, context()) as Promise<HttpResponseInit>;
}

const PROBLEMS = "https://payment-follow-up.dev/problems/";

function signedHeaders(body: string, at = w.clock.now(), secret = SECRET): Record<string, string> {
  return {
    ...signVippsWebhook({
      secret,
      pathAndQuery: "/api/callbacks/vipps",
      host: "pay.example.test",
      date: at.toUTCString(),
      body,
    }),
  };
}

const body = JSON.stringify({
  msn: "123456",
  reference: "pfu-0123456789abcdef01234567",
  pspReference: "777",
  name: "AUTHORIZED",
  amount: { currency: "NOK", value: 129900 },
  timestamp: "2026-11-12T10:00:00Z",
  idempotencyKey: null,
  success: true,
});

beforeEach(() => {
  w = testWorld({ now: "2026-11-12T10:00:00Z" });
});

describe("POST /api/callbacks/vipps", () => {
  it("queues a signed callback with 202 and refuses the same delivery again with 409", async () => {
    const fn = callback(() => ({
      ...w.deps,
      maxSkewSeconds: 300,
      paymentWebhooks: new VippsWebhookVerifier({ secret: SECRET, maxSkewSeconds: 300 }),
    }));
    const headers = signedHeaders(body);
    expect((await fn(request(body, headers))).status).toBe(202);
    const again = await fn(request(body, headers));
    expect(again.status).toBe(409);
    expect((again.headers as Record<string, string>)["content-type"]).toBe("application/problem+json");
    expect(again.jsonBody).toEqual({
      type: `${PROBLEMS}callback-replayed`,
      code: "CALLBACK_REPLAYED",
      title: "Callback already received",
      status: 409,
      detail: "This signed callback was received before",
    });
    expect((w.deps.paymentQueue as MemoryPaymentQueue).messages).toHaveLength(1);
  });

  it("refuses a wrong signature and a stale date with 401 naming the reason, and a bad payload with 400", async () => {
    const fn = callback(() => ({
      ...w.deps,
      maxSkewSeconds: 300,
      paymentWebhooks: new VippsWebhookVerifier({ secret: SECRET, maxSkewSeconds: 300 }),
    }));
    const wrong = await fn(request(body, signedHeaders(body, w.clock.now(), "not-the-secret-at-all-000")));
    expect(wrong.status).toBe(401);
    expect(wrong.jsonBody).toEqual({
      type: `${PROBLEMS}callback-not-authenticated`,
      code: "CALLBACK_NOT_AUTHENTICATED",
      title: "Callback not authenticated",
      status: 401,
      detail: "The callback was refused: bad-signature",
      errors: [{ pointer: "#/header/authorization", detail: "bad-signature", code: "bad-signature" }],
    });
    const stale = await fn(request(body, signedHeaders(body, new Date(w.clock.now().getTime() - 3_600_000))));
    expect(stale.status).toBe(401);
    expect(stale.jsonBody).toMatchObject({
      code: "CALLBACK_NOT_AUTHENTICATED",
      errors: [{ pointer: "#/header/authorization", detail: "stale", code: "stale" }],
    });
    const junk = '{"hello":"world"}';
    const malformed = await fn(request(junk, signedHeaders(junk)));
    expect(malformed.status).toBe(400);
    expect(malformed.jsonBody).toMatchObject({
      type: `${PROBLEMS}callback-malformed`,
      code: "CALLBACK_MALFORMED",
      title: "Malformed callback",
      status: 400,
      detail: "The callback was refused: malformed",
      errors: [
        { pointer: "/body", code: "malformed", detail: expect.stringContaining("invalid webhook payload") as unknown },
      ],
    });
    expect(JSON.stringify([wrong.jsonBody, stale.jsonBody, malformed.jsonBody])).not.toContain(SECRET);
    expect((w.deps.paymentQueue as MemoryPaymentQueue).messages).toHaveLength(0);
  });

  it("answers 503 when no webhook secret is configured, so Vipps retries later", async () => {
    const fn = callback(() => ({ ...w.deps, maxSkewSeconds: 300 }));
    const answer = await fn(request(body, signedHeaders(body)));
    expect(answer.status).toBe(503);
    expect(answer.jsonBody).toEqual({
      type: `${PROBLEMS}callbacks-not-configured`,
      code: "CALLBACKS_NOT_CONFIGURED",
      title: "Callbacks not configured",
      status: 503,
      detail: "Payment callbacks are not configured on this installation",
    });
  });

  it("refuses a body over 64 KB with 413", async () => {
    const fn = callback(() => ({ ...w.deps, maxSkewSeconds: 300 }));
    const big = JSON.stringify({ pad: "x".repeat(65 * 1024) });
    expect((await fn(request(big, signedHeaders(big)))).status).toBe(413);
  });
});
