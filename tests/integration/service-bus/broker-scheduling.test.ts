import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const HOUR = 60 * 60_000;

describe("local Service Bus broker: scheduled messages on the virtual clock", () => {
  it("delivers a scheduled message only once the clock reaches its time, with that enqueued time", async () => {
    const sender = h.client.createSender("plain");
    const receiver = h.client.createReceiver("plain");
    const at = new Date(h.clock.now() + HOUR);
    const [seq] = await sender.scheduleMessages({ body: "reminder", messageId: "sched-1" }, at);
    expect(seq).toBeDefined();
    const [peeked] = await receiver.peekMessages(1);
    expect(peeked?.state).toBe("scheduled");
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 300 })).toEqual([]);

    await h.clock.advanceBy(HOUR);
    const [m] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    expect(m?.messageId).toBe("sched-1");
    expect(m?.enqueuedTimeUtc?.getTime()).toBe(at.getTime());
    await receiver.completeMessage(m!);
    await receiver.close();
    await sender.close();
  });

  it("also schedules a plain send that carries scheduledEnqueueTimeUtc", async () => {
    const sender = h.client.createSender("plain");
    const receiver = h.client.createReceiver("plain");
    await sender.sendMessages({
      body: "later",
      messageId: "sched-2",
      scheduledEnqueueTimeUtc: new Date(h.clock.now() + HOUR),
    });
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 300 })).toEqual([]);
    await h.clock.advanceBy(HOUR + 1);
    const [m] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    expect(m?.messageId).toBe("sched-2");
    await receiver.completeMessage(m!);
    await receiver.close();
    await sender.close();
  });

  it("never delivers a scheduled message that was cancelled", async () => {
    const sender = h.client.createSender("plain");
    const receiver = h.client.createReceiver("plain");
    const [cancelled] = await sender.scheduleMessages(
      { body: "cancel me", messageId: "sched-cancel" },
      new Date(h.clock.now() + HOUR),
    );
    await sender.scheduleMessages({ body: "keep me", messageId: "sched-keep" }, new Date(h.clock.now() + 2 * HOUR));
    await sender.cancelScheduledMessages(cancelled!);
    expect((await receiver.peekMessages(10)).map((m) => m.messageId)).toEqual(["sched-keep"]);

    await h.clock.advanceBy(3 * HOUR);
    const got = await receiver.receiveMessages(5, { maxWaitTimeInMs: 1_000 });
    expect(got.map((m) => m.messageId)).toEqual(["sched-keep"]);
    for (const m of got) await receiver.completeMessage(m);
    await receiver.close();
    await sender.close();
  });

  it("fans a scheduled topic message out to the subscriptions when it falls due", async () => {
    const sender = h.client.createSender("events");
    await sender.scheduleMessages(
      { body: "due", messageId: "sched-topic", subject: "payment.received" },
      new Date(h.clock.now() + HOUR),
    );
    const payments = h.client.createReceiver("events", "payments");
    expect(await payments.receiveMessages(1, { maxWaitTimeInMs: 300 })).toEqual([]);
    await h.clock.advanceBy(HOUR);
    for (const sub of ["all", "audit", "payments"]) {
      const r = h.client.createReceiver("events", sub);
      const [m] = await r.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
      expect(m?.messageId).toBe("sched-topic");
      await r.completeMessage(m!);
      await r.close();
    }
    await payments.close();
    await sender.close();
  });
});
