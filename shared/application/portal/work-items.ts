/**
 * New work for customer service's inbox (issue 16): the use case that creates the work — a debtor's message, an "I
 * have paid" receipt, a dispute — records a work item BEFORE its own write, so the work cannot be lost between the
 * two; an item whose work did not happen after all (the write failed) or is done already is found so by the inbox
 * (`makeInbox` checks each against its case and thread) and cleared there. Without a store wired, nothing.
 */
import type { CaseRecord } from "../../ports/case-store";
import { workItemId, type WorkItemStore, type WorkKind } from "../../ports/work-item-store";

export async function openWork(
  workItems: WorkItemStore | undefined,
  kind: WorkKind,
  record: Pick<CaseRecord, "tenantId" | "caseId" | "invoiceNumber">,
  at: Date,
): Promise<void> {
  if (!workItems) return;
  await workItems.open({
    schemaVersion: 1,
    id: workItemId(kind, record.caseId),
    queue: "inbox",
    kind,
    tenantId: record.tenantId,
    caseId: record.caseId,
    invoiceNumber: record.invoiceNumber,
    createdAt: at.toISOString(),
  });
}

/** The work is done (customer service answered the debtor, …). */
export async function clearWork(workItems: WorkItemStore | undefined, kind: WorkKind, caseId: string): Promise<void> {
  if (workItems) await workItems.clear(kind, caseId);
}
