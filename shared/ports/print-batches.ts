/**
 * The print house's side of the batches (ports/print-house.ts hands letters over one by one): closing a batch of the
 * letters waiting, and the receipt files that came back and could not be read. Personal data (recipients) stays in
 * storage; what these return is ids, counts and problems.
 */
export interface PrintBatchSummary {
  batchId: string;
  /** Letters in the batch. */
  count: number;
  /** True when this call finished a batch an earlier, interrupted call had started. */
  resumed: boolean;
}

export interface PrintBatches {
  /**
   * Puts every letter submitted so far into one new batch and publishes its manifest; `undefined` when nothing waits.
   * Idempotent and safe to re-run after a crash: an unfinished batch is finished first, and a letter is never in two
   * batches.
   */
  closeBatch(now: Date): Promise<PrintBatchSummary | undefined>;
}

export interface RejectedPrintReceipt {
  /** The receipt file's name. */
  name: string;
  rejectedAt: string;
  /** 1-based line of the first problem (0 when the file as a whole is unreadable). */
  line: number;
  problem: string;
}

/** Receipt files the print house sent back that could not be read: moved aside for operators. */
export interface PrintReceiptFiles {
  /** Moves the receipt file `name` aside with its problem (idempotent). */
  reject(name: string, problem: { line: number; problem: string }, now: Date): Promise<void>;
  listRejected(): Promise<RejectedPrintReceipt[]>;
}
