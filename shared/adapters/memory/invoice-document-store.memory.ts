/** `InvoiceDocumentStore` in memory, for tests. */
import type { InvoiceDocumentStore } from "../../ports/invoice-document-store";

export class MemoryInvoiceDocumentStore implements InvoiceDocumentStore {
  readonly documents = new Map<string, Buffer>();

  async put(tenantId: string, caseId: string, content: Buffer): Promise<void> {
    this.documents.set(`${tenantId}/${caseId}`, Buffer.from(content));
  }

  async get(tenantId: string, caseId: string): Promise<Buffer | undefined> {
    const content = this.documents.get(`${tenantId}/${caseId}`);
    return content && Buffer.from(content);
  }
}
