import { describe, expect, it } from "vitest";
import { WorkTracker } from "../../../devhost/work-tracker";

describe("WorkTracker.settle", () => {
  it("waits for work that keeps moving however long it takes, longer than the stall limit", async () => {
    const tracker = new WorkTracker();
    let end = tracker.begin();
    // A chain of units, each starting the next, for ~300 ms: four times the stall limit.
    const until = performance.now() + 300;
    const step = (): void => {
      const next = tracker.begin();
      end();
      end = next;
      if (performance.now() < until) setTimeout(step, 10);
      else end();
    };
    setTimeout(step, 10);
    const started = performance.now();
    await tracker.settle(5, 75);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(tracker.pending).toBe(0);
  });

  it("gives up on work that stalled: nothing started or ended for the stall limit", async () => {
    const tracker = new WorkTracker();
    const end = tracker.begin();
    await expect(tracker.settle(5, 75)).rejects.toThrow(/nothing moved for 75 ms \(1 still in flight\)/);
    end();
    await tracker.settle(5, 75);
  });
});
