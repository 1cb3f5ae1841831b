/**
 * One payment a debtor started from a pay link: what it pays (which cases, how much each), through which provider,
 * and how far it got. Keyed by our provider reference, which is also the idempotency key of everything done with it.
 */
import { z } from "zod";
import { AllocationPart } from "../domain/allocation";
import { LocalDate } from "../domain/calendar";
import { Money } from "../domain/money";
import { PaymentMethod } from "./payment-provider";

/** What the debtor chose on the pay page (Betal nå). */
export const PayOptionKind = z.enum(["full", "instalment", "reopen", "custom"]);
export type PayOptionKind = z.infer<typeof PayOptionKind>;

/**
 *   created ──authorized──► authorized ──capture──► captured ──applied to every case──► applied
 *      └──aborted / expired / terminated──► failed
 */
export const PaymentAttemptState = z.enum(["created", "authorized", "captured", "applied", "failed"]);
export type PaymentAttemptState = z.infer<typeof PaymentAttemptState>;

export const PaymentAttemptPart = z.object({
  caseId: z.string(),
  amount: Money,
});
export type PaymentAttemptPart = z.infer<typeof PaymentAttemptPart>;

/** The attempt as stored (the adapter decodes what it reads with this schema). */
export const PaymentAttempt = z.object({
  schemaVersion: z.literal(1),
  /** Our provider reference (`^[a-zA-Z0-9-]{8,50}$`); the document id. */
  reference: z.string(),
  provider: z.literal("vipps"),
  method: PaymentMethod,
  tenantId: z.string(),
  /** The pay link it was started from (its token hash), so the receipt page only answers for that link. */
  tokenHash: z.string(),
  option: PayOptionKind,
  amount: Money,
  /** How the amount is split over the link's cases (oldest due date first); the parts add up to `amount`. */
  parts: z.array(PaymentAttemptPart),
  /** The debtor's choice of what a partial payment covers; the creditor's order otherwise. */
  allocationOrder: z.array(AllocationPart).optional(),
  /** The day the debtor committed to pay (Europe/Oslo for NO): the payment's value date on the ledger. */
  valueDate: LocalDate,
  state: PaymentAttemptState,
  /** The provider's last state word and why it failed, when it did. */
  providerState: z.string().optional(),
  failureReason: z.string().optional(),
  /** Case ids the payment has been applied to (applying is per case and idempotent). */
  appliedTo: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type PaymentAttempt = z.infer<typeof PaymentAttempt>;

export interface PaymentAttemptStore {
  /** Throws when the reference exists (references are random: a clash is a bug). */
  create(attempt: PaymentAttempt): Promise<void>;
  get(reference: string): Promise<PaymentAttempt | undefined>;
  /**
   * Optimistic concurrency: `mutate` may run again on a concurrent write. Throws when missing. `read`: the attempt as
   * this store's `get` or `update` just returned it — the store may then write without reading it again (when it
   * changed in between, the write is refused and the store reads and re-applies as usual).
   */
  update(
    reference: string,
    mutate: (current: PaymentAttempt) => PaymentAttempt,
    read?: PaymentAttempt,
  ): Promise<PaymentAttempt>;
  /**
   * Attempts not yet applied nor failed (created, authorized, captured) created in [createdAfter, createdBefore),
   * oldest first, at most `limit` — what the reconciliation sweep asks the provider about.
   */
  listUnsettled(window: { createdAfter: string; createdBefore: string; limit: number }): Promise<PaymentAttempt[]>;
}
