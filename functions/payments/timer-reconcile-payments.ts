/**
 * Every 5 minutes: payments started from pay links that are neither applied nor failed after 2 minutes are looked up
 * at the provider, and what it says is queued for the `payments` trigger — a lost webhook never leaves an authorized
 * payment uncaptured or a captured one unapplied. Then the provider's settlement ledger is read on from where the last
 * run stopped: a capture no payment attempt knows (its record lost with a store rollback, after its callback was
 * answered) is queued too, and listed as unmatched with the alert trace. Logs counts only.
 */
import { app, type InvocationContext, type Timer } from "@azure/functions";
import { makeReconcilePayments } from "../../shared/application/payments/reconcile-payments";
import { makeSweepProviderLedger } from "../../shared/application/payments/sweep-provider-ledger";
import type { PaymentsDeps } from "./deps";
import { RECONCILE_PAYMENTS_FUNCTION, RECONCILE_PAYMENTS_SCHEDULE } from "./names";

export function makeReconcilePaymentsFunction(deps: () => PaymentsDeps) {
  return async (_timer: Timer, context: InvocationContext): Promise<void> => {
    const resolved = deps();
    const report = await makeReconcilePayments(resolved)();
    if (report.checked > 0)
      context.log(
        `Payment sweep: ${report.checked} unsettled, ${report.queued} queued from the provider's state, ${report.errors} error(s)`,
      );
    try {
      const ledger = await makeSweepProviderLedger(resolved)();
      if (ledger.read > 0)
        context.log(
          `Payment sweep: ${ledger.read} ledger entries read (${ledger.captures} captures), ${ledger.queued} unknown here queued to be listed as unmatched`,
        );
    } catch (error) {
      // The position is kept: the next run reads the same entries again. (The Report API is production-only: against
      // Vipps' test environment this warns every run.)
      context.warn("Payment sweep: the provider's ledger could not be read", {
        error: error instanceof Error ? error.message : String(error),
      });
    }
  };
}

export function registerReconcilePaymentsFunction(deps: () => PaymentsDeps): void {
  app.timer(RECONCILE_PAYMENTS_FUNCTION, {
    schedule: RECONCILE_PAYMENTS_SCHEDULE,
    handler: makeReconcilePaymentsFunction(deps),
  });
}
