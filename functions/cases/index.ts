/** The case lifecycle's durable functions: one orchestration per case, its two activities, and the daily healer. */
import { registerCaseOrchestration } from "./case.orchestrator";
import type { CasesDeps } from "./deps";
import { registerExecuteStepActivity } from "./execute-step.activity";
import { registerPlanNextStepActivity } from "./plan-next-step.activity";
import { registerHealOrchestrations } from "./timer-heal-orchestrations";
import { registerRelayOutbox } from "./timer-relay-outbox";

export type { CasesDeps } from "./deps";

export function registerCases(deps: () => CasesDeps): void {
  registerCaseOrchestration();
  registerPlanNextStepActivity(deps);
  registerExecuteStepActivity(deps);
  registerHealOrchestrations(deps);
  registerRelayOutbox(deps);
}
