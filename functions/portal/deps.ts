/** What the portal's functions are wired with (types only; the composition root builds it). */
import type { AddApiKey, ListApiKeys, RevokeApiKey } from "../../shared/application/portal/api-keys";
import type { RecordStaffAction } from "../../shared/application/portal/audit";
import type { PolicyView } from "../../shared/application/policy";
import type { ListWebhookDeliveries, RetryWebhookDelivery } from "../../shared/application/webhooks/delivery-log";
import type {
  DeleteWebhook,
  ListWebhooks,
  RegisterWebhook,
  RotateWebhookSecret,
} from "../../shared/application/webhooks/register-webhook";
import type { LadderPolicy, PolicyProblem } from "../../shared/domain/policy";
import type { StaffSessions } from "../../shared/application/portal/staff-sessions";
import type { CaseSearch } from "../../shared/ports/case-search";
import type { CaseStore, PersonCases } from "../../shared/ports/case-store";
import type { MessageThreadStore } from "../../shared/ports/message-thread-store";
import type { WorkItemStore } from "../../shared/ports/work-item-store";
import type { Clock } from "../../shared/ports/clock";
import type { StaffAuditLog } from "../../shared/ports/staff-audit-log";
import type { StaffIdentityProvider } from "../../shared/ports/staff-identity-provider";
import type { TenantDirectory } from "../../shared/ports/tenant-directory";
import type { PartnerConnectionStore } from "../../shared/ports/partner-connection-store";
import type { TenantStore } from "../../shared/ports/tenant-store";
import type { InterestRateStore } from "../../shared/ports/interest-rate-store";

export interface PortalWiring {
  sessions: StaffSessions;
  identityProvider: StaffIdentityProvider;
  recordStaffAction: RecordStaffAction;
  /** The staff actions on a case, for its timeline. */
  staffAudit: StaffAuditLog;
  tenantDirectory: TenantDirectory;
}

/**
 * The creditor's settings pages (ladder policy, webhooks, API keys): the SAME use cases as the partner API's
 * `/api/v1/policy` and `/api/v1/webhooks`, and the tenant store's keys.
 */
export interface PortalSettingsWiring {
  getPolicy: (tenantId: string) => Promise<PolicyView>;
  checkPolicy: (tenantId: string, policy: LadderPolicy) => Promise<PolicyProblem[]>;
  putPolicy: (tenantId: string, policy: LadderPolicy) => Promise<PolicyView>;
  registerWebhook: RegisterWebhook;
  listWebhooks: ListWebhooks;
  deleteWebhook: DeleteWebhook;
  rotateWebhookSecret: RotateWebhookSecret;
  listWebhookDeliveries: ListWebhookDeliveries;
  retryWebhookDelivery: RetryWebhookDelivery;
  listApiKeys: ListApiKeys;
  addApiKey: AddApiKey;
  revokeApiKey: RevokeApiKey;
}

export interface PortalDeps {
  /** The settings pages' use cases (absent: those pages answer "unavailable"). */
  portalSettings?: PortalSettingsWiring;
  /** Absent when PORTAL_SESSION_SECRET and PORTAL_OIDC_* are not all set: the portal says it is closed. */
  portal?: PortalWiring;
  cases: CaseStore;
  clock: Clock;
  /** The entered late-interest rates: the case list and console show today's owed as the case page does. */
  interestRates: InterestRateStore;
  /** The A/B test page reads and saves the ladder policy through the policy use case (http-portal-experiments.ts). */
  tenants: TenantStore;
  partnerConnections: PartnerConnectionStore;
  /** The case list's search and the console's cross-tenant lookups (the case store). */
  caseSearch: CaseSearch;
  /** A person's cases by national id (Min side's index). */
  personCases: PersonCases;
  /** The debtor's message threads: the inbox checks a message still awaits an answer. */
  messageThreads: MessageThreadStore;
  /** Customer service's inbox of work; absent: the inbox lists delayed reopens only. */
  workItems?: WorkItemStore;
}
