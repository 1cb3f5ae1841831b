/**
 * Counts the work the dev host has started (invocations, orchestration episodes, message deliveries) so that
 * "advance the clock" and tests can wait until everything it set off has settled.
 *
 * Stand-ins that run in a worker thread (stand-in-thread.ts) count their work in a shared counter (`share()` on this
 * side, `SharedWork` in the thread): it is read here synchronously, so work a thread started before it answered a
 * request is seen by whoever got the answer, exactly as for work started in this thread.
 */
export class WorkTracker {
  private inFlight = 0;
  private generation = 0;
  private readonly shared: Int32Array[] = [];

  /** A counter for another thread's work (hand the buffer to `new SharedWork(buffer)` there); it counts as ours. */
  share(): SharedArrayBuffer {
    const buffer = new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
    this.shared.push(new Int32Array(buffer));
    return buffer;
  }

  /** Marks one unit of work as started; call the returned function exactly once when it ends. */
  begin(): () => void {
    this.inFlight++;
    this.generation++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.inFlight--;
      this.generation++;
    };
  }

  /** Tracks a promise as one unit of work and passes it through. */
  track<T>(work: Promise<T>): Promise<T> {
    const end = this.begin();
    return work.finally(end);
  }

  get pending(): number {
    let n = this.inFlight;
    for (const counter of this.shared) n += Atomics.load(counter, IN_FLIGHT);
    return n;
  }

  private changes(): number {
    let n = this.generation;
    for (const counter of this.shared) n += Atomics.load(counter, GENERATION);
    return n;
  }

  /**
   * Resolves once nothing is in flight and nothing new started for `quietMs` of real time (work often schedules
   * follow-up work a few ticks later: a message sent by one invocation triggers the next). Gives up when the work
   * STALLED: nothing started or ended for `stallMs` while some is still in flight. Work that keeps moving is waited
   * for however long it takes (ten thousand cases' letters falling due at one moment take minutes, not a hang).
   */
  async settle(quietMs = 30, stallMs = 120_000): Promise<void> {
    let lastMove = performance.now();
    let moved = this.changes();
    for (;;) {
      const seen = this.changes();
      await realSleep(quietMs);
      const now = this.changes();
      if (this.pending === 0 && now === seen) return;
      const at = performance.now();
      if (now !== moved) {
        moved = now;
        lastMove = at;
      } else if (at - lastMove > stallMs) {
        throw new Error(`Work did not settle: nothing moved for ${stallMs} ms (${this.pending} still in flight)`);
      }
    }
  }
}

const IN_FLIGHT = 0;
const GENERATION = 1;

/** A worker thread's side of `WorkTracker.share()`: `begin` and `track` as on the tracker itself. */
export class SharedWork {
  private readonly counter: Int32Array;

  constructor(buffer: SharedArrayBuffer) {
    this.counter = new Int32Array(buffer);
  }

  begin(): () => void {
    Atomics.add(this.counter, IN_FLIGHT, 1);
    Atomics.add(this.counter, GENERATION, 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      Atomics.sub(this.counter, IN_FLIGHT, 1);
      Atomics.add(this.counter, GENERATION, 1);
    };
  }

  track<T>(work: Promise<T>): Promise<T> {
    const end = this.begin();
    return work.finally(end);
  }
}

const realSetTimeout = globalThis.setTimeout;

export function realSleep(ms: number): Promise<void> {
  return new Promise((resolve) => realSetTimeout(resolve, ms));
}
