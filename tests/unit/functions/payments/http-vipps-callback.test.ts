/** `POST /api/callbacks/vipps` at the HTTP edge: 202 queued, 401 refused, 400 malformed, 409 replayed, 503 unconfigured. */
import { HttpRequest } from "@azure/functions";
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
    const fn = makeVippsCallbackFunction(() => ({
      ...w.deps,
      maxSkewSeconds: 300,
      paymentWebhooks: new VippsWebhookVerifier({ secret: SECRET, maxSkewSeconds: 300 }),
    }));
    const headers = signedHeaders(body);
    expect((await fn(request(body, headers), context())).status).toBe(202);
    const again = await fn(request(body, headers), context());
    expect(again.status).toBe(409);
    expect((again.headers as Record<string, string>)["content-type"]).toBe("application/problem+json");
    expect((w.deps.paymentQueue as MemoryPaymentQueue).messages).toHaveLength(1);
  });

  it("refuses a wrong signature and a stale date with 401 naming the reason, and a bad payload with 400", async () => {
    const fn = makeVippsCallbackFunction(() => ({
      ...w.deps,
      maxSkewSeconds: 300,
      paymentWebhooks: new VippsWebhookVerifier({ secret: SECRET, maxSkewSeconds: 300 }),
    }));
    const wrong = await fn(request(body, signedHeaders(body, w.clock.now(), "not-the-secret-at-all-000")), context());
    expect(wrong.status).toBe(401);
    expect(JSON.stringify(wrong.jsonBody)).toContain("bad-signature");
    const stale = await fn(
      request(body, signedHeaders(body, new Date(w.clock.now().getTime() - 3_600_000))),
      context(),
    );
    expect(stale.status).toBe(401);
    expect(JSON.stringify(stale.jsonBody)).toContain("stale");
    const junk = '{"hello":"world"}';
    expect((await fn(request(junk, signedHeaders(junk)), context())).status).toBe(400);
    expect((w.deps.paymentQueue as MemoryPaymentQueue).messages).toHaveLength(0);
  });

  it("answers 503 when no webhook secret is configured, so Vipps retries later", async () => {
    const fn = makeVippsCallbackFunction(() => ({ ...w.deps, maxSkewSeconds: 300 }));
    expect((await fn(request(body, signedHeaders(body)), context())).status).toBe(503);
  });
});
