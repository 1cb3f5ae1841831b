import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { installFunctionsCore } from "../../../devhost/functions-core";
import { app, type Timer } from "@azure/functions";
import { Invoker } from "../../../devhost/invoker";
import { WorkTracker } from "../../../devhost/work-tracker";
import { VirtualClock } from "../../../devhost/clock";
import { silentLogger } from "../../../devhost/logger";
import { TimerTriggers } from "../../../devhost/timers";

const registry = installFunctionsCore();
const runs: Array<{ name: string; at: string; isPastDue: boolean }> = [];
const record = (name: string, clock: () => VirtualClock) => async (timer: Timer) => {
  runs.push({ name, at: new Date(clock().now()).toISOString().slice(0, 19), isPastDue: timer.isPastDue });
};
let current: VirtualClock;
app.timer("nightly", { schedule: "0 30 2 * * *", handler: record("nightly", () => current) });
app.timer("fromSetting", { schedule: "%TEST_SCHEDULE%", handler: record("fromSetting", () => current) });
app.timer("atStartup", { schedule: "0 0 0 1 1 *", runOnStartup: true, handler: record("atStartup", () => current) });

const T0 = Date.parse("2027-03-01T12:00:00Z");
const DAY = 86_400_000;
const settings: Record<string, string> = { TEST_SCHEDULE: "0 0 */6 * * *" };

function makeHost(dataDir: string, startAt: number) {
  const tracker = new WorkTracker();
  current = new VirtualClock(tracker, startAt);
  const invoker = new Invoker(registry, tracker, silentLogger);
  return new TimerTriggers({
    registry,
    invoker,
    clock: current,
    logger: silentLogger,
    dataDir,
    setting: (n) => settings[n],
  });
}

describe("timer triggers on the virtual clock", () => {
  it("fire on their NCRONTAB schedule, every occurrence in order, when the clock is advanced", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "timers-"));
    runs.length = 0;
    const timers = makeHost(dataDir, T0);
    await timers.start();
    expect(runs.map((r) => r.name)).toEqual(["atStartup"]);
    await current.advanceBy(3 * DAY);
    const nightly = runs.filter((r) => r.name === "nightly");
    expect(nightly.map((r) => r.at)).toEqual(["2027-03-02T02:30:00", "2027-03-03T02:30:00", "2027-03-04T02:30:00"]);
    expect(nightly.every((r) => !r.isPastDue)).toBe(true);
    expect(runs.filter((r) => r.name === "fromSetting")).toHaveLength(12);
    timers.stop();
    current.stop();
  });

  it("run a missed occurrence once at start, marked past due, after the host was stopped over it", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "timers-"));
    const first = makeHost(dataDir, T0);
    await first.start();
    first.stop();
    current.stop();
    runs.length = 0;
    const second = makeHost(dataDir, T0 + 2 * DAY);
    await second.start();
    const nightly = runs.filter((r) => r.name === "nightly");
    expect(nightly).toHaveLength(1);
    expect(nightly[0]?.isPastDue).toBe(true);
    second.stop();
    current.stop();
  });

  it("leave a timer switched off by AzureWebJobs.<name>.Disabled alone, and run the others", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "timers-"));
    runs.length = 0;
    settings["AzureWebJobs.nightly.Disabled"] = "true";
    settings["AzureWebJobs.atStartup.Disabled"] = "1";
    try {
      const timers = makeHost(dataDir, T0);
      await timers.start();
      await current.advanceBy(2 * DAY);
      expect(new Set(runs.map((r) => r.name))).toEqual(new Set(["fromSetting"]));
      timers.stop();
      current.stop();
    } finally {
      delete settings["AzureWebJobs.nightly.Disabled"];
      delete settings["AzureWebJobs.atStartup.Disabled"];
    }
  });

  it("refuse a schedule that is not six-field NCRONTAB or hh:mm:ss", () => {
    expect(() => TimerTriggers.nextOccurrence("*/5 * * * *", T0)).toThrow(/six fields/);
    expect(TimerTriggers.nextOccurrence("00:05:00", T0)).toBe(T0 + 5 * 60_000);
  });
});
