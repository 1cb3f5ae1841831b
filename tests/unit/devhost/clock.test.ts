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
