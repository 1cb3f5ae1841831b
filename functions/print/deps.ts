/** What the print functions are wired with (types only; the composition root builds it). */
import type { Clock } from "../../shared/ports/clock";
import type { DeliveryReportSink } from "../../shared/ports/delivery-report";
import type { PrintBatches, PrintReceiptFiles } from "../../shared/ports/print-batches";

export interface PrintDeps {
  /** `BlobPrintHouse` (the same object that is the app's `PrintHouse`). */
  printBatches: PrintBatches;
  /** `BlobPrintReceiptFiles`: receipt files that cannot be read are moved aside and listed for operators. */
  printReceiptFiles: PrintReceiptFiles;
  deliveryReports: DeliveryReportSink;
  clock: Clock;
  /** `OPERATOR_API_KEY`: the rejected receipts' list. */
  operatorApiKey: string | undefined;
}
