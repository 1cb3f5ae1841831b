/** `DebtorUploadStore` in memory, for tests. */
import type { DebtorUpload, DebtorUploadStore } from "../../ports/debtor-upload-store";

export class MemoryDebtorUploadStore implements DebtorUploadStore {
  readonly uploads: DebtorUpload[] = [];

  async put(upload: DebtorUpload): Promise<void> {
    if (
      this.uploads.some(
        (u) => u.tenantId === upload.tenantId && u.caseId === upload.caseId && u.uploadId === upload.uploadId,
      )
    )
      return;
    this.uploads.push({ ...upload, content: Buffer.from(upload.content) });
  }

  async get(tenantId: string, caseId: string, uploadId: string) {
    const u = this.uploads.find((x) => x.tenantId === tenantId && x.caseId === caseId && x.uploadId === uploadId);
    return u && { content: Buffer.from(u.content), contentType: u.contentType, purpose: u.purpose };
  }
}
