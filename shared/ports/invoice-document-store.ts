/**
 * The creditor's own PDF of an invoice (issue 15: "a copy of the original invoice: the creditor's PDF when it sent
 * one"), uploaded through the partner API (`PUT /api/v1/cases/{caseId}/invoice-document`), checked before it gets here
 * (application/invoice-document.ts: size and `%PDF-` by content). One per case; a new upload replaces it. Read back
 * by the partner API and by Min side, always as a download (`content-disposition: attachment`), never shown inline
 * from our origin. Personal data: stored, never logged.
 */
export interface InvoiceDocumentStore {
  put(tenantId: string, caseId: string, content: Buffer): Promise<void>;
  get(tenantId: string, caseId: string): Promise<Buffer | undefined>;
}
