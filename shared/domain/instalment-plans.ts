/**
 * The instalment plans a debtor may choose on Min side, within the creditor's limits (ladder policy
 * `minimumInstalment`, `maxInstalmentMonths`): for each number of monthly instalments from 2 to the maximum, the
 * amount owed today split into equal instalments (they differ by at most one minor unit, the larger ones first, and
 * add up to the amount exactly: `allocateProportionally`), the first due `firstDueDate`, then the same day of each
 * following month. A plan whose smallest instalment would be below the minimum is not offered.
 *
 * No fee is charged for a plan: the rule sets hold no lawful fee for agreeing one, so `fee` is zero and the total cost
 * is what is owed today. Late interest keeps running on the unpaid principal while the plan runs (case.ts): what it
 * comes to is not in the instalments and is said beside them.
 */
import { addDays, addMonths, type LocalDate } from "./calendar";
import { allocateProportionally, money, subtract, sum, type Money } from "./money";
import { totalPaid, type Case, type Instalment } from "./case";

export interface InstalmentLimits {
  minimumInstalment: Money;
  maxMonths: number;
}

export interface ProposedPlan {
  months: number;
  instalments: Instalment[];
  fee: Money;
  totalCost: Money;
}

export function proposeInstalmentPlans(owed: Money, limits: InstalmentLimits, firstDueDate: LocalDate): ProposedPlan[] {
  if (owed.value <= 0) return [];
  const plans: ProposedPlan[] = [];
  for (let months = 2; months <= limits.maxMonths; months++) {
    const amounts = allocateProportionally(owed, new Array<number>(months).fill(1));
    if (amounts.some((a) => a.value < limits.minimumInstalment.value)) break;
    const instalments = amounts.map((amount, i) => ({ dueDate: addMonths(firstDueDate, i), amount }));
    const fee = money(0, owed.currency);
    plans.push({ months, instalments, fee, totalCost: sum([...amounts, fee], owed.currency) });
  }
  return plans;
}

/**
 * Where each instalment of the case's plan stands on `today`. Money paid since the plan was agreed covers the
 * instalments in date order — a part payment counts towards the first one not fully covered, paying ahead covers the
 * next ones:
 *
 *   paid     fully covered;
 *   due      the first one not covered, its due date has come (today or earlier; within the grace days);
 *   next     the first one not covered, not yet due;
 *   missed   the one the plan broke on (recorded `instalment-missed`);
 *   later    every one after the first not covered.
 */
export type InstalmentState = "paid" | "due" | "next" | "missed" | "later";

export interface InstalmentStanding {
  dueDate: LocalDate;
  amount: Money;
  /** What of it is paid (a part payment counts). */
  covered: Money;
  /** What of it is still to pay. */
  left: Money;
  state: InstalmentState;
}

export function instalmentStandings(c: Case, today: LocalDate): InstalmentStanding[] {
  const plan = c.instalmentPlan;
  if (!plan) return [];
  let paid = Math.max(0, subtract(totalPaid(c), plan.paidBefore).value);
  let firstOpenSeen = false;
  return plan.instalments.map((inst) => {
    const coveredValue = Math.min(inst.amount.value, paid);
    paid -= coveredValue;
    const covered = money(coveredValue, inst.amount.currency);
    const left = subtract(inst.amount, covered);
    let state: InstalmentState;
    if (left.value === 0) state = "paid";
    else if (plan.missed?.dueDate === inst.dueDate) state = "missed";
    else if (firstOpenSeen || plan.state !== "active") state = "later";
    else state = inst.dueDate <= today ? "due" : "next";
    if (left.value > 0) firstOpenSeen = true;
    return { dueDate: inst.dueDate, amount: inst.amount, covered, left, state };
  });
}

/**
 * The instalment an active plan waits for now (the first not fully covered), with the days its reminder and its
 * "missed" fall on under the creditor's policy; undefined when there is no active plan or every instalment is covered.
 */
export function openInstalment(
  c: Case,
  today: LocalDate,
  policy: { instalmentReminderDaysBefore: number; instalmentGraceDays: number },
): (InstalmentStanding & { reminderOn: LocalDate; missedOn: LocalDate; reminded: boolean }) | undefined {
  if (c.instalmentPlan?.state !== "active") return undefined;
  const open = instalmentStandings(c, today).find((s) => s.left.value > 0);
  if (!open) return undefined;
  return {
    ...open,
    reminderOn: addDays(open.dueDate, -policy.instalmentReminderDaysBefore),
    missedOn: addDays(open.dueDate, policy.instalmentGraceDays),
    reminded: c.instalmentPlan.reminded?.includes(open.dueDate) ?? false,
  };
}
