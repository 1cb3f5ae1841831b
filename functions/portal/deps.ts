/** What the portal's functions are wired with (types only; the composition root builds it). */
import type { RecordStaffAction } from "../../shared/application/portal/audit";
import type { StaffSessions } from "../../shared/application/portal/staff-sessions";
import type { CaseSearch } from "../../shared/ports/case-search";
import type { CaseStore, PersonCases } from "../../shared/ports/case-store";
import type { MessageThreadStore } from "../../shared/ports/message-thread-store";
import type { WorkItemStore } from "../../shared/ports/work-item-store";
import type { Clock } from "../../shared/ports/clock";
import type { StaffAuditLog } from "../../shared/ports/staff-audit-log";
import type { StaffIdentityProvider } from "../../shared/ports/staff-identity-provider";
import type { TenantDirectory } from "../../shared/ports/tenant-directory";

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
  /** The case list's search and the console's cross-tenant lookups (the case store). */
  caseSearch: CaseSearch;
  /** A person's cases by national id (Min side's index). */
  personCases: PersonCases;
  /** The debtor's message threads: the inbox checks a message still awaits an answer. */
  messageThreads: MessageThreadStore;
  /** Customer service's inbox of work; absent: the inbox lists delayed reopens only. */
  workItems?: WorkItemStore;
}
