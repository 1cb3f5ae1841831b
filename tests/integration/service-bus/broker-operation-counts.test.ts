/**
 * The broker counts what it serves the way a Standard namespace bills it (any API call is an operation): messages
 * sent, scheduled ones included, messages delivered per queue or subscription, settlements, `$management` requests and
 * receiver links. docs/cost-model.md prices these counts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe("local Service Bus broker: operation counts", () => {
  it("counts sends, scheduled sends, deliveries per subscription, settlements and management requests", async () => {
    const before = h.broker.operationCounts();
    const sender = h.client.createSender("events");
    await sender.sendMessages([
      { body: 1, messageId: "ops-1", subject: "payment.received" },
      { body: 2, messageId: "ops-2", subject: "case.created" },
    ]);
    const queue = h.client.createSender("plain");
    await queue.scheduleMessages({ body: 3, messageId: "ops-3" }, new Date(h.clock.now() + 60_000));

    const payments = h.client.createReceiver("events", "payments");
    const [payment] = await payments.receiveMessages(5, { maxWaitTimeInMs: 500 });
    expect(payment?.messageId).toBe("ops-1");
    await payments.completeMessage(payment!);

    const after = h.broker.operationCounts();
    const delta = (a: Record<string, number>, b: Record<string, number>, key: string) => (a[key] ?? 0) - (b[key] ?? 0);
    expect(delta(after.sent, before.sent, "events")).toBe(2);
    expect(delta(after.sent, before.sent, "plain")).toBe(1);
    expect(delta(after.management, before.management, "com.microsoft:schedule-message")).toBe(1);
    expect(delta(after.delivered, before.delivered, "events/Subscriptions/payments")).toBe(1);
    expect(after.settled - before.settled).toBe(1);
    expect(after.receiverLinks - before.receiverLinks).toBeGreaterThanOrEqual(1);

    await payments.close();
    await queue.close();
    await sender.close();
  });
});
