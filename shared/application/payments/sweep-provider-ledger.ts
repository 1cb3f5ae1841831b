/**
 * Money at the provider that no payment attempt here knows, found without waiting for a callback: the provider's
 * settlement ledger (a feed of every capture and refund on our merchant account) is read on from where the last
 * sweep stopped, and each capture whose reference has no payment attempt and is not on the unmatched list yet is
 * queued as a CAPTURED event for the `payments` trigger — the same path a callback takes (apply-provider-event.ts:
 * the provider is asked what it holds, the money is listed as `unknown-provider-payment`, and the handler traces
 * `payment.unmatched_provider_payment`). This closes the gap a store rollback leaves: a payment captured and applied
 * before the rollback, whose callback was answered then, is otherwise never seen again.
 *
 * The position is saved after each page is queued. A cursor store rolled back with the rest only makes the sweep
 * read entries again: those known (an attempt, or already listed) are skipped; the message id carries the minute,
 * so a re-read that does queue one again is not dropped as a duplicate of a message that did not survive.
 */
import type { BankPaymentStore } from "../../ports/bank-payment-store";
import type { Clock } from "../../ports/clock";
import type { LedgerCursorStore, PaymentLedgerFeed } from "../../ports/payment-ledger-feed";
import type { PaymentAttemptStore } from "../../ports/payment-attempt-store";
import type { PaymentQueue, ProviderEventMessage } from "../../ports/payment-queue";
import { providerEventId } from "./provider-callback";

export interface LedgerSweepDeps {
  /** The provider's ledger feed; undefined when the provider is not configured (nothing to sweep). */
  ledgerFeed?: PaymentLedgerFeed;
  ledgerCursors?: LedgerCursorStore;
  paymentAttempts: PaymentAttemptStore;
  bankPayments: BankPaymentStore;
  paymentQueue: PaymentQueue;
  clock: Clock;
}

/** Counts only (no references: the log must not carry payment data). */
export interface LedgerSweepReport {
  /** Ledger entries read in this run (every kind). */
  read: number;
  /** Captures among them. */
  captures: number;
  /** Captures for a reference no attempt knows and not listed yet: queued to be listed as unmatched. */
  queued: number;
}

/** Pages per run (Vipps gives up to 1000 entries a page): the next run reads on from there. */
const MAX_PAGES = 5;

export function makeSweepProviderLedger(deps: LedgerSweepDeps, options: { maxPages?: number } = {}) {
  return async (): Promise<LedgerSweepReport> => {
    const report: LedgerSweepReport = { read: 0, captures: 0, queued: 0 };
    const feed = deps.ledgerFeed;
    const cursors = deps.ledgerCursors;
    if (!feed || !cursors) return report;
    const now = deps.clock.now();
    const bucket = new Date(Math.floor(now.getTime() / 60_000) * 60_000).toISOString();
    const seen = new Set<string>();
    let cursor = await cursors.get(feed.provider);
    for (let page = 0; page < (options.maxPages ?? MAX_PAGES); page++) {
      const { entries, cursor: next, more } = await feed.read(cursor);
      const messages: ProviderEventMessage[] = [];
      for (const entry of entries) {
        report.read += 1;
        if (entry.kind !== "capture") continue;
        report.captures += 1;
        if (seen.has(entry.reference)) continue; // a payment captured in parts: one look is enough
        seen.add(entry.reference);
        if (await deps.paymentAttempts.get(entry.reference)) continue;
        if (await deps.bankPayments.get(`${feed.provider}:${entry.reference}`)) continue;
        const event = {
          provider: feed.provider,
          reference: entry.reference,
          name: "CAPTURED",
          pspReference: entry.pspReference,
        };
        messages.push({
          kind: "provider-event",
          id: `${providerEventId(event)}:ledger:${bucket}`,
          receivedAt: now.toISOString(),
          event,
        });
      }
      if (messages.length > 0) await deps.paymentQueue.enqueue(messages);
      report.queued += messages.length;
      if (next && next !== cursor) await cursors.save(feed.provider, next);
      cursor = next || cursor;
      if (!more) break;
    }
    return report;
  };
}
