/**
 * The print functions with plain object ports: a receipt file becomes one delivery report per letter; a broken one
 * records nothing, is moved aside with its problem and traced; the operators' list needs the operator key; the timer
 * closes a batch and logs its count only.
 */
import type { Timer } from "@azure/functions";
import { describe, expect, it } from "vitest";
import { makeImportPrintReceiptFunction } from "../../../../functions/print/blob-import-print-receipt";
import { makeRejectedPrintReceiptsFunction } from "../../../../functions/print/http-ops-rejected-print-receipts";
import { makeClosePrintBatchFunction } from "../../../../functions/print/timer-close-print-batch";
import type { DeliveryReport, DeliveryReportResult } from "../../../../shared/ports/delivery-report";
import type { PrintReceiptFiles, RejectedPrintReceipt } from "../../../../shared/ports/print-batches";
import { contextWithLog, getRequest, read } from "../../http/http-fixtures";

const NOW = new Date("2026-12-09T08:00:00Z");
const OPERATOR_KEY = "operator-key-for-print-tests";

function world(known: string[] = ["L-1", "L-2"]) {
  const recorded: DeliveryReport[] = [];
  const rejected: RejectedPrintReceipt[] = [];
  const deliveryReports = {
    record: (report: DeliveryReport): Promise<DeliveryReportResult> => {
      recorded.push(report);
      return Promise.resolve(known.includes(report.messageId) ? "applied" : "unknown-message");
    },
  };
  const printReceiptFiles: PrintReceiptFiles = {
    reject: (name, problem, now) => {
      rejected.push({ name, ...problem, rejectedAt: now.toISOString() });
      return Promise.resolve();
    },
    listRejected: () => Promise.resolve([...rejected]),
  };
  const deps = {
    deliveryReports,
    deliveryReportsFor: () => deliveryReports,
    printReceiptFiles,
    clock: { now: () => NOW },
    operatorApiKey: OPERATOR_KEY,
  };
  return { deps, recorded, rejected };
}

function blobContext(name: string) {
  const { context, logged } = contextWithLog();
  context.triggerMetadata = { name, blobTrigger: `print-receipts/${name}` };
  return { context, logged };
}

describe("importing a print receipt file", () => {
  it("records one delivery report per line and warns about letters nobody knows", async () => {
    const w = world();
    const { context, logged } = blobContext("b1.csv");
    const csv =
      "letter_id;status;date;detail\nL-1;POSTED;2026-12-08;\nL-2;RETURNED;2026-12-08;Ukjent\nL-9;POSTED;2026-12-08;\n";
    await makeImportPrintReceiptFunction(() => w.deps)(Buffer.from(csv), context);
    expect(w.recorded).toEqual([
      { channel: "print", messageId: "L-1", outcome: "delivered", status: "Posted", at: "2026-12-08T11:00:00.000Z" },
      {
        channel: "print",
        messageId: "L-2",
        outcome: "failed",
        status: "Returned",
        at: "2026-12-08T11:00:00.000Z",
        detail: "Ukjent",
      },
      { channel: "print", messageId: "L-9", outcome: "delivered", status: "Posted", at: "2026-12-08T11:00:00.000Z" },
    ]);
    const warning = logged.find((l) => l[0] === "warning");
    expect(warning?.[2]).toEqual({ file: "b1.csv", letterId: "L-9" });
    expect(JSON.stringify(logged)).not.toContain("Ukjent"); // the detail text is the print house's, never logged
    expect(w.rejected).toEqual([]);
  });

  it("records nothing from a file with one bad line, moves it aside and traces the line and problem", async () => {
    const w = world();
    const { context, logged } = blobContext("b2.csv");
    const csv = "letter_id;status;date;detail\nL-1;POSTED;2026-12-08;\nL-2;POSTED;2026-13-01;\n";
    await makeImportPrintReceiptFunction(() => w.deps)(Buffer.from(csv), context);
    expect(w.recorded).toEqual([]);
    expect(w.rejected).toEqual([
      { name: "b2.csv", line: 3, problem: "date must be a calendar date YYYY-MM-DD", rejectedAt: NOW.toISOString() },
    ]);
    const error = logged.find((l) => l[0] === "error");
    expect(error?.[1]).toBe("print_receipt.rejected");
    expect(error?.[2]).toMatchObject({ file: "b2.csv", line: 3 });
  });

  it("lets a failing sink throw, so the host retries the file", async () => {
    const w = world();
    w.deps.deliveryReports.record = () => Promise.reject(new Error("cosmos unavailable"));
    const { context } = blobContext("b3.csv");
    await expect(
      makeImportPrintReceiptFunction(() => w.deps)(
        Buffer.from("letter_id;status;date;detail\nL-1;POSTED;2026-12-08;\n"),
        context,
      ),
    ).rejects.toThrow("cosmos unavailable");
  });
});

describe("the operators' list of rejected receipt files", () => {
  it("lists each rejected file with its problem for the operator key, and refuses anyone else", async () => {
    const w = world();
    await w.deps.printReceiptFiles.reject("b2.csv", { line: 3, problem: "p" }, NOW);
    const fn = makeRejectedPrintReceiptsFunction(() => w.deps);
    const url = "http://localhost/api/v1/ops/print-receipts/rejected";
    const ok = await read(
      await fn(getRequest(url, { headers: { "x-api-key": OPERATOR_KEY } }), contextWithLog().context),
    );
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual({ items: [{ name: "b2.csv", line: 3, problem: "p", rejectedAt: NOW.toISOString() }] });
    const refused = await read(
      await fn(getRequest(url, { headers: { "x-api-key": "wrong" } }), contextWithLog().context),
    );
    expect(refused.status).toBe(401);
  });
});

describe("closing a print batch on the schedule", () => {
  it("closes at the clock's time and logs the count only", async () => {
    const calls: Date[] = [];
    const printBatches = {
      closeBatch: (now: Date) => {
        calls.push(now);
        return Promise.resolve({ batchId: "B1", count: 3, resumed: false });
      },
    };
    const { context, logged } = contextWithLog();
    await makeClosePrintBatchFunction(() => ({ printBatches, clock: { now: () => NOW } }))({} as Timer, context);
    expect(calls).toEqual([NOW]);
    expect(logged).toEqual([["information", "print batch closed", { batchId: "B1", letters: 3, resumed: false }]]);
  });
});
