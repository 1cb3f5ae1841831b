/**
 * A payment the creditor received directly (not through the pay link): recorded on the case's ledger, allocated by
 * the creditor's order, idempotent on the creditor's reference. Publishes `payment.received` (and `case.paid` /
 * `case.closed` when it settles the case) and tells the orchestration, which stops the ladder when paid.
 */
import { DomainError } from "../domain/errors";
import type { LocalDate } from "../domain/calendar";
import type { Money } from "../domain/money";
import type { CaseActionDeps } from "./apply-case-event";
import { applyIncomingPayment, ledgerReference } from "./payments/apply-payment";
import { toCaseView, type CaseView } from "./get-case";
import { rulesWithEnteredRates } from "./interest-rates";

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
  return ledgerReference("direct", reference);
}

export function makeRecordDirectPayment(deps: CaseActionDeps) {
  return async (tenantId: string, caseId: string, input: DirectPaymentInput): Promise<CaseView> => {
    const { record } = await applyIncomingPayment(deps, {
      tenantId,
      caseId,
      reference: input.reference,
      channel: "direct",
      amount: input.amount,
      receivedOn: input.paidAt,
      check: (today) => {
        if (input.paidAt > today)
          throw new PaymentInTheFuture(`The payment is dated ${input.paidAt}, after today (${today}).`, {
            paidAt: input.paidAt,
          });
      },
    });
    const tenant = await deps.tenants.get(tenantId);
    return toCaseView(record, tenant!, deps.clock.now(), await rulesWithEnteredRates(deps));
  };
}
