/**
 * The print house's receipt file (the contract is docs/print-house.md): CSV, UTF-8 (a BOM is allowed), `;`-separated,
 * header `letter_id;status;date;detail`, one line per letter:
 *
 *   letter_id;status;date;detail
 *   L-123;POSTED;2026-12-07;
 *   L-124;RETURNED;2026-12-07;Adressat ukjent
 *
 * `status` is POSTED (the letter was handed to the postal service on `date`), RETURNED (it came back: unknown
 * recipient, bad address) or REJECTED (the print house could not print it: unreadable PDF…); `date` is YYYY-MM-DD;
 * `detail` is optional free text (the rest of the line, so it may itself contain `;`). Empty lines are ignored.
 *
 * Pure: a file with ANY bad line is refused whole, with the line number (1-based, the header is line 1) and the
 * problem — a half-read file must never mark some letters posted. Problems name fields, never values from the file.
 */
import { z } from "zod";
import { atLocalTime, LocalDate } from "../domain/calendar";
import type { DeliveryReport } from "../ports/delivery-report";

export const PRINT_RECEIPT_HEADER = "letter_id;status;date;detail";

export const PrintReceiptStatus = z.enum(["POSTED", "RETURNED", "REJECTED"]);
export type PrintReceiptStatus = z.infer<typeof PrintReceiptStatus>;

export const PrintReceiptLine = z.object({
  letterId: z
    .string()
    .min(1, "letter_id is empty")
    .max(200, "letter_id is longer than 200 characters")
    .regex(/^[^/\s]+$/u, "letter_id contains a slash or white space"),
  status: PrintReceiptStatus,
  date: LocalDate,
  detail: z.string().max(500, "detail is longer than 500 characters").optional(),
});
export type PrintReceiptLine = z.infer<typeof PrintReceiptLine>;

export type PrintReceiptParse =
  { ok: true; lines: PrintReceiptLine[] } | { ok: false; error: { line: number; problem: string } };

export function parsePrintReceipt(content: Buffer | string): PrintReceiptParse {
  let text: string;
  if (typeof content === "string") text = content;
  else {
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(content);
    } catch {
      return { ok: false, error: { line: 0, problem: "the file is not valid UTF-8" } };
    }
  }
  if (text.startsWith("\uFEFF")) text = text.slice(1);
  const rows = text.split(/\r?\n/u);
  const header = rows[0]?.trim().toLowerCase();
  if (header !== PRINT_RECEIPT_HEADER)
    return { ok: false, error: { line: 1, problem: `the first line must be the header "${PRINT_RECEIPT_HEADER}"` } };
  const lines: PrintReceiptLine[] = [];
  const seen = new Set<string>();
  for (let i = 1; i < rows.length; i += 1) {
    const row = rows[i]!;
    if (row.trim() === "") continue;
    const lineNo = i + 1;
    const fields = row.split(";");
    if (fields.length < 3)
      return {
        ok: false,
        error: { line: lineNo, problem: `expected 4 columns (${PRINT_RECEIPT_HEADER}), got ${fields.length}` },
      };
    const [letterId, status, date, ...rest] = fields;
    const detail = rest.join(";").trim();
    const parsed = PrintReceiptLine.safeParse({
      letterId: letterId!.trim(),
      status: status!.trim().toUpperCase(),
      date: date!.trim(),
      ...(detail === "" ? {} : { detail }),
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const column = { letterId: "letter_id", status: "status", date: "date", detail: "detail" }[
        String(issue.path[0]) as "letterId"
      ];
      const problem =
        column === "status"
          ? "status must be POSTED, RETURNED or REJECTED"
          : column === "date"
            ? "date must be a calendar date YYYY-MM-DD"
            : issue.message;
      return { ok: false, error: { line: lineNo, problem } };
    }
    if (seen.has(parsed.data.letterId))
      return { ok: false, error: { line: lineNo, problem: "the letter_id appears twice in the file" } };
    seen.add(parsed.data.letterId);
    lines.push(parsed.data);
  }
  return { ok: true, lines };
}

/** A receipt line as the application's delivery report: the day's noon in Oslo stands for "posted that day". */
export function deliveryReportOf(line: PrintReceiptLine): DeliveryReport {
  const status = { POSTED: "Posted", RETURNED: "Returned", REJECTED: "Rejected" }[line.status];
  return {
    channel: "print",
    messageId: line.letterId,
    outcome: line.status === "POSTED" ? "delivered" : "failed",
    status,
    at: atLocalTime(line.date, "12:00", "Europe/Oslo").toISOString(),
    ...(line.detail === undefined ? {} : { detail: line.detail }),
  };
}

/** Writes a receipt file (the print house stand-in and tests). */
export function formatPrintReceipt(lines: PrintReceiptLine[]): string {
  const body = lines.map((l) => `${l.letterId};${l.status};${l.date};${(l.detail ?? "").replace(/[\r\n]+/gu, " ")}`);
  return [PRINT_RECEIPT_HEADER, ...body].join("\n") + "\n";
}
