/**
 * The per-case orchestration as the application sees it. The Durable Functions adapter derives the instance id from
 * the case id; raising "case changed" makes the orchestration re-plan (a payment, dispute, hold, deferral…).
 */
export type WorkflowState = "running" | "completed" | "failed" | "terminated" | "missing";

export interface CaseWorkflow {
  /** Starts the case's orchestration; does nothing when it already runs. */
  start(caseId: string): Promise<void>;
  caseChanged(caseId: string, reason: string): Promise<void>;
  state(caseId: string): Promise<WorkflowState>;
}
