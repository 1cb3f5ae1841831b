/**
 * What a debtor can pay from a pay link (Betal nå), as of today, for the link's cases at one creditor:
 *
 *   full        everything owed on every open case: closes them all at once;
 *   instalment  what is left of the instalment of an agreed plan that is due now (or next);
 *   reopen      the least that brings a suspended service's claim down to the creditor's reopen minimum, so the
 *               planner reopens it at once ("pay X to reopen today");
 *   custom      any amount from the creditor's minimum (NOK 100 by default) up to the total — for claims in collection.
 *
 * An amount is split over the cases oldest due date first, each case getting at most what it owes, so a payment never
 * lands as credit on one case while another is still unpaid. All limits come from the creditor's policy.
 */
import { balanceOn, totalPaid, type Case, type CaseStatus } from "../../domain/case";
import { compareLocalDates, type LocalDate } from "../../domain/calendar";
import { add, min, money, subtract, sum, type Money } from "../../domain/money";
import type { LadderPolicy } from "../../domain/policy";
import type { PayOptionKind, PaymentAttemptPart } from "../../ports/payment-attempt-store";
import { rulesOn, todayIn } from "../case-context";
import type { RulesOn } from "../interest-rates";

/** Cases a debtor can still pay on (a cancelled or paid case is shown, not paid). */
export const PAYABLE_STATUSES: readonly CaseStatus[] = ["open", "on-hold", "disputed", "handed-off"];

/** Ladder stages at which a claim is "in collection" (inkassovarsel or later): Betal nå's partial options apply. */
const COLLECTION_STAGES: readonly Case["stage"][] = [
  "collection-notice",
  "payment-demand",
  "suspension-notice",
  "suspension",
  "legal-handoff",
];

export interface CaseToPay {
  caseId: string;
  case: Case;
  /** Balance today (interest through today). */
  total: Money;
  principal: Money;
  fees: Money;
  interest: Money;
}

export type PayOption =
  | { kind: "full"; amount: Money; parts: PaymentAttemptPart[] }
  | { kind: "instalment"; amount: Money; dueDate: LocalDate; parts: PaymentAttemptPart[] }
  | { kind: "reopen"; amount: Money; parts: PaymentAttemptPart[] }
  | { kind: "custom"; min: Money; max: Money };

export function isPayable(c: Case): boolean {
  return PAYABLE_STATUSES.includes(c.status);
}

export function inCollection(c: Case): boolean {
  return COLLECTION_STAGES.includes(c.stage) || c.status === "handed-off";
}

export function hasSuspendedService(c: Case): boolean {
  return c.services.some((s) => s.state === "suspended");
}

/** The case's balance today, in the case's country's calendar. */
export function caseToPay(caseId: string, c: Case, now: Date, rules: RulesOn = rulesOn): CaseToPay {
  const today = todayIn(c.country, now);
  const b = balanceOn(c, today, rules(c.country, today));
  return { caseId, case: c, total: b.total, principal: b.principal, fees: b.fees, interest: b.interest };
}

/** What is left of the plan's instalment due now or next (undefined without an active plan or when all are covered). */
export function instalmentDue(c: Case, total: Money): { amount: Money; dueDate: LocalDate } | undefined {
  const plan = c.instalmentPlan;
  if (!plan || plan.state !== "active") return undefined;
  const paidSince = subtract(totalPaid(c), plan.paidBefore);
  let cumulative = money(0, c.currency);
  for (const instalment of plan.instalments) {
    cumulative = add(cumulative, instalment.amount);
    if (cumulative.value > paidSince.value) {
      const amount = min(subtract(cumulative, paidSince), total);
      return amount.value > 0 ? { amount, dueDate: instalment.dueDate } : undefined;
    }
  }
  return undefined;
}

/** Oldest due date first; ties by case id so the order is stable. */
function oldestFirst(cases: readonly CaseToPay[]): CaseToPay[] {
  return [...cases].sort(
    (a, b) => compareLocalDates(a.case.dueDate, b.case.dueDate) || a.caseId.localeCompare(b.caseId),
  );
}

/** Splits `amount` over the cases oldest first, each up to what it owes. Throws when the amount exceeds the total. */
export function splitOverCases(amount: Money, cases: readonly CaseToPay[]): PaymentAttemptPart[] {
  let left = amount;
  const parts: PaymentAttemptPart[] = [];
  for (const c of oldestFirst(cases)) {
    if (left.value === 0) break;
    const take = min(left, c.total);
    if (take.value > 0) parts.push({ caseId: c.caseId, amount: take });
    left = subtract(left, take);
  }
  if (left.value > 0) throw new Error("The amount is more than the cases owe");
  return parts;
}

/** The options to offer for these cases (payable ones with something owed), in the order the page shows them. */
export function payOptions(cases: readonly CaseToPay[], policy: LadderPolicy): PayOption[] {
  const owing = oldestFirst(cases.filter((c) => isPayable(c.case) && c.total.value > 0));
  if (owing.length === 0) return [];
  const currency = owing[0]!.total.currency;
  const total = sum(
    owing.map((c) => c.total),
    currency,
  );
  const options: PayOption[] = [
    { kind: "full", amount: total, parts: owing.map((c) => ({ caseId: c.caseId, amount: c.total })) },
  ];

  const instalments = owing.flatMap((c) => {
    const due = instalmentDue(c.case, c.total);
    return due ? [{ caseId: c.caseId, ...due }] : [];
  });
  if (instalments.length > 0) {
    const amount = sum(
      instalments.map((i) => i.amount),
      currency,
    );
    if (amount.value < total.value) {
      const dueDate = instalments.map((i) => i.dueDate).sort()[0]!;
      options.push({
        kind: "instalment",
        amount,
        dueDate,
        parts: instalments.map((i) => ({ caseId: i.caseId, amount: i.amount })),
      });
    }
  }

  const reopen = owing.flatMap((c) => {
    if (!hasSuspendedService(c.case)) return [];
    const needed = subtract(c.total, policy.reopenMinimum);
    return needed.value > 0 ? [{ caseId: c.caseId, amount: needed }] : [];
  });
  if (reopen.length > 0) {
    const amount = sum(
      reopen.map((r) => r.amount),
      currency,
    );
    if (amount.value < total.value) options.push({ kind: "reopen", amount, parts: reopen });
  }

  const minimum = policy.minimumPayLinkAmount;
  if (owing.some((c) => inCollection(c.case)) && total.value > minimum.value && minimum.currency === currency) {
    options.push({ kind: "custom", min: minimum, max: total });
  }
  return options;
}

export function optionOf(options: readonly PayOption[], kind: PayOptionKind): PayOption | undefined {
  return options.find((o) => o.kind === kind);
}
