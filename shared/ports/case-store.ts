import type { Case, CaseStatus } from "../domain/case";
import type { StepKind } from "../domain/policy";

/** The customer as the creditor sent it. Personal data: stored on the case, shown to the tenant, never logged. */
export interface CustomerDetails {
  customerId: string;
  name: string;
  phone?: string;
  email?: string;
  nationalId?: string;
  orgNumber?: string;
  address?: { lines: string[]; postalCode: string; city: string; country: string };
  consent?: { sms: boolean; email: boolean };
}

export interface TimelineEntry {
  at: string; // ISO instant
  kind: "created" | "step-executed" | "payment" | "credit-note" | "status-changed" | "note" | "document" | "sms" | "message";
  title: string;
  legalBasis?: string;
  step?: StepKind;
  details?: Record<string, unknown>;
}

export interface DocumentRef {
  documentId: string;
  kind: string;
  createdAt: string;
  contentType: string;
}

/** The stored case: the domain case plus what the product keeps around it. One document per case. */
export interface CaseRecord {
  schemaVersion: 1;
  caseId: string;
  tenantId: string;
  invoiceNumber: string;
  customerId: string;
  kid: string;
  customer: CustomerDetails;
  case: Case;
  timeline: TimelineEntry[];
  documents: DocumentRef[];
  /** Idempotency of side effects: keys of SMS/letters already sent for this case (e.g. "step:0:lets-pay-sms"). */
  sentKeys: string[];
  createdAt: string;
  updatedAt: string;
}

export interface CaseListFilter {
  status?: CaseStatus;
  customerId?: string;
}

export interface Page<T> {
  items: T[];
  continuationToken?: string;
}

/**
 * Case persistence. `get` and `update` are scoped by tenant: a case of another tenant is "not found".
 * `update` re-reads and re-applies `mutate` when the stored document changed underneath (optimistic concurrency).
 */
export interface CaseStore {
  /** Throws DuplicateInvoiceNumber (code DUPLICATE_INVOICE_NUMBER) when the tenant already has this invoice number. */
  create(record: CaseRecord): Promise<CaseRecord>;
  get(tenantId: string, caseId: string): Promise<CaseRecord | undefined>;
  /** Without tenant scoping: for the orchestration and payment paths that only know the case id. */
  getById(caseId: string): Promise<CaseRecord | undefined>;
  /** Throws CaseNotFound (code CASE_NOT_FOUND) when missing or another tenant's. */
  update(tenantId: string, caseId: string, mutate: (current: CaseRecord) => CaseRecord | Promise<CaseRecord>): Promise<CaseRecord>;
  findByKid(kid: string): Promise<CaseRecord | undefined>;
  list(tenantId: string, filter: CaseListFilter, page: { limit: number; continuationToken?: string }): Promise<Page<CaseRecord>>;
  /** Cases not closed (open, on-hold, disputed), across tenants, for self-healing. */
  listActiveCaseIds(page: { limit: number; continuationToken?: string }): Promise<Page<string>>;
}
