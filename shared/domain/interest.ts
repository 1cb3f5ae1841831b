/**
 * Late-payment interest (forsinkelsesrente), the Norwegian rule (forsinkelsesrenteloven; reference
 * "Late-payment interest"):
 *
 * - Simple interest on the principal, never interest on interest.
 * - Interest runs from the day AFTER the due date up to AND INCLUDING the payment day (`until`).
 * - Each day accrues principal × (that day's annual rate) / (days in that day's calendar year, 365 or 366).
 * - A day's rate is the rate of the period (half-year) that contains it; periods come from a rate table with a
 *   source and a confirmed flag (the table itself is configuration, owned elsewhere).
 * - The sum is computed exactly as a rational number (BigInt) and rounded ONCE at the end to whole minor units with
 *   the money rounding rule (half away from zero, see money.ts).
 *
 * Rates are stored as basis points (12.25 % → 1225) so that they stay exact.
 */
import { z } from "zod";
import { DomainError } from "./errors";
import { LocalDate, addDays, daysInYear, fromEpochDay, isValidLocalDate, toEpochDay } from "./calendar";
import { CurrencyMismatch, type Money, money, roundHalfAwayFromZero } from "./money";

export interface InterestRatePeriod {
  /** first day of the period, inclusive */
  from: LocalDate;
  /** last day of the period, inclusive */
  to: LocalDate;
  /** e.g. 12.25 for 12.25 % a year; at most two decimals */
  annualRatePercent: number;
  confirmed: boolean;
  source: string;
}

export const InterestRatePeriod = z
  .object({
    from: LocalDate,
    to: LocalDate,
    annualRatePercent: z.number().min(0).max(100),
    confirmed: z.boolean(),
    source: z.string().min(1),
  })
  .refine((p) => p.from <= p.to, { message: "from must not be after to" });

export interface InterestBreakdownLine {
  from: LocalDate;
  to: LocalDate;
  days: number;
  annualRatePercent: number;
  daysInYear: number;
  /** whether the rate used for these days is marked confirmed in the rate table */
  rateConfirmed: boolean;
}

export interface BalanceBreakdownLine extends InterestBreakdownLine {
  principal: Money;
}

export interface LateInterestResult {
  interest: Money;
  /** days that accrued interest: max(0, until − dueDate) */
  days: number;
  breakdown: InterestBreakdownLine[];
  /** false when any day used a rate not marked confirmed */
  allRatesConfirmed: boolean;
}

export interface LateInterestOnBalancesResult {
  interest: Money;
  days: number;
  breakdown: BalanceBreakdownLine[];
  allRatesConfirmed: boolean;
}

/** A balance on which interest runs, from `from` (inclusive) until the next step. */
export interface BalanceStep {
  from: LocalDate;
  principal: Money;
}

export class InterestRateMissing extends DomainError {
  readonly code = "INTEREST_RATE_MISSING";
  constructor(readonly day: LocalDate) {
    super(`No late-interest rate covers ${day}`, { day });
  }
}

export class InvalidInterestInput extends DomainError {
  readonly code = "INVALID_INTEREST_INPUT";
}

const BASIS_POINTS_PER_PERCENT = 100;
/** 10 000 basis points = 100 %; × 365 × 366 gives one denominator for every day of any year. */
const COMMON_DENOMINATOR = 10_000n * 365n * 366n;

/** 12.25 → 1225. Throws when the rate has more than two decimals (it would not be exact). */
export function percentToBasisPoints(annualRatePercent: number): number {
  const bp = Math.round(annualRatePercent * BASIS_POINTS_PER_PERCENT);
  if (
    !Number.isFinite(annualRatePercent) ||
    Math.abs(bp - annualRatePercent * BASIS_POINTS_PER_PERCENT) > 1e-6 ||
    bp < 0
  ) {
    throw new InvalidInterestInput(
      `Rate ${String(annualRatePercent)} % is not a non-negative rate with at most two decimals`,
      {
        annualRatePercent,
      },
    );
  }
  return bp;
}

interface PreparedRate {
  fromDay: number;
  toDay: number;
  basisPoints: number;
  period: InterestRatePeriod;
}

function prepareRates(rates: readonly InterestRatePeriod[]): PreparedRate[] {
  const prepared = rates
    .map((period) => {
      if (!isValidLocalDate(period.from) || !isValidLocalDate(period.to) || period.from > period.to) {
        throw new InvalidInterestInput("Invalid rate period", { from: period.from, to: period.to });
      }
      return {
        fromDay: toEpochDay(period.from),
        toDay: toEpochDay(period.to),
        basisPoints: percentToBasisPoints(period.annualRatePercent),
        period,
      };
    })
    .sort((a, b) => a.fromDay - b.fromDay);
  for (let i = 1; i < prepared.length; i++) {
    const previous = prepared[i - 1];
    const current = prepared[i];
    if (previous && current && current.fromDay <= previous.toDay) {
      throw new InvalidInterestInput("Interest rate periods overlap", {
        first: { from: previous.period.from, to: previous.period.to },
        second: { from: current.period.from, to: current.period.to },
      });
    }
  }
  return prepared;
}

function yearOfEpochDay(epochDay: number): number {
  return Number(fromEpochDay(epochDay).slice(0, 4));
}

/**
 * Interest on a principal that changes over time (partial payments, added principal): each day from the day after
 * `dueDate` up to and including `until` accrues the balance of the last step whose `from` is on or before that day.
 * So a partial payment received on day P still accrues interest on the old balance for day P; the step with the
 * reduced balance starts on P + 1.
 * Steps must be in strictly increasing `from` order, in one currency, non-negative, and the first step must start
 * no later than the day after the due date.
 */
export function lateInterestOnBalances(args: {
  balances: readonly BalanceStep[];
  dueDate: LocalDate;
  until: LocalDate;
  rates: readonly InterestRatePeriod[];
}): LateInterestOnBalancesResult {
  const { balances, dueDate, until } = args;
  if (!isValidLocalDate(dueDate) || !isValidLocalDate(until)) {
    throw new InvalidInterestInput("dueDate and until must be calendar dates", { dueDate, until });
  }
  const first = balances[0];
  if (!first) throw new InvalidInterestInput("At least one balance step is needed");
  const currency = first.principal.currency;
  const steps = balances.map((step, i) => {
    if (!isValidLocalDate(step.from)) throw new InvalidInterestInput("Invalid balance step date", { from: step.from });
    if (step.principal.currency !== currency) throw new CurrencyMismatch(currency, step.principal.currency);
    if (!Number.isSafeInteger(step.principal.value) || step.principal.value < 0) {
      throw new InvalidInterestInput("A balance must be a non-negative whole number of minor units", { index: i });
    }
    const previous = balances[i - 1];
    if (previous && previous.from >= step.from) {
      throw new InvalidInterestInput("Balance steps must be in strictly increasing date order", { index: i });
    }
    return { fromDay: toEpochDay(step.from), principal: step.principal };
  });

  const firstDay = toEpochDay(dueDate) + 1;
  const lastDay = toEpochDay(until);
  if (lastDay < firstDay) return { interest: money(0, currency), days: 0, breakdown: [], allRatesConfirmed: true };
  if (first.from > addDays(dueDate, 1)) {
    throw new InvalidInterestInput("The first balance step must start no later than the day after the due date", {
      dueDate,
      firstStep: first.from,
    });
  }

  const rates = prepareRates(args.rates);
  let numerator = 0n; // in units of minor units / COMMON_DENOMINATOR
  const breakdown: BalanceBreakdownLine[] = [];
  let allRatesConfirmed = true;

  let day = firstDay;
  let stepIndex = 0;
  while (day <= lastDay) {
    while (stepIndex + 1 < steps.length && (steps[stepIndex + 1]?.fromDay ?? Infinity) <= day) stepIndex++;
    const step = steps[stepIndex];
    if (!step) throw new InvalidInterestInput("No balance for day", { day: fromEpochDay(day) });
    const rate = rates.find((r) => r.fromDay <= day && day <= r.toDay);
    if (!rate) throw new InterestRateMissing(fromEpochDay(day));
    const year = yearOfEpochDay(day);
    const endOfYear = toEpochDay(`${String(year).padStart(4, "0")}-12-31`);
    const nextStepDay = steps[stepIndex + 1]?.fromDay ?? Infinity;
    const segmentEnd = Math.min(lastDay, rate.toDay, endOfYear, nextStepDay - 1);
    const days = segmentEnd - day + 1;
    const yearDays = daysInYear(year);

    numerator +=
      BigInt(step.principal.value) * BigInt(rate.basisPoints) * BigInt(days) * ((365n * 366n) / BigInt(yearDays));
    allRatesConfirmed &&= rate.period.confirmed;

    const lastLine = breakdown[breakdown.length - 1];
    if (
      lastLine &&
      lastLine.annualRatePercent === rate.period.annualRatePercent &&
      lastLine.daysInYear === yearDays &&
      lastLine.principal.value === step.principal.value &&
      lastLine.rateConfirmed === rate.period.confirmed &&
      toEpochDay(lastLine.to) + 1 === day
    ) {
      lastLine.to = fromEpochDay(segmentEnd);
      lastLine.days += days;
    } else {
      breakdown.push({
        from: fromEpochDay(day),
        to: fromEpochDay(segmentEnd),
        days,
        annualRatePercent: rate.period.annualRatePercent,
        daysInYear: yearDays,
        rateConfirmed: rate.period.confirmed,
        principal: step.principal,
      });
    }
    day = segmentEnd + 1;
  }

  const interest = roundHalfAwayFromZero(numerator, COMMON_DENOMINATOR);
  return {
    interest: money(Number(interest), currency),
    days: lastDay - firstDay + 1,
    breakdown,
    allRatesConfirmed,
  };
}

/**
 * Interest on a fixed principal from the day after `dueDate` up to and including `until` (the payment day).
 * `until <= dueDate` gives zero. Throws InterestRateMissing naming the first day without a rate.
 */
export function lateInterest(args: {
  principal: Money;
  dueDate: LocalDate;
  until: LocalDate;
  rates: readonly InterestRatePeriod[];
}): LateInterestResult {
  const result = lateInterestOnBalances({
    balances: [{ from: addDays(args.dueDate, 1), principal: args.principal }],
    dueDate: args.dueDate,
    until: args.until,
    rates: args.rates,
  });
  return {
    interest: result.interest,
    days: result.days,
    breakdown: result.breakdown.map(({ principal: _principal, ...line }) => line),
    allRatesConfirmed: result.allRatesConfirmed,
  };
}
