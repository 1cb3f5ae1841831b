/**
 * Overpayments: money a debtor paid beyond what was owed (two tabs both paying, a bank payment after a Vipps payment,
 * a payment on a cancelled case). The case keeps it as credit (the domain's `balanceOf().credit`); the creditor
 * chooses, per case, to REFUND it or to KEEP it for the debtor. Until then the case is on the overpayment list.
 *
 * A refund goes back the way the money came when it came through the payment provider (Vipps/card: the provider's
 * refund of that payment, with an idempotency key derived from the refund's reference, so a retry after a lost
 * answer or a crash refunds once); a creditor who paid the debtor back by bank transfer records that instead.
 * The order is provider first, ledger second: a crash in between is healed by the retry (same key → same refund at
 * the provider; the ledger entry is then written). A reference already on the ledger is the same refund again:
 * answered with the case as it is, nothing sent.
 *
 *   the case holds no credit                            → NO_CREDIT_TO_REFUND (422)
 *   more than the case's credit                         → REFUND_EXCEEDS_CREDIT (422)
 *   more than what the provider payment still holds     → REFUND_EXCEEDS_CAPTURED (422)
 *   no provider payment on the case to refund through   → NO_PROVIDER_PAYMENT (422: record a bank transfer instead)
 *   no payment provider configured                      → PAYMENT_PROVIDER_NOT_CONFIGURED (422)
 *   keep credit on a case without credit                → 409 (CASE_ACTION_NOT_ALLOWED)
 */
import { createHash } from "node:crypto";
import { balanceOf, RefundExceedsCredit, type Case, type LedgerEntry } from "../../domain/case";
import type { LocalDate } from "../../domain/calendar";
import { DomainError } from "../../domain/errors";
import { formatMoney, money, type Money } from "../../domain/money";
import type { CaseRecord, Page } from "../../ports/case-store";
import { CaseNotFound, TenantNotFound } from "../../ports/errors";
import { PaymentProviderRejected, type PaymentProvider } from "../../ports/payment-provider";
import { applyCaseAction, type CaseActionDeps } from "../apply-case-event";
import { caseEvent } from "../case-context";
import { toCaseView, type CaseView } from "../get-case";
import { rulesWithEnteredRates } from "../interest-rates";

export interface OverpaymentDeps extends CaseActionDeps {
  paymentProvider?: PaymentProvider;
}

export class RefundExceedsCaptured extends DomainError {
  readonly code = "REFUND_EXCEEDS_CAPTURED";
}

export class NoProviderPayment extends DomainError {
  readonly code = "NO_PROVIDER_PAYMENT";
  override readonly title = "No provider payment to refund through";
}

export class NoCreditToRefund extends DomainError {
  readonly code = "NO_CREDIT_TO_REFUND";
  override readonly title = "Nothing to refund";
}

export class PaymentProviderNotConfigured extends DomainError {
  readonly code = "PAYMENT_PROVIDER_NOT_CONFIGURED";
}

/** The ledger reference prefixes of payments that came through the provider (apply-payment.ts, ledgerReference). */
const PROVIDER_CHANNELS = ["vipps", "card"] as const;

export interface RefundInput {
  /** The creditor's reference of this refund: once per reference. */
  reference: string;
  /** Default: all of the credit. */
  amount?: Money;
  /** `provider` (default): back through Vipps/card; `bank-transfer`: the creditor paid it back and records that. */
  method?: "provider" | "bank-transfer";
  /** Default today. */
  on?: LocalDate;
}

interface ProviderPaymentOnCase {
  /** The ledger reference (`vipps:…`). */
  ledgerReference: string;
  /** The provider's own reference. */
  providerReference: string;
  paid: Money;
  /** What is left to refund of it, after the refunds on the ledger. */
  refundable: Money;
}

/** The provider payments on the case, newest first, with what is left to refund of each. */
export function providerPaymentsOf(c: Case): ProviderPaymentOnCase[] {
  const refunded = new Map<string, number>();
  for (const e of c.ledger)
    if (e.type === "refund" && e.paymentReference !== null)
      refunded.set(e.paymentReference, (refunded.get(e.paymentReference) ?? 0) + e.amount.value);
  return c.ledger
    .flatMap((e): Array<Extract<LedgerEntry, { type: "payment" }>> => (e.type === "payment" ? [e] : []))
    .filter((e) => PROVIDER_CHANNELS.some((ch) => e.reference.startsWith(`${ch}:`)))
    .map((e) => ({
      ledgerReference: e.reference,
      providerReference: e.reference.slice(e.reference.indexOf(":") + 1),
      paid: e.amount,
      refundable: money(e.amount.value - (refunded.get(e.reference) ?? 0), e.amount.currency),
    }))
    .reverse();
}

/** The idempotency key of one refund at the provider: derived, ≤ 50 characters (Vipps' limit). */
function refundKey(caseId: string, reference: string): string {
  return `rf-${createHash("sha256").update(`${caseId}|${reference}`).digest("base64url").slice(0, 40)}`;
}

function ledgerRefundReference(reference: string): string {
  return `refund:${reference}`;
}

export function makeRefundOverpayment(deps: OverpaymentDeps) {
  return async (tenantId: string, caseId: string, input: RefundInput): Promise<CaseView> => {
    const record = await deps.cases.get(tenantId, caseId);
    if (!record) throw new CaseNotFound(caseId);
    const c = record.case;
    const reference = ledgerRefundReference(input.reference);
    const tenant = await deps.tenants.get(tenantId);
    if (!tenant) throw new TenantNotFound(tenantId);
    // The same refund again (a client's retry): the case as it is, nothing sent.
    if (c.ledger.some((e) => e.type === "refund" && e.reference === reference))
      return toCaseView(record, tenant, deps.clock.now(), await rulesWithEnteredRates(deps));
    const method = input.method ?? "provider";
    const credit = balanceOf(c).credit;
    if (credit.value <= 0)
      throw new NoCreditToRefund(
        "The case holds no credit to refund: nothing was paid beyond what was owed, or it was refunded already.",
      );
    const amount = input.amount ?? credit;
    if (amount.currency !== c.currency || amount.value <= 0 || amount.value > credit.value) {
      throw new RefundExceedsCredit(
        `A refund of ${formatMoney(amount, "en")} is more than the case's credit of ${formatMoney(credit, "en")}`,
        { amount, credit },
      );
    }
    const paymentReference =
      method === "provider" ? await refundAtProvider(deps, record, amount, input.reference) : null;
    const { record: after } = await applyCaseAction(deps, tenantId, caseId, {
      reason: "refund",
      event: (_current, today) => ({
        type: "refund",
        reference,
        amount,
        on: input.on ?? today,
        via: method,
        paymentReference,
      }),
      timeline: (_before, _after, at) => ({
        at,
        kind: "payment",
        title: `Refund of ${formatMoney(amount, "en")} to the debtor ${method === "provider" ? "through the payment provider" : "by bank transfer (recorded by the creditor)"}`,
        details: { reference: input.reference, amount, via: method, paymentReference },
      }),
      events: (_before, after, now, rec) => [
        caseEvent("payment.refunded", rec, reference, now, {
          reference: input.reference,
          amount,
          via: method,
          creditLeft: balanceOf(after).credit,
        }),
      ],
    });
    return toCaseView(after, tenant, deps.clock.now(), await rulesWithEnteredRates(deps));
  };
}

/**
 * Refunds `amount` through the provider from the newest provider payment on the case that still holds that much,
 * as far as the ledger knows; the provider refuses more than it holds. Returns that payment's ledger reference.
 */
async function refundAtProvider(
  deps: OverpaymentDeps,
  record: CaseRecord,
  amount: Money,
  reference: string,
): Promise<string> {
  if (!deps.paymentProvider) {
    throw new PaymentProviderNotConfigured(
      "No payment provider is configured here: record a refund paid by bank transfer (method bank-transfer).",
    );
  }
  const payments = providerPaymentsOf(record.case);
  if (payments.length === 0) {
    throw new NoProviderPayment(
      "No payment on this case came through the payment provider: pay the debtor back by bank transfer and record it (method bank-transfer).",
    );
  }
  const candidate = payments.find((p) => p.refundable.value >= amount.value);
  if (!candidate) {
    throw new RefundExceedsCaptured(
      `No single provider payment on the case holds ${formatMoney(amount, "en")}: refund at most ${formatMoney(payments[0]!.refundable, "en")} at a time`,
      { amount },
    );
  }
  // The provider is the judge of what it holds (captured − refunded, also refunds made in its own portal); asking it
  // first would refuse the retry of a refund it already made, which the same idempotency key answers as done.
  try {
    await deps.paymentProvider.refund(candidate.providerReference, amount, refundKey(record.caseId, reference));
  } catch (error) {
    if (error instanceof PaymentProviderRejected && error.status < 500) {
      throw new RefundExceedsCaptured(
        `The payment provider refused to refund ${formatMoney(amount, "en")} of that payment: it holds less (captured minus refunded)`,
        { amount },
      );
    }
    throw error;
  }
  return candidate.ledgerReference;
}

export function makeKeepCredit(deps: CaseActionDeps) {
  return async (tenantId: string, caseId: string): Promise<CaseView> => {
    const { record } = await applyCaseAction(deps, tenantId, caseId, {
      reason: "credit-kept",
      event: (_current, today) => ({ type: "credit-kept", on: today }),
      timeline: (_before, after, at) => ({
        at,
        kind: "payment",
        title: `The creditor keeps the overpayment of ${formatMoney(balanceOf(after).credit, "en")} as the debtor's credit`,
        details: { amount: balanceOf(after).credit },
      }),
    });
    const tenant = await deps.tenants.get(tenantId);
    return toCaseView(record, tenant!, deps.clock.now(), await rulesWithEnteredRates(deps));
  };
}

export interface OverpaymentView {
  caseId: string;
  invoiceNumber: string;
  customerId: string;
  status: Case["status"];
  /** Paid beyond what was owed and not refunded. */
  credit: Money;
  /** Of it, what the creditor chose to keep for the debtor (0 when no choice was made). */
  kept: Money;
  /** What can go back through the provider, newest payment first. */
  refundable: Array<{ reference: string; amount: Money }>;
  updatedAt: string;
}

export function overpaymentOf(record: CaseRecord): OverpaymentView {
  const c = record.case;
  return {
    caseId: record.caseId,
    invoiceNumber: record.invoiceNumber,
    customerId: record.customerId,
    status: c.status,
    credit: balanceOf(c).credit,
    kept: c.creditDecision?.amount ?? money(0, c.currency),
    refundable: providerPaymentsOf(c)
      .filter((p) => p.refundable.value > 0)
      .map((p) => ({ reference: p.providerReference, amount: p.refundable })),
    updatedAt: record.updatedAt,
  };
}

/** The tenant's cases with credit no choice was made for (refund or keep), a page at a time. */
export function makeListOverpayments(deps: Pick<CaseActionDeps, "cases">) {
  return async (
    tenantId: string,
    page: { limit: number; continuationToken?: string },
  ): Promise<Page<OverpaymentView>> => {
    const result = await deps.cases.list(tenantId, { openCredit: true }, page);
    return { ...result, items: result.items.map(overpaymentOf) };
  };
}
