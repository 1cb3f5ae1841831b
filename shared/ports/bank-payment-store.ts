/**
 * Every transaction of the bank's OCR giro files, as it was settled: matched to a case by its KID, or left unmatched
 * for an operator (the money is on the creditor's account either way and is never dropped: an unmatched payment is
 * listed until someone places or refunds it). One document per bank transaction, keyed by its stable id, so
 * recording the same transaction again (a redelivery, a re-imported file) overwrites it instead of adding one.
 */
import { z } from "zod";
import { LocalDate } from "../domain/calendar";
import { Money } from "../domain/money";
import type { Page } from "./case-store";

/**
 * Why a bank payment could not be placed on a case:
 *   unknown-kid   a well-formed KID that no case carries
 *   invalid-kid   the KID's check digit is wrong (MOD10 and MOD11 both) — a typing error at the payer's bank
 *   missing-kid   no KID in the transaction (e.g. a giro with text only)
 *   reversal      the bank reversed (tilbakeført) an amount: needs an operator, never applied automatically
 *   wrong-currency the case with that KID is in another currency than the payment (OCR giro is NOK)
 *   unknown-provider-payment  money authorized or captured at the payment provider (Vipps, card) for a reference
 *                 no payment attempt here knows (a lost attempt record, a payment started elsewhere): `kid` is empty,
 *                 `details` carries the provider, its reference and state
 */
export const UnmatchedReason = z.enum([
  "unknown-kid",
  "invalid-kid",
  "missing-kid",
  "reversal",
  "wrong-currency",
  "unknown-provider-payment",
]);
export type UnmatchedReason = z.infer<typeof UnmatchedReason>;

const BankPaymentCommon = z.object({
  schemaVersion: z.literal(1),
  /** The bank transaction's stable id (BankPaymentMessage.id); the document id. */
  paymentId: z.string(),
  /** As the bank gave it (may be malformed when unmatched). */
  kid: z.string(),
  amount: Money,
  /** Value date, YYYY-MM-DD. */
  paidOn: LocalDate,
  /** The file it came in (blob name). */
  source: z.string(),
  /** When the file was imported. */
  importedAt: z.string(),
  /** When this outcome was recorded. */
  recordedAt: z.string(),
  /** Bank references for operators (transmission, assignment, archive reference, payer's account…). Never logged. */
  details: z.record(z.string(), z.string()).optional(),
});

export const MatchedBankPayment = BankPaymentCommon.extend({
  status: z.literal("matched"),
  tenantId: z.string(),
  caseId: z.string(),
});
export type MatchedBankPayment = z.infer<typeof MatchedBankPayment>;

export const UnmatchedBankPayment = BankPaymentCommon.extend({
  status: z.literal("unmatched"),
  why: UnmatchedReason,
});
export type UnmatchedBankPayment = z.infer<typeof UnmatchedBankPayment>;

/** An unmatched payment an operator sent back to the payer instead of placing it on a case. */
export const RefundedBankPayment = BankPaymentCommon.extend({
  status: z.literal("refunded"),
  why: UnmatchedReason,
  refunded: Money,
  /** `provider`: refunded (or its authorization cancelled) at the payment provider; `bank-transfer`: paid back by bank. */
  via: z.enum(["provider", "bank-transfer"]),
});
export type RefundedBankPayment = z.infer<typeof RefundedBankPayment>;

/** A bank payment as stored (the adapter decodes what it reads with this schema). */
export const BankPayment = z.discriminatedUnion("status", [
  MatchedBankPayment,
  UnmatchedBankPayment,
  RefundedBankPayment,
]);
export type BankPayment = z.infer<typeof BankPayment>;

export interface BankPaymentStore {
  /** Upsert by `paymentId`: recording the same transaction again replaces it (idempotent). */
  record(payment: BankPayment): Promise<void>;
  get(paymentId: string): Promise<BankPayment | undefined>;
  /** Unmatched payments across all tenants and files, for operators. Order is unspecified (storage order). */
  listUnmatched(page: { limit: number; continuationToken?: string }): Promise<Page<UnmatchedBankPayment>>;
}
