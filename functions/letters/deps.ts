/** What the letter-delivery functions are wired with (types only; the composition root builds it). */
import type { AppDeps, WorkflowFor } from "../deps";

export interface LettersDeps extends AppDeps {
  workflowFor: WorkflowFor;
}
