/** The print house's receipt file: read whole or refused whole, with the line and the problem. */
import { describe, expect, it } from "vitest";
import { deliveryReportOf, formatPrintReceipt, parsePrintReceipt } from "../../../shared/letters/print-receipt";

const GOOD = [
  "letter_id;status;date;detail",
  "L-1;POSTED;2026-12-07;",
  "L-2;RETURNED;2026-12-08;Adressat ukjent; flyttet",
  "L-3;REJECTED;2026-12-07;PDF kunne ikke leses",
  "",
].join("\r\n");

describe("reading a print receipt file", () => {
  it("reads every line of a good file, the detail keeping its semicolons", () => {
    const parsed = parsePrintReceipt(Buffer.from(`\uFEFF${GOOD}`, "utf8"));
    expect(parsed).toEqual({
      ok: true,
      lines: [
        { letterId: "L-1", status: "POSTED", date: "2026-12-07" },
        { letterId: "L-2", status: "RETURNED", date: "2026-12-08", detail: "Adressat ukjent; flyttet" },
        { letterId: "L-3", status: "REJECTED", date: "2026-12-07", detail: "PDF kunne ikke leses" },
      ],
    });
  });

  it("refuses a file with an unknown status, naming its line", () => {
    const text = GOOD.replace("L-3;REJECTED", "L-3;LOST");
    expect(parsePrintReceipt(text)).toEqual({
      ok: false,
      error: { line: 4, problem: "status must be POSTED, RETURNED or REJECTED" },
    });
  });

  it("refuses a file with an impossible date, naming its line", () => {
    expect(parsePrintReceipt(GOOD.replace("2026-12-08", "2026-02-30"))).toEqual({
      ok: false,
      error: { line: 3, problem: "date must be a calendar date YYYY-MM-DD" },
    });
    expect(parsePrintReceipt(GOOD.replace("2026-12-07;\r\n", "07.12.2026;\r\n"))).toMatchObject({
      ok: false,
      error: { line: 2 },
    });
  });

  it("refuses a line with a missing column, and a file without the header", () => {
    expect(parsePrintReceipt(GOOD.replace("L-1;POSTED;2026-12-07;", "L-1;POSTED"))).toEqual({
      ok: false,
      error: { line: 2, problem: "expected 4 columns (letter_id;status;date;detail), got 2" },
    });
    expect(parsePrintReceipt("L-1;POSTED;2026-12-07;\n")).toMatchObject({ ok: false, error: { line: 1 } });
  });

  it("refuses a letter listed twice, and bytes that are not UTF-8", () => {
    expect(parsePrintReceipt(GOOD.replace("L-3;", "L-1;"))).toEqual({
      ok: false,
      error: { line: 4, problem: "the letter_id appears twice in the file" },
    });
    expect(parsePrintReceipt(Buffer.from([0x6c, 0xff, 0xfe]))).toMatchObject({ ok: false, error: { line: 0 } });
  });

  it("turns a line into a delivery report dated noon in Oslo on its day", () => {
    expect(deliveryReportOf({ letterId: "L-1", status: "POSTED", date: "2026-12-07" })).toEqual({
      channel: "print",
      messageId: "L-1",
      outcome: "delivered",
      status: "Posted",
      at: "2026-12-07T11:00:00.000Z",
    });
    expect(deliveryReportOf({ letterId: "L-2", status: "RETURNED", date: "2026-07-01", detail: "x" })).toMatchObject({
      outcome: "failed",
      status: "Returned",
      at: "2026-07-01T10:00:00.000Z",
      detail: "x",
    });
  });

  it("reads back what the stand-in writes", () => {
    const lines = [{ letterId: "A", status: "POSTED" as const, date: "2026-12-07", detail: "ok" }];
    expect(parsePrintReceipt(formatPrintReceipt(lines))).toEqual({ ok: true, lines });
  });
});
