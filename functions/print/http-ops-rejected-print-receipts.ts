/**
 * `GET /api/v1/ops/print-receipts/rejected` (operator key in `x-api-key`): the print house's receipt files that could
 * not be read, newest first, each with the line and problem that refused it → 200 `{ items: [{ name, rejectedAt,
 * line, problem }] }`; 401 without the operator key. Nothing in a rejected file was recorded: the operator asks the
 * print house for a corrected file.
 */
import { app } from "@azure/functions";
import { authenticateOperator } from "../../shared/http/api-keys";
import { handler } from "../../shared/http/parse";
import type { PrintDeps } from "./deps";
import { REJECTED_PRINT_RECEIPTS_FUNCTION, REJECTED_PRINT_RECEIPTS_ROUTE } from "./names";

export function makeRejectedPrintReceiptsFunction(
  resolve: () => Pick<PrintDeps, "operatorApiKey" | "printReceiptFiles">,
) {
  return handler(async (request) => {
    const deps = resolve();
    authenticateOperator(request, deps.operatorApiKey);
    const items = await deps.printReceiptFiles.listRejected();
    return { status: 200, headers: { "cache-control": "no-store" }, jsonBody: { items } };
  });
}

export function registerRejectedPrintReceiptsFunction(deps: () => PrintDeps): void {
  app.http(REJECTED_PRINT_RECEIPTS_FUNCTION, {
    route: REJECTED_PRINT_RECEIPTS_ROUTE,
    methods: ["GET"],
    authLevel: "anonymous",
    handler: makeRejectedPrintReceiptsFunction(deps),
  });
}
