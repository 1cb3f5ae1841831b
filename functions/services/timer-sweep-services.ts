/**
 * Every 10 seconds: nothing lost, nothing silent. Commands decided but never put on the queue are enqueued again (the
 * case is the outbox); orders the partner has not called back about for 15 s are read back from the partner (the
 * polling fallback); reopens not confirmed within the limit are escalated — `service.reopen_delayed` as a webhook, on
 * the case, and as a warning trace named `service.reopen_delayed` that the Bicep alert rule watches. Logs ids only.
 */
import { app, type InvocationContext, type Timer } from "@azure/functions";
import { makeSweepServices } from "../../shared/application/services/partner-commands";
import type { ServicesDeps } from "./deps";
import { SWEEP_SERVICES_FUNCTION, SWEEP_SERVICES_SCHEDULE } from "./names";

export function makeSweepServicesFunction(deps: () => ServicesDeps) {
  return async (_timer: Timer, context: InvocationContext): Promise<void> => {
    const d = deps();
    const result = await makeSweepServices({
      ...d,
      reopenLimitSeconds: d.reopenLimitSeconds,
      onEscalated: (e) =>
        context.warn("service.reopen_delayed", {
          event: "service.reopen_delayed",
          tenantId: e.tenantId,
          caseId: e.caseId,
          commandId: e.commandId,
          issuedAt: e.issuedAt,
        }),
    })();
    if (result.resent + result.polled + result.escalated > 0)
      context.log(
        `Service sweep: ${result.cases} case(s), ${result.resent} command(s) sent again, ${result.polled} order(s) polled, ${result.escalated} reopen(s) escalated`,
      );
  };
}

export function registerSweepServicesFunction(deps: () => ServicesDeps): void {
  app.timer(SWEEP_SERVICES_FUNCTION, { schedule: SWEEP_SERVICES_SCHEDULE, handler: makeSweepServicesFunction(deps) });
}
