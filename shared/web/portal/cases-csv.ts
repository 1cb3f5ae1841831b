/**
 * The case list as CSV for Norwegian Excel (issue 16, `/portal/{tenantId}/saker.csv`): UTF-8 with a byte-order mark
 * (so Excel reads æøå), `;` between fields and CRLF between rows, amounts in kroner with a decimal comma ("1299,00", what is owed today, interest included),
 * dates YYYY-MM-DD (the last change's day in Europe/Oslo). A text cell that starts with = + - @ (or a tab or carriage
 * return) gets a leading ' so no spreadsheet takes it for a formula; a cell with ; " or a line break is quoted.
 * An identifier made of digits only (KID, and customer ids / invoice numbers when they are all digits) is written as
 * ="0123…" so Excel keeps it as text — otherwise an 18-digit KID becomes 1,49E+17 and leading zeros vanish. That
 * form is safe only because the value is digits only; anything else goes through `csvText`.
 */
import { balanceOf } from "../../domain/case";
import { toLocalDate } from "../../domain/calendar";
import type { CaseRecord } from "../../ports/case-store";
import { T, type PortalLang } from "./pages";

export const CSV_BOM = "\uFEFF";
export const CSV_CONTENT_TYPE = "text/csv; charset=utf-8";

const HEADERS = {
  nb: ["Fakturanummer", "KID", "Kundenummer", "Navn", "Status", "Steg", "Forfallsdato", "Skyldig (kr)", "Sist endret"],
  en: ["Invoice number", "KID", "Customer id", "Name", "Status", "Stage", "Due date", "Owed (NOK)", "Last activity"],
} as const;

/** A text cell, safe from formula injection and quoted when it must be. */
export function csvText(value: string): string {
  const neutral = /^[=+\-@\t\r]/u.test(value) ? `'${value}` : value;
  return /[;"\r\n]/u.test(neutral) ? `"${neutral.replaceAll('"', '""')}"` : neutral;
}

/** An identifier: digits-only values as Excel text (="0123"), everything else as a neutralised text cell. */
export function csvId(value: string): string {
  return /^[0-9]+$/u.test(value) ? `="${value}"` : csvText(value);
}

/** Minor units as kroner with a decimal comma and no thousands separator: 129900 → "1299,00". */
export function csvAmount(minor: number): string {
  const sign = minor < 0 ? "-" : "";
  const abs = Math.abs(minor);
  return `${sign}${Math.floor(abs / 100)},${String(abs % 100).padStart(2, "0")}`;
}

export function csvHeader(lang: PortalLang): string {
  return `${CSV_BOM}${HEADERS[lang].map(csvText).join(";")}\r\n`;
}

/** `owedMinor`: today's owed (`owedToday`); the balance at the last change when not given. */
export function csvRow(record: CaseRecord, lang: PortalLang, owedMinor = balanceOf(record.case).total.value): string {
  const t = T[lang];
  return `${[
    csvId(record.invoiceNumber),
    csvId(record.kid),
    csvId(record.customerId),
    csvText(record.customer.name),
    csvText(t.statuses[record.case.status] ?? record.case.status),
    csvText(t.stages[record.case.stage] ?? record.case.stage),
    record.case.dueDate,
    csvAmount(owedMinor),
    toLocalDate(new Date(record.updatedAt), "Europe/Oslo"),
  ].join(";")}\r\n`;
}
