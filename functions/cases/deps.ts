/** What the case lifecycle's functions are wired with (types only; the composition root builds it). */
import type { AppDeps, WorkflowFor } from "../deps";

export interface CasesDeps extends AppDeps {
  workflowFor: WorkflowFor;
}
