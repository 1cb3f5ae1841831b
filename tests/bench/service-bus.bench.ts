/**
 * Throughput of the local Service Bus broker through the real `@azure/service-bus` SDK, against a freshly started
 * broker (port 0, temporary data directory removed at the end, persistence on as in the dev host).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ServiceBusClient, type ServiceBusReceivedMessage } from "@azure/service-bus";
import { VirtualClock } from "../../devhost/clock";
import { silentLogger } from "../../devhost/logger";
import { WorkTracker } from "../../devhost/work-tracker";
import { LocalServiceBus } from "../../devhost/service-bus/broker";
import { parseServiceBusEntities } from "../../devhost/service-bus/entities";

const SINGLE_SENDS = 1_000;
const ROUND_TRIPS = 500;
const BATCHED = 10_000;
const BATCH_SIZE = 100;
const SUBSCRIBED = 5_000;
const CONCURRENCY = 16;

const ENTITIES = parseServiceBusEntities({
  queues: [{ name: "bench", maxDeliveryCount: 10, lockDurationSeconds: 60 }],
  topics: [{ name: "bench-topic", subscriptions: [{ name: "a" }, { name: "b" }] }],
});

export async function run(): Promise<Record<string, number | string>> {
  const dataDir = await mkdtemp(join(tmpdir(), "bench-service-bus-"));
  const tracker = new WorkTracker();
  const clock = new VirtualClock(tracker);
  const broker = new LocalServiceBus({ entities: ENTITIES, dataDir, clock, tracker, logger: silentLogger });
  const { connectionString } = await broker.start(0);
  const client = new ServiceBusClient(connectionString);
  const figures: Record<string, number | string> = {};
  try {
    const sender = client.createSender("bench");
    const receiver = client.createReceiver("bench");
    await sender.sendMessages({ body: "warm-up" });
    await drain(receiver, 1);

    figures[`sequential single sends (msg/s, ${SINGLE_SENDS})`] = await rate(SINGLE_SENDS, async () => {
      for (let i = 0; i < SINGLE_SENDS; i++) await sender.sendMessages({ body: { i } });
    });
    figures[`receiveMessages(100) + complete (msg/s, ${SINGLE_SENDS})`] = await rate(SINGLE_SENDS, () =>
      drain(receiver, SINGLE_SENDS),
    );

    figures[`send → receive → complete, one at a time (round trips/s, ${ROUND_TRIPS})`] = await rate(
      ROUND_TRIPS,
      async () => {
        for (let i = 0; i < ROUND_TRIPS; i++) {
          await sender.sendMessages({ body: { i } });
          const [m] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
          if (!m) throw new Error("round trip: message not received");
          await receiver.completeMessage(m);
        }
      },
    );

    figures[`batched sends, ${BATCH_SIZE} per batch (msg/s, ${BATCHED})`] = await rate(BATCHED, async () => {
      for (let i = 0; i < BATCHED; i += BATCH_SIZE) {
        const batch = await sender.createMessageBatch();
        for (let j = 0; j < BATCH_SIZE; j++) batch.tryAddMessage({ body: { i: i + j } });
        await sender.sendMessages(batch);
      }
    });
    figures[`receiveMessages(100) + complete after batched sends (msg/s, ${BATCHED})`] = await rate(BATCHED, () =>
      drain(receiver, BATCHED),
    );

    for (let i = 0; i < SUBSCRIBED; i += BATCH_SIZE) {
      await sender.sendMessages(Array.from({ length: BATCH_SIZE }, (_, j) => ({ body: { i: i + j } })));
    }
    figures[`subscribe, concurrency ${CONCURRENCY}, auto-complete (msg/s, ${SUBSCRIBED})`] = await rate(
      SUBSCRIBED,
      () => subscribeAll(client, SUBSCRIBED),
    );

    const topicSender = client.createSender("bench-topic");
    figures[`topic fan-out to 2 subscriptions, batched sends (msg/s in, ${BATCHED / 2})`] = await rate(
      BATCHED / 2,
      async () => {
        for (let i = 0; i < BATCHED / 2; i += BATCH_SIZE) {
          await topicSender.sendMessages(Array.from({ length: BATCH_SIZE }, (_, j) => ({ body: { i: i + j } })));
        }
      },
    );
    await topicSender.close();
    await sender.close();
    await receiver.close();
    figures["broker messages left (topic subscriptions, not drained)"] = Object.values(broker.stats()).reduce(
      (n, s) => n + s.active,
      0,
    );
  } finally {
    await client.close();
    await broker.stop();
    clock.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
  return figures;
}

async function rate(count: number, work: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await work();
  return Math.round(count / ((performance.now() - started) / 1000));
}

async function drain(receiver: ReturnType<ServiceBusClient["createReceiver"]>, count: number): Promise<void> {
  let got = 0;
  while (got < count) {
    const ms: ServiceBusReceivedMessage[] = await receiver.receiveMessages(100, { maxWaitTimeInMs: 5_000 });
    if (ms.length === 0) throw new Error(`drain: expected ${count} messages, got ${got}`);
    await Promise.all(ms.map((m) => receiver.completeMessage(m)));
    got += ms.length;
  }
}

function subscribeAll(client: ServiceBusClient, count: number): Promise<void> {
  const receiver = client.createReceiver("bench");
  return new Promise<void>((resolve, reject) => {
    let got = 0;
    const subscription = receiver.subscribe(
      {
        processMessage: async () => {
          if (++got === count) {
            // Let the SDK complete this last message before closing.
            setTimeout(
              () =>
                void subscription
                  .close()
                  .then(() => receiver.close())
                  .then(resolve, reject),
              50,
            );
          }
        },
        processError: async (args) => reject(args.error),
      },
      { maxConcurrentCalls: CONCURRENCY, autoCompleteMessages: true },
    );
  });
}
