/**
 * The late-interest rates operators entered (one per country and half-year). The seed (the rule sets' built-in
 * tables) is not stored: `effectiveInterestRates` lays these over it. The record schema is what an adapter decodes
 * what it read with.
 */
import { z } from "zod";
import type { CountryCode } from "../domain/calendar";
import { InterestRateEntry } from "../domain/interest-rates";

export const StoredInterestRate = InterestRateEntry.extend({
  schemaVersion: z.literal(1),
  origin: z.literal("operator"),
  enteredAt: z.string(),
});
export type StoredInterestRate = z.infer<typeof StoredInterestRate>;

export interface InterestRateStore {
  /** Every entered rate of `country`, or of every country without one (any order; the table is tiny). */
  list(country?: CountryCode): Promise<StoredInterestRate[]>;
  /** Creates or replaces the country's rate for the half-year `rate.validFrom`; `created` when there was none. */
  put(rate: StoredInterestRate): Promise<{ created: boolean }>;
}
