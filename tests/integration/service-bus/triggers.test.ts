import { app, output, type InvocationContext } from "@azure/functions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installFunctionsCore } from "../../../devhost/functions-core";
import { Invoker } from "../../../devhost/invoker";
import { silentLogger } from "../../../devhost/logger";
import { ServiceBusTriggers } from "../../../devhost/service-bus/triggers";
import { type Harness, startHarness } from "./harness";

const registry = installFunctionsCore();
const CONNECTION = "ServiceBusConnection";

const received: Array<{ body: unknown; meta: Record<string, unknown> }> = [];
app.serviceBusQueue("plainQueueHandler", {
  connection: CONNECTION,
  queueName: "plain",
  handler: async (message: unknown, context: InvocationContext) => {
    received.push({ body: message, meta: context.triggerMetadata as Record<string, unknown> });
  },
});

const failingAttempts: number[] = [];
app.serviceBusQueue("alwaysFailingHandler", {
  connection: CONNECTION,
  queueName: "orders",
  handler: async (_message: unknown, context: InvocationContext) => {
    failingAttempts.push(Number(context.triggerMetadata?.deliveryCount));
    throw new Error("cannot apply this payment");
  },
});

const sessionSeen: Array<{ sessionId: string; body: string }> = [];
app.serviceBusQueue("orderedSessionHandler", {
  connection: CONNECTION,
  queueName: "ordered",
  isSessionsEnabled: true,
  handler: async (message: unknown, context: InvocationContext) => {
    await new Promise((r) => setTimeout(r, 5));
    sessionSeen.push({ sessionId: String(context.triggerMetadata?.sessionId), body: String(message) });
  },
});

const batches: Array<{ bodies: unknown[]; meta: Record<string, unknown> }> = [];
app.serviceBusQueue("bulkHandler", {
  connection: CONNECTION,
  queueName: "bulk",
  cardinality: "many",
  handler: async (messages: unknown, context: InvocationContext) => {
    batches.push({ bodies: messages as unknown[], meta: context.triggerMetadata as Record<string, unknown> });
  },
});

const forwardTo = output.serviceBusQueue({ queueName: "plain", connection: CONNECTION });
app.serviceBusTopic("paymentForwarder", {
  connection: CONNECTION,
  topicName: "events",
  subscriptionName: "payments",
  extraOutputs: [forwardTo],
  handler: (message: unknown, context: InvocationContext) => {
    context.extraOutputs.set(forwardTo, [
      {
        body: { forwarded: message },
        messageId: "forwarded-1",
        subject: "payment.forwarded",
        applicationProperties: { via: "paymentForwarder" },
      },
      {
        body: "reminder",
        messageId: "forwarded-scheduled",
        scheduledEnqueueTimeUtc: new Date(h.clock.now() + 60 * 60_000).toISOString(),
      },
    ]);
  },
});

let h: Harness;
let triggers: ServiceBusTriggers;
beforeAll(async () => {
  h = await startHarness();
  const invoker = new Invoker(registry, h.tracker, silentLogger);
  triggers = new ServiceBusTriggers({
    registry,
    invoker,
    logger: silentLogger,
    setting: (name) => (name === CONNECTION ? h.connectionString : undefined),
    sessionIdleMs: 200,
  });
  await triggers.start();
});
afterAll(async () => {
  await triggers?.stop();
  await h?.close();
});

describe("Service Bus triggers and outputs in the dev host", () => {
  it("invokes a queue trigger with the deserialised body and trigger metadata, and completes the message", async () => {
    const sender = h.client.createSender("plain");
    await sender.sendMessages({
      body: { caseId: "c-42", amountMinor: 1000 },
      messageId: "trigger-ok-1",
      correlationId: "corr-42",
      subject: "payment.received",
      contentType: "application/json",
      applicationProperties: { tenant: "t1" },
    });
    await h.tracker.settle();
    const hit = received.find((r) => r.meta.messageId === "trigger-ok-1");
    expect(hit?.body).toEqual({ caseId: "c-42", amountMinor: 1000 });
    expect(hit?.meta).toMatchObject({
      messageId: "trigger-ok-1",
      deliveryCount: 1,
      correlationId: "corr-42",
      subject: "payment.received",
      label: "payment.received",
      contentType: "application/json",
      applicationProperties: { tenant: "t1" },
    });
    expect(typeof hit?.meta.enqueuedTimeUtc).toBe("string");
    expect(typeof hit?.meta.sequenceNumber).toBe("number");
    expect(typeof hit?.meta.lockToken).toBe("string");
    expect(h.broker.stats()["plain"]).toBeUndefined(); // nothing left: completed
    await sender.close();
  });

  it("hands a text body over as a string", async () => {
    const sender = h.client.createSender("plain");
    await sender.sendMessages({ body: "just text", messageId: "trigger-text" });
    await h.tracker.settle();
    expect(received.find((r) => r.meta.messageId === "trigger-text")?.body).toBe("just text");
    await sender.close();
  });

  it("abandons after a failed invocation, retries, and dead-letters after the queue's max delivery count", async () => {
    const sender = h.client.createSender("orders"); // maxDeliveryCount 3
    await sender.sendMessages({ body: { bad: true }, messageId: "trigger-fails-1" });
    await h.tracker.settle();
    expect(failingAttempts).toEqual([1, 2, 3]);
    const dlq = h.client.createReceiver("orders", { subQueueType: "deadLetter" });
    const [dead] = await dlq.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    expect(dead?.messageId).toBe("trigger-fails-1");
    expect(dead?.deadLetterReason).toBe("MaxDeliveryCountExceeded");
    await dlq.completeMessage(dead!);
    await dlq.close();
    await sender.close();
  });

  it("hands a cardinality 'many' trigger arrays of bodies with array trigger metadata", async () => {
    const sender = h.client.createSender("bulk");
    await sender.sendMessages([1, 2, 3, 4, 5].map((n) => ({ body: { n }, messageId: `bulk-${n}` })));
    await h.tracker.settle();
    const bodies = batches.flatMap((b) => b.bodies);
    expect(bodies).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }, { n: 5 }]);
    expect(batches.flatMap((b) => b.meta.messageIdArray as string[])).toEqual([
      "bulk-1",
      "bulk-2",
      "bulk-3",
      "bulk-4",
      "bulk-5",
    ]);
    expect(h.broker.stats()["bulk"]).toBeUndefined();
    await sender.close();
  });

  it("processes a session-enabled queue in order per session", async () => {
    const sender = h.client.createSender("ordered");
    const batch = [];
    for (let i = 1; i <= 5; i++) {
      batch.push({ body: `A${i}`, sessionId: "case-A" });
      batch.push({ body: `B${i}`, sessionId: "case-B" });
    }
    await sender.sendMessages(batch);
    await h.tracker.settle();
    const of = (id: string) => sessionSeen.filter((s) => s.sessionId === id).map((s) => s.body);
    expect(of("case-A")).toEqual(["A1", "A2", "A3", "A4", "A5"]);
    expect(of("case-B")).toEqual(["B1", "B2", "B3", "B4", "B5"]);
    await sender.close();
  });

  it("sends a function's Service Bus output messages, which another trigger receives", async () => {
    const sender = h.client.createSender("events");
    await sender.sendMessages({ body: { paymentId: "p-1" }, messageId: "to-forward", subject: "payment.received" });
    await h.tracker.settle();
    const hit = received.find((r) => r.meta.messageId === "forwarded-1");
    expect(hit?.body).toEqual({ forwarded: { paymentId: "p-1" } });
    expect(hit?.meta.subject).toBe("payment.forwarded");
    expect(hit?.meta.applicationProperties).toEqual({ via: "paymentForwarder" });
    // The other subscriptions of the topic got the event too; nobody listens there, and that does not block settling.
    expect(h.broker.stats()["events/Subscriptions/all"]?.active).toBeGreaterThan(0);
    await sender.close();
  });

  it("delivers an output message with scheduledEnqueueTimeUtc when the clock reaches it", async () => {
    // Sent by paymentForwarder in the test before, one hour ahead.
    expect(received.some((r) => r.meta.messageId === "forwarded-scheduled")).toBe(false);
    await h.clock.advanceBy(60 * 60_000);
    expect(received.find((r) => r.meta.messageId === "forwarded-scheduled")?.body).toBe("reminder");
  });
});
