/**
 * How dates, amounts, rates and account numbers read in a letter, per language. Pure and deterministic: month names
 * are spelled out here rather than taken from the runtime's ICU data.
 */
import type { Money } from "../domain/money";
import { formatMoney } from "../domain/money";
import type { LocalDate } from "../domain/calendar";
import { formatAccount } from "../domain/identifiers/bank-account";
import type { LetterLanguage } from "./letter-model";

const MONTHS: Readonly<Record<LetterLanguage, readonly string[]>> = {
  nb: [
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
  ],
  en: [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
  ],
};

/** nb "7. desember 2026", en "7 December 2026". */
export function formatLetterDate(date: LocalDate, language: LetterLanguage): string {
  const year = date.slice(0, 4);
  const month = MONTHS[language][Number(date.slice(5, 7)) - 1] ?? "";
  const day = String(Number(date.slice(8, 10)));
  return language === "nb" ? `${day}. ${month} ${year}` : `${day} ${month} ${year}`;
}

/**
 * nb "1 234,50 kr" (U+00A0 between groups, so amounts never wrap), en "NOK 1,234.50". The minus sign becomes an
 * ASCII hyphen: the PDF standard fonts (WinAnsi) have no U+2212.
 */
export function formatLetterAmount(amount: Money, language: LetterLanguage): string {
  return formatMoney(amount, language === "nb" ? "nb-NO" : "en").replace(/\u2212/g, "-");
}

/** nb "12,25 %", en "12.25%". Two decimals, as the rate tables state them. */
export function formatRate(annualRatePercent: number, language: LetterLanguage): string {
  const fixed = annualRatePercent.toFixed(2);
  return language === "nb" ? `${fixed.replace(".", ",")}\u00a0%` : `${fixed}%`;
}

/** "1234.56.78903". */
export function formatAccountNumber(account: string): string {
  return formatAccount(account);
}

/** nb "123 456 785", the way Brønnøysundregistrene writes organisation numbers. */
export function formatOrgNumber(orgNumber: string): string {
  return `${orgNumber.slice(0, 3)}\u00a0${orgNumber.slice(3, 6)}\u00a0${orgNumber.slice(6)}`;
}
