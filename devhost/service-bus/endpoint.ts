/**
 * One receivable message store: a queue, a topic subscription, or the dead-letter queue of either. Holds the
 * available messages in order, the peek-locks, deferred messages and sessions, and hands messages to consumers.
 */
import type { WorkTracker } from "../work-tracker";
import { ANNOTATION, type AmqpMessage, encodeMessage, newDeliveryTag, lockKeyOfTag, wrapLong } from "./amqp";
import { SessionTable, type SessionAcceptor } from "./sessions";

export interface StoredMessage {
  seq: number;
  message: AmqpMessage;
  messageId: string;
  sessionId?: string;
  enqueuedAt: number;
  deliveryCount: number;
  scheduledAt?: number;
  deadLetterSource?: string;
  /** base64 of the encoded message, cached for persistence (reset when `message` changes). */
  encoded?: string;
}

export function encodedOf(m: StoredMessage): string {
  if (m.encoded === undefined) m.encoded = encodeMessage(m.message).toString("base64");
  return m.encoded;
}

/**
 * What changes in the stores, as persistence records it (see persistence.ts). `path` is the store's path; `updated`
 * is a message that stays where it is with a new delivery count, deferral or content (content changed when its
 * `encoded` cache was reset).
 */
export interface StoreEvents {
  added(path: string, m: StoredMessage): void;
  updated(path: string, m: StoredMessage, deferred: boolean): void;
  removed(path: string, seq: number): void;
  sessionState(path: string, sessionId: string, state: Buffer | undefined): void;
  scheduled(target: string, m: StoredMessage): void;
  unscheduled(target: string, seq: number): void;
  dedupe(target: string, messageId: string, until: number): void;
}

/** Records nothing (a broker without persistence). */
export const NO_STORE_EVENTS: StoreEvents = {
  added: () => undefined,
  updated: () => undefined,
  removed: () => undefined,
  sessionState: () => undefined,
  scheduled: () => undefined,
  unscheduled: () => undefined,
  dedupe: () => undefined,
};

/** A receiving link, seen from the store. */
export interface Consumer {
  /** Set for session receivers: they only get this session's messages. */
  readonly sessionId?: string;
  /** receiveAndDelete: messages are settled (removed) when sent. */
  readonly settleOnSend: boolean;
  credit(): number;
  send(wire: AmqpMessage, tag: Buffer): DeliveryHandle;
  /** Nothing more can be sent right now: answers a pending drain request, if any. */
  drained(): void;
  /** The broker ends the link (e.g. session lock expired). */
  close(condition: string, description: string): void;
}

/** The link delivery behind a lock: settled once the lock ends, however it ends. */
export interface DeliveryHandle {
  /** Idempotent. "accepted" after a settlement, "lost" when the lock expired or its message left otherwise. */
  settle(outcome: "accepted" | "lost"): void;
}

export interface Lock {
  key: string;
  message: StoredMessage;
  until: number;
  timer: ReturnType<typeof setTimeout>;
  consumer?: Consumer;
  delivery?: DeliveryHandle;
}

export type MessageState = "active" | "deferred" | "scheduled";

export interface EndpointOptions {
  path: string;
  maxDeliveryCount: number;
  lockDurationMs: number;
  requiresSession: boolean;
  deadLetter?: Endpoint;
  now: () => number;
  tracker?: Pick<WorkTracker, "begin">;
  events: StoreEvents;
}

const MAX_DELIVERY_REASON = "MaxDeliveryCountExceeded";

export class Endpoint {
  readonly path: string;
  readonly requiresSession: boolean;
  readonly deadLetter?: Endpoint;
  readonly sessions: SessionTable;
  private readonly maxDeliveryCount: number;
  private readonly lockDurationMs: number;
  private readonly now: () => number;
  private readonly tracker?: Pick<WorkTracker, "begin">;
  private readonly events: StoreEvents;
  private available: StoredMessage[] = [];
  private readonly locks = new Map<string, Lock>();
  private readonly deferred = new Map<number, StoredMessage>();
  private readonly consumers = new Set<Consumer>();
  private roundRobin = 0;
  private endWork: (() => void) | undefined;
  private pumping = false;

  constructor(o: EndpointOptions) {
    this.path = o.path;
    this.requiresSession = o.requiresSession;
    this.deadLetter = o.deadLetter;
    this.maxDeliveryCount = o.maxDeliveryCount;
    this.lockDurationMs = o.lockDurationMs;
    this.now = o.now;
    this.tracker = o.tracker;
    this.events = o.events;
    this.sessions = new SessionTable(o.lockDurationMs, o.now, (lock) => {
      lock.owner.close(
        "com.microsoft:session-lock-lost",
        `The session lock has expired on the session with id ${lock.sessionId}.`,
      );
      this.removeConsumer(lock.owner);
    });
  }

  // ---- arrival -------------------------------------------------------------------------------------------------

  enqueue(m: StoredMessage): void {
    this.available.push(m);
    this.events.added(this.path, m);
    this.pump();
  }

  /** Restores persisted state (start-up). */
  restore(available: StoredMessage[], deferred: StoredMessage[], states: Map<string, Buffer>): void {
    this.available = [...available];
    for (const d of deferred) this.deferred.set(d.seq, d);
    for (const [id, s] of states) this.sessions.setState(id, s);
  }

  /** Sets (or, with undefined or empty, removes) a session's state. */
  setSessionState(sessionId: string, state: Buffer | undefined): void {
    this.sessions.setState(sessionId, state);
    this.events.sessionState(this.path, sessionId, state);
  }

  // ---- consumers -----------------------------------------------------------------------------------------------

  addConsumer(c: Consumer): void {
    this.consumers.add(c);
    this.pump();
  }

  /** A receiving link closed: its session locks go, and so do its message locks (the messages come back). */
  removeConsumer(c: Consumer): void {
    if (!this.consumers.delete(c)) return;
    this.sessions.release(c);
    for (const lock of [...this.locks.values()]) {
      if (lock.consumer === c) this.lockLost(lock);
    }
    this.pump();
  }

  addAcceptor(a: SessionAcceptor): void {
    this.sessions.addAcceptor(a);
    this.pump();
  }

  removeAcceptor(a: SessionAcceptor): void {
    this.sessions.removeAcceptor(a);
    this.syncWork();
  }

  /** The first session with available messages that nobody holds (for "accept next session"). */
  nextFreeSession(): string | undefined {
    for (const m of this.available) {
      if (m.sessionId !== undefined && !this.sessions.isLocked(m.sessionId)) return m.sessionId;
    }
    return undefined;
  }

  // ---- delivery ------------------------------------------------------------------------------------------------

  /** Hands available messages to consumers with credit, in order (per session for session receivers). */
  pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      if (this.requiresSession) this.sessions.assign(this.availableSessionIds());
      const consumers = [...this.consumers];
      if (consumers.length > 0 && this.available.length > 0) {
        let progressed = true;
        while (progressed && this.available.length > 0) {
          progressed = false;
          for (let k = 0; k < consumers.length && this.available.length > 0; k++) {
            const c = consumers[(this.roundRobin + k) % consumers.length]!;
            if (c.credit() <= 0) continue;
            const index = c.sessionId === undefined ? 0 : this.available.findIndex((m) => m.sessionId === c.sessionId);
            if (index < 0) continue;
            const [m] = this.available.splice(index, 1);
            this.deliver(c, m!);
            progressed = true;
          }
          this.roundRobin++;
        }
      }
      for (const c of consumers) {
        const has =
          c.sessionId === undefined
            ? this.available.length > 0
            : this.available.some((m) => m.sessionId === c.sessionId);
        if (!has || c.credit() <= 0) c.drained();
      }
    } finally {
      this.pumping = false;
      this.syncWork();
    }
  }

  private availableSessionIds(): string[] {
    const ids: string[] = [];
    const seen = new Set<string>();
    for (const m of this.available) {
      if (m.sessionId !== undefined && !seen.has(m.sessionId)) {
        seen.add(m.sessionId);
        ids.push(m.sessionId);
      }
    }
    return ids;
  }

  private deliver(c: Consumer, m: StoredMessage): void {
    const tag = newDeliveryTag();
    if (c.settleOnSend) {
      c.send(this.toWire(m), tag);
      this.events.removed(this.path, m.seq);
      return;
    }
    const lock = this.newLock(lockKeyOfTag(tag), m, c);
    lock.delivery = c.send(this.toWire(m, { lockedUntil: lock.until }), tag);
  }

  private newLock(key: string, m: StoredMessage, consumer?: Consumer): Lock {
    const lock: Lock = {
      key,
      message: m,
      until: 0,
      timer: undefined as unknown as ReturnType<typeof setTimeout>,
      consumer,
    };
    this.locks.set(key, lock);
    this.armLock(lock);
    return lock;
  }

  /**
   * Lock expiry runs on real time (the SDK renews locks on its own timers); the date shown is the clock's. Messages
   * received in a session are held by the session lock instead: they come back when the session is released.
   */
  private armLock(lock: Lock): void {
    clearTimeout(lock.timer);
    lock.until = this.now() + this.lockDurationMs;
    if (lock.consumer?.sessionId !== undefined) return;
    lock.timer = setTimeout(() => {
      if (this.locks.get(lock.key) === lock) this.lockLost(lock);
    }, this.lockDurationMs);
    lock.timer.unref?.();
  }

  /** The message as a receiver sees it: the sent message plus the broker's annotations and delivery count. */
  toWire(m: StoredMessage, extra: { lockedUntil?: number; state?: MessageState } = {}): AmqpMessage {
    const annotations: Record<string, unknown> = {
      ...(m.message.message_annotations ?? {}),
      [ANNOTATION.sequenceNumber]: wrapLong(m.seq),
      [ANNOTATION.enqueuedTime]: new Date(m.enqueuedAt),
    };
    if (extra.lockedUntil !== undefined) annotations[ANNOTATION.lockedUntil] = new Date(extra.lockedUntil);
    if (m.deadLetterSource !== undefined) annotations[ANNOTATION.deadLetterSource] = m.deadLetterSource;
    if (extra.state === "deferred") annotations[ANNOTATION.messageState] = 1;
    if (extra.state === "scheduled") annotations[ANNOTATION.messageState] = 2;
    return { ...m.message, message_annotations: annotations, delivery_count: m.deliveryCount };
  }

  // ---- settlement ----------------------------------------------------------------------------------------------

  hasLock(key: string): boolean {
    return this.locks.has(key);
  }

  lockedMessage(key: string): StoredMessage | undefined {
    return this.locks.get(key)?.message;
  }

  complete(key: string): boolean {
    const lock = this.takeLock(key);
    if (!lock) return false;
    this.events.removed(this.path, lock.message.seq);
    this.pump();
    return true;
  }

  abandon(key: string, propertiesToModify?: Record<string, unknown>): boolean {
    const lock = this.takeLock(key);
    if (!lock) return false;
    this.returnMessage(modify(lock.message, propertiesToModify), this.deferredLock(lock));
    return true;
  }

  defer(key: string, propertiesToModify?: Record<string, unknown>): boolean {
    const lock = this.takeLock(key);
    if (!lock) return false;
    const m = modify(lock.message, propertiesToModify);
    this.deferred.set(m.seq, m);
    this.events.updated(this.path, m, true);
    this.pump();
    return true;
  }

  deadLetterLocked(
    key: string,
    reason: string | undefined,
    description: string | undefined,
    propertiesToModify?: Record<string, unknown>,
  ): boolean {
    const lock = this.takeLock(key);
    if (!lock) return false;
    this.moveToDeadLetter(modify(lock.message, propertiesToModify), reason, description);
    this.pump();
    return true;
  }

  renewLock(key: string): number | undefined {
    const lock = this.locks.get(key);
    if (!lock) return undefined;
    this.armLock(lock);
    return lock.until;
  }

  hasDeferred(seq: number): boolean {
    return this.deferred.has(seq);
  }

  /** Deferred messages by sequence number, locked for settlement through `$management` (receiveAndDelete: removed). */
  receiveDeferred(
    seqs: number[],
    settleOnReceive: boolean,
    newKey: () => Buffer,
  ): Array<{ wire: AmqpMessage; lockToken?: Buffer }> {
    const out: Array<{ wire: AmqpMessage; lockToken?: Buffer }> = [];
    for (const seq of seqs) {
      const m = this.deferred.get(seq);
      if (!m) continue;
      if (settleOnReceive) {
        this.deferred.delete(seq);
        this.events.removed(this.path, seq);
        out.push({ wire: this.toWire(m) });
        continue;
      }
      const token = newKey();
      const lock = this.newLock(token.toString("hex"), m);
      this.deferred.delete(seq);
      out.push({ wire: this.toWire(m, { lockedUntil: lock.until, state: "deferred" }), lockToken: token });
    }
    // A deferred message received with a lock stays deferred on disk: the lock does not survive a restart.
    this.syncWork();
    return out;
  }

  private takeLock(key: string, outcome: "accepted" | "lost" = "accepted"): Lock | undefined {
    const lock = this.locks.get(key);
    if (!lock) return undefined;
    clearTimeout(lock.timer);
    this.locks.delete(key);
    lock.delivery?.settle(outcome);
    return lock;
  }

  /** Lock expired or its link went away: the delivery counts as failed. */
  private lockLost(lock: Lock): void {
    this.takeLock(lock.key, "lost");
    this.returnMessage(lock.message, this.deferredLock(lock));
  }

  /** A failed delivery: back to the head of the queue, or to the dead-letter queue after max delivery count. */
  private returnMessage(m: StoredMessage, wasDeferred: boolean): void {
    m.deliveryCount++;
    if (this.deadLetter && m.deliveryCount >= this.maxDeliveryCount) {
      this.moveToDeadLetter(
        m,
        MAX_DELIVERY_REASON,
        "Message could not be consumed after " + this.maxDeliveryCount + " delivery attempts.",
      );
    } else if (wasDeferred) {
      // A deferred message stays deferred until it is settled.
      this.deferred.set(m.seq, m);
      this.events.updated(this.path, m, true);
    } else {
      this.insertInOrder(m);
      this.events.updated(this.path, m, false);
    }
    this.pump();
  }

  /** Back where it was: before the messages that came after it. */
  private insertInOrder(m: StoredMessage): void {
    let i = 0;
    while (i < this.available.length && this.available[i]!.seq < m.seq) i++;
    this.available.splice(i, 0, m);
  }

  private moveToDeadLetter(m: StoredMessage, reason: string | undefined, description: string | undefined): void {
    if (!this.deadLetter) {
      // Already in a dead-letter queue: the service keeps it there.
      this.insertInOrder(m);
      this.events.updated(this.path, m, false);
      return;
    }
    const props: Record<string, unknown> = { ...(m.message.application_properties ?? {}) };
    if (reason !== undefined) props.DeadLetterReason = reason;
    if (description !== undefined) props.DeadLetterErrorDescription = description;
    this.deadLetter.enqueue({
      ...m,
      message: { ...m.message, application_properties: props },
      deadLetterSource: this.path,
      encoded: undefined,
    });
    this.events.removed(this.path, m.seq);
  }

  // ---- inspection ----------------------------------------------------------------------------------------------

  /** Everything in the store from `fromSeq`, in sequence order, with its state. */
  peek(
    fromSeq: number,
    count: number,
    sessionId?: string,
    extra: Array<{ m: StoredMessage; state: MessageState }> = [],
  ): Array<{ m: StoredMessage; state: MessageState }> {
    const all: Array<{ m: StoredMessage; state: MessageState }> = [
      ...this.available.map((m) => ({ m, state: "active" as const })),
      ...[...this.locks.values()].map((l) => ({ m: l.message, state: "active" as const })),
      ...[...this.deferred.values()].map((m) => ({ m, state: "deferred" as const })),
      ...extra,
    ];
    return all
      .filter((x) => x.m.seq >= fromSeq && (sessionId === undefined || x.m.sessionId === sessionId))
      .sort((a, b) => a.m.seq - b.m.seq)
      .slice(0, count);
  }

  /** For persistence: messages still to be delivered (locked ones first, as the lock is lost on restart). */
  snapshot(): { available: StoredMessage[]; deferred: StoredMessage[] } {
    const locked = [...this.locks.values()].filter((l) => !this.deferredLock(l)).map((l) => l.message);
    const deferredLocked = [...this.locks.values()].filter((l) => this.deferredLock(l)).map((l) => l.message);
    return {
      available: [...locked, ...this.available].sort((a, b) => a.seq - b.seq),
      deferred: [...this.deferred.values(), ...deferredLocked],
    };
  }

  /** Locks made by receive-by-sequence-number have no consumer. */
  private deferredLock(l: Lock): boolean {
    return l.consumer === undefined;
  }

  get counts(): { active: number; locked: number; deferred: number } {
    return { active: this.available.length, locked: this.locks.size, deferred: this.deferred.size };
  }

  // ---- work tracking -------------------------------------------------------------------------------------------

  /**
   * While someone listens here (a link with credit, a session receiver, or a receiver waiting for a session) the
   * available messages are work the dev host waits for; locked messages are work until they are settled.
   */
  private listened(): boolean {
    if (this.sessions.waitingAcceptors > 0) return true;
    for (const c of this.consumers) {
      if (c.sessionId !== undefined || c.credit() > 0) return true;
    }
    return false;
  }

  /** Whether this store currently counts as in-flight work for the dev host. */
  get busy(): boolean {
    return this.endWork !== undefined;
  }

  syncWork(): void {
    if (!this.tracker) return;
    const busy = this.locks.size > 0 || (this.available.length > 0 && this.listened());
    if (busy && !this.endWork) this.endWork = this.tracker.begin();
    else if (!busy && this.endWork) {
      this.endWork();
      this.endWork = undefined;
    }
  }

  /** Shutdown: timers off, work released. */
  close(): void {
    for (const lock of this.locks.values()) clearTimeout(lock.timer);
    this.sessions.close();
    this.consumers.clear();
    if (this.endWork) this.endWork();
    this.endWork = undefined;
  }
}

function modify(m: StoredMessage, propertiesToModify?: Record<string, unknown>): StoredMessage {
  if (!propertiesToModify || Object.keys(propertiesToModify).length === 0) return m;
  m.message = {
    ...m.message,
    application_properties: { ...(m.message.application_properties ?? {}), ...propertiesToModify },
  };
  m.encoded = undefined;
  return m;
}
