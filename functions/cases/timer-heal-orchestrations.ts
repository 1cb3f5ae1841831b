/**
 * Daily self-healing: every active case should have a running orchestration; those whose orchestration is missing,
 * failed or terminated are started again. Logs counts only (no case ids, no personal data).
 */
import { app, type InvocationContext, type Timer } from "@azure/functions";
import * as df from "durable-functions";
import { makeHealOrchestrations } from "../../shared/application/heal-orchestrations";
import type { CasesDeps } from "./deps";
import { HEAL_ORCHESTRATIONS_FUNCTION, HEAL_ORCHESTRATIONS_SCHEDULE } from "./names";

export function makeHealCaseOrchestrations(deps: () => Pick<CasesDeps, "cases" | "workflowFor">) {
  return async (_timer: Timer, context: InvocationContext): Promise<void> => {
    const d = deps();
    const report = await makeHealOrchestrations({ cases: d.cases, workflow: d.workflowFor(context) })();
    context.log(
      `Self-healing: ${report.checked} active case(s) checked, ${report.found} without a live orchestration, ${report.restarted} restarted, ${report.errors} error(s)`,
    );
    if (report.errors > 0)
      context.warn(`Self-healing: ${report.errors} case(s) could not be checked or restarted; retried on the next run`);
  };
}

export function registerHealOrchestrations(deps: () => CasesDeps): void {
  app.timer(HEAL_ORCHESTRATIONS_FUNCTION, {
    schedule: HEAL_ORCHESTRATIONS_SCHEDULE,
    extraInputs: [df.input.durableClient()],
    handler: makeHealCaseOrchestrations(deps),
  });
}
