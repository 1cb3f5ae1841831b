import { InvocationContext } from "@azure/functions";
import { describe, expect, it } from "vitest";
import { MemoryWebhookStore } from "../../../../shared/adapters/memory/webhook-store.memory";
import { makeDeliverWebhook } from "../../../../shared/application/webhooks/deliver-webhook";
import { makeFanOutEvent } from "../../../../shared/application/webhooks/fan-out";
import {
  WEBHOOK_MAX_ATTEMPTS,
  WEBHOOK_RETRY_DELAYS_MS,
  isLastWebhookAttempt,
  webhookRetryDelayMs,
} from "../../../../shared/application/webhooks/retry-schedule";
import { generateWebhookSecret } from "../../../../shared/application/webhooks/signing";
import type { CaseEventMessage } from "../../../../shared/ports/event-publisher";
import {
  deliveryMessageId,
  type WebhookDeliveryMessage,
  type WebhookDeliveryQueue,
} from "../../../../shared/ports/webhook-delivery-queue";
import type { WebhookEventType, WebhookSubscription } from "../../../../shared/ports/webhook-store";
import type { EmailMessage, EmailSender } from "../../../../shared/ports/email-sender";
import type { Tenant } from "../../../../shared/ports/tenant-store";
import { makeDeliverWebhookHandler, WebhookDeliveryExhausted } from "../../../../functions/webhooks/sb-deliver-webhook";
import { fixedFraction, seededRandom } from "../../../support/random";

const random = seededRandom(7);
import { makeFanOutCaseEventsHandler } from "../../../../functions/webhooks/sb-fan-out-case-events";

function sub(id: string, tenantId: string, events: WebhookEventType[]): WebhookSubscription {
  return {
    schemaVersion: 1,
    id,
    tenantId,
    url: `https://${id}.example/hook`,
    events,
    secret: generateWebhookSecret(random),
    createdAt: `2026-11-23T10:00:0${id.length % 10}.000Z`,
  };
}

function event(type: WebhookEventType, tenantId = "t_a", id = "evt_1"): CaseEventMessage {
  return { id, type, tenantId, caseId: "c_1", occurredAt: "2026-11-23T10:00:00.000Z", data: {} };
}

class RecordingQueue implements WebhookDeliveryQueue {
  readonly sent: WebhookDeliveryMessage[] = [];
  readonly scheduled: Array<{ delivery: WebhookDeliveryMessage; at: Date }> = [];
  async send(deliveries: WebhookDeliveryMessage[]) {
    this.sent.push(...deliveries);
  }
  async schedule(delivery: WebhookDeliveryMessage, at: Date) {
    this.scheduled.push({ delivery, at });
  }
}

const quiet = () => new InvocationContext({ logHandler: () => undefined });

async function storeWith(...subs: WebhookSubscription[]) {
  const store = new MemoryWebhookStore();
  for (const s of subs) await store.create(s);
  return store;
}

describe("fan-out", () => {
  it("makes one delivery per subscription of the event's tenant that wants the event type", async () => {
    const webhooks = await storeWith(
      sub("wh_paid", "t_a", ["case.paid", "case.closed"]),
      sub("wh_created", "t_a", ["case.created"]),
      sub("wh_all", "t_a", ["case.paid", "case.created", "payment.received"]),
      sub("wh_other_tenant", "t_b", ["case.paid"]),
    );
    const queue = new RecordingQueue();
    const fanOut = makeFanOutEvent({ webhooks, queue });
    const deliveries = await fanOut(event("case.paid"));
    expect(queue.sent).toEqual(deliveries);
    expect(deliveries.map((d) => d.subscriptionId).sort()).toEqual(["wh_all", "wh_paid"]);
    expect(deliveries.every((d) => d.attempt === 1 && d.tenantId === "t_a" && d.event.id === "evt_1")).toBe(true);
    expect(await fanOut(event("case.status_changed"))).toEqual([]);
    expect((await fanOut(event("case.paid", "t_b"))).map((d) => d.subscriptionId)).toEqual(["wh_other_tenant"]);
    expect(await fanOut(event("case.paid", "t_nobody"))).toEqual([]);
  });

  it("never hands a tenant another tenant's subscription, even from a store that answers too much", async () => {
    const leaky = {
      create: async () => undefined,
      listForTenant: async () => [sub("wh_b", "t_b", ["case.paid"])],
      delete: async () => false,
      disable: async () => false,
      rotateSecret: async () => false,
      markFailing: async () => undefined,
      markHealthy: async () => undefined,
    };
    expect(await makeFanOutEvent({ webhooks: leaky, queue: new RecordingQueue() })(event("case.paid", "t_a"))).toEqual(
      [],
    );
  });

  it("the trigger handler sends the deliveries with ids eventId:subscriptionId, and refuses a body that is no event", async () => {
    const queue = new RecordingQueue();
    const handler = makeFanOutCaseEventsHandler(
      makeFanOutEvent({ webhooks: await storeWith(sub("wh_paid", "t_a", ["case.paid"])), queue }),
    );
    await handler(event("case.paid"), quiet());
    expect(queue.sent.map(deliveryMessageId)).toEqual(["evt_1:wh_paid"]);
    await expect(handler({ hello: "world" }, quiet())).rejects.toThrow();
    expect(deliveryMessageId({ ...queue.sent[0]!, attempt: 3 })).toBe("evt_1:wh_paid:3");
  });
});

describe("retry schedule", () => {
  it("is 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h: 8 attempts in all", () => {
    expect(WEBHOOK_RETRY_DELAYS_MS).toEqual([5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]);
    expect(WEBHOOK_MAX_ATTEMPTS).toBe(8);
  });

  it("grows, keeps its jitter inside ±10 % (so a later delay never undercuts an earlier one), and stops after the last attempt", () => {
    const delays = [1, 2, 3, 4, 5, 6, 7].map((n) => webhookRetryDelayMs(n, fixedFraction(0.5))!);
    expect(delays).toEqual([...WEBHOOK_RETRY_DELAYS_MS]);
    for (let n = 1; n <= 7; n++) {
      const base = WEBHOOK_RETRY_DELAYS_MS[n - 1]!;
      const low = webhookRetryDelayMs(n, fixedFraction(0))!;
      const high = webhookRetryDelayMs(n, fixedFraction(0.999_999))!;
      expect(low).toBe(Math.round(base * 0.9));
      expect(high).toBeLessThanOrEqual(Math.round(base * 1.1));
      if (n < 7) {
        expect(WEBHOOK_RETRY_DELAYS_MS[n]!).toBeGreaterThanOrEqual(base);
        // Strictly growing steps stay apart whatever the jitter.
        if (WEBHOOK_RETRY_DELAYS_MS[n]! > base)
          expect(webhookRetryDelayMs(n + 1, fixedFraction(0))!).toBeGreaterThan(high);
      }
    }
    expect(webhookRetryDelayMs(8, random)).toBeUndefined();
    expect(webhookRetryDelayMs(9, random)).toBeUndefined();
    expect(isLastWebhookAttempt(7)).toBe(false);
    expect(isLastWebhookAttempt(8)).toBe(true);
    expect(() => webhookRetryDelayMs(0, random)).toThrow(RangeError);
  });
});

describe("the delivery trigger handler", () => {
  const now = new Date("2026-11-23T12:00:00.000Z");
  const context = (deliveryCount = 1) =>
    new InvocationContext({ triggerMetadata: { deliveryCount }, logHandler: () => undefined });

  async function setup(statuses: number[], operationsEmail?: string, emailWorks = true) {
    const webhooks = await storeWith(sub("wh_paid", "t_a", ["case.paid"]));
    const queue = new RecordingQueue();
    const calls: string[] = [];
    const emails: EmailMessage[] = [];
    const email: EmailSender = {
      send: async (message) => {
        if (!emailWorks) return { ok: false, retryable: true, reason: "ACS 503" };
        if (!emails.some((m) => m.messageId === message.messageId)) emails.push(message);
        return { ok: true, messageId: message.messageId };
      },
    };
    const tenants = {
      get: async (tenantId: string) =>
        tenantId === "t_a"
          ? ({ tenantId, name: "Fjordnett AS", ...(operationsEmail ? { operationsEmail } : {}) } as Tenant)
          : undefined,
    };
    const logs: string[] = [];
    const handler = makeDeliverWebhookHandler(
      makeDeliverWebhook({
        notice: { tenants, email },
        webhooks,
        queue,
        clock: { now: () => now },
        signingClock: { now: () => now },
        random: fixedFraction(0.5),
        sender: {
          send: async ({ url }) => {
            calls.push(url);
            return { kind: "answered", status: statuses.shift() ?? 200 };
          },
        },
      }),
    );
    const [first] = await makeFanOutEvent({ webhooks, queue: new RecordingQueue() })(event("case.paid"));
    return { handler, queue, calls, first: first!, webhooks, emails, logs };
  }

  it("e-mails the creditor's technical contact once when its subscription is disabled, saying why and what to do", async () => {
    const gone = await setup([410], "drift@fjordnett.no");
    const logs: unknown[][] = [];
    await gone.handler(gone.first, new InvocationContext({ logHandler: (_level, ...args) => logs.push(args) }));
    expect(gone.emails).toHaveLength(1);
    const [mail] = gone.emails;
    expect(mail?.to).toEqual({ address: "drift@fjordnett.no", displayName: "Fjordnett AS" });
    expect(mail?.subject).toBe("Webhook disabled: wh_paid.example");
    expect(mail?.text).toContain("wh_paid (https://wh_paid.example/hook) was disabled on 2026-11-23 12:00 UTC");
    expect(mail?.text).toContain("the receiver answered 410 Gone");
    expect(mail?.text).toContain("POST /api/v1/webhooks");
    expect(logs.find((l) => l[0] === "webhook receiver answered 410 Gone: not retried")?.[1]).toMatchObject({
      creditorNotified: true,
    });
    // A redelivered 410 answer (the subscription is disabled already) sends no second e-mail.
    await gone.handler({ ...gone.first, attempt: 2 }, context());
    expect(gone.emails).toHaveLength(1);

    // After 5 failing days, too.
    const failing = await setup([500], "drift@fjordnett.no");
    const old = {
      ...failing.first,
      attempt: 8,
      failures: [{ attempt: 1, at: "2026-11-17T11:00:00.000Z", reason: "HTTP 500" }],
    };
    await expect(failing.handler(old, context())).rejects.toThrow(WebhookDeliveryExhausted);
    expect(failing.emails.map((m) => m.text.split("\n")[0])).toEqual([
      "Your webhook subscription wh_paid (https://wh_paid.example/hook) was disabled on 2026-11-23 12:00 UTC: every delivery failed for 5 days (since 2026-11-17T11:00:00.000Z).",
    ]);
  });

  it("disables without an e-mail when the creditor gave no contact, and when the e-mail fails (the list still says why)", async () => {
    const none = await setup([410]);
    await none.handler(none.first, context());
    expect(none.emails).toEqual([]);
    expect((await none.webhooks.listForTenant("t_a"))[0]?.disabledAt).toBe(now.toISOString());
    const broken = await setup([410], "drift@fjordnett.no", false);
    const logs: unknown[][] = [];
    await broken.handler(broken.first, new InvocationContext({ logHandler: (_level, ...args) => logs.push(args) }));
    expect((await broken.webhooks.listForTenant("t_a"))[0]?.disabledAt).toBe(now.toISOString());
    expect(logs.find((l) => l[0] === "webhook receiver answered 410 Gone: not retried")?.[1]).toMatchObject({
      creditorNotified: false,
    });
  });

  it("schedules attempt + 1 at now + the delay on a retryable failure, recording the failure", async () => {
    const { handler, queue, calls, first } = await setup([500]);
    await handler(first, context());
    expect(calls).toHaveLength(1);
    expect(queue.scheduled).toHaveLength(1);
    const [{ delivery, at }] = queue.scheduled as [{ delivery: WebhookDeliveryMessage; at: Date }];
    expect(delivery.attempt).toBe(2);
    expect(delivery.failures).toEqual([{ attempt: 1, at: now.toISOString(), reason: "HTTP 500" }]);
    expect(at.getTime() - now.getTime()).toBe(5_000);
  });

  it("completes without a retry on 2xx and on 410, and drops a delivery whose subscription is gone", async () => {
    const ok = await setup([200]);
    await ok.handler(ok.first, context());
    const gone = await setup([410]);
    await gone.handler(gone.first, context());
    expect(ok.queue.scheduled).toEqual([]);
    expect(gone.queue.scheduled).toEqual([]);
    const orphan = await setup([]);
    await orphan.handler({ ...orphan.first, subscriptionId: "wh_deleted" }, context());
    expect(orphan.calls).toEqual([]);
  });

  it("disables the subscription when the receiver answers 410: later events are not fanned out or sent to it", async () => {
    const { handler, calls, first, webhooks } = await setup([410]);
    await handler(first, context());
    expect(await webhooks.listForTenant("t_a")).toEqual([
      expect.objectContaining({
        id: "wh_paid",
        disabledAt: now.toISOString(),
        disabledReason: "the receiver answered 410 Gone",
      }),
    ]);
    expect(await makeFanOutEvent({ webhooks, queue: new RecordingQueue() })(event("case.paid"))).toEqual([]);
    await handler({ ...first, attempt: 2 }, context()); // a delivery already queued before: dropped unsent
    expect(calls).toHaveLength(1);
  });

  it("marks a subscription failing when a delivery exhausts its retries, clears it on a success, and disables it after 5 failing days", async () => {
    const { handler, first, webhooks } = await setup([500, 204, 500]);
    const last = {
      ...first,
      attempt: 8,
      failures: [{ attempt: 1, at: "2026-11-22T08:00:00.000Z", reason: "HTTP 500" }],
    };
    await expect(handler(last, context())).rejects.toThrow(WebhookDeliveryExhausted);
    expect((await webhooks.listForTenant("t_a"))[0]).toMatchObject({ failingSince: "2026-11-22T08:00:00.000Z" });
    expect((await webhooks.listForTenant("t_a"))[0]?.disabledAt).toBeUndefined();
    await handler(first, context()); // delivered: healthy again
    expect((await webhooks.listForTenant("t_a"))[0]?.failingSince).toBeUndefined();
    // A delivery whose first failure was 6 days ago exhausts its retries: the subscription is disabled.
    const old = {
      ...first,
      attempt: 8,
      failures: [{ attempt: 1, at: "2026-11-17T11:00:00.000Z", reason: "HTTP 500" }],
    };
    await expect(handler(old, context())).rejects.toThrow(WebhookDeliveryExhausted);
    expect((await webhooks.listForTenant("t_a"))[0]).toMatchObject({
      disabledAt: now.toISOString(),
      disabledReason: expect.stringContaining("every delivery failed for 5 days"),
    });
  });

  it("throws after the last attempt fails, and on that message's redeliveries throws without calling the receiver", async () => {
    const { handler, queue, calls, first } = await setup([500]);
    const last = { ...first, attempt: 8 };
    await expect(handler(last, context(1))).rejects.toThrow(WebhookDeliveryExhausted);
    await expect(handler(last, context(2))).rejects.toThrow(/failed after 8 attempts/u);
    expect(calls).toHaveLength(1);
    expect(queue.scheduled).toEqual([]);
  });
});

describe("the delivery use case's clocks", () => {
  it("schedules retries on the app clock and signs with the signing clock (receivers compare with their wall clock)", async () => {
    const webhooks = await storeWith(sub("wh_paid", "t_a", ["case.paid"]));
    const queue = new RecordingQueue();
    const appNow = new Date("2026-12-13T08:00:00.000Z");
    const wallNow = new Date("2026-12-03T08:00:00.000Z");
    const timestamps: string[] = [];
    const deliver = makeDeliverWebhook({
      webhooks,
      queue,
      clock: { now: () => appNow },
      signingClock: { now: () => wallNow },
      random: fixedFraction(0.5),
      sender: {
        send: async ({ headers }) => {
          timestamps.push(headers["webhook-timestamp"] ?? "");
          return { kind: "timeout" };
        },
      },
    });
    const [first] = await makeFanOutEvent({ webhooks, queue: new RecordingQueue() })(event("case.paid"));
    const outcome = await deliver(first!);
    expect(timestamps).toEqual([String(wallNow.getTime() / 1000)]);
    expect(outcome).toMatchObject({ kind: "retry", at: new Date(appNow.getTime() + 5_000), reason: "timeout" });
    expect(queue.scheduled[0]?.delivery.failures).toEqual([
      { attempt: 1, at: appNow.toISOString(), reason: "timeout" },
    ]);
  });
});
