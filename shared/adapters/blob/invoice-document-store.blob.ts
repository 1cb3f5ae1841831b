/**
 * `InvoiceDocumentStore` in Azure Blob Storage (`@azure/storage-blob`): blob `{tenantId}/{caseId}/original-invoice.pdf`
 * in the `invoice-documents` container (private; Bicep provisions it, the dev host creates it locally). A new upload
 * overwrites the blob (the creditor replaces its PDF). Each blob is stored with `Content-Disposition: attachment` and
 * `application/pdf`, so whoever serves it gets a download, never a page rendered from our origin.
 */
import { BlobServiceClient, type ContainerClient } from "@azure/storage-blob";
import { DefaultAzureCredential, type TokenCredential } from "@azure/identity";
import type { InvoiceDocumentStore } from "../../ports/invoice-document-store";

export type BlobInvoiceDocumentStoreOptions = (
  { connectionString: string } | { accountUrl: string; credential?: TokenCredential }
) & {
  /** Default "invoice-documents". */
  containerName?: string;
};

export class BlobInvoiceDocumentStore implements InvoiceDocumentStore {
  private readonly container: ContainerClient;

  constructor(options: BlobInvoiceDocumentStoreOptions) {
    const service =
      "connectionString" in options
        ? BlobServiceClient.fromConnectionString(options.connectionString)
        : new BlobServiceClient(options.accountUrl, options.credential ?? new DefaultAzureCredential());
    this.container = service.getContainerClient(options.containerName ?? "invoice-documents");
  }

  async put(tenantId: string, caseId: string, content: Buffer): Promise<void> {
    await this.container.getBlockBlobClient(blobName(tenantId, caseId)).uploadData(content, {
      blobHTTPHeaders: {
        blobContentType: "application/pdf",
        blobContentDisposition: 'attachment; filename="original-invoice.pdf"',
      },
    });
  }

  async get(tenantId: string, caseId: string): Promise<Buffer | undefined> {
    try {
      return await this.container.getBlobClient(blobName(tenantId, caseId)).downloadToBuffer();
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return undefined;
      throw err;
    }
  }
}

function blobName(tenantId: string, caseId: string): string {
  for (const part of [tenantId, caseId]) {
    if (part.length === 0 || part.includes("/")) throw new Error("Invalid invoice document path part");
  }
  return `${tenantId}/${caseId}/original-invoice.pdf`;
}
