/**
 * The outbox sweep (application/outbox.ts): every minute, whatever a writer could not relay itself — publishing
 * failed after the case was written, the process died in between, no durable client was at hand — is relayed now,
 * and again on the next run until done. Logs counts only (no case ids, no personal data); a run that leaves entries
 * behind warns, so a lasting failure to publish is seen (and alerted on: `outbox.relay_failed`).
 */
import { app, type InvocationContext, type Timer } from "@azure/functions";
import * as df from "durable-functions";
import { relayPendingOutbox } from "../../shared/application/outbox";
import type { CasesDeps } from "./deps";
import {
  RELAY_OUTBOX_FUNCTION,
  RELAY_OUTBOX_MAX_ENTRIES,
  RELAY_OUTBOX_MIN_AGE_MS,
  RELAY_OUTBOX_SCHEDULE,
} from "./names";

export function makeRelayOutbox(deps: () => Pick<CasesDeps, "cases" | "events" | "clock" | "workflowFor">) {
  return async (_timer: Timer, context: InvocationContext): Promise<void> => {
    const d = deps();
    const outcome = await relayPendingOutbox(
      { cases: d.cases, events: d.events, clock: d.clock, workflow: d.workflowFor(context) },
      { minAgeMs: RELAY_OUTBOX_MIN_AGE_MS, maxEntries: RELAY_OUTBOX_MAX_ENTRIES },
    );
    if (outcome.relayed > 0 || outcome.left > 0)
      context.log(`Outbox: ${outcome.relayed} entr(ies) of ${outcome.cases} case(s) relayed, ${outcome.left} left`);
    if (outcome.left > 0)
      context.warn(
        `outbox.relay_failed: ${outcome.left} entr(ies) of ${outcome.failedCases} case(s) could not be relayed; retried on the next run`,
      );
  };
}

export function registerRelayOutbox(deps: () => CasesDeps): void {
  app.timer(RELAY_OUTBOX_FUNCTION, {
    schedule: RELAY_OUTBOX_SCHEDULE,
    extraInputs: [df.input.durableClient()],
    handler: makeRelayOutbox(deps),
  });
}
