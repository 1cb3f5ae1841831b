/**
 * The dev host's virtual clock: real time by default, moved forward on request.
 *
 * Everything in the dev host that waits for a point in time (durable timers, timer triggers, scheduled Service Bus
 * messages) schedules it here. In real time an entry fires when its moment comes; `advanceTo` jumps time forward and
 * fires, in time order, every entry that falls due on the way, waiting after each moment until the work it started
 * settles (entries within the same virtual second are one moment). Time never moves backwards.
 *
 * Entries live in a binary heap ordered by (time, insertion order): scheduling and cancelling are O(log n), and only
 * a new earliest entry re-arms the real-time timeout.
 */
import { TimerHeap } from "./timer-heap";
import type { WorkTracker } from "./work-tracker";

const RealDate = Date;
const realNow = () => RealDate.now();
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;
const MAX_TIMEOUT = 2_147_483_647;
/** Entries due within this much virtual time of each other fire as one moment during an advance. */
const SAME_MOMENT_MS = 1_000;

export interface ScheduledHandle {
  readonly at: number;
  readonly label: string;
  cancel(): void;
}

interface Entry extends ScheduledHandle {
  seq: number;
  heapIndex: number;
  fire: () => unknown;
  cancelled: boolean;
}

export class VirtualClock {
  private offsetMs = 0;
  /** The offset as other threads read it (`sharedClock`), once `share()` was called. */
  private sharedOffset: BigInt64Array | undefined;
  private readonly entries = new TimerHeap<Entry>();
  private seq = 0;
  private armed: ReturnType<typeof setTimeout> | undefined;
  private advancing: Promise<void> = Promise.resolve();
  private isAdvancing = false;
  private advanceTarget: number | undefined;

  constructor(
    private readonly tracker: WorkTracker,
    startAt?: number,
  ) {
    if (startAt !== undefined) this.setOffset(startAt - realNow());
  }

  private setOffset(offsetMs: number): void {
    this.offsetMs = offsetMs;
    if (this.sharedOffset) Atomics.store(this.sharedOffset, 0, BigInt(Math.round(offsetMs)));
  }

  /**
   * The clock for a worker thread: hand the buffer to `sharedClock(buffer)` there, whose time is this clock's (kept
   * current as this clock moves, during an advance too). Scheduling stays on this clock.
   */
  share(): SharedArrayBuffer {
    if (!this.sharedOffset) {
      this.sharedOffset = new BigInt64Array(new SharedArrayBuffer(BigInt64Array.BYTES_PER_ELEMENT));
      this.setOffset(this.offsetMs);
    }
    return this.sharedOffset.buffer as SharedArrayBuffer;
  }

  private advancedListeners: Array<() => void> = [];
  private momentPollers: Array<() => Promise<boolean>> = [];

  /** How far virtual time is ahead of real time, in ms. */
  get offset(): number {
    return this.offsetMs;
  }

  /** Sets the lead over real time (restoring a saved clock at start); never moves time backwards. */
  restoreOffset(offsetMs: number): void {
    this.setOffset(Math.max(this.offsetMs, offsetMs));
    this.arm();
  }

  /**
   * Puts virtual time at `instant` (a configured start, `DEVHOST_CLOCK_START`). The one move that may go backwards, so
   * only before anything is scheduled.
   */
  startAt(instant: number): void {
    if (this.entries.size > 0)
      throw new Error("The virtual clock can only be set to its start before anything is scheduled");
    this.setOffset(instant - realNow());
  }

  /** Called after every completed advance (the dev host saves the clock then). */
  onAdvanced(listener: () => void): void {
    this.advancedListeners.push(listener);
  }

  /**
   * Registers a poller for work that arrives by polling in real time (new blobs for blob triggers, the print house's
   * outbox). During an advance every poller runs after each moment has settled, so what that moment wrote is picked
   * up at its virtual time rather than seconds of real time (and days of virtual time) later. A poller resolves true
   * when it started work; the host then settles again before time moves on.
   */
  addMomentPoller(poll: () => Promise<boolean>): void {
    this.momentPollers.push(poll);
  }

  /** Milliseconds since the epoch, virtual. */
  now(): number {
    return realNow() + this.offsetMs;
  }

  nowDate(): Date {
    return new RealDate(this.now());
  }

  /** Schedules `fire` for virtual time `at` (immediately when `at` is already past). */
  schedule(at: number, fire: () => unknown, label = "timer"): ScheduledHandle {
    const entry: Entry = {
      at,
      label,
      seq: ++this.seq,
      heapIndex: -1,
      fire,
      cancelled: false,
      cancel: () => {
        entry.cancelled = true;
        const wasFirst = this.entries.peek() === entry;
        if (this.entries.remove(entry) && wasFirst) this.arm();
      },
    };
    this.entries.push(entry);
    // The armed timeout is for the earliest entry; only a new earliest entry needs another one.
    if (this.entries.peek() === entry) this.arm();
    return entry;
  }

  /** What is scheduled, earliest first (for diagnostics and tests). */
  pending(): ReadonlyArray<{ at: number; label: string }> {
    return this.entries.sorted().map(({ at, label }) => ({ at, label }));
  }

  /**
   * Moves time forward to `target`, firing every entry due on the way in time order and waiting for the work each
   * one starts to settle. Calls are serialised. A target in the past leaves time where it is.
   */
  advanceTo(target: number): Promise<void> {
    const run = this.advancing.then(() => this.doAdvance(target));
    this.advancing = run.catch(() => undefined);
    return run;
  }

  advanceBy(ms: number): Promise<void> {
    if (ms < 0) return Promise.reject(new RangeError("The clock only moves forward"));
    return this.advanceTo(this.now() + ms);
  }

  /** While an advance runs: the virtual instant it moves to; undefined otherwise. */
  advancingTo(): number | undefined {
    return this.isAdvancing ? this.advanceTarget : undefined;
  }

  private async doAdvance(target: number): Promise<void> {
    this.isAdvancing = true;
    this.advanceTarget = target;
    this.disarm();
    try {
      await this.tracker.settle();
      for (;;) {
        const first = this.entries.peek();
        if (!first || first.at > target) break;
        // Entries due within the same virtual second fire together (they are independent: different orchestrations,
        // timers or messages), then the host settles once; entries further apart fire strictly in time order.
        const windowEnd = Math.min(first.at + SAME_MOMENT_MS, target);
        const group: Entry[] = [];
        while ((this.entries.peek()?.at ?? Infinity) <= windowEnd) group.push(this.entries.pop()!);
        const latest = group[group.length - 1]!.at;
        if (latest > this.now()) this.setOffset(latest - realNow());
        await Promise.all(group.map((entry) => this.fireEntry(entry)));
        await this.tracker.settle();
        await this.runMomentPollers();
      }
      if (target > this.now()) this.setOffset(target - realNow());
      for (const listener of this.advancedListeners) listener();
    } finally {
      this.isAdvancing = false;
      this.advanceTarget = undefined;
      this.arm();
    }
  }

  /** Runs the moment pollers until none finds new work (bounded: a poller that always finds work cannot stall time). */
  private async runMomentPollers(): Promise<void> {
    for (let round = 0; round < 5 && this.momentPollers.length > 0; round++) {
      const found = await Promise.all(
        this.momentPollers.map((poll) =>
          this.tracker.track(
            poll().catch((err: unknown) => {
              console.error("[devhost] poll after a moment failed:", err);
              return false;
            }),
          ),
        ),
      );
      if (!found.some(Boolean)) return;
      await this.tracker.settle();
    }
  }

  private async fireEntry(entry: Entry): Promise<void> {
    if (entry.cancelled) return;
    const end = this.tracker.begin();
    try {
      await entry.fire();
    } catch (err) {
      console.error(`[devhost] scheduled ${entry.label} failed:`, err);
    } finally {
      end();
    }
  }

  private disarm(): void {
    if (this.armed) realClearTimeout(this.armed);
    this.armed = undefined;
  }

  /** Keeps one real timeout armed for the earliest entry, so that entries also fire in real time. */
  private arm(): void {
    if (this.isAdvancing) return;
    this.disarm();
    const next = this.entries.peek();
    if (!next) return;
    const delay = Math.min(Math.max(0, next.at - this.now()), MAX_TIMEOUT);
    this.armed = realSetTimeout(() => {
      this.armed = undefined;
      if (this.isAdvancing) return;
      const now = this.now();
      const due: Entry[] = [];
      while ((this.entries.peek()?.at ?? Infinity) <= now) due.push(this.entries.pop()!);
      for (const e of due) void this.fireEntry(e);
      this.arm();
    }, delay);
    this.armed.unref?.();
  }

  /** Stops firing in real time (shutdown). */
  stop(): void {
    this.disarm();
    this.entries.clear();
  }
}

export { RealDate };

/** A worker thread's view of a `VirtualClock` (`clock.share()`): its current virtual time. */
export function sharedClock(buffer: SharedArrayBuffer): { now: () => number; nowDate: () => Date } {
  const offset = new BigInt64Array(buffer);
  const now = () => realNow() + Number(Atomics.load(offset, 0));
  return { now, nowDate: () => new RealDate(now()) };
}
