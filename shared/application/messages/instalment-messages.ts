/**
 * The wording of what an agreed instalment plan tells the debtor on its own: the reminder a few days before an
 * instalment (the creditor, the instalment's amount and date, a pay link whose page offers that instalment) and the
 * message when an instalment was missed (the plan has ended, the ladder goes on). SMS texts are GSM-7 friendly; the
 * e-mail carries the same text. Pure: execute-step decides whether and how to send.
 *
 * Neither message costs the debtor anything and each says so: the rule sets hold no fee for reminding of an agreed
 * instalment or for telling that a plan ended (a fee only for the ladder's letters: inkassoforskriften § 1-2).
 */
import type { LocalDate } from "../../domain/calendar";
import { formatMoney, type Money } from "../../domain/money";
import { toGsm7Friendly } from "../../domain/sms-text";
import { formatLetterDate, type LetterLanguage } from "../../letters";

export interface InstalmentMessage {
  creditorName: string;
  invoiceNumber: string;
  /** What is left to pay of the instalment. */
  amount: Money;
  dueDate: LocalDate;
  payLink: string;
  language: LetterLanguage;
}

function words(m: InstalmentMessage) {
  return {
    amount: formatMoney(m.amount, m.language === "nb" ? "nb-NO" : "en"),
    due: formatLetterDate(m.dueDate, m.language),
  };
}

export function instalmentReminderText(m: InstalmentMessage): string {
  const { amount, due } = words(m);
  return toGsm7Friendly(
    m.language === "nb"
      ? `${m.creditorName}: Påminnelse om avdrag på ${amount} som forfaller ${due} (faktura ${m.invoiceNumber}). Påminnelsen er gratis. Betal avdraget her: ${m.payLink}`
      : `${m.creditorName}: Reminder: your instalment of ${amount} is due on ${due} (invoice ${m.invoiceNumber}). This reminder is free of charge. Pay the instalment here: ${m.payLink}`,
  );
}

export function instalmentMissedText(m: InstalmentMessage): string {
  const { amount, due } = words(m);
  return toGsm7Friendly(
    m.language === "nb"
      ? `${m.creditorName}: Avdraget på ${amount} som forfalt ${due} (faktura ${m.invoiceNumber}) er ikke betalt, så nedbetalingsavtalen er falt bort. Kravet følges opp videre som før avtalen. Se kravet og betal her: ${m.payLink}`
      : `${m.creditorName}: The instalment of ${amount} due on ${due} (invoice ${m.invoiceNumber}) has not been paid, so the instalment plan has ended. The claim is followed up again as before the plan. See the claim and pay here: ${m.payLink}`,
  );
}

export function instalmentEmailSubject(
  kind: "instalment-reminder" | "instalment-missed",
  m: InstalmentMessage,
): string {
  const nb = m.language === "nb";
  return kind === "instalment-reminder"
    ? nb
      ? `Påminnelse: avdrag forfaller ${formatLetterDate(m.dueDate, m.language)}`
      : `Reminder: instalment due ${formatLetterDate(m.dueDate, m.language)}`
    : nb
      ? "Nedbetalingsavtalen er falt bort"
      : "Your instalment plan has ended";
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/gu, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** The e-mail's HTML: the text, with the pay link as a link. */
export function instalmentEmailHtml(text: string, payLink: string): string {
  const [before, after = ""] = text.split(payLink);
  return `<p>${escapeHtml(before ?? "")}<a href="${escapeHtml(payLink)}">${escapeHtml(payLink)}</a>${escapeHtml(after)}</p>`;
}
