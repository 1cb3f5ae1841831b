/**
 * ReplayGuard in the instance's memory: bounded (oldest entries dropped first), entries kept until the end of the
 * signature's date window. Across instances a replay is not refused here, but it cannot do anything either: the
 * `payments` queue's duplicate detection drops a message with the same event id, and applying is idempotent.
 */
import type { ReplayGuard } from "../../ports/replay-guard";

export class MemoryReplayGuard implements ReplayGuard {
  readonly #seen = new Map<string, number>();

  constructor(private readonly maxEntries = 100_000) {}

  firstSeen(key: string, until: Date, now: Date): boolean {
    const t = now.getTime();
    const known = this.#seen.get(key);
    if (known !== undefined && known > t) return false;
    this.#seen.delete(key);
    this.#seen.set(key, until.getTime());
    if (this.#seen.size > this.maxEntries) {
      for (const [k, expires] of this.#seen) {
        if (this.#seen.size <= this.maxEntries && expires > t) break;
        this.#seen.delete(k);
      }
    }
    return true;
  }

  forget(key: string): void {
    this.#seen.delete(key);
  }
}
