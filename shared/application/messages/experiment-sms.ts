/**
 * The SMS text of an A/B experiment's variant (domain/experiments.ts): the creditor's template filled with the same
 * values the ladder's own texts use (step-sms.ts), formatted in the debtor's language. Undefined when the case's
 * step is in no experiment, or its variant keeps the ladder's text (a send-hour variant, or the control).
 */
import type { LocalDate } from "../../domain/calendar";
import { renderTemplate } from "../../domain/experiments";
import { formatMoney, type Money } from "../../domain/money";
import type { LadderPolicy } from "../../domain/policy";
import type { ExperimentAssignment } from "../../domain/experiments";
import { formatLetterDate, letterTitle, type LetterKind, type LetterLanguage } from "../../letters";

export interface ExperimentSmsValues {
  creditorName: string;
  invoiceNumber: string;
  amount: Money;
  dueDate: LocalDate;
  payLink: string;
  /** The letter a letter step's alert tells about. */
  letter?: LetterKind;
  language: LetterLanguage;
}

/** The variant's text for this message, or undefined when the ladder's own text goes. */
export function experimentSmsText(
  policy: Pick<LadderPolicy, "experiments">,
  assignment: ExperimentAssignment | undefined,
  values: ExperimentSmsValues,
): string | undefined {
  if (!assignment) return undefined;
  const template = policy.experiments?.find((e) => e.id === assignment.id)?.variants[assignment.variant].text;
  if (template === undefined) return undefined;
  return renderTemplate(template, {
    creditor: values.creditorName,
    invoice: values.invoiceNumber,
    amount: formatMoney(values.amount, values.language === "nb" ? "nb-NO" : "en"),
    due: formatLetterDate(values.dueDate, values.language),
    link: values.payLink,
    letter: values.letter ? letterTitle(values.letter, values.language).toLowerCase() : "",
  });
}
