/**
 * Recording staff actions (issue 16): who (the provider's subject), when (the clock), what, on which tenant and case.
 * A case's entries share its partition (the case's timeline reads them in one query); the rest go by day.
 */
import type { Clock } from "../../ports/clock";
import type { Random } from "../../ports/random";
import type { StaffAuditEntry, StaffAuditLog } from "../../ports/staff-audit-log";
import type { Staff } from "./access";

export interface StaffAuditDeps {
  audit: StaffAuditLog;
  clock: Clock;
  random: Random;
}

export function makeRecordStaffAction(deps: StaffAuditDeps) {
  return async (
    staff: Staff,
    action: string,
    on: { tenantId?: string; caseId?: string } = {},
  ): Promise<StaffAuditEntry> => {
    const at = deps.clock.now().toISOString();
    const entry: StaffAuditEntry = {
      schemaVersion: 1,
      id: `sa_${Buffer.from(deps.random.bytes(16)).toString("hex")}`,
      partition: on.caseId ?? `staff:${at.slice(0, 10)}`,
      at,
      subject: staff.subject,
      roles: [...staff.roles],
      action,
      ...(on.tenantId ? { tenantId: on.tenantId } : {}),
      ...(on.caseId ? { caseId: on.caseId } : {}),
    };
    await deps.audit.record(entry);
    return entry;
  };
}

export type RecordStaffAction = ReturnType<typeof makeRecordStaffAction>;
