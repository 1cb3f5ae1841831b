/**
 * Customer service's inbox of work (issue 16): one small document per piece of work on a case — a debtor message
 * awaiting an answer, an "I have paid" receipt to check, an open dispute — written by the use case that creates the
 * work and removed when it is done. Container `work-items`, partition key /queue (one queue, "inbox"): the inbox is
 * one single-partition query, oldest first. No personal data: kind, tenant, case, invoice number and times only.
 */
import { z } from "zod";

export const WORK_KINDS = ["debtor-message", "payment-report", "dispute"] as const;
export const WorkKind = z.enum(WORK_KINDS);
export type WorkKind = z.infer<typeof WorkKind>;

export const INBOX_QUEUE = "inbox";

export const WorkItem = z.object({
  schemaVersion: z.literal(1),
  /** `{kind}:{caseId}`: one item per kind of work on a case (a second message on the same case keeps the first's age). */
  id: z.string().min(1).max(200),
  queue: z.literal(INBOX_QUEUE),
  kind: WorkKind,
  tenantId: z.string().min(1),
  caseId: z.string().min(1),
  invoiceNumber: z.string(),
  /** When the work came (ISO instant): the inbox's order and the age it shows. */
  createdAt: z.string(),
});
export type WorkItem = z.infer<typeof WorkItem>;

export function workItemId(kind: WorkKind, caseId: string): string {
  return `${kind}:${caseId}`;
}

export interface WorkItemStore {
  /** Records the work unless the same kind of work on the case is waiting already (then it keeps its age). */
  open(item: WorkItem): Promise<void>;
  /** The work is done; clearing what is not there is no error. */
  clear(kind: WorkKind, caseId: string): Promise<void>;
  /** The oldest `limit` items, oldest first. */
  list(limit: number): Promise<WorkItem[]>;
}
