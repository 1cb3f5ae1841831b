import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServiceBusReceiver } from "@azure/service-bus";
import { type Harness, startHarness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

/** Receives and completes everything a subscription has (waits up to 300 ms for stragglers). */
async function drain(r: ServiceBusReceiver): Promise<string[]> {
  const ids: string[] = [];
  for (;;) {
    const ms = await r.receiveMessages(10, { maxWaitTimeInMs: 300 });
    if (ms.length === 0) return ids;
    for (const m of ms) {
      ids.push(String(m.messageId));
      await r.completeMessage(m);
    }
  }
}

describe("local Service Bus broker: topics and subscriptions", () => {
  it("fans one message out to every subscription whose rule matches and not to a correlation filter that excludes it", async () => {
    const sender = h.client.createSender("events");
    await sender.sendMessages({ body: { caseId: "c-9" }, messageId: "fan-1", subject: "case.created" });
    const receivers = Object.fromEntries(
      ["all", "audit", "payments"].map((s) => [s, h.client.createReceiver("events", s)]),
    );
    expect(await drain(receivers.all!)).toEqual(["fan-1"]);
    expect(await drain(receivers.audit!)).toEqual(["fan-1"]);
    expect(await drain(receivers.payments!)).toEqual([]);
    for (const r of Object.values(receivers)) await r.close();
    await sender.close();
  });

  it("delivers to a correlation filter subscription the messages with the matching subject", async () => {
    const sender = h.client.createSender("events");
    await sender.sendMessages([
      { body: 1, messageId: "corr-match", subject: "payment.received" },
      { body: 2, messageId: "corr-other", subject: "payment.refunded" },
    ]);
    const payments = h.client.createReceiver("events", "payments");
    expect(await drain(payments)).toEqual(["corr-match"]);
    for (const s of ["all", "audit"]) {
      const r = h.client.createReceiver("events", s);
      expect(await drain(r)).toEqual(["corr-match", "corr-other"]);
      await r.close();
    }
    await payments.close();
    await sender.close();
  });

  it("evaluates SQL filters with AND, OR, numbers and sys.label", async () => {
    const sender = h.client.createSender("events");
    await sender.sendMessages([
      { body: 1, messageId: "sql-big", applicationProperties: { country: "NO", amount: 500 } },
      { body: 2, messageId: "sql-small", applicationProperties: { country: "NO", amount: 50 } },
      { body: 3, messageId: "sql-urgent", subject: "urgent", applicationProperties: { country: "NO", amount: 5 } },
      { body: 4, messageId: "sql-dk", applicationProperties: { country: "DK", amount: 500 } },
    ]);
    const norway = h.client.createReceiver("events", "norway");
    expect(await drain(norway)).toEqual(["sql-big", "sql-urgent"]);
    for (const s of ["all", "audit"]) {
      const r = h.client.createReceiver("events", s);
      expect(await drain(r)).toHaveLength(4);
      await r.close();
    }
    await norway.close();
    await sender.close();
  });

  it("keeps a dead-letter queue per subscription", async () => {
    const sender = h.client.createSender("events");
    await sender.sendMessages({ body: "x", messageId: "sub-dl", subject: "payment.received" });
    const payments = h.client.createReceiver("events", "payments");
    const [m] = await payments.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    await payments.deadLetterMessage(m!, { deadLetterReason: "Rejected", deadLetterErrorDescription: "test" });
    const dlq = h.client.createReceiver("events", "payments", { subQueueType: "deadLetter" });
    const [dead] = await dlq.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    expect(dead?.messageId).toBe("sub-dl");
    expect(dead?.deadLetterReason).toBe("Rejected");
    await dlq.completeMessage(dead!);
    for (const s of ["all", "audit"]) {
      const r = h.client.createReceiver("events", s);
      await drain(r);
      await r.close();
    }
    await dlq.close();
    await payments.close();
    await sender.close();
  });

  it("answers 'entity not found' for a subscription that is not declared", async () => {
    const r = h.client.createReceiver("events", "nope");
    await expect(r.receiveMessages(1, { maxWaitTimeInMs: 1_000 })).rejects.toMatchObject({
      code: "MessagingEntityNotFound",
    });
    await r.close();
  });
});
