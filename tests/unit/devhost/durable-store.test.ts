import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { InstanceStore } from "../../../devhost/durable/store";
import type { InstanceState } from "../../../devhost/durable/types";
import { initialState, stateAt, step } from "../../integration/devhost/fixtures/durable-store-steps";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "durable-store-"));
  dirs.push(dir);
  return dir;
}

const noBadFiles = (file: string, err: unknown) => {
  throw new Error(`unexpected bad file ${file}: ${String(err)}`);
};

async function loaded(
  dir: string,
  options = {},
): Promise<{ store: InstanceStore; states: Map<string, InstanceState> }> {
  const store = new InstanceStore(dir, "Hub", options);
  const states = new Map((await store.loadAll(noBadFiles)).map((s) => [s.instanceId, s]));
  return { store, states };
}

/** Bytes in the journal files (not the snapshot). */
function journalBytes(dir: string): number {
  const jdir = join(dir, "durable", "Hub", "journal");
  return readdirSync(jdir)
    .filter((f) => f.startsWith("changes."))
    .reduce((n, f) => n + statSync(join(jdir, f)).size, 0);
}

describe("the Durable instance store (a journal per task hub)", () => {
  it("gives back, after a restart without a clean stop, exactly the states saved: by replaying the journal", async () => {
    const dir = dataDir();
    const { store } = await loaded(dir);
    const a = initialState("a");
    const b = initialState("b");
    await store.save(a);
    await store.save(b);
    for (let k = 1; k <= 60; k++) {
      step(a, k, 25, 55); // two continueAsNew, then it finishes
      await store.save(a);
      if (k % 2 === 0) {
        step(b, k / 2);
        await store.save(b);
      }
    }
    // Changed after the last save: not saved, so not expected back.
    step(b, 31);
    const again = await loaded(dir);
    expect(again.states.get("a")).toEqual(stateAt("a", 60, 25, 55));
    expect(again.states.get("b")).toEqual(stateAt("b", 30));
    expect(again.states.get("a")!.history.filter((e) => e.IsPlayed).length).toBeGreaterThan(0);
  });

  it("snapshots on stop and when the journal outgrows its threshold; the state survives either way", async () => {
    const dir = dataDir();
    const { store } = await loaded(dir, { compactAfterBytes: 8 * 1024 });
    const a = initialState("a");
    for (let k = 1; k <= 80; k++) {
      step(a, k, 1000);
      await store.save(a);
    }
    const jdir = join(dir, "durable", "Hub", "journal");
    const snapshot = JSON.parse(readFileSync(join(jdir, "instances.json"), "utf8")) as { journalGeneration: number };
    expect(snapshot.journalGeneration).toBeGreaterThan(1); // compacted along the way
    // Changes after a compaction are lines of the newer generation, replayed on top of the snapshot.
    expect((await loaded(dir)).states.get("a")).toEqual(stateAt("a", 80, 1000));

    const again = await loaded(dir, { compactAfterBytes: 8 * 1024 });
    const a2 = again.states.get("a")!;
    for (let k = 81; k <= 90; k++) {
      step(a2, k, 1000); // the loaded object goes on being changed in place, as the engine does after a start
      await again.store.save(a2);
    }
    await again.store.close();
    expect(readdirSync(jdir)).toEqual(["instances.json"]);
    expect((await loaded(dir)).states.get("a")).toEqual(stateAt("a", 90, 1000));
  });

  it("writes only what a save adds: the journal grows by O(new events), not O(history)", async () => {
    const dir = dataDir();
    const { store } = await loaded(dir);
    const a = initialState("a");
    await store.save(a);
    const growth: number[] = [];
    for (let k = 1; k <= 400; k++) {
      step(a, k, 100_000);
      const before = journalBytes(dir);
      await store.save(a);
      growth.push(journalBytes(dir) - before);
    }
    const historyBytes = JSON.stringify(a.history).length;
    expect(a.history.length).toBe(1600);
    // Every save of the 400 costs about the same, a small fraction of the history it extends.
    expect(Math.max(...growth.slice(-50))).toBeLessThan(1.2 * Math.max(...growth.slice(1, 51)));
    expect(Math.max(...growth)).toBeLessThan(historyBytes / 100);
    const last = readFileSync(join(dir, "durable", "Hub", "journal", "changes.1.jsonl"), "utf8")
      .trim()
      .split("\n");
    const line = JSON.parse(last[last.length - 1]!) as { op: string; history: { at: number; add: unknown[] } };
    expect(line.op).toBe("upd");
    expect(line.history).toMatchObject({ at: 1596 });
    expect(line.history.add).toHaveLength(4);
    expect((await loaded(dir)).states.get("a")).toEqual(stateAt("a", 400, 100_000));
  });

  it("writes a new instance under an old id whole, a purge as a delete line, and nothing for a save without change", async () => {
    const dir = dataDir();
    const { store } = await loaded(dir);
    const first = stateAt("x", 3);
    await store.save(first);
    const before = journalBytes(dir);
    await store.save(first);
    expect(journalBytes(dir)).toBe(before);
    const replacement = initialState("x");
    replacement.input = JSON.stringify("second");
    await store.save(replacement);
    expect((await loaded(dir)).states.get("x")).toEqual(replacement);
    await store.save(stateAt("y", 2));
    await store.delete("x");
    const after = await loaded(dir);
    expect([...after.states.keys()]).toEqual(["y"]);
    await after.store.close();
    await store.close();
    expect(readdirSync(join(dir, "durable", "Hub", "journal"))).toEqual(["instances.json"]);
    expect([...(await loaded(dir)).states.keys()]).toEqual(["y"]);
  });

  it("refuses saves once closed (the engine has stopped)", async () => {
    const { store } = await loaded(dataDir());
    await store.close();
    await expect(store.save(initialState("late"))).rejects.toThrow(/closed/);
  });

  it("migrates the old per-instance files: loads them, snapshots them and deletes them", async () => {
    const dir = dataDir();
    const hub = join(dir, "durable", "Hub");
    mkdirSync(hub, { recursive: true });
    const old = [stateAt("old-running", 7), stateAt("old:done/é", 9, 25, 9)];
    writeFileSync(join(hub, "old-running.json"), JSON.stringify(old[0]));
    writeFileSync(join(hub, `${encodeURIComponent("old:done/é")}.json`), JSON.stringify(old[1]));
    writeFileSync(join(hub, "old-running.json.123.1.tmp"), "{half a wri");
    writeFileSync(join(hub, "garbage.json"), "not json");
    const bad: string[] = [];
    const store = new InstanceStore(dir, "Hub");
    const states = await store.loadAll((file) => bad.push(file));
    expect(bad).toEqual(["garbage.json"]);
    expect(new Map(states.map((s) => [s.instanceId, s]))).toEqual(new Map(old.map((s) => [s.instanceId, s])));
    // Compacted away: the snapshot holds them, the old files (but the unreadable one, left for a human) are gone.
    expect(readdirSync(hub).sort()).toEqual(["garbage.json", "journal"]);
    expect(existsSync(join(hub, "journal", "instances.json"))).toBe(true);

    // Saves go on from the migrated states, and a later start reads them from the journal.
    const running = states.find((s) => s.instanceId === "old-running")!;
    step(running, 8);
    await store.save(running);
    const again = new InstanceStore(dir, "Hub");
    const back = new Map((await again.loadAll(() => undefined)).map((s) => [s.instanceId, s]));
    expect(back.get("old-running")).toEqual(stateAt("old-running", 8));
    expect(back.get("old:done/é")).toEqual(old[1]);
  });

  it("after a migration cut short (snapshot written, old files not yet deleted), the journal wins", async () => {
    const dir = dataDir();
    const { store } = await loaded(dir);
    await store.save(stateAt("m", 5));
    await store.close();
    writeFileSync(join(dir, "durable", "Hub", "m.json"), JSON.stringify(stateAt("m", 2)));
    const again = await loaded(dir);
    expect(again.states.get("m")).toEqual(stateAt("m", 5));
    expect(readdirSync(join(dir, "durable", "Hub"))).toEqual(["journal"]);
  });
});
