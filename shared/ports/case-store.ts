import { z } from "zod";
import { balanceOf, Case, type CaseStatus } from "../domain/case";
import { caseIdFor } from "../domain/case-id";
import { StepKind } from "../domain/policy";
import { WEBHOOK_EVENT_TYPES } from "./webhook-store";

/** The customer as the creditor sent it. Personal data: stored on the case, shown to the tenant, never logged. */
export const CustomerDetails = z.object({
  customerId: z.string(),
  name: z.string(),
  phone: z.string().optional(),
  email: z.string().optional(),
  nationalId: z.string().optional(),
  orgNumber: z.string().optional(),
  address: z
    .object({ lines: z.array(z.string()), postalCode: z.string(), city: z.string(), country: z.string() })
    .optional(),
  /** The debtor's consent per channel; a member left out is not stated (the intake states both, a PATCH may one). */
  consent: z.object({ sms: z.boolean().optional(), email: z.boolean().optional() }).optional(),
});
export type CustomerDetails = z.infer<typeof CustomerDetails>;

export const TimelineEntry = z.object({
  at: z.string(), // ISO instant
  kind: z.enum([
    "created",
    "step-executed",
    /** A ladder step passed over (catch-up: a later step that says the same went instead), with the reason. */
    "step-skipped",
    "payment",
    "credit-note",
    "status-changed",
    "note",
    "document",
    "sms",
    "message",
    "service",
    "customer",
  ]),
  title: z.string(),
  legalBasis: z.string().optional(),
  step: StepKind.optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type TimelineEntry = z.infer<typeof TimelineEntry>;

export const DocumentRef = z.object({
  documentId: z.string(),
  kind: z.string(),
  createdAt: z.string(),
  contentType: z.string(),
});
export type DocumentRef = z.infer<typeof DocumentRef>;

/**
 * The stored case: the domain case plus what the product keeps around it. One document per case. The adapter
 * decodes what it reads with this schema (the case itself with the domain's `Case` schema).
 */
/**
 * One attempt to get one letter (or SMS) to the debtor through one channel: queued → dispatched (handed to the
 * channel: ACS accepted the e-mail, the print house has the PDF) → delivered | failed (the channel's report: e-mail
 * Delivered or Bounced, letter Posted or Returned; a digital mailbox answers at once). A failed letter goes on to the
 * next channel as a new attempt. No personal data: the channel's status word and a reason, never addresses.
 */
export const LetterDelivery = z.object({
  /** `{step key}#{attempt}` for letters, `{step key}:sms` / `{step key}:alert` for SMS. */
  deliveryId: z.string(),
  stepIndex: z.number().int().nonnegative(),
  /** The letter kind, or `lets-pay-sms` / `letter-alert` for an SMS. */
  kind: z.string(),
  documentId: z.string().nullable(),
  channel: z.enum(["email", "digital-mailbox", "print", "sms"]),
  /** The id the channel reports by. */
  messageId: z.string(),
  attempt: z.number().int().positive(),
  state: z.enum(["queued", "dispatched", "delivered", "failed"]),
  queuedAt: z.string(),
  dispatchedAt: z.string().optional(),
  deliveredAt: z.string().optional(),
  failedAt: z.string().optional(),
  /** The channel's own word (Delivered, Bounced, Posted, Returned, …). */
  status: z.string().optional(),
  reason: z.string().optional(),
});
export type LetterDelivery = z.infer<typeof LetterDelivery>;

/**
 * TRANSACTIONAL OUTBOX. What a change of a case must tell the world — the events for creditors and analytics, and
 * the start of (or a "case changed" to) its orchestration — is written by the store in the SAME atomic operation
 * as the case (Cosmos DB: one transactional batch in the case's logical partition), as outbox entries. A relay then
 * carries them out and removes them: first right after the write (application/outbox.ts), and, for whatever that
 * could not do (publishing failed, the process died), the outbox sweep timer until done. So a crash or a failed
 * publish between the write and the publish loses nothing; a relay that publishes twice (crash after publishing,
 * before the removal) is absorbed downstream: the topic drops a repeated event id within its duplicate-detection
 * window, starting an orchestration twice is a no-op, and a repeated "case changed" only re-plans.
 */
export const OutboxMessage = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("event"),
    event: z.object({
      id: z.string(),
      type: z.enum(WEBHOOK_EVENT_TYPES),
      tenantId: z.string(),
      caseId: z.string(),
      occurredAt: z.string(),
      data: z.record(z.string(), z.unknown()),
    }),
  }),
  /** Start the case's orchestration (does nothing when it runs). */
  z.object({ kind: z.literal("start-workflow") }),
  /**
   * Tell the case's orchestration to re-plan. `closed`: the write left the case paid or cancelled (final): the
   * orchestration ends without planning again.
   */
  z.object({ kind: z.literal("case-changed"), reason: z.string(), closed: z.literal(true).optional() }),
]);
export type OutboxMessage = z.infer<typeof OutboxMessage>;

export const OutboxEntry = z.object({
  /** Unique within the case; derived from the message, so writing the same message twice keeps one entry. */
  entryId: z.string().regex(/^[a-f0-9]{32}$/),
  caseId: z.string(),
  tenantId: z.string(),
  createdAt: z.string(),
  message: OutboxMessage,
});
export type OutboxEntry = z.infer<typeof OutboxEntry>;

export const CaseRecord = z.object({
  schemaVersion: z.literal(1),
  caseId: z.string(),
  tenantId: z.string(),
  invoiceNumber: z.string(),
  customerId: z.string(),
  kid: z.string(),
  customer: CustomerDetails,
  case: Case,
  timeline: z.array(TimelineEntry),
  documents: z.array(DocumentRef),
  /** Idempotency of side effects: keys of SMS/letters already sent for this case (e.g. "step:0:lets-pay-sms"). */
  sentKeys: z.array(z.string()),
  /** Each letter's and message's way to the debtor (absent on records from before delivery was tracked). */
  deliveries: z.array(LetterDelivery).optional(),
  /**
   * The creditor's own PDF of the invoice (`PUT /api/v1/cases/{caseId}/invoice-document`; the bytes are in the
   * InvoiceDocumentStore): its SHA-256, size and when it came. Absent: Min side offers a generated copy instead.
   */
  invoiceDocument: z
    .object({ sha256: z.string().regex(/^[a-f0-9]{64}$/u), bytes: z.number().int().positive(), uploadedAt: z.string() })
    .optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /**
   * Outbox entries THIS write adds (see OutboxMessage): the store writes them with the case, atomically, as entries
   * of their own, and returns them on the record it wrote so the caller can relay them at once. A read never returns
   * any (a record as read has no `outbox`); pending entries are listed by `pendingOutbox`.
   */
  outbox: z.array(OutboxEntry).optional(),
});
export type CaseRecord = z.infer<typeof CaseRecord>;

export interface CaseListFilter {
  status?: CaseStatus;
  customerId?: string;
  /** Only cases holding credit the creditor made no choice for (refund or keep): `openCreditOf(record) > 0`. */
  openCredit?: boolean;
}

/** Credit (paid beyond what was owed, not refunded) the creditor has not chosen to keep, in minor units. */
export function openCreditOf(record: CaseRecord): number {
  const credit = balanceOf(record.case).credit.value;
  return Math.max(0, credit - (record.case.creditDecision?.amount.value ?? 0));
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
  /**
   * Throws CaseNotFound (code CASE_NOT_FOUND) when missing or another tenant's. `read`: the case as this store's
   * `get`/`getById`/`create`/`update` just returned it (or `relayOutbox` handed it on) — the store may then write
   * without reading it first; when it changed in between, the write is refused and the store reads and re-applies
   * `mutate` as usual. Pass it only when it is the caller's latest copy: an older one costs a refused write.
   * When `mutate` changes nothing (and adds nothing to the outbox), nothing is written.
   *
   * `relayed`: outbox entries of this case already carried out (a relay that left their removal to this write): they
   * are removed in the same write as the case (Cosmos DB: in its transactional batch), or on their own when there is
   * nothing to write. Removing an entry that is gone already (the sweep relayed and removed it) is no error.
   */
  update(
    tenantId: string,
    caseId: string,
    mutate: (current: CaseRecord) => CaseRecord | Promise<CaseRecord>,
    read?: CaseRecord,
    relayed?: readonly string[],
  ): Promise<CaseRecord>;
  findByKid(kid: string): Promise<CaseRecord | undefined>;
  list(
    tenantId: string,
    filter: CaseListFilter,
    page: { limit: number; continuationToken?: string },
  ): Promise<Page<CaseRecord>>;
  /**
   * Cases with service work (`serviceWorkOf`), across tenants: `pending` for the sweep (commands to send again, orders
   * to poll, reopens to escalate), `failed` for operators.
   */
  listCaseIdsWithServiceWork(
    work: ServiceWork,
    page: { limit: number; continuationToken?: string },
  ): Promise<Page<string>>;
  /** Cases not closed (open, on-hold, disputed), across tenants, for self-healing. */
  listActiveCaseIds(page: { limit: number; continuationToken?: string }): Promise<Page<string>>;
  /** Outbox entries not yet relayed that were written before `before` (ISO instant), across cases, oldest first. */
  pendingOutbox(before: string, page: { limit: number; continuationToken?: string }): Promise<Page<OutboxEntry>>;
  /** Removes relayed entries of one case; an entry already gone is no error. */
  removeOutbox(caseId: string, entryIds: readonly string[]): Promise<void>;
  /** `removeOutbox` for several cases at once (a batch relayed together), in as few requests as the store allows. */
  removeOutboxes(removals: ReadonlyArray<{ caseId: string; entryIds: readonly string[] }>): Promise<void>;
}

/**
 * A person's cases across creditors, by the national id the creditors sent (Min side, issue 15). Cross-partition in
 * Cosmos (one query on `customer.nationalId`); the stand-in answers it from an equality index. Newest first, at most
 * `limit`.
 */
export interface PersonCases {
  listByNationalId(nationalId: string, limit: number): Promise<CaseRecord[]>;
}

/** `pending`: a service command is not finished (suspending, reopening, escalated); `failed`: one failed. */
export type ServiceWork = "pending" | "failed";

/** What a case needs from the sweep or an operator for its services; null when nothing. Stores index it. */
export function serviceWorkOf(record: CaseRecord): ServiceWork | null {
  const states = record.case.services.map((s) => s.state);
  if (states.some((s) => s === "suspending" || s === "reopening" || s === "escalated")) return "pending";
  return states.includes("failed") ? "failed" : null;
}

/*
 * The CaseStore contract's own checks, which every adapter (memory, Cosmos) makes, so that they all refuse the same
 * mistakes. They belong to the port, not to one adapter: they state what `create` and `update` accept.
 */

/** The id must be the one derived from (tenantId, invoiceNumber): duplicate detection relies on it. */
export function assertDerivedId(record: CaseRecord): void {
  if (record.caseId !== caseIdFor(record.tenantId, record.invoiceNumber)) {
    throw new Error("CaseRecord.caseId must be caseIdFor(tenantId, invoiceNumber): duplicate detection relies on it");
  }
}

/** `update` may change anything but what identifies the case. */
export function assertSameIdentity(current: CaseRecord, next: CaseRecord): void {
  if (
    next.caseId !== current.caseId ||
    next.tenantId !== current.tenantId ||
    next.invoiceNumber !== current.invoiceNumber
  ) {
    throw new Error("CaseStore.update may not change caseId, tenantId or invoiceNumber");
  }
}
