/**
 * The legal rule set of one country, as data.
 *
 * Every number the ladder, the fee calculator, the interest calculator and the planner use comes from here, and every
 * value carries its `source` (where the number was found) and whether it is `confirmed`. Values that change over time
 * carry a validity period (`from`/`to`, both inclusive, `to: null` = open-ended). Nothing in this file is specific to a
 * country: the tables live in `no.ts`, `dk.ts` and `se.ts`.
 *
 * A deployment replaces or confirms values with `withOverrides` (validated by zod); `ruleSetFor(country, date)` resolves
 * what is in force on a given day.
 */
import { z } from "zod";
import { DomainError } from "../errors";
import { Currency, Money } from "../money";
import { addDays, ContactHours, CountryCode, LocalDate } from "../calendar";

// ---------------------------------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------------------------------

const Source = z.string().min(1, "every rule value needs a source");

/** A value with its provenance: where it comes from and whether that source is confirmed. */
export function sourced<T extends z.ZodType>(value: T) {
  return z.object({ value, source: Source, confirmed: z.boolean() });
}

/** A rational number (fee fraction, salær factor) — never a float. */
export const Fraction = z.object({
  numerator: z.number().int().nonnegative(),
  denominator: z.number().int().positive(),
});
export type Fraction = z.infer<typeof Fraction>;

const period = {
  /** First day the value applies (inclusive). */
  from: LocalDate,
  /** Last day the value applies (inclusive); null = until further notice. */
  to: LocalDate.nullable(),
};

/** A money amount in force for a period, e.g. the inkassosats of a year. */
export const DatedMoney = z.object({ ...period, value: Money, source: Source, confirmed: z.boolean() });
export type DatedMoney = z.infer<typeof DatedMoney>;

/** Same shape as `InterestRatePeriod` in `../interest` (which is an interface), here as a zod schema. */
export const LateInterestRate = z.object({
  from: LocalDate,
  to: LocalDate,
  annualRatePercent: z.number().nonnegative().max(100),
  confirmed: z.boolean(),
  source: Source,
});
export type LateInterestRate = z.infer<typeof LateInterestRate>;

/** Letters that may carry a fee. reminder = purring, collection-notice = inkassovarsel, payment-demand = betalingsoppfordring. */
export const FeeKind = z.enum(["reminder", "collection-notice", "payment-demand"]);
export type FeeKind = z.infer<typeof FeeKind>;

/** How the maximum fee of one letter is computed. */
export const FeeCap = z.discriminatedUnion("basis", [
  /** A fraction of the inkassosats in force on the day the letter is sent (Norway). */
  z.object({ basis: z.literal("fraction-of-collection-rate"), fraction: Fraction }),
  /** A fixed maximum amount (Denmark, Sweden). */
  z.object({ basis: z.literal("fixed"), amount: Money }),
  /** This letter may not carry a fee at all. */
  z.object({ basis: z.literal("not-chargeable") }),
]);
export type FeeCap = z.infer<typeof FeeCap>;

/**
 * The fee caps that apply to a claim, chosen by the claim's DUE DATE (Norway: claims falling due on or after
 * 2020-10-01 use 1/20 and 3/20, earlier claims 1/10).
 */
export const FeeSchedule = z.object({
  ...period,
  reminder: FeeCap,
  "collection-notice": FeeCap,
  "payment-demand": FeeCap,
  source: Source,
  confirmed: z.boolean(),
});
export type FeeSchedule = z.infer<typeof FeeSchedule>;

/** How soon after a fee-bearing letter the next fee-bearing letter may be sent. */
export const NextFeeRule = z.discriminatedUnion("mode", [
  /** Norway: only once the previous letter's payment deadline has expired (the day after it). */
  z.object({ mode: z.literal("after-previous-deadline") }),
  /** Denmark/Sweden: at least `days` after the previous fee-bearing letter was sent. */
  z.object({ mode: z.literal("days-after-previous-sent"), days: z.number().int().nonnegative() }),
]);
export type NextFeeRule = z.infer<typeof NextFeeRule>;

export const SalaerBracket = z.object({
  /** Upper bound of the claim (principal + interest accrued before the due date), inclusive, in minor units; null = no bound. */
  upTo: z.number().int().positive().nullable(),
  /** Factor × inkassosats, in hundredths (0.25 → 25) so that no float is ever used. */
  factorHundredths: z.number().int().positive(),
});
export type SalaerBracket = z.infer<typeof SalaerBracket>;

export const SalaerTable = z.object({
  ...period,
  brackets: z.array(SalaerBracket).min(1),
  heavyMultiplier: Fraction,
  /** Heavy (tung) salær applies when the payment-demand deadline is overrun by MORE than this many days. */
  heavyAfterDaysOverrun: z.number().int().nonnegative(),
  businessMultiplier: Fraction,
  noVatDeductionMultiplier: Fraction,
  source: Source,
  confirmed: z.boolean(),
});
export type SalaerTable = z.infer<typeof SalaerTable>;

export const DebtorKind = z.enum(["consumer", "business"]);
export type DebtorKind = z.infer<typeof DebtorKind>;

export const ServiceKind = z.enum(["broadband", "power-meter"]);
export type ServiceKind = z.infer<typeof ServiceKind>;

const NoticeDays = z.object({ consumer: z.number().int().nonnegative(), business: z.number().int().nonnegative() });

// ---------------------------------------------------------------------------------------------------------------
// The rule set
// ---------------------------------------------------------------------------------------------------------------

export const RuleSet = z.object({
  country: CountryCode,
  currency: Currency,
  /** A label for the tables, e.g. "NO 2026-11 (reference of late 2026)". Overrides append to it. */
  version: z.string().min(1),

  /** Inkassosats by period (Norway). Empty where the country has no such base amount. */
  collectionRate: z.array(DatedMoney),
  /** Fee caps per letter kind, chosen by the claim's due date. */
  feeSchedules: z.array(FeeSchedule).min(1),
  /** The fee combinations a single claim may carry (each a multiset of fee kinds); the fees charged must fit in one. */
  feeCombinations: sourced(z.array(z.array(FeeKind)).min(1)),

  timing: z.object({
    /** A fee-bearing reminder or notice only when sent at least this many days after the due date. */
    firstFeeMinDaysAfterDue: sourced(z.number().int().nonnegative()),
    /** The earliest day (days after due) any collection notice may be sent (Norway: the day after due, without fee). */
    noticeEarliestDaysAfterDue: sourced(z.number().int().nonnegative()),
    /** Minimum payment deadline a letter must give, counted from the day it is sent. */
    minDeadlineDays: sourced(
      z.object({
        reminder: z.number().int().nonnegative(),
        "collection-notice": z.number().int().nonnegative(),
        "payment-demand": z.number().int().nonnegative(),
      }),
    ),
    nextFee: sourced(NextFeeRule),
    /** A payment demand must follow a collection notice whose deadline has expired. */
    paymentDemandRequiresExpiredNotice: sourced(z.boolean()),
    /** Legal steps only after the payment demand's deadline has expired. */
    legalStepsRequireExpiredDemand: sourced(z.boolean()),
    /** If legal steps have not started within this many months of the payment demand, a new demand is needed. */
    newDemandAfterMonths: sourced(z.number().int().positive()).nullable(),
  }),

  lateInterest: z.object({
    rule: sourced(z.string()),
    rates: z.array(LateInterestRate),
  }),

  /** Collection agency fees (salær) by period; empty where not modelled. */
  salaer: z.array(SalaerTable),

  suspension: z.object({
    /** Written notice required before a service may be suspended, in days, per service and debtor kind. */
    noticeDays: z.object({ "power-meter": sourced(NoticeDays), broadband: sourced(NoticeDays) }),
    /** Practice: never suspend on a Friday, a weekend or the day before a public holiday. */
    onlyOnAllowedDays: sourced(z.boolean()),
    /** Default for a service-linked invoice: suspend this many days after the due date. */
    defaultDaysAfterDue: sourced(z.number().int().nonnegative()),
  }),

  /** When the debtor may be contacted by SMS/phone (local time of the country). */
  contactHours: sourced(ContactHours),
});
export type RuleSet = z.infer<typeof RuleSet>;

// ---------------------------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------------------------

export class RuleNotInForce extends DomainError {
  readonly code = "RULE_NOT_IN_FORCE";
}

export class InvalidRuleOverride extends DomainError {
  readonly code = "INVALID_RULE_OVERRIDE";
}

// ---------------------------------------------------------------------------------------------------------------
// Looking values up
// ---------------------------------------------------------------------------------------------------------------

function covers(p: { from: string; to: string | null }, date: string): boolean {
  return p.from <= date && (p.to === null || date <= p.to);
}

/** The entry of a dated table in force on `date`, or undefined. */
export function inForceOn<T extends { from: string; to: string | null }>(
  table: readonly T[],
  date: string,
): T | undefined {
  return table.find((p) => covers(p, date));
}

/** The inkassosats in force on `date` (Norway). Throws RuleNotInForce when the table has no value for that day. */
export function collectionRateOn(rules: RuleSet, date: LocalDate): DatedMoney {
  const entry = inForceOn(rules.collectionRate, date);
  if (!entry) {
    throw new RuleNotInForce(`No inkassosats in force on ${date} in rule set ${rules.version}`, {
      date,
      country: rules.country,
    });
  }
  return entry;
}

/** The fee schedule that applies to a claim falling due on `dueDate`. */
export function feeScheduleFor(rules: RuleSet, dueDate: LocalDate): FeeSchedule {
  const entry = inForceOn(rules.feeSchedules, dueDate);
  if (!entry) {
    throw new RuleNotInForce(`No fee schedule covers claims due ${dueDate} in rule set ${rules.version}`, {
      dueDate,
      country: rules.country,
    });
  }
  return entry;
}

export function salaerTableOn(rules: RuleSet, date: LocalDate): SalaerTable {
  const entry = inForceOn(rules.salaer, date);
  if (!entry) {
    throw new RuleNotInForce(`No salær table in force on ${date} in rule set ${rules.version}`, {
      date,
      country: rules.country,
    });
  }
  return entry;
}

export function lateInterestRateOn(rules: RuleSet, date: LocalDate): LateInterestRate | undefined {
  return rules.lateInterest.rates.find((r) => r.from <= date && date <= r.to);
}

/** A rule value that is not confirmed, with the path where it sits — for an operator's checklist. */
export interface UnconfirmedValue {
  path: string;
  source: string;
  value: unknown;
}

/** Every value in the rule set still marked `confirmed: false`. */
export function unconfirmedValues(rules: RuleSet): UnconfirmedValue[] {
  const found: UnconfirmedValue[] = [];
  const walk = (node: unknown, path: string): void => {
    if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, `${path}[${i}]`));
      return;
    }
    if (node === null || typeof node !== "object") return;
    const record = node as Record<string, unknown>;
    if (record["confirmed"] === false && typeof record["source"] === "string") {
      const { source, confirmed: _confirmed, ...rest } = record;
      found.push({ path, source: source, value: "value" in rest ? rest["value"] : rest });
    }
    for (const [key, child] of Object.entries(record)) {
      if (key === "source" || key === "confirmed") continue;
      walk(child, path ? `${path}.${key}` : key);
    }
  };
  walk(rules, "");
  return found;
}

// ---------------------------------------------------------------------------------------------------------------
// Overrides (per deployment)
// ---------------------------------------------------------------------------------------------------------------

/**
 * What a deployment may replace. Dated entries are laid OVER the built-in table: the parts of built-in periods that an
 * override period covers are cut away, the rest stays. Un-dated values replace the built-in value wholesale. Every
 * override carries its own source and confirmation, so confirming a value is an override with `confirmed: true`.
 */
export const RuleOverrides = z
  .object({
    version: z.string().min(1).optional(),
    collectionRate: z.array(DatedMoney).optional(),
    feeSchedules: z.array(FeeSchedule).optional(),
    feeCombinations: RuleSet.shape.feeCombinations.optional(),
    timing: RuleSet.shape.timing.partial().optional(),
    lateInterestRates: z.array(LateInterestRate).optional(),
    salaer: z.array(SalaerTable).optional(),
    suspension: RuleSet.shape.suspension.partial().optional(),
    contactHours: RuleSet.shape.contactHours.optional(),
  })
  .strict();
export type RuleOverrides = z.infer<typeof RuleOverrides>;

/**
 * Lays `overlay` periods over `base`: base periods are trimmed where an overlay period covers them (possibly split in
 * two), then the overlay entries are added; the result is sorted by `from`.
 */
export function overlayPeriods<T extends { from: string; to: string | null }>(
  base: readonly T[],
  overlay: readonly T[],
): T[] {
  let remaining: T[] = [...base];
  for (const o of overlay) {
    const next: T[] = [];
    for (const b of remaining) {
      const overlaps = b.from <= (o.to ?? "9999-12-31") && o.from <= (b.to ?? "9999-12-31");
      if (!overlaps) {
        next.push(b);
        continue;
      }
      if (b.from < o.from) next.push({ ...b, to: addDays(o.from, -1) });
      if (o.to !== null && (b.to === null || o.to < b.to)) next.push({ ...b, from: addDays(o.to, 1) });
    }
    remaining = next;
  }
  return [...remaining, ...overlay].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
}

function assertNoOverlap(name: string, table: readonly { from: string; to: string | null }[]): void {
  const sorted = [...table].sort((a, b) => (a.from < b.from ? -1 : 1));
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const cur = sorted[i]!;
    if (prev.to === null || prev.to >= cur.from) {
      throw new InvalidRuleOverride(`${name}: periods starting ${prev.from} and ${cur.from} overlap`, { table: name });
    }
  }
  for (const p of table) {
    if (p.to !== null && p.to < p.from)
      throw new InvalidRuleOverride(`${name}: period ${p.from}..${p.to} ends before it starts`);
  }
}

/** Checks the internal consistency zod cannot express: currencies and non-overlapping periods. */
export function checkRuleSet(rules: RuleSet): RuleSet {
  assertNoOverlap("collectionRate", rules.collectionRate);
  assertNoOverlap("feeSchedules", rules.feeSchedules);
  assertNoOverlap("salaer", rules.salaer);
  assertNoOverlap("lateInterest.rates", rules.lateInterest.rates);
  for (const r of rules.collectionRate) {
    if (r.value.currency !== rules.currency) {
      throw new InvalidRuleOverride(
        `collectionRate ${r.from} is in ${r.value.currency}, rule set is ${rules.currency}`,
      );
    }
  }
  for (const s of rules.feeSchedules) {
    for (const kind of FeeKind.options) {
      const cap = s[kind];
      if (cap.basis === "fixed" && cap.amount.currency !== rules.currency) {
        throw new InvalidRuleOverride(
          `feeSchedules ${s.from} ${kind} is in ${cap.amount.currency}, rule set is ${rules.currency}`,
        );
      }
    }
  }
  return rules;
}

/** Returns a new rule set with `overrides` applied; both the overrides and the result are validated. */
export function withOverrides(rules: RuleSet, overrides: unknown): RuleSet {
  const parsed = RuleOverrides.safeParse(overrides);
  if (!parsed.success) {
    throw new InvalidRuleOverride(`Rule overrides are invalid: ${z.prettifyError(parsed.error)}`, {
      issues: parsed.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message })),
    });
  }
  const o = parsed.data;
  const merged = {
    ...rules,
    version: o.version ?? `${rules.version} + overrides`,
    collectionRate: o.collectionRate ? overlayPeriods(rules.collectionRate, o.collectionRate) : rules.collectionRate,
    feeSchedules: o.feeSchedules ? overlayPeriods(rules.feeSchedules, o.feeSchedules) : rules.feeSchedules,
    feeCombinations: o.feeCombinations ?? rules.feeCombinations,
    timing: { ...rules.timing, ...o.timing },
    lateInterest: {
      ...rules.lateInterest,
      rates: o.lateInterestRates
        ? overlayPeriods(rules.lateInterest.rates, o.lateInterestRates)
        : rules.lateInterest.rates,
    },
    salaer: o.salaer ? overlayPeriods(rules.salaer, o.salaer) : rules.salaer,
    suspension: { ...rules.suspension, ...o.suspension },
    contactHours: o.contactHours ?? rules.contactHours,
  };
  const result = RuleSet.safeParse(merged);
  if (!result.success) {
    throw new InvalidRuleOverride(`Rule set after overrides is invalid: ${z.prettifyError(result.error)}`);
  }
  return checkRuleSet(result.data);
}

/** The values of a rule set in force on one day, for display and audit ("which rules did we use?"). */
export interface RulesInForce {
  on: LocalDate;
  collectionRate: DatedMoney | undefined;
  /** Fee schedule for a claim falling due on `on`. */
  feeSchedule: FeeSchedule | undefined;
  lateInterestRate: LateInterestRate | undefined;
  salaer: SalaerTable | undefined;
}

export function rulesInForce(rules: RuleSet, on: LocalDate): RulesInForce {
  return {
    on,
    collectionRate: inForceOn(rules.collectionRate, on),
    feeSchedule: inForceOn(rules.feeSchedules, on),
    lateInterestRate: lateInterestRateOn(rules, on),
    salaer: inForceOn(rules.salaer, on),
  };
}
