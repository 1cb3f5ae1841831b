/** Names of the case lifecycle's durable functions, events and timers (one place, used by orchestrator and clients). */

// The workflow contract (orchestration name, "case changed" event, instance id) lives with the CaseWorkflow port, so the
// Durable adapter can use it without importing from functions/.
export {
  CASE_CHANGED_EVENT,
  CASE_ORCHESTRATION,
  instanceIdFor,
  type CaseOrchestrationInput,
} from "../../shared/ports/case-workflow";
/** Activity: asks the planner what happens next (returns a PlanDecision). */
export const PLAN_NEXT_STEP_ACTIVITY = "caseLadderPlanNextStep";
/** Activity: carries out one planned step (returns a StepOutcome). */
export const EXECUTE_STEP_ACTIVITY = "caseLadderExecuteStep";
/** Daily timer: restarts orchestrations of active cases that are missing, failed or terminated. */
export const HEAL_ORCHESTRATIONS_FUNCTION = "healCaseOrchestrations";
/** NCRONTAB (sec min hour day month weekday), UTC: every day at 03:15. */
export const HEAL_ORCHESTRATIONS_SCHEDULE = "0 15 3 * * *";
