import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ServiceBusClient } from "@azure/service-bus";
import { afterEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../../devhost/clock";
import { silentLogger } from "../../../devhost/logger";
import { LocalServiceBus } from "../../../devhost/service-bus/broker";
import { replay, type JournalRecord } from "../../../devhost/service-bus/persistence";
import { WorkTracker } from "../../../devhost/work-tracker";
import { TEST_ENTITIES } from "./harness";

const ROOT = resolve(__dirname, "..", "..", "..");
const HOUR = 3_600_000;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Starts the broker in a child process on `dataDir`; resolves with its port once it listens. */
async function brokerProcess(dataDir: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(
    process.execPath,
    [
      join(ROOT, "node_modules", "vite-node", "vite-node.mjs"),
      join(__dirname, "fixtures", "broker-process.ts"),
      dataDir,
    ],
    { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] },
  );
  cleanups.push(() => void child.kill("SIGKILL"));
  const port = await new Promise<number>((ok, fail) => {
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const line = /^\{"port":(\d+)\}$/m.exec(out);
      if (line) ok(Number(line[1]));
    });
    child.once("exit", (code) => fail(new Error(`broker process exited (${code}) before listening`)));
  });
  return { child, port };
}

async function kill9(child: ChildProcess): Promise<void> {
  const exited = new Promise((ok) => child.once("exit", ok));
  child.kill("SIGKILL");
  await exited;
}

function client(port: number): ServiceBusClient {
  const c = new ServiceBusClient(
    `Endpoint=sb://127.0.0.1:${port};SharedAccessKeyName=local;SharedAccessKey=local;UseDevelopmentEmulator=true`,
    { retryOptions: { maxRetries: 0, timeoutInMs: 10_000 } },
  );
  return c;
}

async function inProcessBroker(dataDir: string, compactAfterBytes?: number) {
  const tracker = new WorkTracker();
  const clock = new VirtualClock(tracker);
  const broker = new LocalServiceBus({
    entities: TEST_ENTITIES,
    dataDir,
    clock,
    tracker,
    logger: silentLogger,
    persistence: { compactAfterBytes },
  });
  const { port } = await broker.start(0);
  const c = client(port);
  cleanups.push(async () => {
    await c.close();
    await broker.stop();
    clock.stop();
  });
  return { broker, clock, client: c };
}

async function drain(c: ServiceBusClient, queue: string, expected: number) {
  const receiver = c.createReceiver(queue, { receiveMode: "receiveAndDelete" });
  const got = [];
  for (let tries = 0; tries < 20 && got.length < expected; tries++) {
    got.push(...(await receiver.receiveMessages(expected - got.length, { maxWaitTimeInMs: 1_000 })));
  }
  await receiver.close();
  return got;
}

describe("local Service Bus broker: the journal", () => {
  it("loses no accepted message, settlement or schedule when the broker is killed with SIGKILL right after", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "sb-kill9-"));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const { child, port } = await brokerProcess(dataDir);
    const c = client(port);
    cleanups.push(() => c.close());

    const sender = c.createSender("plain");
    await sender.sendMessages([{ body: "settled before the kill", messageId: "done-1" }]);
    const receiver = c.createReceiver("plain");
    const [done] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    expect(done?.messageId).toBe("done-1");
    await receiver.completeMessage(done!);
    await receiver.close();
    const [scheduledSeq] = await sender.scheduleMessages(
      { body: "later", messageId: "sched-1" },
      new Date(Date.now() + HOUR),
    );
    const topic = c.createSender("events");
    await topic.sendMessages({ body: "to the topic", messageId: "fan-1", subject: "payment.received" });
    for (let i = 0; i < 5; i++) {
      await sender.sendMessages(Array.from({ length: 20 }, (_, j) => ({ body: { i, j }, messageId: `m-${i}-${j}` })));
    }
    // The last acceptance has just arrived: kill the broker at once, without a chance to save anything more.
    await kill9(child);

    const { client: c2, clock } = await inProcessBroker(dataDir);
    const back = await drain(c2, "plain", 100);
    expect(back.map((m) => m.messageId)).toEqual(
      Array.from({ length: 5 }, (_, i) => Array.from({ length: 20 }, (_, j) => `m-${i}-${j}`)).flat(),
    );
    expect(back[0]!.body).toEqual({ i: 0, j: 0 });
    expect((await drain(c2, "events/Subscriptions/payments", 1)).map((m) => m.messageId)).toEqual(["fan-1"]);
    const peek = await c2.createReceiver("plain").peekMessages(10);
    expect(peek.map((m) => m.messageId)).toEqual(["sched-1"]);
    expect(peek[0]!.sequenceNumber!.toNumber()).toBe(scheduledSeq!.toNumber());
    await clock.advanceBy(2 * HOUR);
    expect((await drain(c2, "plain", 1)).map((m) => m.messageId)).toEqual(["sched-1"]);
  });

  it("compacts: a snapshot replaces the journal once it has grown, and the state survives restarts in between", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "sb-compact-"));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const first = await inProcessBroker(dataDir, 4_096);
    const sender = first.client.createSender("bulk");
    for (let i = 0; i < 40; i++) await sender.sendMessages({ body: "x".repeat(200), messageId: `bulk-${i}` });
    const files = () => readdirSync(join(dataDir, "service-bus")).sort();
    await new Promise((r) => setTimeout(r, 50));
    // Several compactions happened: a snapshot and only the newest journal generations are left.
    expect(files()).toContain("state.json");
    const generations = files().filter((f) => f.startsWith("journal."));
    expect(generations.length).toBeLessThanOrEqual(2);
    const snapshotGeneration = (
      JSON.parse(readFileSync(join(dataDir, "service-bus", "state.json"), "utf8")) as {
        journalGeneration: number;
      }
    ).journalGeneration;
    expect(snapshotGeneration).toBeGreaterThan(1);
    const received = await drain(first.client, "bulk", 10);
    expect(received).toHaveLength(10);
    await cleanups.pop()!(); // stop (takes a final snapshot)
    expect(files().filter((f) => f.startsWith("journal."))).toEqual([]);

    const second = await inProcessBroker(dataDir, 4_096);
    const rest = await drain(second.client, "bulk", 30);
    expect(rest.map((m) => m.messageId)).toEqual(Array.from({ length: 30 }, (_, i) => `bulk-${i + 10}`));
  });
});

describe("service bus journal replay", () => {
  const m = (seq: number) => ({ seq, messageId: `id-${seq}`, enqueuedAt: 0, deliveryCount: 0, amqp: "AA==" });
  it("applies each line as 'set to', so the state is the last line's, and keeps the sequence moving forward", () => {
    const records: JournalRecord[] = [
      { op: "put", at: "q", m: m(1) },
      { op: "put", at: "q", m: m(2) },
      { op: "put", at: "q", m: m(3) },
      { op: "upd", at: "q", seq: 2, deliveryCount: 2, deferred: true },
      { op: "del", at: "q", seq: 1 },
      { op: "put", at: "q/$DeadLetterQueue", m: { ...m(3), deliveryCount: 3 } },
      { op: "del", at: "q", seq: 3 },
      { op: "sched", to: "q", m: { ...m(9), scheduledAt: 5 } },
      { op: "sched", to: "q", m: { ...m(10), scheduledAt: 5 } },
      { op: "unsched", to: "q", seq: 9 },
      { op: "session", at: "s", id: "a", state: "AQ==" },
      { op: "session", at: "s", id: "b", state: "Ag==" },
      { op: "session", at: "s", id: "a" },
      { op: "dedupe", to: "q", id: "x", until: 42 },
    ];
    const state = replay(undefined, records);
    expect(state.nextSeq).toBe(11);
    expect(state.endpoints["q"]).toEqual({
      available: [],
      deferred: [{ ...m(2), deliveryCount: 2 }],
      sessionStates: {},
    });
    expect(state.endpoints["q/$DeadLetterQueue"]!.available.map((x) => x.deliveryCount)).toEqual([3]);
    expect(state.endpoints["s"]!.sessionStates).toEqual({ b: "Ag==" });
    expect(state.targets["q"]).toEqual({ scheduled: [{ ...m(10), scheduledAt: 5 }], dedupe: { x: 42 } });
    // On top of a snapshot: the snapshot's state, then the lines.
    const again = replay(state, [{ op: "del", at: "q", seq: 2 }]);
    expect(again.endpoints["q"]!.deferred).toEqual([]);
    expect(again.nextSeq).toBe(11);
  });
});
