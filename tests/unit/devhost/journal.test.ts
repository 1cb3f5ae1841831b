import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Journal } from "../../../devhost/journal";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(compactAfterBytes?: number) {
  const dir = mkdtempSync(join(tmpdir(), "journal-"));
  dirs.push(dir);
  const state: { items: number[] } = { items: [] };
  const make = () =>
    new Journal<{ add: number }>({
      dir,
      snapshotFile: "snap.json",
      journalName: "log",
      snapshot: () => ({ items: [...state.items] }),
      compactAfterBytes,
    });
  return { dir, state, make };
}

describe("the append-only journal", () => {
  it("writes the lines of one turn together and reads them back after the snapshot", async () => {
    const { dir, state, make } = setup();
    const journal = make();
    await journal.load();
    for (let i = 0; i < 3; i++) {
      state.items.push(i);
      journal.append({ add: i });
    }
    await journal.durable();
    expect(readFileSync(join(dir, "log.1.jsonl"), "utf8")).toBe('{"add":0}\n{"add":1}\n{"add":2}\n');
    const again = await make().load();
    expect(again).toEqual({ snapshot: undefined, records: [{ add: 0 }, { add: 1 }, { add: 2 }], skipped: 0 });
  });

  it("compacts: snapshot with the next generation, older journals deleted; later lines still replayed", async () => {
    const { dir, state, make } = setup();
    const journal = make();
    await journal.load();
    state.items.push(1);
    journal.append({ add: 1 });
    const compaction = journal.compact();
    state.items.push(2);
    journal.append({ add: 2 }); // after the snapshot was taken: the next generation
    await compaction;
    await journal.durable();
    expect(readdirSync(dir).sort()).toEqual(["log.2.jsonl", "snap.json"]);
    const loaded = await make().load();
    expect(loaded.snapshot).toEqual({ items: [1] });
    expect(loaded.records).toEqual([{ add: 2 }]);
  });

  it("compacts by itself once the journal outgrows the threshold and twice the snapshot", async () => {
    const { dir, state, make } = setup(100);
    const journal = make();
    await journal.load();
    for (let i = 0; i < 50; i++) {
      state.items.push(i);
      journal.append({ add: i });
      await journal.durable();
    }
    await journal.close();
    expect(readdirSync(dir)).toEqual(["snap.json"]);
    const loaded = await make().load();
    expect(loaded.snapshot).toEqual({ items: Array.from({ length: 50 }, (_, i) => i) });
    expect(loaded.records).toEqual([]);
  });

  it("after a compaction cut short, replays every journal since the snapshot it names, and drops older ones", async () => {
    const { dir, make } = setup();
    // The new snapshot was renamed in place, the old journal not deleted yet: generation 1 is in the snapshot.
    writeFileSync(join(dir, "snap.json"), JSON.stringify({ journalGeneration: 2, items: [1] }));
    writeFileSync(join(dir, "log.1.jsonl"), '{"add":1}\n');
    writeFileSync(join(dir, "log.2.jsonl"), '{"add":2}\n');
    const loaded = await make().load();
    expect(loaded).toEqual({ snapshot: { items: [1] }, records: [{ add: 2 }], skipped: 0 });
    expect(readdirSync(dir).sort()).toEqual(["log.2.jsonl", "snap.json"]);
  });

  it("skips a torn last line and appends to a new generation after a start", async () => {
    const { dir, make } = setup();
    writeFileSync(join(dir, "log.1.jsonl"), '{"add":1}\n{"ad');
    const journal = make();
    const loaded = await journal.load();
    expect(loaded.records).toEqual([{ add: 1 }]);
    expect(loaded.skipped).toBe(1);
    journal.append({ add: 3 });
    await journal.durable();
    expect(readFileSync(join(dir, "log.2.jsonl"), "utf8")).toBe('{"add":3}\n');
    expect((await make().load()).records).toEqual([{ add: 1 }, { add: 3 }]);
  });

  it("ignores appends once closed", async () => {
    const { make } = setup();
    const journal = make();
    await journal.load();
    await journal.close();
    expect(journal.open).toBe(false);
    journal.append({ add: 1 });
    await journal.durable();
    expect((await make().load()).records).toEqual([]);
  });
});
