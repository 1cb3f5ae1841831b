/**
 * The print house that prints and posts paper letters. Letters are handed over one by one (`submit`) and go out in
 * batches: a batch is a set of PDFs plus a manifest in a Blob container; the print house's receipt file for a batch
 * comes back later and says, per letter, whether it was posted (and on which day) or could not be (bad address…).
 * Receipts reach the application as delivery reports (ports/delivery-report.ts).
 *
 * `submit` is idempotent per `letterId`: submitting the same letter again does not print it twice.
 */
export interface PrintLetter {
  /** Stable per letter and attempt; it comes back on the receipt. No "/" in it. */
  letterId: string;
  tenantId: string;
  pdf: Buffer;
  recipient: { name: string; address: { lines: string[]; postalCode: string; city: string; country: string } };
  /** A = first class (priority), B = economy. */
  postage: "A" | "B";
}

export interface PrintHouse {
  submit(letter: PrintLetter): Promise<void>;
}
