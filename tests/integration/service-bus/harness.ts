/**
 * Starts a local broker for a test file: port 0, a temp data directory, a VirtualClock and WorkTracker, the entities
 * given (default: a small set made for the tests). `restart()` stops the broker and starts a new one on the same
 * data directory, as a dev-host restart does.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ServiceBusClient } from "@azure/service-bus";
import { VirtualClock } from "../../../devhost/clock";
import { silentLogger } from "../../../devhost/logger";
import { WorkTracker } from "../../../devhost/work-tracker";
import { LocalServiceBus } from "../../../devhost/service-bus/broker";
import { parseServiceBusEntities, type ServiceBusEntities } from "../../../devhost/service-bus/entities";

export const TEST_ENTITIES: ServiceBusEntities = parseServiceBusEntities({
  queues: [
    { name: "orders", maxDeliveryCount: 3, lockDurationSeconds: 30, duplicateDetectionWindowMinutes: 10 },
    { name: "plain", maxDeliveryCount: 10, lockDurationSeconds: 30 },
    { name: "ordered", maxDeliveryCount: 5, lockDurationSeconds: 30, requiresSession: true },
    { name: "bulk", maxDeliveryCount: 5, lockDurationSeconds: 30 },
  ],
  topics: [
    {
      name: "events",
      duplicateDetectionWindowMinutes: 10,
      subscriptions: [
        { name: "all", rules: [{ name: "everything", sqlFilter: "1=1" }] },
        { name: "audit" },
        { name: "payments", rules: [{ name: "payment-events", correlationFilter: { subject: "payment.received" } }] },
        {
          name: "norway",
          rules: [{ name: "no", sqlFilter: "country = 'NO' AND (amount > 100 OR sys.label = 'urgent')" }],
        },
      ],
    },
  ],
});

export interface Harness {
  clock: VirtualClock;
  tracker: WorkTracker;
  dataDir: string;
  broker: LocalServiceBus;
  connectionString: string;
  client: ServiceBusClient;
  /** Stops client and broker, starts a new broker on the same data directory and port, and a new client. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(entities: ServiceBusEntities = TEST_ENTITIES): Promise<Harness> {
  const tracker = new WorkTracker();
  const clock = new VirtualClock(tracker);
  const dataDir = mkdtempSync(join(tmpdir(), "sb-test-"));
  const make = () => new LocalServiceBus({ entities, dataDir, clock, tracker, logger: silentLogger });
  let broker = make();
  let { port, connectionString } = await broker.start(0);
  const h: Harness = {
    clock,
    tracker,
    dataDir,
    broker,
    connectionString,
    client: new ServiceBusClient(connectionString, { retryOptions: { maxRetries: 1, timeoutInMs: 10_000 } }),
    async restart() {
      await h.client.close();
      await broker.stop();
      broker = make();
      ({ port, connectionString } = await broker.start(port));
      h.broker = broker;
      h.connectionString = connectionString;
      h.client = new ServiceBusClient(connectionString, { retryOptions: { maxRetries: 1, timeoutInMs: 10_000 } });
    },
    async close() {
      await h.client.close();
      await broker.stop();
      clock.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return h;
}
