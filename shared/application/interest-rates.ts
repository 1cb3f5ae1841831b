/**
 * The late-interest rate table as operator data (see shared/domain/interest-rates.ts for the formula and the seed):
 * listing it, entering a half-year's rate, the rule set a case is computed with, and the check behind the
 * `interest_rate.missing` alert.
 *
 * Balances are never stored: every balance, plan and letter is computed from the rule set `rulesWithEnteredRates`
 * gives, so entering a rate is all it takes for provisional interest to be re-priced at the next computation.
 */
import { CountryCode, daysBetween, type LocalDate } from "../domain/calendar";
import {
  effectiveInterestRates,
  halfYearEnd,
  missingInterestRates,
  toLateInterestRates,
  type HalfYearStart,
  type InterestRateEntry,
} from "../domain/interest-rates";
import { ruleSetFor, type RuleSetInForce } from "../domain/rules";
import type { Clock } from "../ports/clock";
import type { InterestRateStore, StoredInterestRate } from "../ports/interest-rate-store";
import { todayIn } from "./case-context";

export interface InterestRatesDeps {
  interestRates: InterestRateStore;
  clock: Clock;
}

/** The rule set of a country on a day: what every balance, plan and letter is computed with. */
export type RulesOn = (country: CountryCode, day: LocalDate) => RuleSetInForce;

/**
 * Reads the operators' entered rates once (one small query) and returns the lookup of the rule sets with them laid
 * over the seed. Without a store (a test wiring only what it needs) the seed alone.
 */
export async function rulesWithEnteredRates(deps: { interestRates?: InterestRateStore }): Promise<RulesOn> {
  const entered = deps.interestRates ? await deps.interestRates.list() : [];
  if (entered.length === 0) return (country, day) => ruleSetFor(country, day);
  const cache = new Map<string, RuleSetInForce>(); // a page of cases asks for the same country and day many times
  return (country, day) => {
    const key = `${country}/${day}`;
    const cached = cache.get(key);
    if (cached) return cached;
    const own = entered.filter((r) => r.country === country);
    const rules =
      own.length === 0
        ? ruleSetFor(country, day)
        : ruleSetFor(country, day, { lateInterestRates: toLateInterestRates(own) });
    cache.set(key, rules);
    return rules;
  };
}

export interface InterestRateTable {
  country: CountryCode;
  /** The half-years without a rate that need an operator now (the current one; the next within 30 days). */
  missing: HalfYearStart[];
  rates: InterestRateEntry[];
}

export function makeListInterestRates(deps: InterestRatesDeps) {
  return async (): Promise<InterestRateTable[]> => {
    const now = deps.clock.now();
    return Promise.all(
      CountryCode.options.map(async (country) => {
        const rates = effectiveInterestRates(country, await deps.interestRates.list(country));
        return { country, missing: missingInterestRates(country, rates, todayIn(country, now)), rates };
      }),
    );
  };
}

export interface PutInterestRateInput {
  country: CountryCode;
  validFrom: HalfYearStart;
  rateBasisPoints: number;
  policyRateBasisPoints?: number | undefined;
  source: string;
  confirmed: boolean;
}

export function makePutInterestRate(deps: InterestRatesDeps) {
  return async (input: PutInterestRateInput): Promise<{ created: boolean; rate: StoredInterestRate }> => {
    const rate: StoredInterestRate = {
      schemaVersion: 1,
      country: input.country,
      validFrom: input.validFrom,
      validTo: halfYearEnd(input.validFrom),
      rateBasisPoints: input.rateBasisPoints,
      policyRateBasisPoints: input.policyRateBasisPoints ?? null,
      source: input.source,
      confirmed: input.confirmed,
      origin: "operator",
      enteredAt: deps.clock.now().toISOString(),
    };
    const { created } = await deps.interestRates.put(rate);
    return { created, rate };
  };
}

export interface MissingInterestRate {
  country: CountryCode;
  validFrom: HalfYearStart;
  /** Days from today until the half-year starts (0 or less: it has started and interest runs provisionally). */
  daysUntil: number;
}

/** The half-years that need a rate now, per country (the daily timer logs each as `interest_rate.missing`). */
export function makeCheckInterestRates(deps: InterestRatesDeps) {
  return async (): Promise<MissingInterestRate[]> => {
    const tables = await makeListInterestRates(deps)();
    const now = deps.clock.now();
    return tables.flatMap((t) =>
      t.missing.map((validFrom) => {
        const today = todayIn(t.country, now);
        const daysUntil = daysBetween(today, validFrom);
        return { country: t.country, validFrom, daysUntil };
      }),
    );
  };
}
