/**
 * One payment a debtor started from a pay link: what it pays (which cases, how much each), through which provider,
 * and how far it got. Keyed by our provider reference, which is also the idempotency key of everything done with it.
 */
import type { AllocationPart } from "../domain/allocation";
import type { LocalDate } from "../domain/calendar";
import type { Money } from "../domain/money";
import type { PaymentMethod } from "./payment-provider";

/** What the debtor chose on the pay page (Betal nå). */
export type PayOptionKind = "full" | "instalment" | "reopen" | "custom";

/**
 *   created ──authorized──► authorized ──capture──► captured ──applied to every case──► applied
 *      └──aborted / expired / terminated──► failed
 */
export type PaymentAttemptState = "created" | "authorized" | "captured" | "applied" | "failed";

export interface PaymentAttemptPart {
  caseId: string;
  amount: Money;
}

export interface PaymentAttempt {
  schemaVersion: 1;
  /** Our provider reference (`^[a-zA-Z0-9-]{8,50}$`); the document id. */
  reference: string;
  provider: "vipps";
  method: PaymentMethod;
  tenantId: string;
  /** The pay link it was started from (its token hash), so the receipt page only answers for that link. */
  tokenHash: string;
  option: PayOptionKind;
  amount: Money;
  /** How the amount is split over the link's cases (oldest due date first); the parts add up to `amount`. */
  parts: PaymentAttemptPart[];
  /** The debtor's choice of what a partial payment covers; the creditor's order otherwise. */
  allocationOrder?: AllocationPart[];
  /** The day the debtor committed to pay (Europe/Oslo for NO): the payment's value date on the ledger. */
  valueDate: LocalDate;
  state: PaymentAttemptState;
  /** The provider's last state word and why it failed, when it did. */
  providerState?: string;
  failureReason?: string;
  /** Case ids the payment has been applied to (applying is per case and idempotent). */
  appliedTo: string[];
  createdAt: string;
  updatedAt: string;
}

export interface PaymentAttemptStore {
  /** Throws when the reference exists (references are random: a clash is a bug). */
  create(attempt: PaymentAttempt): Promise<void>;
  get(reference: string): Promise<PaymentAttempt | undefined>;
  /** Optimistic concurrency: `mutate` may run again on a concurrent write. Throws when missing. */
  update(reference: string, mutate: (current: PaymentAttempt) => PaymentAttempt): Promise<PaymentAttempt>;
  /**
   * Attempts not yet applied nor failed (created, authorized, captured) created in [createdAfter, createdBefore),
   * oldest first, at most `limit` — what the reconciliation sweep asks the provider about.
   */
  listUnsettled(window: { createdAfter: string; createdBefore: string; limit: number }): Promise<PaymentAttempt[]>;
}
