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
import { addMonths, type LocalDate } from "./calendar";
import { allocateProportionally, money, sum, type Money } from "./money";
import type { Instalment } from "./case";

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
