/**
 * One KID payment from the bank's OCR giro file, taken off the payments queue: placed on the case that carries the
 * KID through `applyIncomingPayment` (channel "kid", reference = the bank transaction's id, value date = the
 * settlement date), or — when it cannot be placed — recorded as unmatched for operators. Either way the outcome is
 * recorded in the BankPaymentStore: money is never dropped.
 *
 * Not placed automatically: a KID whose check digit is wrong (MOD10 and MOD11 both), a KID no case carries, a
 * transaction without KID, a reversal (or any amount that is not positive), an amount in another currency than
 * the case. Idempotent: a redelivered message is credited once ("already-applied") and recorded again (upsert).
 * Transient failures (stores, publisher) throw, so the trigger retries and finally dead-letters.
 */
import { isValidKid } from "../../domain/identifiers/kid";
import type { BankPayment, BankPaymentStore, UnmatchedReason } from "../../ports/bank-payment-store";
import type { BankPaymentMessage } from "../../ports/payment-queue";
import type { CaseActionDeps } from "../apply-case-event";
import { applyIncomingPayment } from "./apply-payment";

export type ApplyBankPaymentDeps = CaseActionDeps & { bankPayments: BankPaymentStore };

export interface ApplyBankPaymentResult {
  outcome: "applied" | "already-applied" | "unmatched";
  caseId?: string;
  /** Why it was not placed, when unmatched. */
  why?: UnmatchedReason;
}

/** Transaction types 18 and 20 are reversals (tilbakeføring) in OCR giro. */
const REVERSAL_TYPES = new Set(["18", "20"]);

function whyNotPlaceable(message: BankPaymentMessage): UnmatchedReason | undefined {
  if (REVERSAL_TYPES.has(message.details?.transactionType ?? "") || message.amount.value <= 0) return "reversal";
  if (message.kid === "") return "missing-kid";
  if (!isValidKid(message.kid, "MOD10") && !isValidKid(message.kid, "MOD11")) return "invalid-kid";
  return undefined;
}

export function makeApplyBankPayment(deps: ApplyBankPaymentDeps) {
  return async (message: BankPaymentMessage): Promise<ApplyBankPaymentResult> => {
    const recordedAt = deps.clock.now().toISOString();
    const common = {
      schemaVersion: 1 as const,
      paymentId: message.id,
      kid: message.kid,
      amount: message.amount,
      paidOn: message.paidOn,
      source: message.source,
      importedAt: message.details?.importedAt ?? recordedAt,
      recordedAt,
      ...(message.details ? { details: message.details } : {}),
    };
    const unmatched = async (why: UnmatchedReason): Promise<ApplyBankPaymentResult> => {
      await deps.bankPayments.record({ ...common, status: "unmatched", why });
      return { outcome: "unmatched", why };
    };

    const notPlaceable = whyNotPlaceable(message);
    if (notPlaceable) return unmatched(notPlaceable);
    const found = await deps.cases.findByKid(message.kid);
    if (!found) return unmatched("unknown-kid");
    if (found.case.currency !== message.amount.currency) return unmatched("wrong-currency");

    const { applied } = await applyIncomingPayment(deps, {
      tenantId: found.tenantId,
      caseId: found.caseId,
      reference: message.id,
      channel: "kid",
      amount: message.amount,
      receivedOn: message.paidOn,
      // bank references only: the payer's account and free text stay in the bank-payments store
      details: {
        source: message.source,
        ...(message.details?.archiveReference ? { archiveReference: message.details.archiveReference } : {}),
      },
    });
    const matched: BankPayment = { ...common, status: "matched", tenantId: found.tenantId, caseId: found.caseId };
    await deps.bankPayments.record(matched);
    return { outcome: applied ? "applied" : "already-applied", caseId: found.caseId };
  };
}
