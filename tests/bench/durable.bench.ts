/**
 * The dev host's Durable engine on the path the case ladder uses: N orchestrations each start, wait on a 7-day
 * durable timer raced against a payment event, and call one activity. Measures starting them, and advancing the
 * virtual clock 7 days (which fires every timer and waits for every orchestration to finish).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { installFunctionsCore } from "../../devhost/functions-core";
import * as df from "durable-functions";
import type { OrchestrationContext } from "durable-functions";
import { VirtualClock } from "../../devhost/clock";
import { Invoker } from "../../devhost/invoker";
import { silentLogger } from "../../devhost/logger";
import { WorkTracker } from "../../devhost/work-tracker";
import { DurableEngine } from "../../devhost/durable";

const DAY = 86_400_000;
const N = 300;

export async function run(): Promise<Record<string, number | string>> {
  const registry = installFunctionsCore();
  if (!registry.byName("benchLadder")) {
    df.app.activity("benchSendSms", { handler: async (input: { id: string }) => ({ sent: input.id }) });
    df.app.orchestration("benchLadder", function* (context: OrchestrationContext): Generator<
      df.Task,
      unknown,
      unknown
    > {
      const due = new Date(context.df.currentUtcDateTime.getTime() + 7 * DAY);
      const timer = context.df.createTimer(due);
      const payment = context.df.waitForExternalEvent("PaymentReceived");
      const winner = yield context.df.Task.any([timer, payment]);
      if (winner === payment) {
        timer.cancel();
        return "paid";
      }
      return yield context.df.callActivity("benchSendSms", { id: context.df.instanceId });
    });
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "durable-bench-"));
  const tracker = new WorkTracker();
  const clock = new VirtualClock(tracker, Date.parse("2027-01-04T08:00:00Z"));
  const invoker = new Invoker(registry, tracker, silentLogger);
  const engine = new DurableEngine({
    registry,
    invoker,
    clock,
    tracker,
    logger: silentLogger,
    dataDir,
    taskHubName: "Bench",
  });
  await engine.start();
  try {
    let t = performance.now();
    for (let i = 0; i < N; i++) await engine.startNew("benchLadder", { instanceId: `case-${i}`, input: {} });
    await engine.waitForIdle();
    const startSeconds = (performance.now() - t) / 1000;
    for (let i = 0; i < N; i += 3) await engine.raiseEvent(`case-${i}`, "PaymentReceived", { amount: 100 });
    await engine.waitForIdle();
    t = performance.now();
    await clock.advanceBy(7 * DAY + 60_000);
    const advanceSeconds = (performance.now() - t) / 1000;
    const done = (await engine.list({ runtimeStatus: ["Completed"] })).length;
    return {
      [`start ${N} orchestrations and run them to their timer wait (orchestrations/s)`]: Math.round(N / startSeconds),
      [`advance the clock 7 days: ${N - Math.ceil(N / 3)} timers fire, each calls an activity (s)`]: Number(
        advanceSeconds.toFixed(2),
      ),
      [`orchestrations completed (of ${N})`]: done,
    };
  } finally {
    await engine.stop();
    clock.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
