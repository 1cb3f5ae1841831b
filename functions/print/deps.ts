/** What the print functions are wired with (types only; the composition root builds it). */
import type { InvocationContext } from "@azure/functions";
import type { Clock } from "../../shared/ports/clock";
import type { DeliveryReportSink } from "../../shared/ports/delivery-report";
import type { PrintBatches, PrintReceiptFiles } from "../../shared/ports/print-batches";

export interface PrintDeps {
  /** `BlobPrintHouse` (the same object that is the app's `PrintHouse`). */
  printBatches: PrintBatches;
  /** `BlobPrintReceiptFiles`: receipt files that cannot be read are moved aside and listed for operators. */
  printReceiptFiles: PrintReceiptFiles;
  /**
   * The delivery-report sink for one invocation: it wakes the case's orchestration through the invocation's durable
   * client when a letter was posted or came back.
   */
  deliveryReportsFor: (context: InvocationContext) => DeliveryReportSink;
  clock: Clock;
  /** `OPERATOR_API_KEY`: the rejected receipts' list. */
  operatorApiKey: string | undefined;
}
