/**
 * The staff audit log (issue 16): every staff action — and every sign-in and sign-out — as one document: who (the
 * provider's subject, never a name or e-mail), when (the clock), what, and on which tenant and case. Container
 * `staff-audit`, partition key /partition: the case id for an action on a case (the case's timeline reads its staff
 * actions in one single-partition query), else `staff:{YYYY-MM-DD}` (sign-ins, page views without a case).
 */
import { z } from "zod";

export const StaffAuditEntry = z.object({
  schemaVersion: z.literal(1),
  id: z.string().min(1),
  partition: z.string().min(1),
  at: z.string(),
  subject: z.string().min(1).max(200),
  roles: z.array(z.string()),
  /** e.g. `sign-in`, `sign-out`, `view-tenants`, `view-cases`. */
  action: z.string().regex(/^[a-z][a-z0-9.-]{1,60}$/u),
  tenantId: z.string().optional(),
  caseId: z.string().optional(),
});
export type StaffAuditEntry = z.infer<typeof StaffAuditEntry>;

export interface StaffAuditLog {
  record(entry: StaffAuditEntry): Promise<void>;
  /** A case's staff actions, oldest first. */
  forCase(caseId: string): Promise<StaffAuditEntry[]>;
  /** Entries of one day without a case (sign-ins and the like), oldest first. */
  forDay(day: string): Promise<StaffAuditEntry[]>;
}
