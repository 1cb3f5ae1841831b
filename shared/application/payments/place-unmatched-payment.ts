/**
 * An operator places an unmatched payment on a case (`POST /api/v1/ops/unmatched-payments/{paymentId}/apply`): a
 * bank payment whose KID matched nothing, or money at the payment provider no attempt here knew. The payment is
 * applied through `applyIncomingPayment` with its own reference (idempotent: a repeat credits nothing more), then the
 * list entry is marked matched to that case. Money held at the provider but not yet captured is captured first (the
 * provider's idempotency key makes a retry the same capture).
 *
 *   unknown payment id                          → PAYMENT_NOT_FOUND (404)
 *   already placed                              → PAYMENT_ALREADY_PLACED_CONFLICT (409), nothing credited again
 *   a reversal, nothing to place, wrong currency → 422 (a business rule)
 */
import { DomainError } from "../../domain/errors";
import type { Money } from "../../domain/money";
import type { BankPayment, BankPaymentStore } from "../../ports/bank-payment-store";
import type { PaymentProvider } from "../../ports/payment-provider";
import { CaseNotFound } from "../../ports/errors";
import type { CaseActionDeps } from "../apply-case-event";
import { applyIncomingPayment } from "./apply-payment";
import { RefundExceedsCaptured } from "./overpayments";

export interface PlaceUnmatchedPaymentDeps extends CaseActionDeps {
  bankPayments: BankPaymentStore;
  paymentProvider?: PaymentProvider;
}

export class PaymentNotFound extends DomainError {
  readonly code = "PAYMENT_NOT_FOUND";
  constructor(paymentId: string) {
    super(`No unmatched payment ${paymentId}`, { paymentId });
  }
}

export class PaymentAlreadyPlaced extends DomainError {
  readonly code = "PAYMENT_ALREADY_PLACED_CONFLICT";
  override readonly title = "Already placed";
  constructor(paymentId: string, caseId: string) {
    super(`Payment ${paymentId} is already placed on case ${caseId}`, { paymentId, caseId });
  }
}

export class PaymentNotPlaceable extends DomainError {
  readonly code = "PAYMENT_NOT_PLACEABLE";
  override readonly title = "This payment cannot be placed on a case";
}

export interface PlacedPayment {
  paymentId: string;
  tenantId: string;
  caseId: string;
  amount: Money;
  /** False when the case already had this payment (a repeat after a crash): nothing was credited again. */
  applied: boolean;
}

export function makePlaceUnmatchedPayment(deps: PlaceUnmatchedPaymentDeps) {
  return async (paymentId: string, target: { tenantId: string; caseId: string }): Promise<PlacedPayment> => {
    const payment = await deps.bankPayments.get(paymentId);
    if (!payment) throw new PaymentNotFound(paymentId);
    if (payment.status === "matched") throw new PaymentAlreadyPlaced(paymentId, payment.caseId);
    if (payment.status === "refunded")
      throw new PaymentAlreadyRefunded(`Payment ${paymentId} was refunded, not placed`, { paymentId });
    if (payment.why === "reversal" || payment.amount.value <= 0)
      throw new PaymentNotPlaceable("A reversal or an amount of zero or less is not a payment to place on a case.");
    const record = await deps.cases.get(target.tenantId, target.caseId);
    if (!record) throw new CaseNotFound(target.caseId);
    if (record.case.currency !== payment.amount.currency)
      throw new PaymentNotPlaceable(
        `The payment is in ${payment.amount.currency}, the case in ${record.case.currency}.`,
      );
    const provider = payment.why === "unknown-provider-payment";
    const reference = provider ? (payment.details?.["reference"] ?? paymentId) : paymentId;
    const amount = provider ? await capturedAtProvider(deps, payment, reference) : payment.amount;
    const { applied } = await applyIncomingPayment(deps, {
      tenantId: target.tenantId,
      caseId: target.caseId,
      reference,
      channel: provider ? (payment.details?.["provider"] === "card" ? "card" : "vipps") : "kid",
      amount,
      receivedOn: payment.paidOn,
      details: { source: payment.source, placedBy: "operator" },
    });
    const { why: _why, status: _status, ...common } = payment;
    const matched: BankPayment = {
      ...common,
      amount,
      status: "matched",
      tenantId: target.tenantId,
      caseId: target.caseId,
      recordedAt: deps.clock.now().toISOString(),
    };
    await deps.bankPayments.record(matched);
    return { paymentId, tenantId: target.tenantId, caseId: target.caseId, amount, applied };
  };
}

/** What the provider has captured for the reference, capturing what is only authorized first. */
async function capturedAtProvider(
  deps: PlaceUnmatchedPaymentDeps,
  payment: BankPayment,
  reference: string,
): Promise<Money> {
  const provider = deps.paymentProvider;
  if (!provider) throw new PaymentNotPlaceable("No payment provider is configured to capture this payment.");
  let held = await provider.get(reference);
  const open = held.authorized.value - held.captured.value - held.cancelled.value;
  if (open > 0) {
    held = await provider.capture(reference, { value: open, currency: held.amount.currency }, `${reference}-capture`);
  }
  const captured = held.captured.value - held.refunded.value;
  if (captured <= 0) throw new PaymentNotPlaceable(`The provider holds no captured money for ${payment.paymentId}.`);
  return { value: captured, currency: held.amount.currency };
}

export class PaymentAlreadyRefunded extends DomainError {
  readonly code = "PAYMENT_ALREADY_REFUNDED_CONFLICT";
  override readonly title = "Already refunded";
}

export interface RefundedPayment {
  paymentId: string;
  refunded: Money;
  via: "provider" | "bank-transfer";
}

/**
 * An operator sends an unmatched payment back instead of placing it (`POST /api/v1/ops/unmatched-payments/{id}/refund`):
 * money at the payment provider is refunded there (what is only authorized is cancelled), with idempotency keys
 * derived from the reference, so a retry after a lost answer refunds once; a bank payment is paid back by the
 * operator's bank and recorded (`method: bank-transfer`). The entry leaves the unmatched list as `refunded`.
 *
 *   more than the provider captured and did not refund  → REFUND_EXCEEDS_CAPTURED (422)
 *   a bank payment without `bank-transfer`               → PAYMENT_NOT_PLACEABLE (422)
 *   placed on a case already / refunded already          → 409
 */
export function makeRefundUnmatchedPayment(deps: PlaceUnmatchedPaymentDeps) {
  return async (
    paymentId: string,
    input: { amount?: Money; method?: "provider" | "bank-transfer" },
  ): Promise<RefundedPayment> => {
    const payment = await deps.bankPayments.get(paymentId);
    if (!payment) throw new PaymentNotFound(paymentId);
    if (payment.status === "matched") throw new PaymentAlreadyPlaced(paymentId, payment.caseId);
    if (payment.status === "refunded")
      throw new PaymentAlreadyRefunded(`Payment ${paymentId} was refunded already`, { paymentId });
    const provider = payment.why === "unknown-provider-payment";
    const method = input.method ?? (provider ? "provider" : undefined);
    if (method === undefined)
      throw new PaymentNotPlaceable(
        "A bank payment goes back by bank transfer: pay it back from the client account and record it with method bank-transfer.",
      );
    let refunded: Money;
    if (method === "provider") {
      if (!provider) throw new PaymentNotPlaceable("Only money held at the payment provider can be refunded there.");
      refunded = await refundAtProvider(deps, payment, payment.details?.["reference"] ?? paymentId, input.amount);
    } else {
      refunded = input.amount ?? payment.amount;
      if (refunded.currency !== payment.amount.currency || refunded.value > payment.amount.value)
        throw new RefundExceedsCaptured(`More than the ${payment.amount.value} received`, { amount: refunded });
    }
    const { why, status: _status, ...common } = payment;
    await deps.bankPayments.record({
      ...common,
      why,
      status: "refunded",
      refunded,
      via: method,
      recordedAt: deps.clock.now().toISOString(),
    });
    return { paymentId, refunded, via: method };
  };
}

/** Cancels what is only authorized, refunds `amount` (default: all) of what is captured; what went back in total. */
async function refundAtProvider(
  deps: PlaceUnmatchedPaymentDeps,
  payment: BankPayment,
  reference: string,
  amount: Money | undefined,
): Promise<Money> {
  const provider = deps.paymentProvider;
  if (!provider) throw new PaymentNotPlaceable("No payment provider is configured to refund this payment.");
  let held = await provider.get(reference);
  const open = held.authorized.value - held.captured.value - held.cancelled.value;
  if (open > 0 && held.captured.value === 0) {
    // Nothing captured: cancelling the authorization releases the debtor's money.
    held = await provider.cancel(reference, `${reference}-cancel`);
    return { value: open, currency: held.amount.currency };
  }
  const left = held.captured.value - held.refunded.value;
  const value = amount?.value ?? left;
  if (amount !== undefined && amount.currency !== held.amount.currency)
    throw new PaymentNotPlaceable(`The payment is in ${held.amount.currency}.`);
  if (value <= 0 || value > left)
    throw new RefundExceedsCaptured(
      `The provider holds ${String(left)} (minor units) captured and not refunded for ${payment.paymentId}; ${String(value)} asked`,
      { paymentId: payment.paymentId },
    );
  await provider.refund(reference, { value, currency: held.amount.currency }, `${reference}-refund`);
  if (open > 0) await provider.cancel(reference, `${reference}-cancel`);
  return { value, currency: held.amount.currency };
}
