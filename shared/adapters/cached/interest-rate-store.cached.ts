/**
 * An InterestRateStore that keeps the entered rates for a short while, in this process: every balance (each case
 * view, each pay page, each payment) prices interest with them, and operators enter a rate twice a year. A `put`
 * through this instance clears what it kept; another instance sees the new rate within `ttlMs` (default 60 s).
 * Failures are not kept. Time is the process's monotonic clock.
 */
import type { CountryCode } from "../../domain/calendar";
import type { InterestRateStore, StoredInterestRate } from "../../ports/interest-rate-store";

export class CachedInterestRateStore implements InterestRateStore {
  readonly #inner: InterestRateStore;
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #lists = new Map<string, { value: Promise<StoredInterestRate[]>; until: number }>();

  constructor(inner: InterestRateStore, options: { ttlMs?: number; now?: () => number } = {}) {
    this.#inner = inner;
    this.#ttlMs = options.ttlMs ?? 60_000;
    this.#now = options.now ?? (() => performance.now());
  }

  async list(country?: CountryCode): Promise<StoredInterestRate[]> {
    const key = country ?? "*";
    const hit = this.#lists.get(key);
    if (hit !== undefined && hit.until > this.#now()) return structuredClone(await hit.value);
    const entry = { value: this.#inner.list(country), until: this.#now() + this.#ttlMs };
    this.#lists.set(key, entry);
    try {
      return structuredClone(await entry.value);
    } catch (error) {
      if (this.#lists.get(key) === entry) this.#lists.delete(key);
      throw error;
    }
  }

  async put(rate: StoredInterestRate): Promise<{ created: boolean }> {
    const result = await this.#inner.put(rate);
    this.#lists.clear();
    return result;
  }
}
