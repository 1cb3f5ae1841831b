import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../../devhost/clock";
import { WorkTracker } from "../../../devhost/work-tracker";

const T0 = Date.parse("2027-01-01T08:00:00Z");
const DAY = 86_400_000;

describe("the virtual clock", () => {
  it("fires what falls due on the way, in time order, with the clock at each moment", async () => {
    const clock = new VirtualClock(new WorkTracker(), T0);
    const fired: string[] = [];
    // Real time flows on during an advance: compare to the second.
    const at = () => new Date(clock.now()).toISOString().slice(0, 19);
    clock.schedule(T0 + 3 * DAY, () => fired.push(`c@${at()}`), "c");
    clock.schedule(T0 + 1 * DAY, () => fired.push(`a@${at()}`), "a");
    clock.schedule(T0 + 9 * DAY, () => fired.push("late"), "late");
    await clock.advanceBy(7 * DAY);
    expect(fired).toEqual(["a@2027-01-02T08:00:00", "c@2027-01-04T08:00:00"]);
    expect(clock.now()).toBeGreaterThanOrEqual(T0 + 7 * DAY);
    expect(clock.pending().map((p) => p.label)).toEqual(["late"]);
    clock.stop();
  });

  it("fires entries scheduled by a firing entry when they fall within the same advance", async () => {
    const clock = new VirtualClock(new WorkTracker(), T0);
    const fired: number[] = [];
    const daily = (n: number) => {
      fired.push(n);
      clock.schedule(T0 + (n + 1) * DAY, () => daily(n + 1));
    };
    clock.schedule(T0 + DAY, () => daily(1));
    await clock.advanceBy(7 * DAY + 1);
    expect(fired).toEqual([1, 2, 3, 4, 5, 6, 7]);
    clock.stop();
  });

  it("waits for the work a fired entry started before moving on", async () => {
    const tracker = new WorkTracker();
    const clock = new VirtualClock(tracker, T0);
    const order: string[] = [];
    clock.schedule(T0 + DAY, () => {
      const end = tracker.begin();
      setTimeout(() => {
        order.push("slow work done");
        end();
      }, 50);
    });
    clock.schedule(T0 + 2 * DAY, () => order.push("second timer"));
    await clock.advanceBy(3 * DAY);
    expect(order).toEqual(["slow work done", "second timer"]);
    clock.stop();
  });

  it("runs moment pollers after each moment, so what a moment wrote is taken up at its virtual time", async () => {
    // A "print house" that finds a batch by polling schedules its receipt two days later; written on day 1, the batch
    // must be found on day 1, not at the end of a 7-day advance.
    const clock = new VirtualClock(new WorkTracker(), T0);
    const outbox: number[] = [];
    const receipts: string[] = [];
    clock.schedule(T0 + DAY, () => outbox.push(clock.now()), "batch closes");
    clock.addMomentPoller(async () => {
      const found = outbox.splice(0);
      for (const writtenAt of found) {
        clock.schedule(writtenAt + 2 * DAY, () => receipts.push(new Date(clock.now()).toISOString().slice(0, 10)));
      }
      return found.length > 0;
    });
    await clock.advanceBy(7 * DAY);
    expect(receipts).toEqual(["2027-01-04"]);
    clock.stop();
  });

  it("never moves backwards and skips cancelled entries", async () => {
    const clock = new VirtualClock(new WorkTracker(), T0);
    let fired = false;
    clock.schedule(T0 + DAY, () => (fired = true)).cancel();
    await clock.advanceTo(T0 + 2 * DAY);
    await clock.advanceTo(T0);
    expect(fired).toBe(false);
    expect(clock.now()).toBeGreaterThanOrEqual(T0 + 2 * DAY);
    await expect(clock.advanceBy(-1)).rejects.toThrow(/forward/);
    clock.stop();
  });
});

describe("the virtual clock with many timers due at once", () => {
  it("fires entries of the same second together, and later ones only after the earlier work settled", async () => {
    const tracker = new WorkTracker();
    const clock = new VirtualClock(tracker, T0);
    const events: string[] = [];
    for (let i = 0; i < 3; i++) {
      clock.schedule(T0 + DAY + i * 100, () => {
        events.push(`start ${i}`);
        const end = tracker.begin();
        setTimeout(() => {
          events.push(`end ${i}`);
          end();
        }, 20);
      });
    }
    clock.schedule(T0 + DAY + 5_000, () => events.push("next second"));
    await clock.advanceBy(2 * DAY);
    expect(events.slice(0, 3)).toEqual(["start 0", "start 1", "start 2"]);
    expect(events.indexOf("next second")).toBe(6);
    clock.stop();
  });
});

describe("the virtual clock's schedule", () => {
  it("fires entries due at the same instant in the order they were scheduled, also after cancellations", async () => {
    const clock = new VirtualClock(new WorkTracker(), T0);
    const fired: string[] = [];
    const handles = ["a", "b", "c", "d", "e"].map((label) => clock.schedule(T0 + DAY, () => fired.push(label), label));
    clock.schedule(T0 + DAY - 1, () => fired.push("earlier"), "earlier");
    handles[1]!.cancel();
    handles[3]!.cancel();
    expect(clock.pending().map((p) => p.label)).toEqual(["earlier", "a", "c", "e"]);
    await clock.advanceBy(2 * DAY);
    expect(fired).toEqual(["earlier", "a", "c", "e"]);
    expect(clock.pending()).toEqual([]);
    clock.stop();
  });

  it("schedules and cancels tens of thousands of entries in O(log n) each (a sort per insert took seconds)", () => {
    const clock = new VirtualClock(new WorkTracker(), T0);
    const n = 40_000;
    const started = performance.now();
    const handles = [];
    // Times in a scrambled order (a fixed permutation), with duplicates.
    for (let i = 0; i < n; i++) handles.push(clock.schedule(T0 + DAY + ((i * 7919) % 10_007) * 1000, () => undefined));
    for (let i = 0; i < n; i += 2) handles[i]!.cancel();
    const elapsed = performance.now() - started;
    const pending = clock.pending();
    expect(pending).toHaveLength(n / 2);
    expect(pending.every((p, i) => i === 0 || p.at >= pending[i - 1]!.at)).toBe(true);
    expect(elapsed).toBeLessThan(2_000);
    clock.stop();
  });

  it("fires in real time through one armed timeout for the earliest entry, including one scheduled earlier later", async () => {
    const clock = new VirtualClock(new WorkTracker());
    const fired: string[] = [];
    clock.schedule(clock.now() + 60_000, () => fired.push("late"), "late");
    clock.schedule(clock.now() + 20, () => fired.push("soon"), "soon");
    const cancelled = clock.schedule(clock.now() + 5, () => fired.push("cancelled"), "cancelled");
    cancelled.cancel();
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(fired).toEqual(["soon"]);
    expect(clock.pending().map((p) => p.label)).toEqual(["late"]);
    clock.stop();
  });
});
