/** Names of the case lifecycle's durable functions, events and timers (one place, used by orchestrator and clients). */

/** One orchestration per case walks it along the creditor's ladder. */
export const CASE_ORCHESTRATION = "caseLadder";
/** Activity: asks the planner what happens next (returns a PlanDecision). */
export const PLAN_NEXT_STEP_ACTIVITY = "caseLadderPlanNextStep";
/** Activity: carries out one planned step (returns a StepOutcome). */
export const EXECUTE_STEP_ACTIVITY = "caseLadderExecuteStep";
/** External event: the case changed (payment, dispute, hold/resume, deferral, instalment plan, cancellation…). */
export const CASE_CHANGED_EVENT = "CaseChanged";
/** Daily timer: restarts orchestrations of active cases that are missing, failed or terminated. */
export const HEAL_ORCHESTRATIONS_FUNCTION = "timerHealCaseOrchestrations";
/** NCRONTAB (sec min hour day month weekday), UTC: every day at 03:15. */
export const HEAL_ORCHESTRATIONS_SCHEDULE = "0 15 3 * * *";

/** The orchestration's input: only the case id; everything else is read fresh by the activities. */
export interface CaseOrchestrationInput {
  caseId: string;
}

/**
 * The orchestration instance id of a case: derived, so starting twice hits the same instance and a client that only
 * knows the case id can raise events to it. Case ids are `c_` + base32 (no characters Durable forbids).
 */
export function instanceIdFor(caseId: string): string {
  return `case-${caseId}`;
}
