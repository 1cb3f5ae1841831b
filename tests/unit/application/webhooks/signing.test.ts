import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import {
  generateWebhookSecret,
  signWebhook,
  WEBHOOK_SECRET_PREFIX,
} from "../../../../shared/application/webhooks/signing";
import {
  makeAttemptWebhook,
  WEBHOOK_TIMEOUT_MS,
  webhookPayload,
} from "../../../../shared/application/webhooks/attempt-delivery";
import type { CaseEventMessage } from "../../../../shared/ports/event-publisher";
import type { WebhookSendRequest, WebhookSendResult } from "../../../../shared/ports/webhook-sender";
import type { WebhookSubscription } from "../../../../shared/ports/webhook-store";
import { seededRandom } from "../../../support/random";

const random = seededRandom(3);

const event: CaseEventMessage = {
  id: "evt_1",
  type: "case.paid",
  tenantId: "t_1",
  caseId: "c_1",
  occurredAt: "2026-11-23T10:00:00.000Z",
  data: { status: "paid" },
};

function subscription(secret: string): WebhookSubscription {
  return {
    schemaVersion: 1,
    id: "wh_1",
    tenantId: "t_1",
    url: "https://erp.example.no/hooks",
    events: ["case.paid"],
    secret,
    createdAt: "2026-11-23T09:00:00.000Z",
  };
}

describe("Standard Webhooks signing", () => {
  it("makes secrets of whsec_ + base64 of 32 random bytes, different each time", () => {
    const a = generateWebhookSecret(random);
    const b = generateWebhookSecret(random);
    expect(a.startsWith(WEBHOOK_SECRET_PREFIX)).toBe(true);
    expect(Buffer.from(a.slice(WEBHOOK_SECRET_PREFIX.length), "base64")).toHaveLength(32);
    expect(a).not.toBe(b);
  });

  it("signs so that the library's Webhook.verify accepts the delivery, and rejects it when the body changes", () => {
    const secret = generateWebhookSecret(random);
    const body = webhookPayload(event);
    const headers = signWebhook({ secret, id: event.id, timestamp: new Date(), body });
    expect(headers["webhook-id"]).toBe("evt_1");
    expect(headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/u);
    const verified = new Webhook(secret).verify(body, { ...headers });
    expect(verified).toEqual({
      type: "case.paid",
      timestamp: event.occurredAt,
      data: { status: "paid", caseId: "c_1" },
    });
    const tampered = body.replace('"paid"', '"open"');
    expect(() => new Webhook(secret).verify(tampered, { ...headers })).toThrow(/No matching signature/u);
    expect(() => new Webhook(generateWebhookSecret(random)).verify(body, { ...headers })).toThrow(
      /No matching signature/u,
    );
  });

  it("delivers with the three headers, the event id as webhook-id, and classifies the answer", async () => {
    const secret = generateWebhookSecret(random);
    const seen: WebhookSendRequest[] = [];
    let status = 204;
    const attempt = makeAttemptWebhook({
      sender: {
        send: async (request) => {
          seen.push(request);
          return { kind: "answered", status };
        },
      },
      signingClock: { now: () => new Date() },
    });
    expect(await attempt(subscription(secret), event)).toEqual({ kind: "delivered", status: 204 });
    const first = seen[0]!;
    expect(first.url).toBe("https://erp.example.no/hooks");
    expect(first.timeoutMs).toBe(WEBHOOK_TIMEOUT_MS);
    expect(first.headers["content-type"]).toBe("application/json");
    expect(() => new Webhook(secret).verify(first.body, first.headers)).not.toThrow();

    status = 410;
    expect(await attempt(subscription(secret), event)).toEqual({ kind: "gone", status: 410 });
    status = 503;
    expect(await attempt(subscription(secret), event)).toEqual({ kind: "failed", reason: "HTTP 503" });
    status = 301;
    expect(await attempt(subscription(secret), event)).toEqual({ kind: "failed", reason: "HTTP 301" });
    expect(new Set(seen.map((s) => s.headers["webhook-id"]))).toEqual(new Set(["evt_1"]));
  });

  it("treats a receiver that does not answer in time, or a network error, as retryable", async () => {
    const secret = generateWebhookSecret(random);
    const answering = (result: WebhookSendResult) =>
      makeAttemptWebhook({
        sender: { send: async () => result },
        signingClock: { now: () => new Date() },
        timeoutMs: 20,
      });
    expect(await answering({ kind: "timeout" })(subscription(secret), event)).toEqual({
      kind: "failed",
      reason: "timeout",
    });
    expect(await answering({ kind: "network-error" })(subscription(secret), event)).toEqual({
      kind: "failed",
      reason: "network error",
    });
    const throwing = makeAttemptWebhook({
      sender: {
        send: async () => {
          throw new TypeError("fetch failed");
        },
      },
      signingClock: { now: () => new Date() },
    });
    expect(await throwing(subscription(secret), event)).toEqual({ kind: "failed", reason: "network error" });
  });
});
