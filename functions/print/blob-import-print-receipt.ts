/**
 * The print house's receipt file landing in `%PRINT_RECEIPTS_CONTAINER%` (format: docs/print-house.md) → one delivery
 * report per letter (`DeliveryReportSink`): POSTED → delivered, RETURNED / REJECTED → failed, at noon Oslo time on
 * the line's day.
 *
 * EVENT GRID SOURCE, as functions/payments/blob-import-ocr-giro.ts: on Flex Consumption the blob trigger is fed by an
 * Event Grid subscription for BlobCreated in this container (infra-bicep/modules/print-blob-events.bicep); the dev
 * host polls the container through Azurite instead.
 *
 * A file that does not parse is refused WHOLE: nothing is recorded, the file is moved to the rejected container with
 * its problem (listed at GET /api/v1/ops/print-receipts/rejected) and an error trace `print_receipt.rejected` names
 * the file, line and problem. Not thrown: a retry cannot repair it. A report for a letter the application does not
 * know is a warning with the letter id; a failing sink throws, so the host retries (the sink is idempotent). Logs
 * carry file names, letter ids and counts — never recipients or the file's detail texts.
 */
import { app, type InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import { deliveryReportOf, parsePrintReceipt } from "../../shared/letters/print-receipt";
import type { PrintDeps } from "./deps";
import { IMPORT_PRINT_RECEIPT_FUNCTION, PRINT_RECEIPT_REJECTED_EVENT, PRINT_RECEIPTS_PATH } from "./names";

function contentOf(blob: unknown): Buffer {
  if (Buffer.isBuffer(blob)) return blob;
  if (blob instanceof Uint8Array) return Buffer.from(blob);
  if (blob instanceof ArrayBuffer) return Buffer.from(new Uint8Array(blob));
  if (typeof blob === "string") return Buffer.from(blob, "utf8");
  throw new Error("The blob trigger delivered no content");
}

function fileNameOf(context: InvocationContext): string {
  const name = context.triggerMetadata?.name;
  if (typeof name === "string" && name !== "") return name;
  const path = context.triggerMetadata?.blobTrigger;
  return typeof path === "string" ? path.slice(path.indexOf("/") + 1) : "unknown";
}

export function makeImportPrintReceiptFunction(
  resolve: () => Pick<PrintDeps, "deliveryReportsFor" | "printReceiptFiles" | "clock">,
) {
  return async (blob: unknown, context: InvocationContext): Promise<void> => {
    const deps = resolve();
    const file = fileNameOf(context);
    const parsed = parsePrintReceipt(contentOf(blob));
    if (!parsed.ok) {
      await deps.printReceiptFiles.reject(file, parsed.error, deps.clock.now());
      context.error(PRINT_RECEIPT_REJECTED_EVENT, {
        event: PRINT_RECEIPT_REJECTED_EVENT,
        file,
        line: parsed.error.line,
        problem: parsed.error.problem,
      });
      return;
    }
    const counts = { applied: 0, duplicate: 0, unknown: 0 };
    const sink = deps.deliveryReportsFor(context);
    for (const line of parsed.lines) {
      const result = await sink.record(deliveryReportOf(line));
      if (result === "unknown-message") {
        counts.unknown += 1;
        context.warn("print receipt for an unknown letter, ignored", { file, letterId: line.letterId });
      } else counts[result] += 1;
    }
    context.log("print receipt imported", { file, lines: parsed.lines.length, ...counts });
  };
}

export function registerImportPrintReceiptFunction(deps: () => PrintDeps): void {
  app.storageBlob(IMPORT_PRINT_RECEIPT_FUNCTION, {
    path: PRINT_RECEIPTS_PATH,
    connection: "AzureWebJobsStorage",
    source: "EventGrid",
    // The case's orchestration waits for its letter: the sink wakes it through the durable client.
    extraInputs: [df.input.durableClient()],
    handler: makeImportPrintReceiptFunction(deps),
  });
}
