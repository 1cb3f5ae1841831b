/**
 * The last SMS a creditor's ladder sent one debtor (issue 20: one message per debtor at a time): one small document per
 * (tenant, debtor), read before a step sends an SMS and written — with optimistic concurrency — by the step that
 * takes the debtor's next SMS. The debtor is identified by a hash (`debtorKey`), never by the national id or phone
 * itself; what a document holds is case ids, step keys, invoice numbers and amounts — no personal data.
 */
import { z } from "zod";
import { Money } from "../domain/money";
import { StepKind } from "../domain/policy";

/** One ladder step whose SMS the debtor's next SMS carries (the one that sends it, or one coalesced into it). */
export const CoalescedStep = z.object({
  caseId: z.string(),
  /** The step's stable key on its case (`step:{index}:{kind}`). */
  key: z.string(),
  kind: StepKind,
  invoiceNumber: z.string(),
  /** What the message says is due for the invoice (a letter's amount includes its fee). */
  amount: Money,
});
export type CoalescedStep = z.infer<typeof CoalescedStep>;

export const DebtorContact = z.object({
  schemaVersion: z.literal(1),
  /** `debtorKey(tenantId, debtor)`: SHA-256 hex. */
  id: z.string(),
  tenantId: z.string(),
  lastSms: z.object({
    /** When the step that sends it took the slot (ISO instant). */
    at: z.string(),
    /** The step that sends the SMS (its idempotency key is that step's). */
    sender: CoalescedStep,
    /** Every step the SMS speaks for, the sender's first. */
    steps: z.array(CoalescedStep).min(1),
  }),
});
export type DebtorContact = z.infer<typeof DebtorContact>;

/** A document as read, with the version a write must match. */
export interface VersionedDebtorContact {
  contact: DebtorContact;
  etag: string;
}

export interface DebtorContactStore {
  get(id: string): Promise<VersionedDebtorContact | undefined>;
  /**
   * Writes `contact` only if the stored one is still at `etag` (null: only if there is none yet): the new etag, or
   * null when another writer came first (read again and decide again).
   */
  put(contact: DebtorContact, etag: string | null): Promise<string | null>;
  /** Removes the document if it is still at `etag` (a slot taken by a step that then sent nothing); else nothing. */
  remove(id: string, etag: string): Promise<void>;
}
