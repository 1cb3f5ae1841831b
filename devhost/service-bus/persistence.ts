/**
 * Keeps the broker's messages across restarts: `<dataDir>/service-bus/state.json`, written (atomically, debounced)
 * after every change and on stop, read on start. Locks do not survive a restart: locked messages come back as
 * available (their delivery count unchanged), as after a lock expiry without the count.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { DevLogger } from "../logger";
import { decodeMessage } from "./amqp";
import { encodedOf, type StoredMessage } from "./endpoint";
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

interface PersistedState {
  version: 1;
  savedAt: string;
  nextSeq: number;
  endpoints: Record<
    string,
    { available: PersistedMessage[]; deferred: PersistedMessage[]; sessionStates: Record<string, string> }
  >;
  targets: Record<string, { scheduled: PersistedMessage[]; dedupe: Record<string, number> }>;
}

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

/** Debounced, atomic writes of the namespace state. */
export class Persister {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly file: string;

  constructor(
    dataDir: string,
    private readonly ns: () => Namespace | undefined,
    private readonly logger: DevLogger,
    private readonly debounceMs = 100,
  ) {
    this.file = join(dataDir, "service-bus", "state.json");
  }

  load(): PersistedState | undefined {
    let text: string;
    try {
      text = readFileSync(this.file, "utf8");
    } catch {
      return undefined;
    }
    try {
      const state = JSON.parse(text) as PersistedState;
      if (state.version !== 1) throw new Error(`unknown version ${String(state.version)}`);
      return state;
    } catch (err) {
      this.logger.warn("service bus: ignoring an unreadable saved state", {
        file: this.file,
        error: err instanceof Error ? err.message : String(err),
      });
      return undefined;
    }
  }

  changed(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.debounceMs);
    this.timer.unref?.();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const ns = this.ns();
    if (!ns) return;
    try {
      mkdirSync(join(this.file, ".."), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(snapshot(ns)));
      renameSync(tmp, this.file);
    } catch (err) {
      this.logger.error("service bus: could not save state", {
        file: this.file,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }
}
