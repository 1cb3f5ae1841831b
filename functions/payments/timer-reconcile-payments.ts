/**
 * Every 5 minutes: payments started from pay links that are neither applied nor failed after 2 minutes are looked up
 * at the provider, and what it says is queued for the `payments` trigger — a lost webhook never leaves an authorized
 * payment uncaptured or a captured one unapplied. Logs counts only.
 */
import { app, type InvocationContext, type Timer } from "@azure/functions";
import { makeReconcilePayments } from "../../shared/application/payments/reconcile-payments";
import type { PaymentsDeps } from "./deps";
import { RECONCILE_PAYMENTS_FUNCTION, RECONCILE_PAYMENTS_SCHEDULE } from "./names";

export function makeReconcilePaymentsFunction(deps: () => PaymentsDeps) {
  return async (_timer: Timer, context: InvocationContext): Promise<void> => {
    const report = await makeReconcilePayments(deps())();
    if (report.checked > 0)
      context.log(
        `Payment sweep: ${report.checked} unsettled, ${report.queued} queued from the provider's state, ${report.errors} error(s)`,
      );
  };
}

export function registerReconcilePaymentsFunction(deps: () => PaymentsDeps): void {
  app.timer(RECONCILE_PAYMENTS_FUNCTION, {
    schedule: RECONCILE_PAYMENTS_SCHEDULE,
    handler: makeReconcilePaymentsFunction(deps),
  });
}
