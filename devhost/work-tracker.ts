/**
 * Counts the work the dev host has started (invocations, orchestration episodes, message deliveries) so that
 * "advance the clock" and tests can wait until everything it set off has settled.
 */
export class WorkTracker {
  private inFlight = 0;
  private generation = 0;

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
    return this.inFlight;
  }

  /**
   * Resolves once nothing is in flight and nothing new started for `quietMs` of real time (work often schedules
   * follow-up work a few ticks later: a message sent by one invocation triggers the next). Gives up when the work
   * STALLED: nothing started or ended for `stallMs` while some is still in flight. Work that keeps moving is waited
   * for however long it takes (ten thousand cases' letters falling due at one moment take minutes, not a hang).
   */
  async settle(quietMs = 30, stallMs = 120_000): Promise<void> {
    let lastMove = performance.now();
    let moved = this.generation;
    for (;;) {
      const seen = this.generation;
      await realSleep(quietMs);
      if (this.inFlight === 0 && this.generation === seen) return;
      const now = performance.now();
      if (this.generation !== moved) {
        moved = this.generation;
        lastMove = now;
      } else if (now - lastMove > stallMs) {
        throw new Error(`Work did not settle: nothing moved for ${stallMs} ms (${this.inFlight} still in flight)`);
      }
    }
  }
}

const realSetTimeout = globalThis.setTimeout;

export function realSleep(ms: number): Promise<void> {
  return new Promise((resolve) => realSetTimeout(resolve, ms));
}
