/**
 * Webhooks through the real local broker and the dev host's Service Bus triggers: an event published with
 * ServiceBusEventPublisher → topic case-events / subscription webhooks → fan-out → queue webhook-deliveries →
 * delivery to a local receiver, retries as scheduled messages on the virtual clock, dead-letter after the last attempt.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installFunctionsCore } from "../../../devhost/functions-core";
import { Invoker } from "../../../devhost/invoker";
import { silentLogger } from "../../../devhost/logger";
import { loadServiceBusEntities } from "../../../devhost/service-bus/entities";
import { ServiceBusTriggers } from "../../../devhost/service-bus/triggers";
import { registerWebhooks, type WebhooksDeps } from "../../../functions/webhooks";
import { CASE_EVENTS_TOPIC, SERVICE_BUS_CONNECTION, WEBHOOK_DELIVERIES_QUEUE } from "../../../functions/webhooks/names";
import { FetchWebhookSender } from "../../../shared/adapters/http/webhook-sender.fetch";
import { MemoryIdempotencyStore } from "../../../shared/adapters/memory/idempotency-store.memory";
import { MemoryWebhookStore } from "../../../shared/adapters/memory/webhook-store.memory";
import { ServiceBusEventPublisher } from "../../../shared/adapters/service-bus/event-publisher.service-bus";
import { ServiceBusWebhookDeliveryQueue } from "../../../shared/adapters/service-bus/webhook-delivery-queue.service-bus";
import { makeDeliverWebhook } from "../../../shared/application/webhooks/deliver-webhook";
import { makeFanOutEvent } from "../../../shared/application/webhooks/fan-out";
import {
  makeDeleteWebhook,
  makeRotateWebhookSecret,
  makeListWebhooks,
  makeRegisterWebhook,
} from "../../../shared/application/webhooks/register-webhook";
import { WEBHOOK_RETRY_DELAYS_MS } from "../../../shared/application/webhooks/retry-schedule";
import type { CaseEventMessage } from "../../../shared/ports/event-publisher";
import { fixedFraction } from "../../support/random";
import { type Harness, startHarness } from "../service-bus/harness";

const registry = installFunctionsCore();
let deps: WebhooksDeps | undefined;
const currentDeps = () => {
  if (!deps) throw new Error("deps not set up");
  return deps;
};
registerWebhooks(currentDeps);

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver on 127.0.0.1: /ok answers 204, /flaky fails twice then 200, /down always 503. */
function startReceiver(): Promise<{ server: Server; baseUrl: string; received: Received[] }> {
  const received: Received[] = [];
  let flakyCalls = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = req.url ?? "";
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      const status = path === "/ok" ? 204 : path === "/flaky" ? (++flakyCalls <= 2 ? 500 : 200) : 503;
      res.writeHead(status).end();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ server, baseUrl: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`, received }),
    ),
  );
}

let h: Harness;
let triggers: ServiceBusTriggers;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let publisher: ServiceBusEventPublisher;
let queue: ServiceBusWebhookDeliveryQueue;
const webhooks = new MemoryWebhookStore();
const secrets: Record<string, string> = {};

function caseEvent(id: string, tenantId: string): CaseEventMessage {
  return {
    id,
    type: "case.paid",
    tenantId,
    caseId: `c_${id}`,
    occurredAt: new Date(h.clock.now()).toISOString(),
    data: { status: "paid" },
  };
}

function verify(r: Received, secret: string): unknown {
  const headers = {
    "webhook-id": String(r.headers["webhook-id"]),
    "webhook-timestamp": String(r.headers["webhook-timestamp"]),
    "webhook-signature": String(r.headers["webhook-signature"]),
  };
  return new Webhook(secret).verify(r.body, headers);
}

beforeAll(async () => {
  h = await startHarness(loadServiceBusEntities());
  receiver = await startReceiver();
  queue = new ServiceBusWebhookDeliveryQueue({ client: h.client, queueName: WEBHOOK_DELIVERIES_QUEUE });
  publisher = new ServiceBusEventPublisher({ client: h.client, topicName: CASE_EVENTS_TOPIC });
  const appClock = { now: () => h.clock.nowDate() };
  const random = fixedFraction(0.5);
  const register = makeRegisterWebhook({ webhooks, clock: appClock, random, allowLoopback: true });
  deps = {
    lookupApiKey: async () => undefined,
    idempotencyStore: new MemoryIdempotencyStore(),
    clock: appClock,
    registerWebhook: register,
    listWebhooks: makeListWebhooks({ webhooks }),
    deleteWebhook: makeDeleteWebhook({ webhooks }),
    rotateWebhookSecret: makeRotateWebhookSecret({ webhooks, clock: { now: () => new Date() }, random }),
    fanOutEvent: makeFanOutEvent({ webhooks, queue }),
    deliverWebhook: makeDeliverWebhook({
      webhooks,
      queue,
      sender: new FetchWebhookSender({ allowPrivateAddresses: true }),
      clock: appClock,
      // Receivers check webhook-timestamp against their wall clock: the real time, while the broker's clock is virtual.
      signingClock: { now: () => new Date() },
      random,
      timeoutMs: 5_000,
    }),
  };

  for (const [tenant, path] of [
    ["t_ok", "/ok"],
    ["t_flaky", "/flaky"],
    ["t_down", "/down"],
  ] as const) {
    const { secret } = await register(tenant, {
      url: `${receiver.baseUrl}${path}`,
      events: ["case.paid", "case.closed"],
    });
    secrets[tenant] = secret;
  }
  // Subscribed to other event types only: never called for case.paid.
  await register("t_ok", { url: `${receiver.baseUrl}/never`, events: ["case.created"] });

  const invoker = new Invoker(registry, h.tracker, silentLogger);
  triggers = new ServiceBusTriggers({
    registry,
    invoker,
    logger: silentLogger,
    setting: (name) => (name === SERVICE_BUS_CONNECTION ? h.connectionString : undefined),
  });
  await triggers.start();
});

afterAll(async () => {
  await triggers?.stop();
  await queue?.close();
  await publisher?.close();
  await h?.close();
  await new Promise((resolve) => receiver?.server.close(resolve));
});

const at = (path: string) => receiver.received.filter((r) => r.path === path);

describe("webhook delivery through Service Bus", () => {
  it("delivers a published event to the subscribed receiver with a valid Standard Webhooks signature", async () => {
    await publisher.publish([caseEvent("evt_ok_1", "t_ok")]);
    await h.tracker.settle();
    const [hit, ...more] = at("/ok");
    expect(more).toEqual([]);
    expect(hit?.headers["webhook-id"]).toBe("evt_ok_1");
    expect(hit?.headers["content-type"]).toBe("application/json");
    expect(verify(hit!, secrets["t_ok"]!)).toEqual({
      type: "case.paid",
      timestamp: expect.any(String),
      data: { status: "paid", caseId: "c_evt_ok_1" },
    });
    expect(() => verify({ ...hit!, body: hit!.body.replace("paid", "open") }, secrets["t_ok"]!)).toThrow();
    expect(at("/never")).toEqual([]);
    expect(h.broker.stats()[WEBHOOK_DELIVERIES_QUEUE]).toBeUndefined();
  });

  it("publishing the same event again is dropped by the topic's duplicate detection", async () => {
    await publisher.publish([caseEvent("evt_ok_1", "t_ok")]);
    await h.tracker.settle();
    expect(at("/ok")).toHaveLength(1);
  });

  it("a delivery sent twice (a fan-out re-run after a lost completion) is delivered once: ids eventId:subscriptionId", async () => {
    const subscription = (await webhooks.listForTenant("t_ok")).find((s) => s.url.endsWith("/ok"))!;
    const delivery = {
      schemaVersion: 1 as const,
      tenantId: "t_ok",
      subscriptionId: subscription.id,
      attempt: 1,
      event: caseEvent("evt_ok_2", "t_ok"),
      failures: [],
    };
    await queue.send([delivery]);
    await queue.send([delivery]);
    await h.tracker.settle();
    expect(at("/ok").filter((r) => r.headers["webhook-id"] === "evt_ok_2")).toHaveLength(1);
  });

  it("retries a failing receiver as scheduled messages: failing twice, it gets the event on the third attempt", async () => {
    await publisher.publish([caseEvent("evt_flaky_1", "t_flaky")]);
    await h.tracker.settle();
    expect(at("/flaky")).toHaveLength(1);

    await h.clock.advanceBy(WEBHOOK_RETRY_DELAYS_MS[0]! + 1_000); // 5 s
    expect(at("/flaky")).toHaveLength(2);
    await h.clock.advanceBy(WEBHOOK_RETRY_DELAYS_MS[1]! - 60_000); // not yet 5 min
    expect(at("/flaky")).toHaveLength(2);
    await h.clock.advanceBy(61_000);
    expect(at("/flaky")).toHaveLength(3);

    await h.clock.advanceBy(24 * 3_600_000); // nothing more once delivered
    const hits = at("/flaky");
    expect(hits).toHaveLength(3);
    expect(new Set(hits.map((r) => r.headers["webhook-id"]))).toEqual(new Set(["evt_flaky_1"]));
    for (const r of hits) expect(() => verify(r, secrets["t_flaky"]!)).not.toThrow();
    expect(h.broker.stats()[WEBHOOK_DELIVERIES_QUEUE]).toBeUndefined();
  });

  it("dead-letters the delivery, with its failures, after the last attempt against a receiver that always fails", async () => {
    await publisher.publish([caseEvent("evt_down_1", "t_down")]);
    await h.tracker.settle();
    await h.clock.advanceBy(40 * 3_600_000); // past 5 s + 5 min + 30 min + 2 h + 5 h + 10 h + 10 h
    expect(at("/down")).toHaveLength(8); // one request per attempt, none on the dead-lettering redeliveries

    const dlq = h.client.createReceiver(WEBHOOK_DELIVERIES_QUEUE, { subQueueType: "deadLetter" });
    const [dead, ...others] = await dlq.receiveMessages(10, { maxWaitTimeInMs: 2_000 });
    expect(others).toEqual([]);
    expect(dead?.messageId).toBe(`evt_down_1:${(await webhooks.listForTenant("t_down"))[0]!.id}:8`);
    expect(dead?.deadLetterReason).toBe("MaxDeliveryCountExceeded");
    const body = dead?.body as { attempt: number; failures: Array<{ attempt: number; reason: string }> };
    expect(body.attempt).toBe(8);
    expect(body.failures.map((f) => f.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(new Set(body.failures.map((f) => f.reason))).toEqual(new Set(["HTTP 503"]));
    await dlq.completeMessage(dead!);
    await dlq.close();
  });
});
