/**
 * What the payment provider's settlement ledger says happened to the money, read as a feed from a cursor: every
 * capture and refund on our merchant account — also those for payments this installation has no record of (a store
 * rolled back after a crash, a payment started elsewhere), which the ePayment API cannot list. The reconcile sweep
 * reads it to find such money (shared/application/payments/sweep-provider-ledger.ts).
 */
import type { Money } from "../domain/money";

export interface LedgerEntry {
  /** The payment's reference (the ePayment `reference` we chose when we created it). */
  reference: string;
  /** The provider's id of this one movement (one capture, one refund). */
  pspReference: string;
  kind: "capture" | "refund" | "other";
  /** Minor units, signed as the ledger books it: a capture is positive, a refund negative. */
  amount: Money;
  /** When it happened (ISO instant). */
  at: string;
}

export interface LedgerFeedPage {
  entries: LedgerEntry[];
  /** Where to read on from next time: opaque, never empty (kept even when nothing came). */
  cursor: string;
  /** More entries are waiting now; false when the feed has caught up (ask again later with `cursor`). */
  more: boolean;
}

export interface PaymentLedgerFeed {
  /** The provider's name, as in its events and in unmatched entries (`{provider}:{reference}`). */
  readonly provider: "vipps";
  /** The entries after `cursor` (from the beginning of the ledger without one). */
  read(cursor?: string): Promise<LedgerFeedPage>;
}

/**
 * Where the sweep remembers its position in a feed. Durable; a store rolled back to an older position only makes the
 * sweep read entries again, which it skips (they are known, or listed already).
 */
export interface LedgerCursorStore {
  get(feed: string): Promise<string | undefined>;
  save(feed: string, cursor: string): Promise<void>;
}
