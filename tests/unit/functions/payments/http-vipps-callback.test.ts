/**
 * `POST /api/callbacks/vipps` at the HTTP edge: 202 queued, 200 acknowledged (a repeat, or dated outside Vipps' retry
 * window), 401 refused, 400 malformed, 503 unconfigured.
 */
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
  /** Every message handed to the queue, counted at the call (the memory queue itself drops a repeated id). */
  let sent: unknown[] = [];
  function withVerifier() {
    sent = [];
    const queue = w.deps.paymentQueue as MemoryPaymentQueue;
    const enqueue = queue.enqueue.bind(queue);
    queue.enqueue = async (messages) => {
      sent.push(...messages);
      return enqueue(messages);
    };
    return callback(() => ({
      ...w.deps,
      maxSkewSeconds: 300,
      paymentWebhooks: new VippsWebhookVerifier({ secret: SECRET }),
    }));
  }
  const queued = () => sent;

  it("queues a signed callback with 202, and answers the very same delivery again 200 without queuing it again", async () => {
    const fn = withVerifier();
    const headers = signedHeaders(body);
    expect((await fn(request(body, headers))).status).toBe(202);
    for (let i = 0; i < 3; i += 1) {
      const again = await fn(request(body, headers));
      expect(again.status).toBe(200);
      expect(again.jsonBody).toBeUndefined();
    }
    expect(queued()).toHaveLength(1);
  });

  it("queues a correctly signed delivery dated ten minutes ago (a Vipps retry) once, and acknowledges its repeat", async () => {
    const fn = withVerifier();
    const headers = signedHeaders(body, new Date(w.clock.now().getTime() - 10 * 60_000));
    expect((await fn(request(body, headers))).status).toBe(202);
    expect((await fn(request(body, headers))).status).toBe(200);
    expect(queued()).toHaveLength(1);
    // Six days later Vipps may still be retrying it: still acknowledged, still not queued again.
    w.clock.set("2026-11-18T10:00:00Z");
    expect((await fn(request(body, headers))).status).toBe(200);
    expect(queued()).toHaveLength(1);
  });

  it("acknowledges, without queuing, a signed delivery dated more than 7 days ago or more than the skew ahead", async () => {
    const fn = withVerifier();
    const now = w.clock.now().getTime();
    const eightDaysAgo = signedHeaders(body, new Date(now - 8 * 24 * 3_600_000));
    const anHourAhead = signedHeaders(body, new Date(now + 3_600_000));
    expect((await fn(request(body, eightDaysAgo))).status).toBe(200);
    expect((await fn(request(body, anHourAhead))).status).toBe(200);
    expect(queued()).toHaveLength(0);
    // Just inside on either side: queued.
    expect((await fn(request(body, signedHeaders(body, new Date(now - 7 * 24 * 3_600_000 + 60_000))))).status).toBe(
      202,
    );
    expect((await fn(request(body, signedHeaders(body, new Date(now + 290_000))))).status).toBe(202);
    expect(queued()).toHaveLength(2);
  });

  it("answers 5xx to a signed delivery the queue refused, and queues the same delivery when Vipps retries it", async () => {
    const fn = withVerifier();
    const queue = w.deps.paymentQueue as MemoryPaymentQueue;
    const enqueue = queue.enqueue.bind(queue);
    let failures = 1;
    queue.enqueue = async (messages) => {
      if (failures-- > 0) throw new Error("Service Bus unreachable");
      return enqueue(messages);
    };
    const headers = signedHeaders(body);
    expect((await fn(request(body, headers))).status).toBeGreaterThanOrEqual(500);
    expect((await fn(request(body, headers))).status).toBe(202);
    expect((await fn(request(body, headers))).status).toBe(200);
    expect(queue.messages).toHaveLength(1);
    expect(sent).toHaveLength(1);
  });

  it("refuses a wrong signature and an unreadable date with 401 naming the reason, and a bad payload with 400", async () => {
    const fn = callback(() => ({
      ...w.deps,
      maxSkewSeconds: 300,
      paymentWebhooks: new VippsWebhookVerifier({ secret: SECRET }),
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
    const undated = signVippsWebhook({
      secret: SECRET,
      pathAndQuery: "/api/callbacks/vipps",
      host: "pay.example.test",
      date: "not a date",
      body,
    });
    const stale = await fn(request(body, { ...undated }));
    expect(stale.status).toBe(401);
    expect(stale.jsonBody).toMatchObject({
      code: "CALLBACK_NOT_AUTHENTICATED",
      errors: [{ pointer: "#/header/authorization", detail: "bad-date", code: "bad-date" }],
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
