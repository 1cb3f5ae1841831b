/**
 * Files a debtor sends from Min side (a dispute's attachment, a payment receipt), checked before they get here
 * (application/min-side/uploads.ts: size and type by content). Write once; read back only by the creditor's and
 * customer service's tools, always as a download (`content-disposition: attachment`), never shown inline from our
 * origin. Personal data: stored, never logged.
 */
export type DebtorUploadPurpose = "dispute" | "payment-receipt" | "message";

export interface DebtorUpload {
  tenantId: string;
  caseId: string;
  /** Unique within the case; no "/". */
  uploadId: string;
  purpose: DebtorUploadPurpose;
  /** One of application/pdf, image/jpeg, image/png: decided from the content, never from what the browser said. */
  contentType: string;
  content: Buffer;
  createdAt: Date;
}

export interface DebtorUploadStore {
  put(upload: DebtorUpload): Promise<void>;
  get(
    tenantId: string,
    caseId: string,
    uploadId: string,
  ): Promise<{ content: Buffer; contentType: string; purpose: string } | undefined>;
}
