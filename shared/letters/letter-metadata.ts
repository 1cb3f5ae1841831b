/**
 * Names for a letter: its title per language, and a file name for the archive. Neither ever contains personal data
 * (blob names and titles show up in logs and listings).
 */
import type { LetterKind, LetterLanguage, LetterModel } from "./letter-model";

const TITLES: Readonly<Record<LetterKind, Readonly<Record<LetterLanguage, string>>>> = {
  reminder: { nb: "Purring", en: "Payment reminder" },
  "collection-notice": { nb: "Inkassovarsel", en: "Debt collection notice" },
  "payment-demand": { nb: "Betalingsoppfordring", en: "Payment demand" },
  "suspension-notice": { nb: "Varsel om stenging", en: "Notice of disconnection" },
};

export function letterTitle(kind: LetterKind, language: LetterLanguage = "nb"): string {
  return TITLES[kind][language];
}

/**
 * "2026-11-23-collection-notice-INV-1001.pdf": sent date, kind and invoice number (characters outside
 * [A-Za-z0-9._-] become "_"), so a folder of letters sorts by date and no name or address leaks into storage keys.
 */
export function letterFileName(model: Pick<LetterModel, "kind" | "sentDate" | "claim">): string {
  const invoice = model.claim.invoiceNumber.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 40);
  return `${model.sentDate}-${model.kind}-${invoice}.pdf`;
}

export const LETTER_CONTENT_TYPE = "application/pdf";
