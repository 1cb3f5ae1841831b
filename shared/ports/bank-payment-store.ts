/**
 * Every transaction of the bank's OCR giro files, as it was settled: matched to a case by its KID, or left unmatched
 * for an operator (the money is on the creditor's account either way and is never dropped: an unmatched payment is
 * listed until someone places or refunds it). One document per bank transaction, keyed by its stable id, so
 * recording the same transaction again (a redelivery, a re-imported file) overwrites it instead of adding one.
 */
import type { LocalDate } from "../domain/calendar";
import type { Money } from "../domain/money";
import type { Page } from "./case-store";

/**
 * Why a bank payment could not be placed on a case:
 *   unknown-kid   a well-formed KID that no case carries
 *   invalid-kid   the KID's check digit is wrong (MOD10 and MOD11 both) — a typing error at the payer's bank
 *   missing-kid   no KID in the transaction (e.g. a giro with text only)
 *   reversal      the bank reversed (tilbakeført) an amount: needs an operator, never applied automatically
 *   wrong-currency the case with that KID is in another currency than the payment (OCR giro is NOK)
 */
export type UnmatchedReason = "unknown-kid" | "invalid-kid" | "missing-kid" | "reversal" | "wrong-currency";

interface BankPaymentCommon {
  schemaVersion: 1;
  /** The bank transaction's stable id (BankPaymentMessage.id); the document id. */
  paymentId: string;
  /** As the bank gave it (may be malformed when unmatched). */
  kid: string;
  amount: Money;
  /** Value date, YYYY-MM-DD. */
  paidOn: LocalDate;
  /** The file it came in (blob name). */
  source: string;
  /** When the file was imported. */
  importedAt: string;
  /** When this outcome was recorded. */
  recordedAt: string;
  /** Bank references for operators (transmission, assignment, archive reference, payer's account…). Never logged. */
  details?: Record<string, string>;
}

export interface MatchedBankPayment extends BankPaymentCommon {
  status: "matched";
  tenantId: string;
  caseId: string;
}

export interface UnmatchedBankPayment extends BankPaymentCommon {
  status: "unmatched";
  why: UnmatchedReason;
}

export type BankPayment = MatchedBankPayment | UnmatchedBankPayment;

export interface BankPaymentStore {
  /** Upsert by `paymentId`: recording the same transaction again replaces it (idempotent). */
  record(payment: BankPayment): Promise<void>;
  get(paymentId: string): Promise<BankPayment | undefined>;
  /** Unmatched payments across all tenants and files, for operators. Order is unspecified (storage order). */
  listUnmatched(page: { limit: number; continuationToken?: string }): Promise<Page<UnmatchedBankPayment>>;
}
