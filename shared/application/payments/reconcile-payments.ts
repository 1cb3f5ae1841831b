/**
 * Payments whose webhook never came: the provider is asked directly, and what it says is queued as an event for the
 * `payments` trigger (applying stays in one place). Used by the receipt page while the debtor waits, and by a sweep
 * every few minutes for the debtors who closed the browser — so an authorized payment is always captured and applied
 * (an uncaptured authorization would lapse), and a crash between capture and apply is finished.
 */
import type { Clock } from "../../ports/clock";
import type { PaymentAttempt, PaymentAttemptStore } from "../../ports/payment-attempt-store";
import type { PaymentProvider } from "../../ports/payment-provider";
import type { PaymentQueue } from "../../ports/payment-queue";
import { providerEventId } from "./provider-callback";

export interface ReconcileDeps {
  paymentAttempts: PaymentAttemptStore;
  paymentProvider?: PaymentProvider;
  paymentQueue: PaymentQueue;
  clock: Clock;
}

/**
 * Asks the provider about one attempt; queues an event when the provider has moved on from CREATED. Returns the
 * event word queued, or undefined. The message id carries the time bucket so a later poll is not dropped as a
 * duplicate of an earlier one that changed nothing.
 */
export async function pollProvider(
  deps: ReconcileDeps,
  attempt: PaymentAttempt,
  bucket: string,
): Promise<string | undefined> {
  if (!deps.paymentProvider) return undefined;
  const payment = await deps.paymentProvider.get(attempt.reference);
  if (payment.state === "CREATED") return undefined;
  // AUTHORIZED is Vipps' state both while the money waits to be captured and after a cancel of an uncaptured
  // authorization (its aggregate then has a cancelledAmount): the latter is queued as CANCELLED, an attempt that is over.
  const name =
    payment.state === "AUTHORIZED"
      ? payment.captured.value > 0
        ? "CAPTURED"
        : payment.cancelled.value > 0
          ? "CANCELLED"
          : "AUTHORIZED"
      : payment.state;
  const event = {
    provider: "vipps" as const,
    reference: attempt.reference,
    name,
    ...(payment.pspReference ? { pspReference: payment.pspReference } : {}),
  };
  await deps.paymentQueue.enqueue([
    {
      kind: "provider-event",
      id: `${providerEventId(event)}:poll:${bucket}`,
      receivedAt: deps.clock.now().toISOString(),
      event,
    },
  ]);
  return name;
}

export interface ReconcileReport {
  checked: number;
  queued: number;
  errors: number;
}

/** Attempts older than this are left to the webhook for now (the debtor is probably still in the app). */
const GRACE_MS = 2 * 60_000;
/** Older than this, the provider has long expired or settled them; they are no longer swept. */
const HORIZON_MS = 7 * 24 * 60 * 60_000;

export function makeReconcilePayments(deps: ReconcileDeps, options: { limit?: number } = {}) {
  return async (): Promise<ReconcileReport> => {
    const now = deps.clock.now().getTime();
    const attempts = await deps.paymentAttempts.listUnsettled({
      createdAfter: new Date(now - HORIZON_MS).toISOString(),
      createdBefore: new Date(now - GRACE_MS).toISOString(),
      limit: options.limit ?? 200,
    });
    const bucket = new Date(Math.floor(now / 60_000) * 60_000).toISOString();
    const report: ReconcileReport = { checked: attempts.length, queued: 0, errors: 0 };
    for (const attempt of attempts) {
      try {
        if (await pollProvider(deps, attempt, bucket)) report.queued += 1;
      } catch {
        report.errors += 1;
      }
    }
    return report;
  };
}
