/** In-memory InterestRateStore (tests, dev host without Cosmos DB). */
import type { CountryCode } from "../../domain/calendar";
import { StoredInterestRate, type InterestRateStore } from "../../ports/interest-rate-store";

export class MemoryInterestRateStore implements InterestRateStore {
  readonly #rates = new Map<string, StoredInterestRate>();

  async list(country?: CountryCode): Promise<StoredInterestRate[]> {
    return [...this.#rates.values()]
      .filter((r) => country === undefined || r.country === country)
      .map((r) => structuredClone(r));
  }

  async put(rate: StoredInterestRate): Promise<{ created: boolean }> {
    const key = `${rate.country}/${rate.validFrom}`;
    const created = !this.#rates.has(key);
    this.#rates.set(key, StoredInterestRate.parse(structuredClone(rate)));
    return { created };
  }
}
