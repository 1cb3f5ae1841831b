/**
 * Importing one OCR giro file from the bank (Nets): every transaction becomes a `bank-payment` message on the
 * payments queue, where `makeApplyBankPayment` places it on the case with that KID (or lists it for operators).
 *
 * All or nothing: a file that does not parse is refused whole with the parser's error (line and problem) and nothing
 * is enqueued — half a file would leave the other half's money unaccounted for without anyone noticing.
 *
 * Re-importing is harmless: each message's id is the transaction's stable identity (transmission, assignment and
 * transaction numbers, and the settlement date), so the queue's duplicate detection drops the copies within its
 * window, and after it applying is idempotent on that id (channel "kid") and recording is an upsert.
 */
import {
  isReversal,
  OcrGiroFormatError,
  parseOcrGiro,
  type OcrGiroAssignment,
  type OcrGiroFile,
  type OcrGiroTransaction,
  type OcrGiroTransmission,
} from "../../domain/bank/ocr-giro";
import type { Money } from "../../domain/money";
import type { Clock } from "../../ports/clock";
import type { BankPaymentMessage, PaymentQueue } from "../../ports/payment-queue";

export interface ImportOcrGiroDeps {
  paymentQueue: PaymentQueue;
  clock: Clock;
}

export interface OcrGiroImportSummary {
  source: string;
  transmissionNumber: string;
  assignments: number;
  transactions: number;
  /** Net total of the file (the transmission end's total). */
  total: Money;
  /** Transactions without a KID (they are enqueued too, and end up unmatched for operators). */
  withoutKid: number;
  /** Reversals (tilbakeføringer): enqueued, never applied automatically. */
  reversals: number;
}

export type OcrGiroImportResult =
  { ok: true; summary: OcrGiroImportSummary } | { ok: false; error: OcrGiroFormatError };

/** The transaction's identity at the bank, stable across re-imports of the same file. */
export function bankTransactionId(
  transmission: OcrGiroTransmission,
  assignment: OcrGiroAssignment,
  t: OcrGiroTransaction,
): string {
  return `ocr-${transmission.number}-${assignment.number}-${String(t.number).padStart(7, "0")}-${t.netsDate.replace(/-/g, "")}`;
}

export function bankPaymentMessages(file: OcrGiroFile, source: string, importedAt: string): BankPaymentMessage[] {
  return file.assignments.flatMap((assignment) =>
    assignment.transactions.map((t): BankPaymentMessage => {
      const details: Record<string, string> = {
        importedAt,
        transmissionNumber: file.transmission.number,
        agreementId: assignment.agreementId,
        assignmentNumber: assignment.number,
        assignmentAccount: assignment.account,
        transactionNumber: String(t.number),
        transactionType: String(t.type),
        archiveReference: t.archiveReference,
        centreId: t.centreId,
        formNumber: t.formNumber,
      };
      if (t.bankDate !== undefined) details.bankDate = t.bankDate;
      // for operators placing or refunding an unmatched payment; stored, never logged nor published
      if (t.debitAccount !== undefined) details.debitAccount = t.debitAccount;
      if (t.text !== undefined && t.text !== "") details.text = t.text;
      return {
        kind: "bank-payment",
        id: bankTransactionId(file.transmission, assignment, t),
        kid: t.kid,
        amount: t.amount,
        paidOn: t.netsDate,
        source,
        details,
      };
    }),
  );
}

export function makeImportOcrGiro(deps: ImportOcrGiroDeps) {
  return async (fileName: string, text: string): Promise<OcrGiroImportResult> => {
    let file: OcrGiroFile;
    try {
      file = parseOcrGiro(text);
    } catch (error) {
      if (error instanceof OcrGiroFormatError) return { ok: false, error };
      throw error;
    }
    const messages = bankPaymentMessages(file, fileName, deps.clock.now().toISOString());
    await deps.paymentQueue.enqueue(messages);
    const all = file.assignments.flatMap((a) => a.transactions);
    return {
      ok: true,
      summary: {
        source: fileName,
        transmissionNumber: file.transmission.number,
        assignments: file.assignments.length,
        transactions: all.length,
        total: file.totals.amount,
        withoutKid: all.filter((t) => t.kid === "").length,
        reversals: all.filter((t) => isReversal(t.type)).length,
      },
    };
  };
}
