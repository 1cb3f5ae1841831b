import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installFunctionsCore } from "../../../devhost/functions-core";
import { HttpRequest, type HttpResponse } from "@azure/functions";
import { VirtualClock } from "../../../devhost/clock";
import { Invoker } from "../../../devhost/invoker";
import { silentLogger } from "../../../devhost/logger";
import { WorkTracker } from "../../../devhost/work-tracker";
import { DurableEngine } from "../../../devhost/durable";
import { EventType } from "../../../devhost/durable/types";
import { activityCalls, fanOut, flakyAttempts, shakyChildRuns } from "./fixtures/durable-fixtures";

const registry = installFunctionsCore();
const T0 = Date.parse("2027-01-04T08:00:00Z");
const MINUTE = 60_000;
const DAY = 86_400_000;

/** The virtual clock runs on in real time between steps: compare instants to the minute. */
const toMinute = (iso: unknown) => String(iso).slice(0, 16);

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "durable-engine-"));
}

function makeHost(
  dataDir = tempDir(),
  startAt = T0,
  preserveUnprocessedEventsOnContinueAsNew = false,
  limits: { maxConcurrentActivityFunctions?: number; maxConcurrentOrchestratorFunctions?: number } = {},
) {
  const tracker = new WorkTracker();
  const clock = new VirtualClock(tracker, startAt);
  const invoker = new Invoker(registry, tracker, silentLogger);
  const engine = new DurableEngine({
    registry,
    invoker,
    clock,
    tracker,
    logger: silentLogger,
    dataDir,
    taskHubName: "TestHub",
    preserveUnprocessedEventsOnContinueAsNew,
    ...limits,
  });
  return { engine, clock, tracker, invoker, dataDir };
}

async function started(dataDir?: string, startAt?: number, preserveUnprocessedEvents?: boolean) {
  const host = makeHost(dataDir, startAt, preserveUnprocessedEvents);
  await host.engine.start();
  return host;
}

describe("Durable engine on the dev host", () => {
  it("completes a payment race through the event when the payment arrives before the due date", async () => {
    const { engine, clock } = await started();
    const id = await engine.startNew("testPaymentRace", {
      instanceId: "race-paid",
      input: { dueDate: new Date(T0 + 14 * DAY).toISOString() },
    });
    await engine.waitForIdle();
    expect((await engine.getStatus(id))?.customStatus).toEqual({ stage: "awaiting-payment" });

    await clock.advanceBy(3 * DAY);
    await engine.raiseEvent(id, "PaymentReceived", { amount: 1200, ref: "p-1" });
    await engine.waitForIdle();

    const status = await engine.getStatus(id);
    expect(status?.runtimeStatus).toBe("Completed");
    expect(status?.output).toEqual({ outcome: "paid", payment: { amount: 1200, ref: "p-1" } });
    expect(status?.customStatus).toEqual({ stage: "paid" });
    // The cancelled due-date timer is gone from the clock: advancing past it changes nothing.
    expect(clock.pending().filter((p) => p.label.includes("race-paid"))).toEqual([]);
    await clock.advanceBy(30 * DAY);
    expect((await engine.getStatus(id))?.output).toEqual({ outcome: "paid", payment: { amount: 1200, ref: "p-1" } });
    await engine.stop();
  });

  it("completes a payment race through the timer when no payment arrives by the due date", async () => {
    const { engine, clock } = await started();
    const due = new Date(T0 + 14 * DAY).toISOString();
    const id = await engine.startNew("testPaymentRace", { instanceId: "race-overdue", input: { dueDate: due } });
    await engine.waitForIdle();
    await clock.advanceBy(13 * DAY);
    expect((await engine.getStatus(id))?.runtimeStatus).toBe("Running");

    await clock.advanceBy(1 * DAY);
    const status = await engine.getStatus(id);
    expect(status?.runtimeStatus).toBe("Completed");
    expect(status?.output).toMatchObject({ outcome: "overdue" });
    expect(toMinute((status?.output as { at: string }).at)).toBe(toMinute(due));

    // A payment after the orchestration finished is dropped, as on Azure.
    await engine.raiseEvent(id, "PaymentReceived", { amount: 1 });
    await engine.waitForIdle();
    expect((await engine.getStatus(id))?.output).toEqual(status?.output);
    await engine.stop();
  });

  it("retries a failing activity after the retry interval and completes when an attempt succeeds", async () => {
    const { engine, clock } = await started();
    const id = await engine.startNew("testRetry", { input: "sms-42" });
    await engine.waitForIdle();
    expect(flakyAttempts.get("sms-42")).toBe(1);
    expect((await engine.getStatus(id))?.runtimeStatus).toBe("Running");

    await clock.advanceBy(1 * MINUTE); // first retry interval
    expect(flakyAttempts.get("sms-42")).toBe(2);
    await clock.advanceBy(1 * MINUTE);
    const status = await engine.getStatus(id, { showHistory: true });
    expect(flakyAttempts.get("sms-42")).toBe(3);
    expect(status?.runtimeStatus).toBe("Completed");
    expect(status?.output).toEqual({ delivered: "sms-42", attempt: 3 });
    // Two failed attempts, each followed by a retry timer, then the successful third.
    const kinds = status!.historyEvents!.map((e) => e.EventType).filter((t) => [4, 5, 6, 10, 11].includes(t));
    expect(kinds).toEqual([4, 6, 10, 11, 4, 6, 10, 11, 4, 5]);
    await engine.stop();
  });

  it("marks the orchestration Failed with the activity's error when its retries are used up and nobody catches it", async () => {
    const { engine, clock } = await started();
    const id = await engine.startNew("testGivesUp", { input: { key: "uncaught", catch: false } });
    await engine.waitForIdle();
    await clock.advanceBy(10 * MINUTE);
    const status = await engine.getStatus(id);
    expect(activityCalls.filter((c) => c === "testAlwaysFails:uncaught")).toHaveLength(2);
    expect(status?.runtimeStatus).toBe("Failed");
    expect(status?.failureDetails?.errorMessage).toContain(
      "Activity function 'testAlwaysFails' failed: recipient rejected the message",
    );
    expect(String(status?.output)).toContain("Orchestrator function 'testGivesUp' failed");
    await engine.stop();
  });

  it("lets the orchestration catch an activity that failed for good and carry on", async () => {
    const { engine, clock } = await started();
    const id = await engine.startNew("testGivesUp", { input: { key: "caught", catch: true } });
    await engine.waitForIdle();
    await clock.advanceBy(10 * MINUTE);
    const status = await engine.getStatus(id);
    expect(status?.runtimeStatus).toBe("Completed");
    expect(status?.output).toEqual({
      handled: "Activity function 'testAlwaysFails' failed: recipient rejected the message ",
    });
    expect(status?.customStatus).toEqual({ stage: "sms-failed" });
    await engine.stop();
  });

  it("reports an orchestrator that throws as Failed with its message", async () => {
    const { engine } = await started();
    const id = await engine.startNew("testThrows");
    await engine.waitForIdle();
    const status = await engine.getStatus(id);
    expect(status?.runtimeStatus).toBe("Failed");
    expect(status?.failureDetails?.errorMessage).toBe("ledger is inconsistent");
    await engine.stop();
  });

  it("runs sub-orchestrations fanned out from a parent and returns their combined result", async () => {
    const { engine } = await started();
    const id = await engine.startNew("testParent", { instanceId: "parent-1", input: [1, 2, 3] });
    await engine.waitForIdle();
    const status = await engine.getStatus(id);
    expect(status?.runtimeStatus).toBe("Completed");
    expect(status?.output).toEqual({ total: 12, parents: ["parent-1"] });
    const children = (await engine.list()).filter((s) => s.name === "testChild");
    expect(children.map((c) => c.runtimeStatus)).toEqual(["Completed", "Completed", "Completed"]);
    expect(children.map((c) => c.instanceId).sort()).toEqual(["parent-1:0000", "parent-1:0001", "parent-1:0002"]);
    await engine.stop();
  });

  it("retries a failed sub-orchestration after the retry interval and returns the successful attempt's result", async () => {
    const { engine, clock } = await started();
    const id = await engine.startNew("testRetryingParent", { instanceId: "retrying-parent", input: "child-key" });
    await engine.waitForIdle();
    expect(shakyChildRuns.get("child-key")).toBe(1);
    expect((await engine.getStatus(id))?.runtimeStatus).toBe("Running");
    await clock.advanceBy(5 * MINUTE);
    const status = await engine.getStatus(id);
    expect(status?.runtimeStatus).toBe("Completed");
    // The first attempt's child failed; the retry ran under a new deterministic id (seq 0 → timer 1 → attempt 2).
    expect(status?.output).toEqual({ key: "child-key", doubled: 8, instanceId: "retrying-parent:0002" });
    expect((await engine.getStatus("retrying-parent:0000"))?.runtimeStatus).toBe("Failed");
    await engine.stop();
  });

  it("runs the activities of a fan-out concurrently and returns their results in order", async () => {
    const { engine } = await started();
    fanOut.maxRunning = 0;
    const id = await engine.startNew("testFanOut", { input: [1, 2, 3, 4, 5, 6] });
    await engine.waitForIdle();
    const status = await engine.getStatus(id);
    expect(status?.output).toEqual([1, 4, 9, 16, 25, 36]);
    expect(fanOut.maxRunning).toBe(6);
    await engine.stop();
  });

  it("runs at most maxConcurrentActivityFunctions activities at once (host.json), the others in turn", async () => {
    const host = makeHost(tempDir(), T0, false, {
      maxConcurrentActivityFunctions: 2,
      maxConcurrentOrchestratorFunctions: 1,
    });
    const { engine } = host;
    await engine.start();
    fanOut.maxRunning = 0;
    const ids = await Promise.all([
      engine.startNew("testFanOut", { input: [1, 2, 3, 4, 5, 6] }),
      engine.startNew("testFanOut", { input: [7, 8, 9] }),
    ]);
    await engine.waitForIdle();
    expect((await engine.getStatus(ids[0]))?.output).toEqual([1, 4, 9, 16, 25, 36]);
    expect((await engine.getStatus(ids[1]))?.output).toEqual([49, 64, 81]);
    expect(fanOut.maxRunning).toBe(2);
    await engine.stop();
  });

  it("delivers events raised in quick succession to the next executions of an eternal orchestration", async () => {
    const { engine } = await started();
    const id = await engine.startNew("testEventCounter", { instanceId: "counter", input: 0 });
    for (let i = 0; i < 3; i++) await engine.raiseEvent(id, "Increment");
    await engine.waitForIdle();
    expect((await engine.getStatus(id))?.customStatus).toEqual({ count: 3 });
    await engine.raiseEvent(id, "Stop");
    await engine.waitForIdle();
    expect((await engine.getStatus(id))?.output).toEqual({ count: 3 });
    await engine.stop();
  });

  it("drops an unconsumed event on continueAsNew by default, and carries it over when asked to", async () => {
    for (const preserve of [false, true]) {
      const { engine, clock } = await started(tempDir(), T0, preserve);
      const id = await engine.startNew("testCarryOver", { input: "first" });
      await engine.waitForIdle();
      await engine.raiseEvent(id, "Note", "remember me"); // execution 1 never waits for it
      await engine.waitForIdle();
      await clock.advanceBy(60 * MINUTE);
      const status = await engine.getStatus(id);
      if (preserve) expect(status).toMatchObject({ runtimeStatus: "Completed", output: { note: "remember me" } });
      else expect(status).toMatchObject({ runtimeStatus: "Running", input: "second" });
      await engine.stop();
    }
  });

  it("continues a counter as new five times and completes with the final count", async () => {
    const { engine } = await started();
    const id = await engine.startNew("testCounter", { input: { count: 0, target: 5 } });
    await engine.waitForIdle();
    const status = await engine.getStatus(id, { showHistory: true });
    expect(status?.runtimeStatus).toBe("Completed");
    expect(status?.output).toEqual({ finalCount: 5 });
    expect(status?.input).toEqual({ count: 5, target: 5 }); // the last execution's input
    // Only the last execution's history is kept.
    expect(status?.historyEvents?.filter((e) => e.EventType === EventType.ExecutionStarted)).toHaveLength(1);
    await engine.stop();
  });

  it("fires a 7-day durable timer when the virtual clock is advanced by 7 days", async () => {
    const { engine, clock } = await started();
    const id = await engine.startNew("testWeekTimer");
    await engine.waitForIdle();
    await clock.advanceBy(7 * DAY - MINUTE);
    expect((await engine.getStatus(id))?.runtimeStatus).toBe("Running");
    await clock.advanceBy(MINUTE);
    const status = await engine.getStatus(id);
    expect(status?.runtimeStatus).toBe("Completed");
    const { startedAt, wokeAt } = status?.output as { startedAt: string; wokeAt: string };
    expect(toMinute(startedAt)).toBe(toMinute(new Date(T0).toISOString()));
    expect(toMinute(wokeAt)).toBe(toMinute(new Date(T0 + 7 * DAY).toISOString()));
    expect(Date.parse(wokeAt) - Date.parse(startedAt)).toBeGreaterThanOrEqual(7 * DAY);
    await engine.stop();
  });

  it("keeps an event raised before the orchestrator waits for it and delivers it when it does", async () => {
    const { engine, clock } = await started();
    const id = await engine.startNew("testLateWaiter");
    await engine.raiseEvent(id, "Approved", { by: "case-officer" }); // the orchestrator has not even started yet
    await engine.waitForIdle();
    expect((await engine.getStatus(id))?.runtimeStatus).toBe("Running");
    await clock.advanceBy(60 * MINUTE);
    const status = await engine.getStatus(id);
    expect(status?.runtimeStatus).toBe("Completed");
    expect(status?.output).toEqual({ greeting: "hello Ola", approval: { by: "case-officer" } });
    await engine.stop();
  });

  it("terminates a running orchestration with a reason, and purges only finished ones", async () => {
    const { engine, clock, dataDir } = await started();
    const due = new Date(T0 + 14 * DAY).toISOString();
    const running = await engine.startNew("testPaymentRace", { instanceId: "to-keep", input: { dueDate: due } });
    const doomed = await engine.startNew("testPaymentRace", { instanceId: "to-terminate", input: { dueDate: due } });
    await engine.waitForIdle();

    await engine.terminate(doomed, "invoice withdrawn");
    await engine.waitForIdle();
    let status = await engine.getStatus(doomed);
    expect(status?.runtimeStatus).toBe("Terminated");
    expect(status?.output).toBe("invoice withdrawn");
    // Its timer no longer fires, and events are dropped.
    await engine.raiseEvent(doomed, "PaymentReceived", { amount: 5 });
    await clock.advanceBy(20 * DAY);
    status = await engine.getStatus(doomed);
    expect(status?.runtimeStatus).toBe("Terminated");

    expect(await engine.purge(doomed)).toBe(true);
    expect(await engine.getStatus(doomed)).toBeUndefined();
    expect(fs.readdirSync(path.join(dataDir, "durable", "TestHub"))).not.toContain("to-terminate.json");
    expect(await engine.purge("never-existed")).toBe(false);

    // The other one ran on: it went overdue after 14 days; an unfinished instance cannot be purged.
    expect((await engine.getStatus(running))?.runtimeStatus).toBe("Completed");
    const pending = await engine.startNew("testPaymentRace", {
      instanceId: "still-running",
      input: { dueDate: new Date(T0 + 60 * DAY).toISOString() },
    });
    await engine.waitForIdle();
    expect(await engine.purge(pending)).toBe(false);
    expect((await engine.list({ runtimeStatus: ["Running"] })).map((s) => s.instanceId)).toEqual(["still-running"]);
    await expect(
      engine.startNew("testPaymentRace", { instanceId: "still-running", input: { dueDate: due } }),
    ).rejects.toMatchObject({ status: 409 });
    await engine.stop();
  });

  it("resumes an orchestration after a restart: its timer, its acknowledged event and its activity survive", async () => {
    const dataDir = tempDir();
    const first = await started(dataDir);
    const id = await first.engine.startNew("testResumable", { instanceId: "survivor" });
    await first.engine.waitForIdle();
    await first.clock.advanceBy(2 * 60 * MINUTE);
    await first.engine.raiseEvent(id, "Go", { by: "first-host" }); // arrives while the orchestrator waits on its timer
    await first.engine.stop();
    expect(first.clock.pending().filter((p) => p.label.includes("survivor"))).toEqual([]);

    const second = await started(dataDir, first.clock.now()); // a new dev host process on the same .data
    expect((await second.engine.getStatus(id))?.runtimeStatus).toBe("Running");
    await second.clock.advanceBy(DAY);
    await second.engine.waitForIdle();
    const status = await second.engine.getStatus(id);
    expect(status?.runtimeStatus).toBe("Completed");
    expect(status?.output).toMatchObject({ by: "first-host", doubled: 42 });
    expect(toMinute((status?.output as { at: string }).at)).toBe(toMinute(new Date(T0 + DAY).toISOString()));
    await second.engine.stop();
  });

  it("re-runs an activity that was in flight when the engine stopped before its result was stored", async () => {
    const dataDir = tempDir();
    const first = await started(dataDir);
    await first.engine.startNew("testChild", { instanceId: "interrupted", input: 5 });
    await first.engine.waitForIdle();
    await first.engine.stop();
    // Simulate a crash after the activity was scheduled but before its result was stored (stop wrote a snapshot).
    const file = path.join(dataDir, "durable", "TestHub", "journal", "instances.json");
    const snapshot = JSON.parse(fs.readFileSync(file, "utf8")) as { instances: Array<Record<string, unknown>> };
    const stored = snapshot.instances.find((i) => i.instanceId === "interrupted")!;
    expect(stored.runtimeStatus).toBe("Completed");
    const history = stored.history as Array<{ EventType: number }>;
    const cut = history.findIndex((e) => e.EventType === 13) + 1; // end of the first episode
    Object.assign(stored, {
      runtimeStatus: "Running",
      output: undefined,
      history: history.slice(0, cut),
      tasks: { "0": { kind: "activity", name: "testDouble", input: "5" } },
      actionSeqs: [0],
      nextSeq: 1,
      inbox: [],
    });
    fs.writeFileSync(file, JSON.stringify(snapshot));
    const calls = activityCalls.filter((c) => c === "testDouble:5").length;

    const second = await started(dataDir);
    await second.engine.waitForIdle();
    expect(activityCalls.filter((c) => c === "testDouble:5").length).toBe(calls + 1);
    expect((await second.engine.getStatus("interrupted"))?.output).toEqual({ n: 5, doubled: 10, parent: "" });
    await second.engine.stop();
  });

  describe("the real df.getClient(context) against the engine's client endpoints", () => {
    let server: http.Server;
    let host: Awaited<ReturnType<typeof started>>;
    let origin = "";
    const probe = async (body: Record<string, unknown>) => {
      const registration = registry.require("testDurableClientProbe", "httpTrigger");
      const request = new HttpRequest({
        method: "POST",
        url: `${origin}/test/durable-client`, // the app and the durable endpoints share one server, as in the dev host
        body: { string: JSON.stringify(body) },
        headers: { "content-type": "application/json" },
      });
      const { result } = await host.invoker.invoke(registration, request);
      return result as { status: number; jsonBody?: { value?: unknown; error?: string }; headers?: unknown };
    };

    beforeAll(async () => {
      host = await started();
      server = http.createServer((req, res) => {
        const url = new URL(req.url ?? "/", "http://127.0.0.1");
        void host.engine.handleHttp(req, res, url).then((handled) => {
          if (!handled) res.writeHead(404).end();
        });
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const { port } = server.address() as { port: number };
      origin = `http://127.0.0.1:${port}`;
      host.engine.setBaseUrl(origin);
    });

    afterAll(async () => {
      await host.engine.stop();
      await new Promise((resolve) => server.close(resolve));
    });

    it("starts with a chosen instance id, raises an event, and reads the completed status", async () => {
      const due = new Date(T0 + 14 * DAY).toISOString();
      const started = await probe({ op: "start", name: "testPaymentRace", id: "client-1", input: { dueDate: due } });
      expect(started).toMatchObject({ status: 200, jsonBody: { value: "client-1" } });
      await host.engine.waitForIdle();
      expect((await probe({ op: "status", id: "client-1" })).jsonBody?.value).toMatchObject({
        runtimeStatus: "Running",
        name: "testPaymentRace",
        input: { dueDate: due },
        customStatus: { stage: "awaiting-payment" },
      });

      expect(
        (await probe({ op: "raise", id: "client-1", event: "PaymentReceived", data: { amount: 99 } })).status,
      ).toBe(200);
      await host.engine.waitForIdle();
      expect((await probe({ op: "status", id: "client-1" })).jsonBody?.value).toMatchObject({
        runtimeStatus: "Completed",
        output: { outcome: "paid", payment: { amount: 99 } },
      });
    });

    it("refuses to start a second instance with the id of a running one", async () => {
      const input = { dueDate: new Date(T0 + 14 * DAY).toISOString() };
      await probe({ op: "start", name: "testPaymentRace", id: "client-dup", input });
      const again = await probe({ op: "start", name: "testPaymentRace", id: "client-dup", input });
      expect(again.status).toBe(500);
      expect(again.jsonBody?.error).toContain("409");
    });

    it("terminates, lists by status, purges, and then reports the instance as not found", async () => {
      await probe({
        op: "start",
        name: "testPaymentRace",
        id: "client-2",
        input: { dueDate: new Date(T0 + 14 * DAY).toISOString() },
      });
      await host.engine.waitForIdle();
      expect((await probe({ op: "terminate", id: "client-2" })).status).toBe(200);
      await host.engine.waitForIdle();
      expect((await probe({ op: "status", id: "client-2" })).jsonBody?.value).toMatchObject({
        runtimeStatus: "Terminated",
        output: "cancelled by the creditor",
      });
      expect((await probe({ op: "list", statuses: ["Terminated"] })).jsonBody?.value).toEqual(["client-2"]);
      expect((await probe({ op: "list", statuses: ["Completed", "Terminated"] })).jsonBody?.value).toEqual([
        "client-1",
        "client-2",
      ]);

      expect((await probe({ op: "purge", id: "client-2" })).jsonBody?.value).toBe(1);
      const gone = await probe({ op: "status", id: "client-2" });
      expect(gone.status).toBe(500);
      expect(gone.jsonBody?.error).toContain("404");
      expect((await probe({ op: "purge", id: "client-2" })).jsonBody?.value).toBe(0);
      // Raising an event for an unknown instance fails the way the SDK reports it.
      expect((await probe({ op: "raise", id: "client-2", event: "X" })).jsonBody?.error).toBe(
        "No instance with ID 'client-2' found.",
      );
    });

    it("returns working management links from createCheckStatusResponse", async () => {
      const response = (await probe({ op: "checkStatus", id: "client-1" })) as unknown as HttpResponse;
      expect(response.status).toBe(202);
      const links = (await response.json()) as Record<string, string>;
      expect(links.id).toBe("client-1");
      const status = await fetch(links.statusQueryGetUri!);
      expect(status.status).toBe(200);
      expect(await status.json()).toMatchObject({ instanceId: "client-1", runtimeStatus: "Completed" });
    });

    it("gives the durable client to a timer trigger too", async () => {
      const registration = registry.require("testDurableClientTimer", "timerTrigger");
      await host.invoker.invoke(registration, { isPastDue: false, scheduleStatus: {} });
      await host.engine.waitForIdle();
      expect((await host.engine.getStatus("nightly-counter"))?.output).toEqual({ finalCount: 2 });
    });

    it("lists every instance and purges the finished ones matching a filter", async () => {
      const all = (await probe({ op: "all" })).jsonBody?.value as string[];
      expect(all).toEqual(expect.arrayContaining(["client-1:Completed", "client-dup:Running"]));
      expect((await probe({ op: "purgeBy", statuses: ["Running"] })).jsonBody?.value).toBe(0); // running ones are kept
      await probe({ op: "start", name: "testCounter", id: "client-3", input: { count: 0, target: 1 } });
      await host.engine.waitForIdle();
      const completed = ((await probe({ op: "all" })).jsonBody?.value as string[]).filter((s) =>
        s.endsWith(":Completed"),
      );
      expect(completed).toEqual(expect.arrayContaining(["client-1:Completed", "client-3:Completed"]));
      expect((await probe({ op: "purgeBy", statuses: ["Completed"] })).jsonBody?.value).toBe(completed.length);
      expect(
        ((await probe({ op: "all" })).jsonBody?.value as string[]).filter((s) => s.endsWith(":Completed")),
      ).toEqual([]);
    });
  });
});
