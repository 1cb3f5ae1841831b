/** What Min side's debtor actions are wired with (types only; the composition root builds it). */
import type { ResolveMinSideSession } from "../../shared/application/min-side/subject";
import type { DebtorUploadStore } from "../../shared/ports/debtor-upload-store";
import type { AppDeps, WorkflowFor } from "../deps";

export interface DebtorActionsDeps extends AppDeps {
  workflowFor: WorkflowFor;
  /**
   * Who a request is signed in as (the sign-in area's resolver: the session cookie, idle timeout); undefined → the
   * sign-in page. These functions never read cookies themselves.
   */
  resolveSession: ResolveMinSideSession;
  /** Files debtors upload (dispute attachments, payment receipts): the private `debtor-uploads` container. */
  debtorUploads: DebtorUploadStore;
}
