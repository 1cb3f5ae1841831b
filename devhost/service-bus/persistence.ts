/**
 * Keeps the broker's messages across restarts — and across a kill -9 — in `<dataDir>/service-bus/`: an append-only
 * journal (`journal.<generation>.jsonl`, one line per change: a message stored, updated or removed, scheduled or
 * unscheduled, a duplicate-detection id, a session state) and now and then a snapshot of everything (`state.json`),
 * after which the journal starts afresh (see ../journal.ts). Loading = the snapshot, then the journal replayed.
 *
 * What is on disk when: the lines of one event-loop turn are written together, a moment after the change. The broker
 * answers what the client waits for — the acceptance of a sent message, a settlement (complete, abandon, defer, dead
 * letter), a `$management` reply (schedule, cancel, session state…) — only once the change is written, so a kill -9
 * loses nothing that was acknowledged. Not written before it is acknowledged: a receive-and-delete delivery (its
 * removal is written a moment later; killed in between, the message is delivered again after the restart) and the
 * broker's own changes (a lock that expired: the delivery count it adds may be lost).
 *
 * Locks do not survive a restart: locked messages come back as available (their delivery count unchanged), as after
 * a lock expiry without the count. A message is identified by its place (queue, subscription or dead-letter queue
 * path) and sequence number (a topic's subscriptions each hold a copy with the same number).
 */
import { join } from "node:path";
import { Journal } from "../journal";
import type { DevLogger } from "../logger";
import { decodeMessage } from "./amqp";
import { encodedOf, type StoreEvents, type StoredMessage } from "./endpoint";
import type { Namespace } from "./namespace";

interface PersistedMessage {
  seq: number;
  messageId: string;
  sessionId?: string;
  enqueuedAt: number;
  deliveryCount: number;
  scheduledAt?: number;
  deadLetterSource?: string;
  /** The AMQP message as sent, base64. */
  amqp: string;
}

export interface PersistedState {
  version: 1;
  savedAt?: string;
  nextSeq: number;
  endpoints: Record<
    string,
    { available: PersistedMessage[]; deferred: PersistedMessage[]; sessionStates: Record<string, string> }
  >;
  targets: Record<string, { scheduled: PersistedMessage[]; dedupe: Record<string, number> }>;
}

/** One journal line. `at` is an endpoint path, `to` a queue or topic name. */
export type JournalRecord =
  | { op: "put"; at: string; m: PersistedMessage; deferred?: true }
  | { op: "upd"; at: string; seq: number; deliveryCount: number; deferred?: true }
  | { op: "del"; at: string; seq: number }
  | { op: "session"; at: string; id: string; state?: string }
  | { op: "sched"; to: string; m: PersistedMessage }
  | { op: "unsched"; to: string; seq: number }
  | { op: "dedupe"; to: string; id: string; until: number };

const toPersisted = (m: StoredMessage): PersistedMessage => ({
  seq: m.seq,
  messageId: m.messageId,
  ...(m.sessionId !== undefined ? { sessionId: m.sessionId } : {}),
  enqueuedAt: m.enqueuedAt,
  deliveryCount: m.deliveryCount,
  ...(m.scheduledAt !== undefined ? { scheduledAt: m.scheduledAt } : {}),
  ...(m.deadLetterSource !== undefined ? { deadLetterSource: m.deadLetterSource } : {}),
  amqp: encodedOf(m),
});

const fromPersisted = (p: PersistedMessage): StoredMessage => ({
  seq: p.seq,
  messageId: p.messageId,
  sessionId: p.sessionId,
  enqueuedAt: p.enqueuedAt,
  deliveryCount: p.deliveryCount,
  scheduledAt: p.scheduledAt,
  deadLetterSource: p.deadLetterSource,
  message: decodeMessage(Buffer.from(p.amqp, "base64")),
  encoded: p.amqp,
});

export function snapshot(ns: Namespace): PersistedState {
  ns.pruneDuplicateDetection();
  const state: PersistedState = {
    version: 1,
    savedAt: new Date().toISOString(),
    nextSeq: ns.sequence,
    endpoints: {},
    targets: {},
  };
  for (const e of ns.allEndpoints()) {
    const { available, deferred } = e.snapshot();
    const sessionStates: Record<string, string> = {};
    for (const [id, s] of e.sessions.allStates()) sessionStates[id] = s.toString("base64");
    if (available.length || deferred.length || Object.keys(sessionStates).length) {
      state.endpoints[e.path] = {
        available: available.map(toPersisted),
        deferred: deferred.map(toPersisted),
        sessionStates,
      };
    }
  }
  for (const t of ns.allTargets()) {
    const scheduled = [...t.scheduled.values()].map((s) => toPersisted(s.m));
    if (scheduled.length || t.dedupe.size) state.targets[t.name] = { scheduled, dedupe: Object.fromEntries(t.dedupe) };
  }
  return state;
}

/** Loads a saved state into a fresh namespace; entities that no longer exist are reported and skipped. */
export function restore(ns: Namespace, state: PersistedState, logger: DevLogger): void {
  ns.sequence = state.nextSeq;
  for (const [path, saved] of Object.entries(state.endpoints ?? {})) {
    const endpoint = ns.endpoint(path);
    if (!endpoint) {
      logger.warn("service bus: dropping saved messages of an entity that is no longer declared", {
        entity: path,
        messages: saved.available.length,
      });
      continue;
    }
    const states = new Map(
      Object.entries(saved.sessionStates ?? {}).map(([id, b64]) => [id, Buffer.from(b64, "base64")] as const),
    );
    endpoint.restore(saved.available.map(fromPersisted), saved.deferred.map(fromPersisted), states);
  }
  for (const [name, saved] of Object.entries(state.targets ?? {})) {
    const target = ns.sendTarget(name);
    if (!target) {
      logger.warn("service bus: dropping saved scheduled messages of an entity that is no longer declared", {
        entity: name,
        messages: saved.scheduled.length,
      });
      continue;
    }
    for (const [id, until] of Object.entries(saved.dedupe ?? {})) target.dedupe.set(id, until);
    for (const p of saved.scheduled) ns.addScheduled(target, fromPersisted(p));
  }
}

/**
 * The state of a snapshot with journal lines applied on top, as plain data. Every line sets something to a value
 * (never "add one"), so applying the lines in order gives the state at the last one.
 */
export function replay(base: PersistedState | undefined, records: Iterable<JournalRecord>): PersistedState {
  type Place = { messages: Map<number, { m: PersistedMessage; deferred: boolean }>; sessions: Map<string, string> };
  type Target = { scheduled: Map<number, PersistedMessage>; dedupe: Map<string, number> };
  const places = new Map<string, Place>();
  const targets = new Map<string, Target>();
  const place = (path: string): Place => {
    let p = places.get(path);
    if (!p) places.set(path, (p = { messages: new Map(), sessions: new Map() }));
    return p;
  };
  const target = (name: string): Target => {
    let t = targets.get(name);
    if (!t) targets.set(name, (t = { scheduled: new Map(), dedupe: new Map() }));
    return t;
  };
  let nextSeq = base?.nextSeq ?? 1;
  for (const [path, saved] of Object.entries(base?.endpoints ?? {})) {
    const p = place(path);
    for (const m of saved.available ?? []) p.messages.set(m.seq, { m, deferred: false });
    for (const m of saved.deferred ?? []) p.messages.set(m.seq, { m, deferred: true });
    for (const [id, state] of Object.entries(saved.sessionStates ?? {})) p.sessions.set(id, state);
  }
  for (const [name, saved] of Object.entries(base?.targets ?? {})) {
    const t = target(name);
    for (const m of saved.scheduled ?? []) t.scheduled.set(m.seq, m);
    for (const [id, until] of Object.entries(saved.dedupe ?? {})) t.dedupe.set(id, until);
  }
  for (const r of records) {
    switch (r.op) {
      case "put":
        place(r.at).messages.set(r.m.seq, { m: r.m, deferred: r.deferred === true });
        nextSeq = Math.max(nextSeq, r.m.seq + 1);
        break;
      case "upd": {
        const held = places.get(r.at)?.messages.get(r.seq);
        if (held) {
          held.m = { ...held.m, deliveryCount: r.deliveryCount };
          held.deferred = r.deferred === true;
        }
        break;
      }
      case "del":
        places.get(r.at)?.messages.delete(r.seq);
        break;
      case "session":
        if (r.state === undefined) place(r.at).sessions.delete(r.id);
        else place(r.at).sessions.set(r.id, r.state);
        break;
      case "sched":
        target(r.to).scheduled.set(r.m.seq, r.m);
        nextSeq = Math.max(nextSeq, r.m.seq + 1);
        break;
      case "unsched":
        targets.get(r.to)?.scheduled.delete(r.seq);
        break;
      case "dedupe":
        target(r.to).dedupe.set(r.id, r.until);
        break;
    }
  }
  const state: PersistedState = { version: 1, nextSeq, endpoints: {}, targets: {} };
  for (const [path, p] of places) {
    const held = [...p.messages.values()].sort((a, b) => a.m.seq - b.m.seq);
    state.endpoints[path] = {
      available: held.filter((h) => !h.deferred).map((h) => h.m),
      deferred: held.filter((h) => h.deferred).map((h) => h.m),
      sessionStates: Object.fromEntries(p.sessions),
    };
  }
  for (const [name, t] of targets) {
    state.targets[name] = { scheduled: [...t.scheduled.values()], dedupe: Object.fromEntries(t.dedupe) };
  }
  return state;
}

export interface PersisterOptions {
  /** Compaction threshold (see Journal); small values in tests. */
  compactAfterBytes?: number;
  /** fdatasync each batch (survives a power cut, not only a kill -9). Default: DEVHOST_JOURNAL_FSYNC=1. */
  fsync?: boolean;
}

/** The namespace's changes as journal lines; the snapshot and the load. */
export class Persister implements StoreEvents {
  private readonly journal: Journal<JournalRecord>;
  private readonly dir: string;

  constructor(
    dataDir: string,
    private readonly ns: () => Namespace | undefined,
    private readonly logger: DevLogger,
    options: PersisterOptions = {},
  ) {
    this.dir = join(dataDir, "service-bus");
    this.journal = new Journal<JournalRecord>({
      dir: this.dir,
      snapshotFile: "state.json",
      journalName: "journal",
      snapshot: () => {
        const ns = this.ns();
        return ns ? { ...snapshot(ns) } : { version: 1, nextSeq: 1, endpoints: {}, targets: {} };
      },
      compactAfterBytes: options.compactAfterBytes,
      fsync: options.fsync ?? process.env.DEVHOST_JOURNAL_FSYNC === "1",
      onError: (err) =>
        this.logger.error("service bus: could not save state", { dir: this.dir, error: errorText(err) }),
    });
  }

  /** The saved state (snapshot + journal), or undefined when there is none. */
  async load(): Promise<PersistedState | undefined> {
    let loaded;
    try {
      loaded = await this.journal.load();
    } catch (err) {
      this.logger.warn("service bus: ignoring an unreadable saved state", { dir: this.dir, error: errorText(err) });
      return undefined;
    }
    if (loaded.skipped > 0) {
      this.logger.warn("service bus: skipped unreadable journal lines (a write cut short)", {
        dir: this.dir,
        lines: loaded.skipped,
      });
    }
    let base = loaded.snapshot as PersistedState | undefined;
    if (base && base.version !== 1) {
      this.logger.warn("service bus: ignoring an unreadable saved state", {
        dir: this.dir,
        error: `unknown version ${String(base.version)}`,
      });
      base = undefined;
    }
    if (!base && loaded.records.length === 0) return undefined;
    return replay(base, loaded.records);
  }

  /** Resolves once every change made so far is on disk (what the broker waits for before acknowledging). */
  durable(): Promise<void> {
    return this.journal.durable();
  }

  /** False once stopping: changes are no longer kept, so nothing more may be acknowledged. */
  get recording(): boolean {
    return this.journal.open;
  }

  /** Takes the final snapshot now (later changes are not kept) and resolves once it is written. */
  close(): Promise<void> {
    return this.journal.close().catch((err: unknown) => {
      this.logger.error("service bus: could not save state", { dir: this.dir, error: errorText(err) });
    });
  }

  // ---- StoreEvents -----------------------------------------------------------------------------------------------

  added(path: string, m: StoredMessage): void {
    this.journal.append({ op: "put", at: path, m: toPersisted(m) });
  }

  updated(path: string, m: StoredMessage, deferred: boolean): void {
    // A message whose content changed (properties modified) is written whole; otherwise only the count and place.
    if (m.encoded === undefined) {
      this.journal.append({ op: "put", at: path, m: toPersisted(m), ...(deferred ? { deferred } : {}) });
    } else {
      this.journal.append({
        op: "upd",
        at: path,
        seq: m.seq,
        deliveryCount: m.deliveryCount,
        ...(deferred ? { deferred } : {}),
      });
    }
  }

  removed(path: string, seq: number): void {
    this.journal.append({ op: "del", at: path, seq });
  }

  sessionState(path: string, sessionId: string, state: Buffer | undefined): void {
    const value = state === undefined || state.length === 0 ? undefined : state.toString("base64");
    this.journal.append({ op: "session", at: path, id: sessionId, ...(value !== undefined ? { state: value } : {}) });
  }

  scheduled(target: string, m: StoredMessage): void {
    this.journal.append({ op: "sched", to: target, m: toPersisted(m) });
  }

  unscheduled(target: string, seq: number): void {
    this.journal.append({ op: "unsched", to: target, seq });
  }

  dedupe(target: string, messageId: string, until: number): void {
    this.journal.append({ op: "dedupe", to: target, id: messageId, until });
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
