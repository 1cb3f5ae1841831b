/** What the portal's functions are wired with (types only; the composition root builds it). */
import type { RecordStaffAction } from "../../shared/application/portal/audit";
import type { StaffSessions } from "../../shared/application/portal/staff-sessions";
import type { CaseStore } from "../../shared/ports/case-store";
import type { Clock } from "../../shared/ports/clock";
import type { StaffAuditLog } from "../../shared/ports/staff-audit-log";
import type { StaffIdentityProvider } from "../../shared/ports/staff-identity-provider";
import type { TenantDirectory } from "../../shared/ports/tenant-directory";
import type { PartnerConnectionStore } from "../../shared/ports/partner-connection-store";
import type { TenantStore } from "../../shared/ports/tenant-store";

export interface PortalWiring {
  sessions: StaffSessions;
  identityProvider: StaffIdentityProvider;
  recordStaffAction: RecordStaffAction;
  /** The staff actions on a case, for its timeline. */
  staffAudit: StaffAuditLog;
  tenantDirectory: TenantDirectory;
}

export interface PortalDeps {
  /** Absent when PORTAL_SESSION_SECRET and PORTAL_OIDC_* are not all set: the portal says it is closed. */
  portal?: PortalWiring;
  cases: CaseStore;
  clock: Clock;
  /** The A/B test page reads and saves the ladder policy through the policy use case (http-portal-experiments.ts). */
  tenants: TenantStore;
  partnerConnections: Pick<PartnerConnectionStore, "get">;
}
