/**
 * A payment the creditor received directly (not through the pay link): recorded on the case's ledger, allocated by
 * the creditor's order, idempotent on the creditor's reference. Publishes `payment.received` (and `case.paid` /
 * `case.closed` when it settles the case) and tells the orchestration, which stops the ladder when paid.
 */
import { DomainError } from "../domain/errors";
import type { LocalDate } from "../domain/calendar";
import { formatMoney, type Money } from "../domain/money";
import { applyCaseAction, type CaseActionDeps } from "./apply-case-event";
import { caseEvent } from "./case-context";
import { toCaseView, type CaseView } from "./get-case";

export interface DirectPaymentInput {
  amount: Money;
  /** The day the creditor received the money (its value date). */
  paidAt: LocalDate;
  reference: string;
}

/** A payment dated in the future → 422. */
export class PaymentInTheFuture extends DomainError {
  readonly code = "PAYMENT_IN_THE_FUTURE";
}

/** Direct payments get their own reference space on the ledger, so they never collide with bank (KID) payments. */
export function directPaymentReference(reference: string): string {
  return `direct:${reference}`;
}

export function makeRecordDirectPayment(deps: CaseActionDeps) {
  return async (tenantId: string, caseId: string, input: DirectPaymentInput): Promise<CaseView> => {
    const reference = directPaymentReference(input.reference);
    const { record } = await applyCaseAction(deps, tenantId, caseId, {
      reason: "payment",
      event: (_current, today) => {
        if (input.paidAt > today) throw new PaymentInTheFuture(`The payment is dated ${input.paidAt}, after today (${today}).`, { paidAt: input.paidAt });
        return { type: "payment", reference, amount: input.amount, receivedOn: input.paidAt };
      },
      timeline: (_before, _after, at) => ({
        at,
        kind: "payment",
        title: `Payment of ${formatMoney(input.amount, "en")} received directly by the creditor`,
        details: { reference: input.reference, amount: input.amount, paidAt: input.paidAt },
      }),
      events: (_before, after, now, rec) => [
        caseEvent("payment.received", rec, reference, now, {
          reference: input.reference,
          amount: input.amount,
          paidAt: input.paidAt,
          channel: "direct",
          status: after.status,
        }),
      ],
    });
    const tenant = await deps.tenants.get(tenantId);
    return toCaseView(record, tenant!, deps.clock.now());
  };
}
