/** Names of the print functions (paper letters through the print house), their routes and containers. */

/**
 * Closes a print batch: NCRONTAB from the setting PRINT_BATCH_SCHEDULE. Azure Functions on Linux (Flex Consumption)
 * reads NCRONTAB in UTC only, so the schedule is written in UTC: "0 0 13 * * 1-5" (Bicep and
 * local.settings.example.json) is Monday–Friday 14:00 in Oslo in winter (CET) and 15:00 in summer (CEST). A close on
 * a public holiday is harmless: the print house posts on its next working day.
 */
export const CLOSE_PRINT_BATCH_FUNCTION = "closePrintBatch";
export const CLOSE_PRINT_BATCH_SCHEDULE = "%PRINT_BATCH_SCHEDULE%";

/** The print house's receipt files (`%PRINT_RECEIPTS_CONTAINER%`, default print-receipts). */
export const IMPORT_PRINT_RECEIPT_FUNCTION = "importPrintReceipt";
export const PRINT_RECEIPTS_PATH = "%PRINT_RECEIPTS_CONTAINER%/{name}";
/** The error trace the Bicep alert can watch: a receipt file moved aside. */
export const PRINT_RECEIPT_REJECTED_EVENT = "print_receipt.rejected";

/** `GET /api/v1/ops/print-receipts/rejected` (operator key). */
export const REJECTED_PRINT_RECEIPTS_FUNCTION = "listRejectedPrintReceipts";
export const REJECTED_PRINT_RECEIPTS_ROUTE = "api/v1/ops/print-receipts/rejected";
