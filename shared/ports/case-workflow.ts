/**
 * The per-case orchestration as the application sees it. The Durable Functions adapter derives the instance id from
 * the case id; raising "case changed" makes the orchestration re-plan (a payment, dispute, hold, deferral…).
 */
export type WorkflowState = "running" | "completed" | "failed" | "terminated" | "missing";

export interface CaseWorkflow {
  /**
   * Starts the case's orchestration; does nothing when it already runs. `planned`: what happens next, planned by the
   * caller on the case exactly as it just wrote it (the intake): the orchestration begins with it instead of reading
   * the case to plan. Without it the orchestration plans first.
   */
  start(caseId: string, planned?: FirstPlan): Promise<void>;
  /**
   * Tells the case's orchestration to plan again. `change.closed`: the write left the case paid or cancelled — final
   * states, in which the planner has nothing more to do — so the orchestration ends without reading the case, and a
   * case whose orchestration is not running is left alone.
   */
  caseChanged(caseId: string, reason: string, change?: CaseChange): Promise<void>;
  state(caseId: string): Promise<WorkflowState>;
}

/**
 * A plan decision (application/plan-next-step.ts, PlanDecision) as the orchestration input carries it; the
 * orchestration decodes it (functions/cases/activity-results.ts) and plans by itself when it does not decode.
 */
export type FirstPlan = { kind: string } & Record<string, unknown>;

/** What a "case changed" says beyond its reason. */
export interface CaseChange {
  /** The case is paid or cancelled (no event moves a case out of those): nothing is left to plan. */
  closed?: boolean;
}

/** The data of the CaseChanged event. */
export interface CaseChangedEventData {
  reason: string;
  closed?: boolean;
}

/** One orchestration per case walks it along the creditor's ladder. */
export const CASE_ORCHESTRATION = "caseLadder";

/** External event: the case changed (payment, dispute, hold/resume, deferral, instalment plan, cancellation…). */
export const CASE_CHANGED_EVENT = "CaseChanged";

/**
 * The orchestration's input: the case id; everything else is read fresh by the activities. `due`: the planned step
 * whose time has come, carried over a continue-as-new so that it is carried out without planning first (the step
 * re-plans on the fresh case before it acts, so a stale one is not carried out). Absent at a start.
 */
export interface CaseOrchestrationInput {
  caseId: string;
  due?: { kind: string; at: string } & Record<string, unknown>;
  /** The case's stage when `due` was planned (for the orchestration's status while the step runs). */
  stage?: string;
  /** At a start: the first plan, made on the case as the intake wrote it (see CaseWorkflow.start). */
  planned?: FirstPlan;
}

/**
 * The orchestration instance id of a case: derived, so starting twice hits the same instance and a client that only
 * knows the case id can raise events to it. Case ids are `c_` + base32 (no characters Durable forbids).
 */
export function instanceIdFor(caseId: string): string {
  return `case-${caseId}`;
}
