/**
 * Paper letters through the print house: closing batches on a schedule, importing the receipt files it sends back,
 * and the operators' list of receipt files that could not be read.
 */
import type { PrintDeps } from "./deps";
import { registerImportPrintReceiptFunction } from "./blob-import-print-receipt";
import { registerRejectedPrintReceiptsFunction } from "./http-ops-rejected-print-receipts";
import { registerClosePrintBatchFunction } from "./timer-close-print-batch";

export type { PrintDeps } from "./deps";

export function registerPrintFunctions(deps: () => PrintDeps): void {
  registerClosePrintBatchFunction(deps);
  registerImportPrintReceiptFunction(deps);
  registerRejectedPrintReceiptsFunction(deps);
}
