/** What the portal's case page and its staff actions are wired with (types only; the composition root builds it). */
import type { DebtorUploadStore } from "../../shared/ports/debtor-upload-store";
import type { AppDeps, WorkflowFor } from "../deps";
import type { PortalDeps } from "./deps";

export interface PortalCaseDeps extends PortalDeps, AppDeps {
  /** The case orchestrations through the invocation's durable client (a staff action tells the case's). */
  workflowFor: WorkflowFor;
  /** Min side's uploads store: an action on the debtor's behalf goes through the same use cases. */
  debtorUploads: DebtorUploadStore;
}
