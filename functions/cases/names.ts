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
/** Timer: relays what the transactional outbox still holds (events, orchestration starts and "case changed"). */
export const RELAY_OUTBOX_FUNCTION = "relayCaseOutbox";
/** NCRONTAB, UTC: every minute, at second 30 (the relay right after each write does almost all of the work). */
export const RELAY_OUTBOX_SCHEDULE = "30 * * * * *";
/** Entries younger than this are left to the writer's own relay, which is still running. */
export const RELAY_OUTBOX_MIN_AGE_MS = 20_000;
/** At most this many entries per run (the next run goes on). */
export const RELAY_OUTBOX_MAX_ENTRIES = 2_000;
