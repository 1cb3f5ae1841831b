import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServiceBusReceivedMessage, ServiceBusReceiver } from "@azure/service-bus";
import { type Harness, startHarness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

async function receiveOne(receiver: ServiceBusReceiver, waitMs = 5_000): Promise<ServiceBusReceivedMessage> {
  const [m] = await receiver.receiveMessages(1, { maxWaitTimeInMs: waitMs });
  if (!m) throw new Error("expected a message");
  return m;
}

describe("local Service Bus broker: queues through the real SDK", () => {
  it("delivers a sent message with its properties and removes it when completed", async () => {
    const sender = h.client.createSender("plain");
    const receiver = h.client.createReceiver("plain");
    await sender.sendMessages({
      body: { caseId: "c-1", amountMinor: 12_500 },
      messageId: "send-receive-1",
      correlationId: "corr-1",
      subject: "payment.received",
      contentType: "application/json",
      applicationProperties: { tenant: "t1", attempt: 2 },
    });
    const m = await receiveOne(receiver);
    expect(m.body).toEqual({ caseId: "c-1", amountMinor: 12_500 });
    expect(m.messageId).toBe("send-receive-1");
    expect(m.correlationId).toBe("corr-1");
    expect(m.subject).toBe("payment.received");
    expect(m.contentType).toBe("application/json");
    expect(m.applicationProperties).toEqual({ tenant: "t1", attempt: 2 });
    expect(m.deliveryCount).toBe(0);
    expect(m.lockToken).toMatch(/^[0-9a-f-]{36}$/);
    expect(m.enqueuedTimeUtc).toBeInstanceOf(Date);
    expect(m.lockedUntilUtc!.getTime()).toBeGreaterThan(m.enqueuedTimeUtc!.getTime());
    await receiver.completeMessage(m);
    expect(await receiver.peekMessages(10)).toEqual([]);
    await receiver.close();
    await sender.close();
  });

  it("accepts batches from createMessageBatch and from an array and keeps their order", async () => {
    const sender = h.client.createSender("plain");
    const receiver = h.client.createReceiver("plain");
    const batch = await sender.createMessageBatch();
    for (let i = 0; i < 3; i++) expect(batch.tryAddMessage({ body: `batch-${i}` })).toBe(true);
    await sender.sendMessages(batch);
    await sender.sendMessages([{ body: "array-0" }, { body: "array-1" }]);
    const got: unknown[] = [];
    while (got.length < 5) {
      const ms = await receiver.receiveMessages(5 - got.length, { maxWaitTimeInMs: 5_000 });
      for (const m of ms) {
        got.push(m.body);
        await receiver.completeMessage(m);
      }
    }
    expect(got).toEqual(["batch-0", "batch-1", "batch-2", "array-0", "array-1"]);
    await receiver.close();
    await sender.close();
  });

  it("redelivers an abandoned message with its delivery count one higher", async () => {
    const sender = h.client.createSender("plain");
    const receiver = h.client.createReceiver("plain");
    await sender.sendMessages({ body: "abandon-me", messageId: "abandon-1" });
    const first = await receiveOne(receiver);
    await receiver.abandonMessage(first, { retryReason: "not yet" });
    const second = await receiveOne(receiver);
    expect(second.messageId).toBe("abandon-1");
    expect(second.deliveryCount).toBe(first.deliveryCount! + 1);
    expect(second.applicationProperties).toEqual({ retryReason: "not yet" });
    await receiver.completeMessage(second);
    await receiver.close();
    await sender.close();
  });

  it("moves a message to the dead-letter queue with reason MaxDeliveryCountExceeded after the queue's max delivery count", async () => {
    const sender = h.client.createSender("orders"); // maxDeliveryCount 3
    const receiver = h.client.createReceiver("orders");
    await sender.sendMessages({ body: "poison", messageId: "poison-1" });
    for (let attempt = 0; attempt < 3; attempt++) {
      const m = await receiveOne(receiver);
      expect(m.deliveryCount).toBe(attempt);
      await receiver.abandonMessage(m);
    }
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 300 })).toEqual([]);
    const dlq = h.client.createReceiver("orders", { subQueueType: "deadLetter" });
    const dead = await receiveOne(dlq);
    expect(dead.messageId).toBe("poison-1");
    expect(dead.deadLetterReason).toBe("MaxDeliveryCountExceeded");
    expect(dead.deliveryCount).toBe(3);
    await dlq.completeMessage(dead);
    await dlq.close();
    await receiver.close();
    await sender.close();
  });

  it("dead-letters explicitly with the reason and description the receiver gives", async () => {
    const sender = h.client.createSender("plain");
    const receiver = h.client.createReceiver("plain");
    await sender.sendMessages({
      body: "bad payload",
      messageId: "explicit-dl-1",
      applicationProperties: { kept: true },
    });
    const m = await receiveOne(receiver);
    await receiver.deadLetterMessage(m, {
      deadLetterReason: "InvalidPayload",
      deadLetterErrorDescription: "amount is missing",
    });
    const dlq = h.client.createReceiver("plain", { subQueueType: "deadLetter" });
    const dead = await receiveOne(dlq);
    expect(dead.body).toBe("bad payload");
    expect(dead.deadLetterReason).toBe("InvalidPayload");
    expect(dead.deadLetterErrorDescription).toBe("amount is missing");
    expect(dead.applicationProperties?.kept).toBe(true);
    expect(dead.deadLetterSource).toBe("plain");
    await dlq.completeMessage(dead);
    await dlq.close();
    await receiver.close();
    await sender.close();
  });

  it("refuses to settle a message twice", async () => {
    const sender = h.client.createSender("plain");
    const receiver = h.client.createReceiver("plain");
    await sender.sendMessages({ body: "settle-twice" });
    const m = await receiveOne(receiver);
    await receiver.completeMessage(m);
    await expect(receiver.completeMessage(m)).rejects.toThrow();
    await receiver.close();
    await sender.close();
  });

  it("renews a message lock on request", async () => {
    const sender = h.client.createSender("plain");
    const receiver = h.client.createReceiver("plain", { maxAutoLockRenewalDurationInMs: 0 });
    await sender.sendMessages({ body: "renew-me" });
    const m = await receiveOne(receiver);
    const before = m.lockedUntilUtc!.getTime();
    const renewed = await receiver.renewMessageLock(m);
    expect(renewed.getTime()).toBeGreaterThanOrEqual(before);
    await receiver.completeMessage(m);
    await receiver.close();
    await sender.close();
  });

  it("defers a message and hands it out again by sequence number", async () => {
    const sender = h.client.createSender("plain");
    const receiver = h.client.createReceiver("plain");
    await sender.sendMessages({ body: "later", messageId: "defer-1" });
    const m = await receiveOne(receiver);
    await receiver.deferMessage(m);
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 300 })).toEqual([]);
    const [peeked] = await receiver.peekMessages(1, { fromSequenceNumber: m.sequenceNumber });
    expect(peeked?.state).toBe("deferred");
    const [deferred] = await receiver.receiveDeferredMessages(m.sequenceNumber!);
    expect(deferred?.messageId).toBe("defer-1");
    await receiver.completeMessage(deferred!);
    expect(await receiver.peekMessages(10, { fromSequenceNumber: m.sequenceNumber })).toEqual([]);
    await receiver.close();
    await sender.close();
  });

  it("peeks without locking and receives in receiveAndDelete mode without settling", async () => {
    const sender = h.client.createSender("plain");
    await sender.sendMessages([{ body: "p1" }, { body: "p2" }]);
    const peeker = h.client.createReceiver("plain");
    expect((await peeker.peekMessages(10)).map((m) => m.body)).toEqual(["p1", "p2"]);
    const rd = h.client.createReceiver("plain", { receiveMode: "receiveAndDelete" });
    const got: unknown[] = [];
    while (got.length < 2) got.push(...(await rd.receiveMessages(2, { maxWaitTimeInMs: 5_000 })).map((m) => m.body));
    expect(got).toEqual(["p1", "p2"]);
    expect(await peeker.peekMessages(10)).toEqual([]);
    await rd.close();
    await peeker.close();
    await sender.close();
  });

  it("drops a message whose messageId was already sent within the duplicate detection window", async () => {
    const sender = h.client.createSender("orders"); // 10 minute window
    const receiver = h.client.createReceiver("orders");
    await sender.sendMessages({ body: "first", messageId: "dup-1" });
    await sender.sendMessages({ body: "second", messageId: "dup-1" });
    await sender.sendMessages({ body: "other", messageId: "dup-2" });
    const got: unknown[] = [];
    while (got.length < 2) {
      for (const m of await receiver.receiveMessages(5, { maxWaitTimeInMs: 5_000 })) {
        got.push(m.body);
        await receiver.completeMessage(m);
      }
    }
    expect(got).toEqual(["first", "other"]);
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 300 })).toEqual([]);
    await receiver.close();
    await sender.close();
  });

  it("accepts the same messageId again once the window has passed on the clock", async () => {
    const sender = h.client.createSender("orders");
    const receiver = h.client.createReceiver("orders");
    await sender.sendMessages({ body: "before", messageId: "dup-window" });
    const a = await receiveOne(receiver);
    await receiver.completeMessage(a);
    await h.clock.advanceBy(11 * 60_000);
    await sender.sendMessages({ body: "after", messageId: "dup-window" });
    const b = await receiveOne(receiver);
    expect(b.body).toBe("after");
    await receiver.completeMessage(b);
    await receiver.close();
    await sender.close();
  });

  it("answers 'entity not found' for a queue that is not declared", async () => {
    const sender = h.client.createSender("no-such-queue");
    await expect(sender.sendMessages({ body: "x" })).rejects.toMatchObject({ code: "MessagingEntityNotFound" });
    await sender.close();
  });

  it("refuses a message without a session id on a session-enabled queue", async () => {
    const sender = h.client.createSender("ordered");
    await expect(sender.sendMessages({ body: "no session" })).rejects.toThrow(/SessionId/);
    await sender.close();
  });
});
