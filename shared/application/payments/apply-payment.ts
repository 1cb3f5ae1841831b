/**
 * The one path every incoming payment takes onto a case, whatever brought it (Vipps or card through the pay page, a
 * KID payment in the bank's OCR file, a payment the creditor received directly): recorded on the ledger under a
 * reference unique to its channel, allocated by the debtor's choice or else the creditor's order (costs → interest →
 * principal), the case updated with etag retries, `payment.received` published (and `case.paid` / `case.closed` when it
 * settles the case), and the case's orchestration told, so a full payment stops the ladder at once and a partial one
 * re-plans it with the new balance.
 *
 * Idempotent on the reference: the same payment delivered ten times is credited once and published once.
 * A payment to a closed case is still recorded (as the debtor's credit): money is never dropped.
 */
import type { AllocationPart } from "../../domain/allocation";
import type { LocalDate } from "../../domain/calendar";
import { formatMoney, type Money } from "../../domain/money";
import { applyCaseAction, type CaseActionDeps } from "../apply-case-event";
import { caseEvent } from "../case-context";
import type { CaseRecord } from "../../ports/case-store";

export type PaymentChannel = "vipps" | "card" | "kid" | "direct";

export interface IncomingPayment {
  tenantId: string;
  caseId: string;
  /** Unique within its channel (e.g. the Vipps reference, the bank's transaction id). */
  reference: string;
  channel: PaymentChannel;
  amount: Money;
  /** The payment's value date. */
  receivedOn: LocalDate;
  allocationOrder?: AllocationPart[];
  /** Extra fields for the timeline and the `payment.received` event (never personal data). */
  details?: Record<string, unknown>;
  /** Refuses the payment given today's date in the case's country (e.g. a value date in the future); throws. */
  check?: (today: LocalDate) => void;
}

export interface AppliedPayment {
  record: CaseRecord;
  /** False when this reference was already on the ledger (a redelivery). */
  applied: boolean;
}

const CHANNEL_TITLE: Record<PaymentChannel, string> = {
  vipps: "paid with Vipps through the pay link",
  card: "paid by card through the pay link",
  kid: "paid to the account with KID",
  direct: "received directly by the creditor",
};

/** Each channel has its own reference space on the ledger, so a bank id never collides with a Vipps reference. */
export function ledgerReference(channel: PaymentChannel, reference: string): string {
  return `${channel}:${reference}`;
}

export async function applyIncomingPayment(deps: CaseActionDeps, payment: IncomingPayment): Promise<AppliedPayment> {
  const reference = ledgerReference(payment.channel, payment.reference);
  const { record, changed } = await applyCaseAction(deps, payment.tenantId, payment.caseId, {
    reason: "payment",
    event: (_current, today) => {
      payment.check?.(today);
      return {
        type: "payment",
        reference,
        amount: payment.amount,
        receivedOn: payment.receivedOn,
        ...(payment.allocationOrder ? { allocationOrder: payment.allocationOrder } : {}),
      };
    },
    timeline: (_before, _after, at) => ({
      at,
      kind: "payment",
      title: `Payment of ${formatMoney(payment.amount, "en")} ${CHANNEL_TITLE[payment.channel]}`,
      details: {
        reference: payment.reference,
        channel: payment.channel,
        amount: payment.amount,
        paidAt: payment.receivedOn,
        ...payment.details,
      },
    }),
    events: (_before, after, now, rec) => [
      caseEvent("payment.received", rec, reference, now, {
        reference: payment.reference,
        amount: payment.amount,
        paidAt: payment.receivedOn,
        channel: payment.channel,
        status: after.status,
        ...payment.details,
      }),
    ],
  });
  return { record, applied: changed };
}
