/**
 * The late-interest rate table (forsinkelsesrente) as maintained data: one rate per country and half-year, each with
 * its source.
 *
 * The formula (Norway): forsinkelsesrenteloven § 3 first paragraph and forskrift om forsinkelsesrente (FOR-1993-12-21-
 * 1346): the rate is Norges Bank's policy rate (styringsrenten) as of 1 January and 1 July, plus 8 percentage points,
 * and applies for the following half-year (1 Jan–30 Jun, 1 Jul–31 Dec). The Ministry of Finance announces it
 * (regjeringen.no). Sweden (räntelagen § 6: Riksbank reference rate + 8 pp) and Denmark (renteloven § 5: Nationalbank
 * lending rate + 8 pp) follow the same half-years. The rule sets' built-in tables (rules/no.ts …) are the SEED; an
 * operator's entry for the same half-year replaces the seed's.
 *
 * Rates are integer basis points (12.25 % → 1225): exact, no floats.
 */
import { z } from "zod";
import { addDays, CountryCode, LocalDate } from "./calendar";
import { percentToBasisPoints } from "./interest";
import { danishRules, norwegianRules, swedishRules, type LateInterestRate, type RuleSet } from "./rules";

/** A half-year starts on 1 January or 1 July. */
export const HalfYearStart = LocalDate.refine((d) => d.endsWith("-01-01") || d.endsWith("-07-01"), {
  message: "A half-year starts on YYYY-01-01 or YYYY-07-01",
});
export type HalfYearStart = z.infer<typeof HalfYearStart>;

/** 0 … 100 % in basis points. */
export const RateBasisPoints = z.number().int().min(0).max(10_000);

/** One half-year's rate as the table holds it. */
export const InterestRateEntry = z.object({
  country: CountryCode,
  validFrom: HalfYearStart,
  /** Last day of the half-year (30 Jun or 31 Dec), derived from validFrom. */
  validTo: LocalDate,
  rateBasisPoints: RateBasisPoints,
  /** The policy rate it was derived from, when the operator gave it (rate = policy rate + 800). */
  policyRateBasisPoints: z.number().int().min(-1_000).max(10_000).nullable(),
  source: z.string().min(1),
  confirmed: z.boolean(),
  /** `seed`: from the rule set shipped with the code; `operator`: entered through the ops API. */
  origin: z.enum(["seed", "operator"]),
  /** ISO instant an operator entered it (null for the seed). */
  enteredAt: z.string().nullable(),
});
export type InterestRateEntry = z.infer<typeof InterestRateEntry>;

/** The policy rate + 8 percentage points (forsinkelsesrenteloven § 3; the same margin in SE and DK). */
export const MARGIN_BASIS_POINTS = 800;

export function halfYearEnd(validFrom: HalfYearStart): LocalDate {
  return validFrom.endsWith("-01-01") ? `${validFrom.slice(0, 4)}-06-30` : `${validFrom.slice(0, 4)}-12-31`;
}

/** The first day of the half-year that `day` lies in. */
export function halfYearOf(day: LocalDate): HalfYearStart {
  return day.slice(5) < "07-01" ? `${day.slice(0, 4)}-01-01` : `${day.slice(0, 4)}-07-01`;
}

export function nextHalfYear(start: HalfYearStart): HalfYearStart {
  return addDays(halfYearEnd(start), 1);
}

const BUILT_IN: Readonly<Record<CountryCode, RuleSet>> = { NO: norwegianRules, DK: danishRules, SE: swedishRules };

/** The seed: the rule set's built-in table, as entries (only its whole half-years; the Norwegian one is all whole). */
export function seedInterestRates(country: CountryCode): InterestRateEntry[] {
  return BUILT_IN[country].lateInterest.rates
    .filter((r) => HalfYearStart.safeParse(r.from).success && halfYearEnd(r.from) === r.to)
    .map((r) => ({
      country,
      validFrom: r.from,
      validTo: r.to,
      rateBasisPoints: percentToBasisPoints(r.annualRatePercent),
      policyRateBasisPoints: null,
      source: r.source,
      confirmed: r.confirmed,
      origin: "seed" as const,
      enteredAt: null,
    }));
}

/** The seed with every operator entry laid over it (an operator's half-year replaces the seed's), oldest first. */
export function effectiveInterestRates(
  country: CountryCode,
  entered: readonly InterestRateEntry[],
): InterestRateEntry[] {
  const byStart = new Map<string, InterestRateEntry>();
  for (const e of seedInterestRates(country)) byStart.set(e.validFrom, e);
  for (const e of entered) if (e.country === country) byStart.set(e.validFrom, e);
  return [...byStart.values()].sort((a, b) => (a.validFrom < b.validFrom ? -1 : 1));
}

/** The entries as the rule set's rate periods (what interest is computed with). */
export function toLateInterestRates(entries: readonly InterestRateEntry[]): LateInterestRate[] {
  return entries.map((e) => ({
    from: e.validFrom,
    to: e.validTo,
    annualRatePercent: e.rateBasisPoints / 100,
    confirmed: e.confirmed,
    source: e.source,
  }));
}

/** Alert this many days before a half-year that has no rate. */
export const MISSING_RATE_LEAD_DAYS = 30;

/**
 * The half-years without a rate that need an operator now: the current one, and the next one once `today` is within
 * `leadDays` days of its first day. Only for a country whose table has any rate (a country with none accrues no
 * interest at all, which the rule set states).
 */
export function missingInterestRates(
  country: CountryCode,
  entries: readonly InterestRateEntry[],
  today: LocalDate,
  leadDays = MISSING_RATE_LEAD_DAYS,
): HalfYearStart[] {
  if (entries.length === 0) return [];
  const have = new Set(entries.map((e) => e.validFrom));
  const current = halfYearOf(today);
  const next = nextHalfYear(current);
  const due = [current, ...(addDays(next, -leadDays) <= today ? [next] : [])];
  return due.filter((start) => !have.has(start));
}
