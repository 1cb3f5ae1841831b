/**
 * Persistence of Durable instances: one append-only journal per task hub (see ../journal.ts) in
 * `<dataDir>/durable/<taskHub>/journal/` — `changes.<generation>.jsonl`, a line per save, and now and then a snapshot
 * of every instance (`instances.json`), after which the journal starts afresh. Loading = the snapshot, then the lines
 * replayed in order.
 *
 * A save writes what changed since the instance's previous save, not the instance:
 * - the history events appended since then (the history only grows within an execution), and how far the history
 *   is now marked played: the engine marks every earlier event played before each episode, so "played" is always a
 *   prefix of the history and one number carries it;
 * - likewise the action sequence numbers appended since then;
 * - the small fields whose JSON changed (status, output, custom status, times, sequence counter…), the open tasks
 *   and retry groups that changed or went (by key), and the inbox messages that left and arrived (by identity: an
 *   inbox message is never modified).
 * A history (or action list) that was replaced — a new execution after continueAsNew — is written whole; an instance
 * that was replaced (a new instance under the same id) is written whole; a purge is a delete line. So a save costs
 * O(what changed), plus O(open tasks + inbox) to find it, instead of O(history).
 *
 * `save` serialises the change at once (the caller may keep mutating the state) and resolves once its line is
 * written: what the engine has saved survives a kill -9 (and a power cut with DEVHOST_JOURNAL_FSYNC=1).
 *
 * The store keeps, per instance, what the journal holds for it (the last saved image: lengths and JSON of the
 * fields; the history events themselves are shared with the engine, which never modifies an event except for its
 * IsPlayed flag, and that flag is written as `index < played`). The snapshot is built from that image, so it holds
 * exactly what the lines appended so far say, whatever the engine changed since.
 *
 * Migration: the previous layout was a JSON file per instance directly in `<dataDir>/durable/<taskHub>/`. On load,
 * such files are read (for instances the journal does not know), a snapshot is written, and then they are deleted.
 */
import { createHash } from "node:crypto";
import { promises as fsp } from "node:fs";
import * as path from "node:path";
import { Journal } from "../journal";
import type { HistoryEvent, InboxMessage, InstanceState, OpenTask, RetryGroup } from "./types";

export interface InstanceStoreOptions {
  /** Compaction threshold of the journal (see Journal); small values in tests. */
  compactAfterBytes?: number;
  /** fdatasync each batch (survives a power cut, not only a kill -9). Default: DEVHOST_JOURNAL_FSYNC=1. */
  fsync?: boolean;
  /** Background write failures (a compaction that failed; the journal goes on). */
  onError?: (error: unknown) => void;
}

/** Changes to a keyed record (open tasks, retry groups). */
interface KeyedChanges<T> {
  set?: Record<string, T>;
  del?: string[];
}

/** One journal line. */
export type DurableRecord =
  | { op: "put"; state: InstanceState }
  | {
      op: "upd";
      id: string;
      /** Small fields set (to the value given) or gone (undefined). */
      set?: Record<string, unknown>;
      unset?: string[];
      /** History events from index `at` (the history is cut to `at` first: `at` 0 = a new history). */
      history?: { at: number; add: HistoryEvent[] };
      /** The history's events before this index are played, the others not. */
      played?: number;
      actionSeqs?: { at: number; add: (number | null)[] };
      tasks?: KeyedChanges<OpenTask>;
      retries?: KeyedChanges<RetryGroup>;
      /** Messages that left the inbox (indexes in the previous inbox, ascending), then the ones that arrived. */
      inbox?: { drop?: number[]; add?: InboxMessage[] };
      /** The whole inbox, when it is not the previous one minus some plus some at the end (continueAsNew). */
      inboxAll?: InboxMessage[];
    }
  | { op: "del"; id: string };

export interface PersistedInstances {
  version: 1;
  instances: InstanceState[];
}

/** Fields written as a whole when their JSON changes; everything else is diffed. */
const DIFFED = new Set(["history", "actionSeqs", "tasks", "retries", "inbox"]);

/** What the journal holds for one instance (the image a replay gives), kept to diff the next save against. */
interface SavedImage {
  /** The engine's object that was saved (another object under the same id = a new instance: written whole). */
  state: InstanceState;
  history: HistoryEvent[];
  historyLength: number;
  played: number;
  actionSeqs: (number | null)[];
  actionSeqsLength: number;
  /** JSON of each small field that has a value. */
  fields: Map<string, string>;
  tasks: Map<string, string>;
  retries: Map<string, string>;
  inbox: { message: InboxMessage; json: string }[];
}

export class InstanceStore {
  /** The hub's folder; the journal lives in its `journal/` subfolder (the old per-instance files lie beside it). */
  readonly dir: string;
  readonly journalDir: string;
  private journal: Journal<DurableRecord> | undefined;
  private readonly saved = new Map<string, SavedImage>();

  constructor(
    dataDir: string,
    taskHubName: string,
    private readonly options: InstanceStoreOptions = {},
  ) {
    this.dir = path.join(dataDir, "durable", safeName(taskHubName));
    this.journalDir = path.join(this.dir, "journal");
  }

  /**
   * Loads every stored instance (snapshot + journal, then any old per-instance files, which are migrated into a
   * snapshot and deleted). Unreadable old files and journal lines are reported through `onBadFile` and skipped; an
   * unreadable snapshot fails the load (it is not overwritten).
   */
  async loadAll(onBadFile: (file: string, err: unknown) => void): Promise<InstanceState[]> {
    if (this.journal?.open) await this.journal.close();
    this.saved.clear();
    const journal = new Journal<DurableRecord>({
      dir: this.journalDir,
      snapshotFile: "instances.json",
      journalName: "changes",
      snapshot: () => this.snapshot(),
      compactAfterBytes: this.options.compactAfterBytes,
      fsync: this.options.fsync ?? process.env.DEVHOST_JOURNAL_FSYNC === "1",
      onError: this.options.onError,
    });
    const loaded = await journal.load();
    this.journal = journal;
    if (loaded.skipped > 0) {
      onBadFile("journal", new Error(`${loaded.skipped} unreadable journal line(s) skipped (a write cut short)`));
    }
    const snapshot = loaded.snapshot as Partial<PersistedInstances> | undefined;
    if (snapshot && snapshot.version !== 1)
      throw new Error(`durable snapshot: unknown version ${String(snapshot.version)}`);
    const { states, anomalies } = replay(snapshot?.instances ?? [], loaded.records);
    if (anomalies > 0) onBadFile("journal", new Error(`${anomalies} journal line(s) for unknown instances ignored`));

    const old = await this.readOldFiles(onBadFile);
    for (const state of old.states) if (!states.has(state.instanceId)) states.set(state.instanceId, state);
    for (const state of states.values()) this.saved.set(state.instanceId, imageOf(state));
    if (old.files.length > 0) {
      await journal.compact(); // the migrated instances are in the snapshot: the old files can go
      for (const file of old.files) await fsp.rm(file, { force: true });
    }
    return [...states.values()];
  }

  /** Writes what changed in the state since its last save; resolves when that line is written. */
  save(state: InstanceState): Promise<void> {
    const journal = this.openJournal();
    if (!journal) return Promise.reject(this.closedError());
    const image = this.saved.get(state.instanceId);
    if (!image || image.state !== state) {
      const whole = normalised(state);
      this.saved.set(state.instanceId, imageOf(whole, state));
      journal.append({ op: "put", state: whole });
      return journal.durable();
    }
    const record = diff(image, state);
    if (record) journal.append(record);
    return journal.durable(); // nothing changed: the line that holds this state may still be on its way
  }

  delete(instanceId: string): Promise<void> {
    const journal = this.openJournal();
    if (!journal) return Promise.reject(this.closedError());
    this.saved.delete(instanceId);
    journal.append({ op: "del", id: instanceId });
    return journal.durable();
  }

  /** Resolves when every write issued so far has finished. */
  async flush(): Promise<void> {
    await this.journal?.durable();
  }

  /** Writes a snapshot of every instance and stops recording (a later `loadAll` opens the journal again). */
  async close(): Promise<void> {
    const journal = this.journal;
    if (journal?.open) await journal.close();
  }

  private openJournal(): Journal<DurableRecord> | undefined {
    return this.journal?.open ? this.journal : undefined;
  }

  private closedError(): Error {
    return new Error(
      this.journal ? "InstanceStore: closed (the Durable engine stopped)" : "InstanceStore: call loadAll() first",
    );
  }

  /** Every instance as the journal holds it. */
  private snapshot(): Record<string, unknown> {
    const instances: InstanceState[] = [];
    for (const image of this.saved.values()) instances.push(stateOf(image));
    const out: PersistedInstances = { version: 1, instances };
    return { ...out };
  }

  /** The previous layout's per-instance files: their states and the files to delete once migrated. */
  private async readOldFiles(
    onBadFile: (file: string, err: unknown) => void,
  ): Promise<{ states: InstanceState[]; files: string[] }> {
    const states: InstanceState[] = [];
    const files: string[] = [];
    for (const file of await fsp.readdir(this.dir)) {
      const full = path.join(this.dir, file);
      if (file.endsWith(".tmp")) {
        await fsp.rm(full, { force: true }); // a write that never got renamed: the previous file is still valid
        continue;
      }
      if (!file.endsWith(".json")) continue;
      try {
        const state = JSON.parse(await fsp.readFile(full, "utf8")) as InstanceState;
        if (state.schema !== 1 || typeof state.instanceId !== "string") throw new Error("not an instance state file");
        states.push(state);
        files.push(full);
      } catch (err) {
        onBadFile(file, err); // left in place
      }
    }
    return { states, files };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Diff (save) and replay (load)
// ---------------------------------------------------------------------------------------------------------------

/** Length of the leading run of played events. */
function playedPrefix(history: HistoryEvent[], from = 0): number {
  let i = Math.min(from, history.length);
  while (i < history.length && history[i]!.IsPlayed) i++;
  return i;
}

/** Events from `from` with IsPlayed written as `index < played` (a copy only where the flag differs). */
function eventsFrom(history: HistoryEvent[], from: number, to: number, played: number): HistoryEvent[] {
  const out: HistoryEvent[] = [];
  for (let i = from; i < to; i++) {
    const e = history[i]!;
    const want = i < played;
    out.push(e.IsPlayed === want ? e : { ...e, IsPlayed: want });
  }
  return out;
}

/** The state as a `put` line writes it: IsPlayed normalised to the played prefix. */
function normalised(state: InstanceState): InstanceState {
  const played = playedPrefix(state.history);
  return { ...state, history: eventsFrom(state.history, 0, state.history.length, played) };
}

/** The image of a state just written whole (or loaded): `live` is the engine's object, if another than `state`. */
function imageOf(state: InstanceState, live: InstanceState = state): SavedImage {
  const fields = new Map<string, string>();
  for (const [key, value] of Object.entries(state)) {
    if (DIFFED.has(key)) continue;
    const json = JSON.stringify(value);
    if (json !== undefined) fields.set(key, json);
  }
  return {
    state: live,
    history: live.history,
    historyLength: live.history.length,
    played: playedPrefix(live.history),
    actionSeqs: live.actionSeqs,
    actionSeqsLength: live.actionSeqs.length,
    fields,
    tasks: jsonByKey(state.tasks),
    retries: jsonByKey(state.retries),
    inbox: live.inbox.map((message) => ({ message, json: JSON.stringify(message) })),
  };
}

function jsonByKey(record: Record<string, unknown>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(record)) out.set(key, JSON.stringify(value));
  return out;
}

/** Changes of a keyed record since `saved` (which is updated to the current values). */
function keyedChanges<T>(saved: Map<string, string>, current: Record<string, T>): KeyedChanges<T> | undefined {
  let set: Record<string, T> | undefined;
  let del: string[] | undefined;
  let count = 0;
  for (const [key, value] of Object.entries(current)) {
    count++;
    const json = JSON.stringify(value);
    if (saved.get(key) === json) continue;
    saved.set(key, json);
    (set ??= {})[key] = value;
  }
  if (saved.size > count) {
    for (const key of [...saved.keys()]) {
      if (Object.hasOwn(current, key)) continue;
      saved.delete(key);
      (del ??= []).push(key);
    }
  }
  return set || del ? { ...(set ? { set } : {}), ...(del ? { del } : {}) } : undefined;
}

/** The line for what changed since `image` (updated to the state), or undefined when nothing did. */
function diff(image: SavedImage, state: InstanceState): DurableRecord | undefined {
  const record: Extract<DurableRecord, { op: "upd" }> = { op: "upd", id: state.instanceId };
  let changed = false;

  // Small fields, by JSON.
  for (const [key, value] of Object.entries(state)) {
    if (DIFFED.has(key)) continue;
    const json = JSON.stringify(value);
    if (json === undefined || image.fields.get(key) === json) continue;
    image.fields.set(key, json);
    (record.set ??= {})[key] = value;
    changed = true;
  }
  for (const key of image.fields.keys()) {
    if (state[key as keyof InstanceState] !== undefined) continue;
    image.fields.delete(key);
    (record.unset ??= []).push(key);
    changed = true;
  }

  // History: appended events (or a new history), and the played prefix.
  const history = state.history;
  const fresh = history !== image.history || history.length < image.historyLength;
  const from = fresh ? 0 : image.historyLength;
  const played = playedPrefix(history, fresh ? 0 : Math.min(image.played, image.historyLength));
  if (from < history.length || fresh) {
    record.history = { at: from, add: eventsFrom(history, from, history.length, played) };
    changed = true;
  }
  if (played !== image.played || fresh) {
    record.played = played;
    changed = true;
  }
  image.history = history;
  image.historyLength = history.length;
  image.played = played;

  const seqs = state.actionSeqs;
  const freshSeqs = seqs !== image.actionSeqs || seqs.length < image.actionSeqsLength;
  const seqsFrom = freshSeqs ? 0 : image.actionSeqsLength;
  if (seqsFrom < seqs.length || freshSeqs) {
    record.actionSeqs = { at: seqsFrom, add: seqs.slice(seqsFrom) };
    changed = true;
  }
  image.actionSeqs = seqs;
  image.actionSeqsLength = seqs.length;

  const tasks = keyedChanges(image.tasks, state.tasks);
  if (tasks) {
    record.tasks = tasks;
    changed = true;
  }
  const retries = keyedChanges(image.retries, state.retries);
  if (retries) {
    record.retries = retries;
    changed = true;
  }

  // Inbox, by identity: the previous messages still there must come first, in order; the rest arrived.
  const present = new Set(state.inbox);
  const drop: number[] = [];
  let kept = 0;
  let inOrder = true;
  for (let i = 0; i < image.inbox.length; i++) {
    const message = image.inbox[i]!.message;
    if (!present.has(message)) drop.push(i);
    else if (state.inbox[kept++] !== message) inOrder = false;
  }
  if (!inOrder) {
    record.inboxAll = state.inbox;
    image.inbox = state.inbox.map((message) => ({ message, json: JSON.stringify(message) }));
    changed = true;
  } else if (drop.length > 0 || kept < state.inbox.length) {
    const add = state.inbox.slice(kept);
    record.inbox = { ...(drop.length > 0 ? { drop } : {}), ...(add.length > 0 ? { add } : {}) };
    const dropped = new Set(drop);
    image.inbox = [
      ...image.inbox.filter((_, i) => !dropped.has(i)),
      ...add.map((message) => ({ message, json: JSON.stringify(message) })),
    ];
    changed = true;
  }
  return changed ? record : undefined;
}

/** The state an image stands for (for the snapshot). */
function stateOf(image: SavedImage): InstanceState {
  const state: Record<string, unknown> = {};
  for (const [key, json] of image.fields) state[key] = JSON.parse(json) as unknown;
  state.history = eventsFrom(image.history, 0, image.historyLength, image.played);
  state.actionSeqs = image.actionSeqs.slice(0, image.actionSeqsLength);
  state.tasks = Object.fromEntries([...image.tasks].map(([k, json]) => [k, JSON.parse(json) as unknown]));
  state.retries = Object.fromEntries([...image.retries].map(([k, json]) => [k, JSON.parse(json) as unknown]));
  state.inbox = image.inbox.map((m) => JSON.parse(m.json) as unknown);
  return state as unknown as InstanceState;
}

/**
 * The instances of a snapshot with journal lines applied on top, in order. `anomalies` counts lines that name an
 * instance neither the snapshot nor an earlier line holds (skipped).
 */
export function replay(
  base: InstanceState[],
  records: Iterable<DurableRecord>,
): { states: Map<string, InstanceState>; anomalies: number } {
  const states = new Map<string, InstanceState>();
  const played = new Map<string, number>();
  let anomalies = 0;
  const put = (state: InstanceState) => {
    if (state.schema !== 1 || typeof state.instanceId !== "string") {
      anomalies++;
      return;
    }
    states.set(state.instanceId, state);
    played.set(state.instanceId, playedPrefix(state.history));
  };
  for (const state of base) put(state);
  for (const r of records) {
    if (r.op === "put") {
      put(r.state);
      continue;
    }
    if (r.op === "del") {
      states.delete(r.id);
      played.delete(r.id);
      continue;
    }
    const s = states.get(r.id);
    if (!s) {
      anomalies++;
      continue;
    }
    const fields = s as unknown as Record<string, unknown>;
    for (const [key, value] of Object.entries(r.set ?? {})) fields[key] = value;
    for (const key of r.unset ?? []) delete fields[key];
    let from = played.get(r.id) ?? 0;
    if (r.history) {
      if (r.history.at === 0) {
        s.history = [];
        from = 0;
      }
      s.history.length = Math.min(s.history.length, r.history.at);
      s.history.push(...r.history.add);
      from = Math.min(from, r.history.at);
    }
    if (r.played !== undefined) {
      const to = Math.min(r.played, s.history.length);
      for (let i = Math.min(from, to); i < Math.max(from, to) && i < s.history.length; i++)
        s.history[i]!.IsPlayed = i < to;
      played.set(r.id, to);
    }
    if (r.actionSeqs) {
      if (r.actionSeqs.at === 0) s.actionSeqs = [];
      s.actionSeqs.length = Math.min(s.actionSeqs.length, r.actionSeqs.at);
      s.actionSeqs.push(...r.actionSeqs.add);
    }
    applyKeyed(s.tasks, r.tasks);
    applyKeyed(s.retries, r.retries);
    if (r.inboxAll) s.inbox = r.inboxAll;
    else if (r.inbox) {
      const dropped = new Set(r.inbox.drop ?? []);
      s.inbox = [...s.inbox.filter((_, i) => !dropped.has(i)), ...(r.inbox.add ?? [])];
    }
  }
  return { states, anomalies };
}

function applyKeyed<T>(target: Record<string, T>, changes: KeyedChanges<T> | undefined): void {
  if (!changes) return;
  for (const [key, value] of Object.entries(changes.set ?? {})) target[key] = value;
  for (const key of changes.del ?? []) delete target[key];
}

/** A file name for any id: URI-encoded, or a hash when that would be too long for the file system. */
function safeName(id: string): string {
  const encoded = encodeURIComponent(id).replace(/^\./, "%2E");
  if (encoded.length <= 150) return encoded;
  return `${encoded.slice(0, 80)}~${createHash("sha256").update(id).digest("hex").slice(0, 32)}`;
}
