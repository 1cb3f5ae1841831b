/**
 * The archive of letters sent to debtors (reminders, collection notices, …): write once, read back, list per case.
 *
 * `put` is create-only and safe to retry: putting the very same letter again (same content) succeeds without change;
 * putting different content under an id that is already archived rejects with an error whose `code` is
 * `"LETTER_ALREADY_ARCHIVED"` — an archived letter is never overwritten.
 */
export interface ArchivedLetter {
  tenantId: string;
  caseId: string;
  /** Unique within the case; no "/". */
  documentId: string;
  /** What the letter is, e.g. "reminder" (purring), "collection-notice" (inkassovarsel). */
  kind: string;
  contentType: string;
  content: Buffer;
  createdAt: Date;
}

export interface LetterSummary {
  documentId: string;
  kind: string;
  contentType: string;
  createdAt: Date;
}

export type LetterArchiveErrorCode = "LETTER_ALREADY_ARCHIVED";

export interface LetterArchive {
  put(letter: ArchivedLetter): Promise<void>;
  get(
    tenantId: string,
    caseId: string,
    documentId: string,
  ): Promise<{ content: Buffer; contentType: string; metadata: Record<string, string> } | undefined>;
  /** The case's letters, oldest first. */
  list(tenantId: string, caseId: string): Promise<LetterSummary[]>;
}
