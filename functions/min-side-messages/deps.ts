/** What Min side's messages and settings are wired with (types only; the composition root builds it). */
import type { ResolveMinSideSession } from "../../shared/application/min-side/subject";
import type { PersonCases } from "../../shared/ports/case-store";
import type { DebtorUploadStore } from "../../shared/ports/debtor-upload-store";
import type { MessageThreadStore } from "../../shared/ports/message-thread-store";
import type { AppDeps, WorkflowFor } from "../deps";

export interface MinSideMessagesDeps extends AppDeps {
  workflowFor: WorkflowFor;
  /** Who a request is signed in as (the sign-in area's resolver); undefined → the sign-in page. */
  resolveSession: ResolveMinSideSession;
  /** The private `debtor-uploads` container: a message's attachment goes there like a dispute's. */
  debtorUploads: DebtorUploadStore;
  /** The threads, one per case (Cosmos `message-threads`). */
  messageThreads: MessageThreadStore;
  /** A person's cases across creditors by national id (the overview's query). */
  personCases: PersonCases;
}
