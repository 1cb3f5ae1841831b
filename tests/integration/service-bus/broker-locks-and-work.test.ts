import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ServiceBusClient } from "@azure/service-bus";
import { parseServiceBusEntities } from "../../../devhost/service-bus/entities";
import { type Harness, startHarness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness(
    parseServiceBusEntities({
      queues: [
        { name: "short-lock", maxDeliveryCount: 5, lockDurationSeconds: 5 },
        { name: "listened", maxDeliveryCount: 5, lockDurationSeconds: 30 },
        { name: "nobody-listens", maxDeliveryCount: 5, lockDurationSeconds: 30 },
      ],
    }),
  );
});
afterAll(async () => {
  await h?.close();
});

describe("local Service Bus broker: locks and dev-host work tracking", () => {
  it("redelivers a message whose lock expired, and refuses to settle it with the stale lock", async () => {
    const sender = h.client.createSender("short-lock");
    const receiver = h.client.createReceiver("short-lock", { maxAutoLockRenewalDurationInMs: 0 });
    await sender.sendMessages({ body: "slow", messageId: "expire-1" });
    const [first] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    const [again] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 15_000 });
    expect(again?.messageId).toBe("expire-1");
    expect(again?.deliveryCount).toBe(first!.deliveryCount! + 1);
    await expect(receiver.completeMessage(first!)).rejects.toThrow();
    await receiver.completeMessage(again!);
    await receiver.close();
    await sender.close();
  });

  it("keeps a lock alive while the SDK renews it automatically", async () => {
    const sender = h.client.createSender("short-lock");
    const receiver = h.client.createReceiver("short-lock"); // auto-renewal on (SDK default)
    await sender.sendMessages({ body: "long work", messageId: "renewed-1" });
    const [m] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    await new Promise((r) => setTimeout(r, 7_000)); // longer than the 5 s lock
    await receiver.completeMessage(m!);
    expect(await receiver.peekMessages(5)).toEqual([]);
    await receiver.close();
    await sender.close();
  });

  it("gives the messages of a receiver whose connection went away to the next receiver", async () => {
    const other = new ServiceBusClient(h.connectionString);
    const sender = h.client.createSender("listened");
    await sender.sendMessages({ body: "held", messageId: "dropped-1" });
    const holder = other.createReceiver("listened");
    const [held] = await holder.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    expect(held?.messageId).toBe("dropped-1");
    await other.close();
    const receiver = h.client.createReceiver("listened");
    const [m] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    expect(m?.messageId).toBe("dropped-1");
    expect(m?.deliveryCount).toBe(1);
    await receiver.completeMessage(m!);
    await receiver.close();
    await sender.close();
  });

  it("does not count messages on an entity nobody listens to as pending work", async () => {
    const sender = h.client.createSender("nobody-listens");
    await sender.sendMessages([{ body: 1 }, { body: 2 }]);
    expect(h.tracker.pending).toBe(0);
    await h.tracker.settle(30, 5_000);
    expect(h.broker.stats()["nobody-listens"]?.active).toBe(2);
    await sender.close();
  });

  it("counts a message as pending work while a listening receiver holds it, until it is settled", async () => {
    const sender = h.client.createSender("listened");
    const receiver = h.client.createReceiver("listened");
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inHandler = new Promise<void>((r) => (entered = r));
    let handled = 0;
    const subscription = receiver.subscribe(
      {
        processMessage: async () => {
          entered();
          await gate;
          handled++;
        },
        processError: async () => undefined,
      },
      { autoCompleteMessages: true },
    );
    await sender.sendMessages({ body: "gated", messageId: "work-1" });
    await inHandler;
    expect(h.tracker.pending).toBeGreaterThan(0);
    let settled = false;
    const settling = h.tracker.settle().then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 300));
    expect(settled).toBe(false);
    expect(h.tracker.pending).toBeGreaterThan(0);
    release();
    await settling;
    expect(handled).toBe(1);
    expect(h.broker.stats()["listened"]).toBeUndefined();
    await subscription.close();
    await receiver.close();
    await sender.close();
  });
});
