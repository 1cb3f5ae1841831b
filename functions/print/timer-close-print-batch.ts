/**
 * On PRINT_BATCH_SCHEDULE (weekdays, see names.ts): every letter submitted for print so far goes into one batch whose
 * manifest the print house reads. Re-running after a crash finishes the interrupted batch. Logs the batch id and the
 * count only — recipients stay in storage.
 */
import { app, type InvocationContext, type Timer } from "@azure/functions";
import type { PrintDeps } from "./deps";
import { CLOSE_PRINT_BATCH_FUNCTION, CLOSE_PRINT_BATCH_SCHEDULE } from "./names";

export function makeClosePrintBatchFunction(deps: () => Pick<PrintDeps, "printBatches" | "clock">) {
  return async (_timer: Timer, context: InvocationContext): Promise<void> => {
    const d = deps();
    const batch = await d.printBatches.closeBatch(d.clock.now());
    if (batch)
      context.log("print batch closed", { batchId: batch.batchId, letters: batch.count, resumed: batch.resumed });
  };
}

export function registerClosePrintBatchFunction(deps: () => PrintDeps): void {
  app.timer(CLOSE_PRINT_BATCH_FUNCTION, {
    schedule: CLOSE_PRINT_BATCH_SCHEDULE,
    handler: makeClosePrintBatchFunction(deps),
  });
}
