/**
 * Message sessions of one session-enabled queue or subscription: which receiver holds which session's lock and until
 * when, the session state, and receivers waiting for "the next available session".
 */
import type { Consumer } from "./endpoint";

export interface SessionLock {
  sessionId: string;
  owner: Consumer;
  until: number;
  timer: ReturnType<typeof setTimeout>;
}

/** A receiver that asked for the next available session and has not been given one yet. */
export interface SessionAcceptor {
  /** Gives the acceptor a session: it becomes a consumer locked to that session. */
  grant(sessionId: string, lockedUntil: number): Consumer;
  /** No session came in time (or the broker is stopping). */
  fail(condition: string, description: string): void;
}

export class SessionTable {
  private readonly locks = new Map<string, SessionLock>();
  private readonly states = new Map<string, Buffer>();
  private readonly acceptors: SessionAcceptor[] = [];

  constructor(
    private readonly lockDurationMs: number,
    private readonly now: () => number,
    private readonly onLockExpired: (lock: SessionLock) => void,
  ) {}

  isLocked(sessionId: string): boolean {
    return this.locks.has(sessionId);
  }

  lockOf(sessionId: string): SessionLock | undefined {
    return this.locks.get(sessionId);
  }

  /** Locks the session for `owner`; false when someone else holds it. */
  lock(sessionId: string, owner: Consumer): SessionLock | undefined {
    const existing = this.locks.get(sessionId);
    if (existing && existing.owner !== owner) return undefined;
    if (existing) return existing;
    const lock: SessionLock = {
      sessionId,
      owner,
      until: 0,
      timer: undefined as unknown as ReturnType<typeof setTimeout>,
    };
    this.locks.set(sessionId, lock);
    this.renew(lock);
    return lock;
  }

  /** Extends the session lock by the entity's lock duration (real time for the timer; the clock for the date shown). */
  renew(lock: SessionLock): number {
    clearTimeout(lock.timer);
    lock.until = this.now() + this.lockDurationMs;
    lock.timer = setTimeout(() => {
      if (this.locks.get(lock.sessionId) !== lock) return;
      this.locks.delete(lock.sessionId);
      this.onLockExpired(lock);
    }, this.lockDurationMs);
    lock.timer.unref?.();
    return lock.until;
  }

  renewById(sessionId: string): number | undefined {
    const lock = this.locks.get(sessionId);
    return lock ? this.renew(lock) : undefined;
  }

  release(owner: Consumer): void {
    for (const [id, lock] of this.locks) {
      if (lock.owner === owner) {
        clearTimeout(lock.timer);
        this.locks.delete(id);
      }
    }
  }

  getState(sessionId: string): Buffer | undefined {
    return this.states.get(sessionId);
  }

  setState(sessionId: string, state: Buffer | undefined): void {
    if (state === undefined || state.length === 0) this.states.delete(sessionId);
    else this.states.set(sessionId, state);
  }

  allStates(): Map<string, Buffer> {
    return this.states;
  }

  addAcceptor(a: SessionAcceptor): void {
    this.acceptors.push(a);
  }

  removeAcceptor(a: SessionAcceptor): void {
    const i = this.acceptors.indexOf(a);
    if (i >= 0) this.acceptors.splice(i, 1);
  }

  get waitingAcceptors(): number {
    return this.acceptors.length;
  }

  /** Hands the first available unlocked session of `sessionIdsInOrder` to waiting acceptors. */
  assign(sessionIdsInOrder: Iterable<string>): void {
    if (this.acceptors.length === 0) return;
    for (const id of sessionIdsInOrder) {
      if (this.acceptors.length === 0) return;
      if (this.locks.has(id)) continue;
      const acceptor = this.acceptors.shift()!;
      const consumer = acceptor.grant(id, this.now() + this.lockDurationMs);
      this.lock(id, consumer);
    }
  }

  /** Shutdown: fail the waiting acceptors and drop lock timers. */
  close(): void {
    for (const a of this.acceptors.splice(0)) a.fail("com.microsoft:timeout", "The broker is stopping.");
    for (const lock of this.locks.values()) clearTimeout(lock.timer);
    this.locks.clear();
  }
}
