/**
 * An append-only journal with snapshots, for the stand-ins' state: each change is one JSON line appended to
 * `<name>.<generation>.jsonl`; the whole state is written only now and then, as a snapshot (`<snapshot file>`,
 * atomic: temp file + fsync + rename) that names the first journal generation not in it. Loading = the snapshot, then
 * the lines of every journal generation from that one on, in order.
 *
 * Writes: `append` buffers the line; the lines of one event-loop turn go out together in one `write(2)` (a
 * `setImmediate` later, through the libuv thread pool — the event loop never blocks on the disk). `durable()`
 * resolves once every line appended before the call has been written. A `write(2)` that returned is in the operating
 * system's page cache: it survives the process being killed (kill -9, a crash), not a power cut or kernel panic —
 * with `fsync: true` every batch is also `fdatasync`ed before `durable()` resolves, which survives those as well.
 *
 * Compaction: once the journal holds more than `compactAfterBytes` and more than twice the last snapshot's size, the
 * state is snapshotted (its serialisation taken at once, so it holds exactly the lines appended so far), later lines
 * go to the next generation, and the journals before it are deleted once the snapshot is in place. A crash at any
 * point leaves either the old snapshot with every journal still there, or the new one. Compaction writes O(state)
 * bytes at most once per O(state) appended bytes: O(1) amortised per change.
 *
 * A torn last line (a write cut short by a power cut) is skipped on load; every start appends to a new generation,
 * so a torn line is never followed by a good one in the same file.
 */
import { promises as fsp } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "./atomic-file";

export interface JournalOptions {
  dir: string;
  /** File name of the snapshot in `dir`, e.g. `state.json`. Its JSON gets a `journalGeneration` field. */
  snapshotFile: string;
  /** Journal files are `<journalName>.<generation>.jsonl` in `dir`. */
  journalName: string;
  /** The state as it is now, for a snapshot (a JSON object). Called synchronously. */
  snapshot: () => Record<string, unknown>;
  /** Compaction is considered once the journal holds this many bytes; default 8 MiB. */
  compactAfterBytes?: number;
  /** fdatasync every batch before `durable()` resolves (survives a power cut, costs a disk flush per batch). */
  fsync?: boolean;
  /** Background write failures (a compaction that failed; the journal goes on). */
  onError?: (error: unknown) => void;
}

export interface LoadedJournal<R> {
  /** The snapshot's JSON without `journalGeneration`, or undefined when there is none. */
  snapshot: Record<string, unknown> | undefined;
  /** The journal lines after the snapshot, in order. */
  records: R[];
  /** Unreadable lines skipped (a torn last line after a power cut). */
  skipped: number;
}

const GENERATION_FIELD = "journalGeneration";
export const DEFAULT_COMPACT_AFTER_BYTES = 8 * 1024 * 1024;

interface Pending {
  generation: number;
  line: string;
}

export class Journal<R> {
  private generation = 1;
  private readonly handles = new Map<number, fsp.FileHandle>();
  private pending: Pending[] = [];
  /** Completes when every write issued so far has completed. */
  private tail: Promise<void> = Promise.resolve();
  /** The write of the lines appended since the last write started; undefined when there are none. */
  private batch: Promise<void> | undefined;
  private journalBytes = 0;
  private snapshotBytes = 0;
  private compacting = false;
  private closed = false;
  private readonly pattern: RegExp;

  constructor(private readonly options: JournalOptions) {
    const name = options.journalName.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    this.pattern = new RegExp(`^${name}\\.(\\d+)\\.jsonl$`);
  }

  private get snapshotPath(): string {
    return join(this.options.dir, this.options.snapshotFile);
  }

  private journalPath(generation: number): string {
    return join(this.options.dir, `${this.options.journalName}.${generation}.jsonl`);
  }

  /** Reads the snapshot and the journal after it; appends go to a new generation from now on. */
  async load(): Promise<LoadedJournal<R>> {
    await fsp.mkdir(this.options.dir, { recursive: true });
    let snapshot: Record<string, unknown> | undefined;
    let from = 0;
    try {
      const text = await fsp.readFile(this.snapshotPath, "utf8");
      this.snapshotBytes = Buffer.byteLength(text);
      snapshot = JSON.parse(text) as Record<string, unknown>;
      const generation = snapshot[GENERATION_FIELD];
      from = typeof generation === "number" ? generation : 0;
      delete snapshot[GENERATION_FIELD];
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
    const generations: number[] = [];
    for (const file of await fsp.readdir(this.options.dir)) {
      const m = this.pattern.exec(file);
      if (m) generations.push(Number(m[1]));
    }
    generations.sort((a, b) => a - b);
    const records: R[] = [];
    let skipped = 0;
    for (const generation of generations) {
      const path = this.journalPath(generation);
      if (generation < from) {
        await fsp.rm(path, { force: true }); // in the snapshot already (a compaction cut short before its clean-up)
        continue;
      }
      const text = await fsp.readFile(path, "utf8");
      this.journalBytes += Buffer.byteLength(text);
      for (const line of text.split("\n")) {
        if (line.length === 0) continue;
        try {
          records.push(JSON.parse(line) as R);
        } catch {
          skipped++;
        }
      }
    }
    this.generation = Math.max(from, (generations[generations.length - 1] ?? 0) + 1, 1);
    return { snapshot, records, skipped };
  }

  /** Adds one change; it is written with the others of this event-loop turn. Ignored once the journal is closed. */
  append(record: R): void {
    if (this.closed) return;
    this.pending.push({ generation: this.generation, line: JSON.stringify(record) + "\n" });
    if (this.batch) return;
    const previous = this.tail;
    const batch = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => previous)
      .then(() => this.writePending());
    this.batch = batch;
    this.tail = batch.catch(() => undefined);
  }

  /**
   * Resolves once every line appended before the call is written (and synced with `fsync`); rejects when that write
   * failed. After `close`, changes are no longer recorded: check `open` before accepting one.
   */
  durable(): Promise<void> {
    return this.batch ?? this.tail;
  }

  /** Whether changes are still being recorded (false once `close` was called). */
  get open(): boolean {
    return !this.closed;
  }

  /** Writes a snapshot now and starts a new generation (also what happens when the journal has grown enough). */
  compact(): Promise<void> {
    const text = this.takeSnapshot();
    const next = this.generation + 1;
    this.generation = next; // lines appended from now on are not in the snapshot
    this.compacting = true;
    const work = this.tail.then(async () => {
      try {
        await this.writeSnapshot(text, next);
      } finally {
        this.compacting = false;
      }
    });
    this.tail = work.catch((err: unknown) => this.options.onError?.(err));
    return work;
  }

  /**
   * Takes the final snapshot now and stops recording: later appends are ignored. Resolves when the snapshot is
   * written and the files are closed.
   */
  async close(): Promise<void> {
    if (this.closed) return this.tail;
    const done = this.compact();
    this.closed = true;
    try {
      await done;
    } finally {
      await this.tail;
      for (const handle of this.handles.values()) await handle.close().catch(() => undefined);
      this.handles.clear();
    }
  }

  private takeSnapshot(): string {
    return JSON.stringify(this.options.snapshot());
  }

  private async writePending(): Promise<void> {
    const lines = this.pending;
    this.pending = [];
    this.batch = undefined;
    if (lines.length === 0) return;
    try {
      // One write per generation (more than one only when a compaction started in between), oldest first.
      let i = 0;
      while (i < lines.length) {
        const generation = lines[i]!.generation;
        let text = "";
        while (i < lines.length && lines[i]!.generation === generation) text += lines[i++]!.line;
        const handle = await this.handleOf(generation);
        await handle.appendFile(text, "utf8");
        if (this.options.fsync) await handle.datasync();
        this.journalBytes += Buffer.byteLength(text);
      }
    } catch (err) {
      // The disk no longer holds what memory does: a snapshot of the whole state puts that right.
      this.options.onError?.(err);
      if (!this.closed && !this.compacting) void this.compact().catch(() => undefined);
      throw err;
    }
    this.maybeCompact();
  }

  private maybeCompact(): void {
    if (this.compacting || this.closed) return;
    const threshold = Math.max(this.options.compactAfterBytes ?? DEFAULT_COMPACT_AFTER_BYTES, 2 * this.snapshotBytes);
    if (this.journalBytes < threshold) return;
    void this.compact().catch(() => undefined); // reported through onError
  }

  private async handleOf(generation: number): Promise<fsp.FileHandle> {
    let handle = this.handles.get(generation);
    if (!handle) {
      await fsp.mkdir(this.options.dir, { recursive: true });
      handle = await fsp.open(this.journalPath(generation), "a");
      this.handles.set(generation, handle);
    }
    return handle;
  }

  /** The snapshot covers every generation before `generation`: write it, then drop those journals. */
  private async writeSnapshot(text: string, generation: number): Promise<void> {
    const withGeneration = `{"${GENERATION_FIELD}":${generation},${text.slice(1)}`;
    await writeFileAtomic(this.snapshotPath, text === "{}" ? `{"${GENERATION_FIELD}":${generation}}` : withGeneration);
    this.snapshotBytes = Buffer.byteLength(text);
    this.journalBytes = 0;
    for (const [g, handle] of this.handles) {
      if (g >= generation) continue;
      this.handles.delete(g);
      await handle.close().catch(() => undefined);
    }
    for (const file of await fsp.readdir(this.options.dir)) {
      const m = this.pattern.exec(file);
      if (m && Number(m[1]) < generation) await fsp.rm(join(this.options.dir, file), { force: true });
    }
    // Bytes appended to the new generation while the snapshot was written count towards the next compaction.
    const current = this.handles.get(this.generation);
    if (current) this.journalBytes = (await current.stat()).size;
  }
}
