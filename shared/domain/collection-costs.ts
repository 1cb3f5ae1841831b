/**
 * Collection agency fees (salær, inkassoforskriften ch. 2, since 2020-10-01): a factor from the claim-size table times
 * the inkassosats in force on the day, × 2 for heavy (tung) salær, × 1.5 for a business debtor, × 1.25 when the creditor
 * cannot deduct VAT. Computed as one exact fraction and rounded once, half away from zero (see money.ts).
 */
import { addDays, type LocalDate } from "./calendar";
import { DomainError } from "./errors";
import { formatMoney, multiplyRatio, type Money } from "./money";
import { collectionRateOn, salaerTableOn, type RuleSet } from "./rules/rule-set";

export type SalaerSeverity = "light" | "heavy";

export interface SalaerInput {
  /** Principal + interest accrued before the due date. */
  claim: Money;
  severity: SalaerSeverity;
  business: boolean;
  creditorWithoutVatDeduction: boolean;
  ruleSet: RuleSet;
  /** The day the cost is incurred (selects the inkassosats and the table). */
  on: LocalDate;
}

export interface SalaerResult {
  amount: Money;
  /** The table factor in hundredths (0.25 → 25), before multipliers. */
  factorHundredths: number;
  legalBasis: string;
}

export class InvalidSalaerClaim extends DomainError {
  readonly code = "INVALID_SALAER_CLAIM";
}

export function salaer(input: SalaerInput): SalaerResult {
  const { claim, ruleSet, on } = input;
  if (claim.currency !== ruleSet.currency) {
    throw new InvalidSalaerClaim(`Claim in ${claim.currency}, rule set in ${ruleSet.currency}`);
  }
  if (claim.value <= 0) throw new InvalidSalaerClaim("Salær needs a positive claim", { claim });
  const table = salaerTableOn(ruleSet, on);
  const rate = collectionRateOn(ruleSet, on);
  const bracket = table.brackets.find((b) => b.upTo === null || claim.value <= b.upTo);
  if (!bracket) throw new InvalidSalaerClaim("The salær table has no bracket for this claim", { claim });

  let numerator = BigInt(bracket.factorHundredths);
  let denominator = 100n;
  const parts: string[] = [`factor ${(bracket.factorHundredths / 100).toFixed(2)}`];
  const apply = (f: { numerator: number; denominator: number }, label: string) => {
    numerator *= BigInt(f.numerator);
    denominator *= BigInt(f.denominator);
    parts.push(`${label} ×${f.numerator}/${f.denominator}`);
  };
  if (input.severity === "heavy") apply(table.heavyMultiplier, "heavy");
  if (input.business) apply(table.businessMultiplier, "business debtor");
  if (input.creditorWithoutVatDeduction) apply(table.noVatDeductionMultiplier, "creditor without VAT deduction");

  const amount = multiplyRatio(rate.value, numerator, denominator);
  return {
    amount,
    factorHundredths: bracket.factorHundredths,
    legalBasis:
      `${table.source}: ${input.severity} salær, ${parts.join(", ")} × inkassosats ${formatMoney(rate.value, "en")}` +
      `${rate.confirmed ? "" : " (unconfirmed)"} = ${formatMoney(amount, "en")}`,
  };
}

/** Heavy salær when the payment-demand deadline is overrun by more than the table's days (28) on `on`. */
export function salaerSeverity(ruleSet: RuleSet, paymentDemandDeadline: LocalDate, on: LocalDate): SalaerSeverity {
  const table = salaerTableOn(ruleSet, on);
  return on > addDays(paymentDemandDeadline, table.heavyAfterDaysOverrun) ? "heavy" : "light";
}
