/**
 * Throughput of the Cosmos DB and ACS SMS stand-ins through the real SDKs, against freshly started stand-ins in a
 * temporary data directory (removed at the end). Point writes/reads use ~1 KB documents over 10 partitions.
 */
import { CosmosClient, type Container } from "@azure/cosmos";
import { SmsClient } from "@azure/communication-sms";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CosmosStandIn } from "../../devhost/cosmos/cosmos-stand-in";
import { silentLogger } from "../../devhost/logger";
import { AcsSmsStandIn } from "../../devhost/sms/acs-sms-stand-in";

const SEQUENTIAL = 2_000;
const CONCURRENT = 4_000;
const IN_FLIGHT = 32;
const SMS_SEQUENTIAL = 500;
const SMS_CONCURRENT = 1_000;

export async function run(): Promise<Record<string, number | string>> {
  const dataDir = await mkdtemp(join(tmpdir(), "bench-stand-ins-"));
  try {
    return { ...(await benchCosmos(dataDir)), ...(await benchSms(dataDir)) };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function benchCosmos(dataDir: string): Promise<Record<string, number | string>> {
  const standIn = new CosmosStandIn({ dataDir, logger: silentLogger, saveIntervalMs: 0 });
  const { endpoint, key } = await standIn.start(0);
  const client = new CosmosClient({ endpoint, key, connectionPolicy: { enableEndpointDiscovery: false } });
  const figures: Record<string, number | string> = {};
  try {
    const { database } = await client.databases.create({ id: "bench" });
    const { container } = await database.containers.create({ id: "docs", partitionKey: { paths: ["/pk"] } });
    const padding = "x".repeat(900);
    const doc = (i: number) => ({ id: `d-${i}`, pk: `p-${i % 10}`, n: i, padding });

    await times(200, 1, (i) => container.items.create(doc(-1 - i))); // warm-up
    figures["cosmos point write, sequential (ops/s)"] = await rate(SEQUENTIAL, 1, (i) =>
      container.items.create(doc(i)),
    );
    figures[`cosmos point write, ${IN_FLIGHT} in flight (ops/s)`] = await rate(CONCURRENT, IN_FLIGHT, (i) =>
      container.items.create(doc(SEQUENTIAL + i)),
    );
    const read = (i: number) => readOrThrow(container, `d-${i}`, `p-${i % 10}`);
    figures["cosmos point read, sequential (ops/s)"] = await rate(SEQUENTIAL, 1, read);
    figures[`cosmos point read, ${IN_FLIGHT} in flight (ops/s)`] = await rate(CONCURRENT, IN_FLIGHT, (i) =>
      read(i % (SEQUENTIAL + CONCURRENT)),
    );

    const documents = SEQUENTIAL + CONCURRENT + 200;
    let started = performance.now();
    await standIn.saveNow();
    figures[`cosmos snapshot save, ${documents} docs (ms)`] = Math.round(performance.now() - started);
    client.dispose();
    await standIn.stop();
    const restarted = new CosmosStandIn({ dataDir, logger: silentLogger, saveIntervalMs: 0 });
    started = performance.now();
    await restarted.start(0);
    figures[`cosmos start with restore, ${documents} docs (ms)`] = Math.round(performance.now() - started);
    await restarted.stop();
  } finally {
    client.dispose();
    await standIn.stop();
  }
  return figures;
}

async function readOrThrow(container: Container, id: string, pk: string): Promise<void> {
  const { resource } = await container.item(id, pk).read();
  if (!resource) throw new Error(`bench: document ${id} not found`);
}

async function benchSms(dataDir: string): Promise<Record<string, number | string>> {
  const accessKey = randomBytes(32).toString("base64");
  const standIn = new AcsSmsStandIn({ dataDir, accessKey, logger: silentLogger });
  const { connectionString } = await standIn.start(0);
  const figures: Record<string, number | string> = {};
  try {
    const client = new SmsClient(connectionString, { allowInsecureConnection: true });
    const send = async () => {
      const [result] = await client.send({
        from: "Bench",
        to: ["+4791234567"],
        message: "Påminnelse: fakturaen forfalt.",
      });
      if (!result?.successful) throw new Error("bench: SMS not accepted");
    };
    await times(50, 1, send); // warm-up
    figures["sms send via SmsClient, sequential (msg/s)"] = await rate(SMS_SEQUENTIAL, 1, send);
    figures[`sms send via SmsClient, ${IN_FLIGHT} in flight (msg/s)`] = await rate(SMS_CONCURRENT, IN_FLIGHT, send);
    figures["sms outbox size at end (messages)"] = standIn.outbox().length;
  } finally {
    await standIn.stop();
  }
  return figures;
}

/** Operations per second for `count` calls of `op(i)` with `inFlight` running at once. */
async function rate(count: number, inFlight: number, op: (i: number) => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await times(count, inFlight, op);
  return Math.round(count / ((performance.now() - started) / 1000));
}

async function times(count: number, inFlight: number, op: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await op(next++);
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, worker));
}
