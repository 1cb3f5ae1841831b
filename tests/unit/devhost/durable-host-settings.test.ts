import { describe, expect, it } from "vitest";
import { durableHostSettings, Slots } from "../../../devhost/durable/host-settings";

describe("host.json's Durable settings, as the Durable extension reads them", () => {
  it("takes maxConcurrentActivityFunctions and maxConcurrentOrchestratorFunctions from extensions.durableTask", () => {
    const hostJson = {
      extensions: { durableTask: { maxConcurrentActivityFunctions: 10, maxConcurrentOrchestratorFunctions: 4 } },
    };
    expect(durableHostSettings(hostJson, 2)).toEqual({
      maxConcurrentActivityFunctions: 10,
      maxConcurrentOrchestratorFunctions: 4,
    });
  });

  it("defaults to ten per core, and refuses a value that is not a positive whole number", () => {
    expect(durableHostSettings({}, 2)).toEqual({
      maxConcurrentActivityFunctions: 20,
      maxConcurrentOrchestratorFunctions: 20,
    });
    expect(() => durableHostSettings({ extensions: { durableTask: { maxConcurrentActivityFunctions: 0 } } })).toThrow(
      /durableTask/,
    );
  });
});

describe("Slots", () => {
  it("lets at most `limit` run at once and the rest in the order they came", async () => {
    const slots = new Slots(2);
    const started: number[] = [];
    let running = 0;
    let most = 0;
    const gates = Array.from({ length: 5 }, () => {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      return { promise, resolve };
    });
    const runs = gates.map((gate, i) =>
      slots.run(async () => {
        started.push(i);
        most = Math.max(most, ++running);
        await gate.promise;
        running--;
        return i;
      }),
    );
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1]);
    expect(slots.load).toEqual({ running: 2, waiting: 3 });
    gates[1]!.resolve();
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1, 2]);
    for (const gate of gates) gate.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3, 4]);
    expect(most).toBe(2);
    expect(slots.load).toEqual({ running: 0, waiting: 0 });
  });

  it("frees the slot when the work throws", async () => {
    const slots = new Slots(1);
    await expect(slots.run(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await slots.run(() => Promise.resolve("next"))).toBe("next");
  });
});
