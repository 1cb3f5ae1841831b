import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { generateWebhookSecret, signWebhook, WEBHOOK_SECRET_PREFIX } from "../../../../shared/application/webhooks/signing";
import { makeDeliverWebhook, webhookPayload, type WebhookHttpRequest } from "../../../../shared/application/webhooks/deliver";
import type { CaseEventMessage } from "../../../../shared/ports/event-publisher";
import type { WebhookSubscription } from "../../../../shared/ports/webhook-store";

const event: CaseEventMessage = {
  id: "evt_1",
  type: "case.paid",
  tenantId: "t_1",
  caseId: "c_1",
  occurredAt: "2026-11-23T10:00:00.000Z",
  data: { status: "paid" },
};

function subscription(secret: string): WebhookSubscription {
  return { schemaVersion: 1, id: "wh_1", tenantId: "t_1", url: "https://erp.example.no/hooks", events: ["case.paid"], secret, createdAt: "2026-11-23T09:00:00.000Z" };
}

describe("Standard Webhooks signing", () => {
  it("makes secrets of whsec_ + base64 of 32 random bytes, different each time", () => {
    const a = generateWebhookSecret();
    const b = generateWebhookSecret();
    expect(a.startsWith(WEBHOOK_SECRET_PREFIX)).toBe(true);
    expect(Buffer.from(a.slice(WEBHOOK_SECRET_PREFIX.length), "base64")).toHaveLength(32);
    expect(a).not.toBe(b);
  });

  it("signs so that the library's Webhook.verify accepts the delivery, and rejects it when the body changes", () => {
    const secret = generateWebhookSecret();
    const body = webhookPayload(event);
    const headers = signWebhook({ secret, id: event.id, timestamp: new Date(), body });
    expect(headers["webhook-id"]).toBe("evt_1");
    expect(headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/u);
    const verified = new Webhook(secret).verify(body, { ...headers });
    expect(verified).toEqual({ type: "case.paid", timestamp: event.occurredAt, data: { status: "paid", caseId: "c_1" } });
    const tampered = body.replace('"paid"', '"open"');
    expect(() => new Webhook(secret).verify(tampered, { ...headers })).toThrow(/No matching signature/u);
    expect(() => new Webhook(generateWebhookSecret()).verify(body, { ...headers })).toThrow(/No matching signature/u);
  });

  it("delivers with the three headers, the event id as webhook-id, and classifies the answer", async () => {
    const secret = generateWebhookSecret();
    const seen: Array<{ url: string; init: WebhookHttpRequest }> = [];
    let status = 204;
    const deliver = makeDeliverWebhook({
      http: async (url, init) => {
        seen.push({ url, init });
        return { status };
      },
      clock: { now: () => new Date() },
    });
    expect(await deliver(subscription(secret), event)).toEqual({ kind: "delivered", status: 204 });
    const first = seen[0]!;
    expect(first.url).toBe("https://erp.example.no/hooks");
    expect(first.init.method).toBe("POST");
    expect(first.init.headers["content-type"]).toBe("application/json");
    expect(() => new Webhook(secret).verify(first.init.body, first.init.headers)).not.toThrow();

    status = 410;
    expect(await deliver(subscription(secret), event)).toEqual({ kind: "gone", status: 410 });
    status = 503;
    expect(await deliver(subscription(secret), event)).toEqual({ kind: "retry", reason: "HTTP 503" });
    status = 301;
    expect(await deliver(subscription(secret), event)).toEqual({ kind: "retry", reason: "HTTP 301" });
    expect(new Set(seen.map((s) => s.init.headers["webhook-id"]))).toEqual(new Set(["evt_1"]));
  });

  it("treats a receiver that does not answer in time, or a network error, as retryable", async () => {
    const secret = generateWebhookSecret();
    const slow = makeDeliverWebhook({
      http: (_url, init) =>
        new Promise((_resolve, reject) => init.signal.addEventListener("abort", () => reject(init.signal.reason as Error))),
      clock: { now: () => new Date() },
      timeoutMs: 20,
    });
    expect(await slow(subscription(secret), event)).toEqual({ kind: "retry", reason: "timeout" });
    const broken = makeDeliverWebhook({
      http: async () => {
        throw new TypeError("fetch failed");
      },
      clock: { now: () => new Date() },
    });
    expect(await broken(subscription(secret), event)).toEqual({ kind: "retry", reason: "network error" });
  });
});
