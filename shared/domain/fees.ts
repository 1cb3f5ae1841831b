/**
 * Fees a creditor may add to a claim: reminder fee (purregebyr), collection-notice fee (inkassovarselgebyr) and the
 * fee for a payment demand sent by the creditor itself (betalingsoppfordring) — with their caps, the combinations one
 * claim may carry and the timing rules, all read from the rule set. Every answer says why (legal basis).
 */
import type { LocalDate } from "./calendar";
import { addDays, daysBetween } from "./calendar";
import { formatMoney, money, multiplyRatio, type Money } from "./money";
import {
  collectionRateOn,
  feeScheduleFor,
  type FeeCap,
  type FeeKind,
  type FeeSchedule,
  type RuleSet,
} from "./rules/rule-set";

/** One letter already sent on the claim (any kind the fee rules care about), with the fee it carried if any. */
export interface SentLetter {
  kind: FeeKind;
  sentOn: LocalDate;
  /** The payment deadline stated in the letter; null = not stated (the legal minimum is assumed). */
  deadline: LocalDate | null;
  fee: Money | null;
}

/** What the fee rules need to know about a claim. `dueDate` is the due date the ladder runs from. */
export interface FeeHistory {
  dueDate: LocalDate;
  letters: readonly SentLetter[];
  /** An open dispute (innsigelse) stops collection and fees. */
  disputed?: boolean;
}

export type FeeDecision =
  { allowed: true; amount: Money; legalBasis: string } | { allowed: false; reason: string; legalBasis: string };

const KIND_WORDS: Readonly<Record<FeeKind, string>> = {
  reminder: "reminder",
  "collection-notice": "collection notice",
  "payment-demand": "payment demand",
};

function describeCap(cap: FeeCap): string {
  switch (cap.basis) {
    case "fraction-of-collection-rate":
      return `${cap.fraction.numerator}/${cap.fraction.denominator} of the inkassosats`;
    case "fixed":
      return `at most ${formatMoney(cap.amount, "en")}`;
    case "not-chargeable":
      return "no fee";
  }
}

/**
 * The maximum fee for a letter of `kind` sent on `sentOn` for a claim due on `claimDueDate` (the fee schedule is chosen
 * by the due date, the inkassosats by the sending day). Zero when the letter may not carry a fee.
 */
export function feeCap(rules: RuleSet, kind: FeeKind, sentOn: LocalDate, claimDueDate: LocalDate = sentOn): Money {
  return capWithBasis(rules, kind, sentOn, claimDueDate).amount;
}

function capWithBasis(
  rules: RuleSet,
  kind: FeeKind,
  sentOn: LocalDate,
  claimDueDate: LocalDate,
): { amount: Money; legalBasis: string; schedule: FeeSchedule } {
  const schedule = feeScheduleFor(rules, claimDueDate);
  const cap = schedule[kind];
  switch (cap.basis) {
    case "not-chargeable":
      return {
        amount: money(0, rules.currency),
        legalBasis: `${schedule.source}: a ${KIND_WORDS[kind]} carries no fee`,
        schedule,
      };
    case "fixed":
      return {
        amount: cap.amount,
        legalBasis: `${schedule.source}: ${KIND_WORDS[kind]} fee ${describeCap(cap)}`,
        schedule,
      };
    case "fraction-of-collection-rate": {
      const rate = collectionRateOn(rules, sentOn);
      const amount = multiplyRatio(rate.value, cap.fraction.numerator, cap.fraction.denominator);
      return {
        amount,
        legalBasis:
          `${schedule.source}: ${KIND_WORDS[kind]} fee at most ${describeCap(cap)} in force on ${sentOn} ` +
          `(${formatMoney(rate.value, "en")}${rate.confirmed ? "" : ", unconfirmed"}) = ${formatMoney(amount, "en")}`,
        schedule,
      };
    }
  }
}

/** Cap for a reminder fee (purregebyr); see `feeCap`. */
export function reminderFeeCap(rules: RuleSet, sentOn: LocalDate, claimDueDate: LocalDate = sentOn): Money {
  return feeCap(rules, "reminder", sentOn, claimDueDate);
}

/** Cap for a collection-notice fee (inkassovarsel, inkassoloven § 9); see `feeCap`. */
export function collectionNoticeFeeCap(rules: RuleSet, sentOn: LocalDate, claimDueDate: LocalDate = sentOn): Money {
  return feeCap(rules, "collection-notice", sentOn, claimDueDate);
}

/** Cap for the fee of a payment demand the creditor sends itself (betalingsoppfordring, inkassoloven § 10); see `feeCap`. */
export function paymentDemandFeeCap(rules: RuleSet, sentOn: LocalDate, claimDueDate: LocalDate = sentOn): Money {
  return feeCap(rules, "payment-demand", sentOn, claimDueDate);
}

function countKinds(kinds: readonly FeeKind[]): Map<FeeKind, number> {
  const counts = new Map<FeeKind, number>();
  for (const k of kinds) counts.set(k, (counts.get(k) ?? 0) + 1);
  return counts;
}

/** Whether a multiset of charged fee kinds fits inside at least one allowed combination. */
export function fitsFeeCombination(rules: RuleSet, charged: readonly FeeKind[]): boolean {
  const wanted = countKinds(charged);
  return rules.feeCombinations.value.some((combo) => {
    const allowed = countKinds(combo);
    for (const [kind, n] of wanted) if (n > (allowed.get(kind) ?? 0)) return false;
    return true;
  });
}

function describeCombinations(rules: RuleSet): string {
  return rules.feeCombinations.value
    .map((combo) => {
      const counts = countKinds(combo);
      return [...counts]
        .map(
          ([k, n]) =>
            `${n === 1 ? "one" : n === 2 ? "two" : n === 3 ? "three" : String(n)} ${KIND_WORDS[k]}${n > 1 ? "s" : ""}`,
        )
        .join(" + ");
    })
    .join(", or ");
}

/** The deadline a letter states, or the legal minimum from its sending day when it stated none. */
export function effectiveDeadline(rules: RuleSet, letter: SentLetter): LocalDate {
  return letter.deadline ?? addDays(letter.sentOn, rules.timing.minDeadlineDays.value[letter.kind]);
}

/**
 * The earliest day a further fee-bearing letter may be sent after `previous` (a fee-bearing letter), by the rule set's
 * next-fee rule (Norway: the day after the previous letter's deadline).
 */
export function nextFeeEarliest(rules: RuleSet, previous: SentLetter): LocalDate {
  const rule = rules.timing.nextFee.value;
  return rule.mode === "after-previous-deadline"
    ? addDays(effectiveDeadline(rules, previous), 1)
    : addDays(previous.sentOn, rule.days);
}

/** The earliest day a fee-bearing letter may be sent for a claim due on `dueDate`. */
export function firstFeeEarliest(rules: RuleSet, dueDate: LocalDate): LocalDate {
  return addDays(dueDate, Math.max(1, rules.timing.firstFeeMinDaysAfterDue.value));
}

function latestFeeLetter(letters: readonly SentLetter[], before: LocalDate): SentLetter | undefined {
  let latest: SentLetter | undefined;
  for (const l of letters) {
    if (l.fee === null || l.fee.value === 0 || l.sentOn > before) continue;
    if (!latest || l.sentOn >= latest.sentOn) latest = l;
  }
  return latest;
}

/**
 * Whether a letter of `kind` sent on `sentOn` may carry a fee, and how much at most. Enforces, in this order: no fees
 * on a disputed claim; whether the letter kind can carry a fee at all; not before the due date + the minimum wait;
 * the allowed fee combinations; the wait after the previous fee-bearing letter; and (payment demand) a collection
 * notice whose deadline has expired.
 */
export function mayChargeFee(history: FeeHistory, kind: FeeKind, sentOn: LocalDate, rules: RuleSet): FeeDecision {
  const what = KIND_WORDS[kind];
  if (history.disputed) {
    return {
      allowed: false,
      reason: `The claim is disputed, so no ${what} fee may be added while the objection stands.`,
      legalBasis: "inkassoloven § 17: a reasonable objection stops collection and collection costs",
    };
  }
  const cap = capWithBasis(rules, kind, sentOn, history.dueDate);
  if (cap.amount.value <= 0) {
    return { allowed: false, reason: `A ${what} may not carry a fee under this rule set.`, legalBasis: cap.legalBasis };
  }

  const timing = rules.timing;
  const earliest = firstFeeEarliest(rules, history.dueDate);
  if (sentOn < earliest) {
    const days = daysBetween(history.dueDate, sentOn);
    return {
      allowed: false,
      reason:
        `A ${what} fee is only allowed when the letter is sent at least ${timing.firstFeeMinDaysAfterDue.value} days after the due date ` +
        `(${history.dueDate}); this letter is sent ${days} day${Math.abs(days) === 1 ? "" : "s"} after it, on ${sentOn}. The earliest day is ${earliest}.`,
      legalBasis: timing.firstFeeMinDaysAfterDue.source,
    };
  }

  const charged = history.letters.filter((l) => l.fee !== null && l.fee.value > 0).map((l) => l.kind);
  if (!fitsFeeCombination(rules, [...charged, kind])) {
    return {
      allowed: false,
      reason:
        `The claim already carries ${charged.length === 0 ? "no fees" : charged.map((k) => `a ${KIND_WORDS[k]} fee`).join(", ")}; ` +
        `another ${what} fee would exceed what one claim may carry (${describeCombinations(rules)}).`,
      legalBasis: rules.feeCombinations.source,
    };
  }

  const previous = latestFeeLetter(history.letters, sentOn);
  if (previous) {
    const next = nextFeeEarliest(rules, previous);
    if (sentOn < next) {
      const rule = timing.nextFee.value;
      const why =
        rule.mode === "after-previous-deadline"
          ? `until the deadline of the previous fee-bearing ${KIND_WORDS[previous.kind]} (sent ${previous.sentOn}, deadline ${effectiveDeadline(rules, previous)}) has passed`
          : `until ${rule.days} days after the previous fee-bearing ${KIND_WORDS[previous.kind]} (sent ${previous.sentOn})`;
      return {
        allowed: false,
        reason: `A further ${what} fee may not be charged ${why}; the earliest day is ${next}.`,
        legalBasis: timing.nextFee.source,
      };
    }
  }

  if (kind === "payment-demand" && timing.paymentDemandRequiresExpiredNotice.value) {
    const notice = history.letters.find((l) => l.kind === "collection-notice" && effectiveDeadline(rules, l) < sentOn);
    if (!notice) {
      return {
        allowed: false,
        reason: `A payment demand may only follow a collection notice whose deadline has expired; there is none before ${sentOn}.`,
        legalBasis: timing.paymentDemandRequiresExpiredNotice.source,
      };
    }
  }

  return { allowed: true, amount: cap.amount, legalBasis: cap.legalBasis };
}

/** The total of the fees of each kind recorded on a history — used to check caps. */
export function feesCharged(letters: readonly SentLetter[]): FeeKind[] {
  return letters.filter((l) => l.fee !== null && l.fee.value > 0).map((l) => l.kind);
}
