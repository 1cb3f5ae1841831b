import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../../devhost/clock";
import { clockStartFrom } from "../../../devhost/settings";
import { WorkTracker } from "../../../devhost/work-tracker";

const START = "2026-11-02T08:00:00Z";
const DAY = 86_400_000;

describe("DEVHOST_CLOCK_START", () => {
  it("reads an ISO 8601 instant with Z or an offset, and nothing when unset or empty", () => {
    expect(clockStartFrom({ DEVHOST_CLOCK_START: START })).toBe(Date.parse(START));
    expect(clockStartFrom({ DEVHOST_CLOCK_START: "2026-11-02T09:00:00+01:00" })).toBe(Date.parse(START));
    expect(clockStartFrom({ DEVHOST_CLOCK_START: " 2026-11-02T08:00:00.250Z " })).toBe(Date.parse(START) + 250);
    expect(clockStartFrom({})).toBeUndefined();
    expect(clockStartFrom({ DEVHOST_CLOCK_START: "" })).toBeUndefined();
  });

  it.each(["next Monday", "2026-11-02", "2026-11-02T08:00:00", "2026-02-30T08:00:00Z", "1793606400000"])(
    "refuses %s, naming the setting",
    (value) => {
      expect(() => clockStartFrom({ DEVHOST_CLOCK_START: value })).toThrow(
        /DEVHOST_CLOCK_START must be an ISO 8601 instant/,
      );
    },
  );
});

describe("starting the virtual clock at a configured instant", () => {
  it("puts the clock there, also in the past, and a saved clock that is further on still wins", () => {
    const clock = new VirtualClock(new WorkTracker());
    clock.startAt(Date.parse(START));
    expect(Math.abs(clock.now() - Date.parse(START))).toBeLessThan(1_000);
    const savedAhead = clock.offset + 10 * DAY;
    clock.restoreOffset(savedAhead);
    expect(clock.now() - Date.parse(START)).toBeGreaterThanOrEqual(10 * DAY);
    clock.restoreOffset(clock.offset - 20 * DAY); // a saved clock further back never moves time backwards
    expect(clock.now() - Date.parse(START)).toBeGreaterThanOrEqual(10 * DAY);
    clock.stop();
  });

  it("refuses once something is scheduled (time would go backwards under it)", () => {
    const clock = new VirtualClock(new WorkTracker());
    clock.schedule(clock.now() + DAY, () => undefined, "tomorrow");
    expect(() => clock.startAt(Date.parse(START))).toThrow(/before anything is scheduled/);
    clock.stop();
  });
});
