/**
 * The wording of the SMS messages a ladder step sends — the Let's pay SMS (the claim, its due date and a pay link) and
 * the alert that a letter is waiting behind a pay link — and the sender id they go out under. Pure: the use case
 * (execute-step.ts) decides whether to send and sends.
 *
 * In the application layer rather than the domain because the texts reuse the letters' date format and titles
 * (shared/letters), which the domain may not import, and the sender id is read from the tenant (a port type).
 * Every text is made GSM-7 friendly (one segment where it fits; see domain/sms-text).
 */
import type { LocalDate } from "../../domain/calendar";
import { formatMoney, type Money } from "../../domain/money";
import type { LadderPolicy } from "../../domain/policy";
import { toGsm7Friendly } from "../../domain/sms-text";
import { formatLetterDate, letterTitle, type LetterKind, type LetterLanguage } from "../../letters";
import type { Tenant } from "../../ports/tenant-store";

export interface LetsPaySms {
  creditorName: string;
  invoiceNumber: string;
  /** What is due now. */
  amount: Money;
  /** The due date the ladder runs from (a deferred one when the debtor was given more time). */
  dueDate: LocalDate;
  payLink: string;
  language: LetterLanguage;
}

/** The Let's pay SMS: a friendly nudge a week after the due date, with a pay link. */
export function letsPaySmsText(sms: LetsPaySms): string {
  const amount = formatMoney(sms.amount, sms.language === "nb" ? "nb-NO" : "en");
  const due = formatLetterDate(sms.dueDate, sms.language);
  const text =
    sms.language === "nb"
      ? `${sms.creditorName}: Faktura ${sms.invoiceNumber} på ${amount} forfalt ${due}. Betal enkelt her: ${sms.payLink}`
      : `${sms.creditorName}: Invoice ${sms.invoiceNumber} of ${amount} was due on ${due}. Pay here: ${sms.payLink}`;
  return toGsm7Friendly(text);
}

export interface LetterAlertSms {
  creditorName: string;
  invoiceNumber: string;
  letter: LetterKind;
  /** The pay link, whose page shows the letter. */
  payLink: string;
  language: LetterLanguage;
  /** The channel the letter itself goes by (absent: the letter is only on the pay page). */
  by?: "post" | "email" | "digital-mailbox";
}

const BY: Record<LetterLanguage, Record<NonNullable<LetterAlertSms["by"]>, string>> = {
  nb: { post: "i posten", email: "på e-post", "digital-mailbox": "i Digipost" },
  en: { post: "by post", email: "by e-mail", "digital-mailbox": "to your Digipost mailbox" },
};

/**
 * The SMS telling the debtor about a letter, with the link to read it and pay. It says how the letter itself comes;
 * the SMS goes when the letter is written, and a letter by post reaches the print house's batch and the post office
 * days later, so that one is "on its way" ("Du får et brev … i posten"), never "sent".
 */
export function letterAlertSmsText(sms: LetterAlertSms): string {
  const title = letterTitle(sms.letter, sms.language).toLowerCase();
  const nb = sms.language === "nb";
  const text = sms.by
    ? nb
      ? sms.by === "post"
        ? `${sms.creditorName}: Du får et brev (${title}) ${BY.nb.post} om faktura ${sms.invoiceNumber}. Se brevet og betal her: ${sms.payLink}`
        : `${sms.creditorName}: Vi har sendt deg et brev (${title}) ${BY.nb[sms.by]} om faktura ${sms.invoiceNumber}. Se brevet og betal her: ${sms.payLink}`
      : sms.by === "post"
        ? `${sms.creditorName}: A letter (${title}) about invoice ${sms.invoiceNumber} is on its way to you by post. Read it and pay here: ${sms.payLink}`
        : `${sms.creditorName}: We have sent you a letter (${title}) ${BY.en[sms.by]} about invoice ${sms.invoiceNumber}. Read it and pay here: ${sms.payLink}`
    : nb
      ? `${sms.creditorName}: Du har fått et brev (${title}) om faktura ${sms.invoiceNumber}. Se brevet og betal her: ${sms.payLink}`
      : `${sms.creditorName}: You have a letter (${title}) about invoice ${sms.invoiceNumber}. Read it and pay here: ${sms.payLink}`;
  return toGsm7Friendly(text);
}

export interface DebtorSmsItem {
  invoiceNumber: string;
  /** What is due for the invoice (a letter's amount includes its fee). */
  amount: Money;
  /** The letter this SMS tells about for the invoice; absent for a Let's pay message. */
  letter?: LetterKind;
}

/**
 * One SMS for all of a debtor's invoices at one creditor whose messages are due (issue 20): how many, the sum, their
 * numbers, the letters among them, and the one pay link that covers them all. Used when there is more than one; a
 * single invoice keeps its own text (`letsPaySmsText`, `letterAlertSmsText`).
 */
export function debtorSmsText(sms: {
  creditorName: string;
  items: readonly DebtorSmsItem[];
  payLink: string;
  language: LetterLanguage;
}): string {
  const nb = sms.language === "nb";
  const first = sms.items[0];
  if (!first) throw new Error("debtorSmsText needs at least one invoice");
  const sum = sms.items.reduce((total, i) => total + i.amount.value, 0);
  const amount = formatMoney({ value: sum, currency: first.amount.currency }, nb ? "nb-NO" : "en");
  const items = [...sms.items].sort((a, b) => a.invoiceNumber.localeCompare(b.invoiceNumber, "nb", { numeric: true }));
  const numbers = items.map((i) => i.invoiceNumber).join(", ");
  const letters = items
    .filter((i) => i.letter !== undefined)
    .map((i) => `${letterTitle(i.letter!, sms.language).toLowerCase()} ${nb ? "om" : "about"} ${i.invoiceNumber}`);
  const n = sms.items.length;
  const text = nb
    ? `${sms.creditorName}: ${n} fakturaer på til sammen ${amount} er forfalt (${numbers}).` +
      (letters.length > 0 ? ` Du har fått brev: ${letters.join(", ")}.` : "") +
      ` Se og betal alt her: ${sms.payLink}`
    : `${sms.creditorName}: ${n} invoices totalling ${amount} are overdue (${numbers}).` +
      (letters.length > 0 ? ` Letters for you: ${letters.join(", ")}.` : "") +
      ` See and pay all here: ${sms.payLink}`;
  return toGsm7Friendly(text);
}

/** The sender id: the creditor's own sender name when it is a valid alphanumeric sender (1–11 characters), else the ladder's. */
export function smsSenderOf(tenant: Pick<Tenant, "senderName">, policy: Pick<LadderPolicy, "senderName">): string {
  const name = tenant.senderName.trim();
  return name.length >= 1 && name.length <= 11 ? name : policy.senderName;
}

export interface ServiceReopenedSms {
  creditorName: string;
  /** "broadband" or "power-meter". */
  serviceKind: "broadband" | "power-meter";
  /** The partner's confirmation, as the debtor's wall clock shows it (HH:MM). */
  time: string;
  language: LetterLanguage;
}

/** The SMS confirming that a suspended service is open again (sent with the debtor's SMS consent). */
export function serviceReopenedSmsText(sms: ServiceReopenedSms): string {
  const what =
    sms.language === "nb"
      ? sms.serviceKind === "power-meter"
        ? "Strømmen din"
        : "Bredbåndet ditt"
      : sms.serviceKind === "power-meter"
        ? "Your power supply"
        : "Your broadband";
  // Neutral on why (a payment, a credit note, an agreed plan): the debtor knows; the news is that it works again.
  const text =
    sms.language === "nb"
      ? `${sms.creditorName}: ${what} er åpnet igjen kl. ${sms.time}.`
      : `${sms.creditorName}: ${what} was reopened at ${sms.time}.`;
  return toGsm7Friendly(text);
}
