/**
 * Applies a provider event from the `payments` queue. The webhook says only THAT something happened; what happened
 * is read back from the provider (`get`), so a forged or reordered event cannot credit money that was not paid:
 *
 *   AUTHORIZED or CAPTURED (in any order, any number of times)
 *       → capture (AUTHORIZED) or read the payment; capture what is authorized and not yet captured (idempotency key
 *         `{reference}-capture`);
 *         once the whole amount is captured, apply each part to its case (idempotent per case on the reference),
 *         then mark the attempt applied.
 *   ABORTED, EXPIRED, TERMINATED, CANCELLED → the attempt failed (unless it was already applied): the receipt says so.
 *   A payment Vipps reads as AUTHORIZED with a cancelled amount (cancelled after authorization, e.g. on the portal:
 *   Vipps keeps the state AUTHORIZED and sets `aggregate.cancelledAmount`) is over too: the attempt failed as
 *   CANCELLED, and the pay page lets the debtor try again.
 *   CREATED, REFUNDED → recorded on the attempt only.
 *
 * Throws on transient failure (provider or store unreachable): the queue redelivers, and every step is idempotent.
 */
import { DomainError } from "../../domain/errors";
import type { PaymentAttempt, PaymentAttemptStore } from "../../ports/payment-attempt-store";
import { PaymentProviderRejected, type PaymentProvider, type ProviderPayment } from "../../ports/payment-provider";
import type { ProviderEventMessage } from "../../ports/payment-queue";
import type { BankPaymentStore } from "../../ports/bank-payment-store";
import type { Money } from "../../domain/money";
import { toLocalDate } from "../../domain/calendar";
import type { CaseActionDeps } from "../apply-case-event";
import { applyIncomingPayment } from "./apply-payment";

export interface ApplyProviderEventDeps extends CaseActionDeps {
  paymentAttempts: PaymentAttemptStore;
  paymentProvider?: PaymentProvider;
  /** Where money the provider holds for a reference nobody here started is listed for operators. */
  bankPayments?: BankPaymentStore;
}

export type ProviderEventOutcome =
  | { outcome: "applied"; reference: string; caseIds: string[] }
  | { outcome: "already-applied"; reference: string }
  | { outcome: "waiting"; reference: string; state: string }
  | { outcome: "failed"; reference: string; state: string }
  | { outcome: "ignored"; reference: string; why: string }
  /** Money at the provider for a reference no attempt here knows: listed for operators (never silently dropped). */
  | { outcome: "unmatched"; reference: string; amount: Money; state: string };

/** The provider is not configured but an event arrived → the message is retried and finally dead-lettered. */
export class ProviderNotConfigured extends DomainError {
  readonly code = "PROVIDER_NOT_CONFIGURED";
}

export const FAILED_EVENTS: ReadonlySet<string> = new Set(["ABORTED", "EXPIRED", "TERMINATED", "CANCELLED"]);
export const MONEY_EVENTS: ReadonlySet<string> = new Set(["AUTHORIZED", "CAPTURED"]);

function touch(attempt: PaymentAttempt, now: Date, change: Partial<PaymentAttempt>): PaymentAttempt {
  return { ...attempt, ...change, updatedAt: now.toISOString() };
}

export function makeApplyProviderEvent(deps: ApplyProviderEventDeps) {
  return async (message: ProviderEventMessage): Promise<ProviderEventOutcome> => {
    const { reference, name } = message.event;
    const attempt = await deps.paymentAttempts.get(reference);
    if (!attempt) return unknownReference(deps, message);
    if (attempt.state === "applied") return { outcome: "already-applied", reference };

    if (FAILED_EVENTS.has(name)) {
      await deps.paymentAttempts.update(
        reference,
        (a) =>
          a.state === "applied" || a.state === "captured"
            ? a
            : touch(a, deps.clock.now(), { state: "failed", providerState: name, failureReason: name.toLowerCase() }),
        attempt,
      );
      return { outcome: "failed", reference, state: name };
    }
    if (!MONEY_EVENTS.has(name)) return { outcome: "ignored", reference, why: `event ${name} moves no money` };

    const provider = deps.paymentProvider;
    if (!provider) throw new ProviderNotConfigured("A payment event arrived but no payment provider is configured");
    // AUTHORIZED: capture straight away (one call instead of read-then-capture); the provider refuses a capture of a
    // payment that is not authorized, and then we read what it is. The idempotency key makes every retry the same capture.
    let payment: ProviderPayment;
    if (name === "AUTHORIZED") {
      try {
        payment = await provider.capture(reference, attempt.amount, `${reference}-capture`);
      } catch (error) {
        if (!(error instanceof PaymentProviderRejected)) throw error;
        payment = await provider.get(reference);
      }
    } else {
      payment = await provider.get(reference);
    }
    if (payment.amount.currency !== attempt.amount.currency || payment.amount.value !== attempt.amount.value) {
      // The provider's payment is not the one we asked for: never credit it; an operator must look.
      throw new Error(`Payment ${reference}: the provider's amount differs from the attempt's`);
    }
    if (payment.state !== "AUTHORIZED") {
      if (payment.state === "CREATED") return { outcome: "waiting", reference, state: payment.state };
      await deps.paymentAttempts.update(
        reference,
        (a) =>
          a.state === "applied"
            ? a
            : touch(a, deps.clock.now(), {
                state: "failed",
                providerState: payment.state,
                failureReason: payment.state.toLowerCase(),
              }),
        attempt,
      );
      return { outcome: "failed", reference, state: payment.state };
    }
    if (payment.cancelled.value > 0 && payment.captured.value < attempt.amount.value) {
      // Cancelled after authorization: Vipps leaves the state AUTHORIZED and releases the rest (cancel.md, "Cancel after
      // Authorization"); nothing more can be captured. Part captured before the cancel is money we hold but cannot
      // apply as this attempt asked: an operator must look (the message is retried, then dead-lettered).
      if (payment.captured.value > 0)
        throw new Error(
          `Payment ${reference}: cancelled after a partial capture; an operator must place the captured part`,
        );
      await deps.paymentAttempts.update(
        reference,
        (a) =>
          a.state === "applied"
            ? a
            : touch(a, deps.clock.now(), { state: "failed", providerState: "CANCELLED", failureReason: "cancelled" }),
        attempt,
      );
      return { outcome: "failed", reference, state: "CANCELLED" };
    }
    const open = payment.authorized.value - payment.captured.value - payment.cancelled.value;
    if (payment.captured.value < attempt.amount.value && open > 0) {
      const toCapture = {
        value: Math.min(open, attempt.amount.value - payment.captured.value),
        currency: attempt.amount.currency,
      };
      payment = await provider.capture(reference, toCapture, `${reference}-capture`);
    }
    if (payment.captured.value < attempt.amount.value) {
      await deps.paymentAttempts.update(
        reference,
        (a) => touch(a, deps.clock.now(), { state: "authorized", providerState: payment.state }),
        attempt,
      );
      return { outcome: "waiting", reference, state: "authorized" };
    }
    // Captured in full. Not recorded separately: if applying stops half-way, the next delivery (or the sweep) reads
    // the captured payment again and finishes — applying is idempotent per case.

    const appliedTo: string[] = [];
    for (const part of attempt.parts) {
      await applyIncomingPayment(deps, {
        tenantId: attempt.tenantId,
        caseId: part.caseId,
        reference,
        channel: attempt.method,
        amount: part.amount,
        receivedOn: attempt.valueDate,
        ...(attempt.allocationOrder ? { allocationOrder: attempt.allocationOrder } : {}),
        details: { option: attempt.option, ...(payment.pspReference ? { pspReference: payment.pspReference } : {}) },
      });
      appliedTo.push(part.caseId);
    }
    // The attempt as read above: written without reading it again (a change since then costs a re-read, as before).
    await deps.paymentAttempts.update(
      reference,
      (a) => touch(a, deps.clock.now(), { state: "applied", providerState: "CAPTURED", appliedTo }),
      attempt,
    );
    return { outcome: "applied", reference, caseIds: appliedTo };
  };
}

/**
 * A money event for a reference no attempt here knows. What the provider holds for it decides: money authorized or
 * captured is listed as unmatched for an operator to place on a case or refund (one entry per reference, recording
 * it again replaces it); nothing held (or no provider/list configured) is ignored.
 */
async function unknownReference(
  deps: ApplyProviderEventDeps,
  message: ProviderEventMessage,
): Promise<ProviderEventOutcome> {
  const { reference, name, provider: providerName } = message.event;
  const ignored = { outcome: "ignored" as const, reference, why: "no payment with this reference was started here" };
  if (!MONEY_EVENTS.has(name) || !deps.paymentProvider || !deps.bankPayments) return ignored;
  let payment: ProviderPayment;
  try {
    payment = await deps.paymentProvider.get(reference);
  } catch (error) {
    if (error instanceof PaymentProviderRejected) return ignored; // the provider does not know it either
    throw error;
  }
  const held = Math.max(payment.captured.value, payment.authorized.value - payment.cancelled.value);
  if (held <= 0) return ignored;
  const amount: Money = { value: held, currency: payment.amount.currency };
  const now = deps.clock.now().toISOString();
  await deps.bankPayments.record({
    schemaVersion: 1,
    status: "unmatched",
    why: "unknown-provider-payment",
    paymentId: `${providerName}:${reference}`,
    kid: "",
    amount,
    paidOn: toLocalDate(deps.clock.now(), "Europe/Oslo"),
    source: providerName,
    importedAt: message.receivedAt,
    recordedAt: now,
    details: {
      provider: providerName,
      reference,
      state: payment.state,
      authorized: String(payment.authorized.value),
      captured: String(payment.captured.value),
      ...(payment.pspReference ? { pspReference: payment.pspReference } : {}),
    },
  });
  return { outcome: "unmatched", reference, amount, state: payment.state };
}
