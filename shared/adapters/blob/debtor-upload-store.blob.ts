/**
 * `DebtorUploadStore` in Azure Blob Storage (`@azure/storage-blob`): blob `{tenantId}/{caseId}/{uploadId}` in the
 * `debtor-uploads` container (private; Bicep provisions it, the dev host creates it locally). Create-only
 * (`If-None-Match: *`): a retried upload with the same id is left as it is. Each blob is stored with
 * `Content-Disposition: attachment` and its checked content type, so whoever serves it (a SAS link for customer
 * service) gets a download, never a page rendered from our origin.
 */
import { BlobServiceClient, type ContainerClient } from "@azure/storage-blob";
import { DefaultAzureCredential, type TokenCredential } from "@azure/identity";
import type { DebtorUpload, DebtorUploadStore } from "../../ports/debtor-upload-store";

export type BlobDebtorUploadStoreOptions = (
  { connectionString: string } | { accountUrl: string; credential?: TokenCredential }
) & {
  /** Default "debtor-uploads". */
  containerName?: string;
};

export class BlobDebtorUploadStore implements DebtorUploadStore {
  private readonly container: ContainerClient;

  constructor(options: BlobDebtorUploadStoreOptions) {
    const service =
      "connectionString" in options
        ? BlobServiceClient.fromConnectionString(options.connectionString)
        : new BlobServiceClient(options.accountUrl, options.credential ?? new DefaultAzureCredential());
    this.container = service.getContainerClient(options.containerName ?? "debtor-uploads");
  }

  async put(upload: DebtorUpload): Promise<void> {
    const blob = this.container.getBlockBlobClient(blobName(upload.tenantId, upload.caseId, upload.uploadId));
    try {
      await blob.uploadData(upload.content, {
        blobHTTPHeaders: {
          blobContentType: upload.contentType,
          blobContentDisposition: `attachment; filename="${upload.uploadId}${extension(upload.contentType)}"`,
        },
        metadata: { purpose: upload.purpose, createdat: upload.createdAt.toISOString() },
        conditions: { ifNoneMatch: "*" },
      });
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode;
      if (status !== 409 && status !== 412) throw err;
    }
  }

  async get(
    tenantId: string,
    caseId: string,
    uploadId: string,
  ): Promise<{ content: Buffer; contentType: string; purpose: string } | undefined> {
    const blob = this.container.getBlobClient(blobName(tenantId, caseId, uploadId));
    try {
      const response = await blob.download();
      const chunks: Buffer[] = [];
      for await (const chunk of response.readableStreamBody ?? []) chunks.push(Buffer.from(chunk as Buffer));
      return {
        content: Buffer.concat(chunks),
        contentType: response.contentType ?? "application/octet-stream",
        purpose: response.metadata?.["purpose"] ?? "",
      };
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return undefined;
      throw err;
    }
  }
}

function blobName(tenantId: string, caseId: string, uploadId: string): string {
  for (const part of [tenantId, caseId, uploadId]) {
    if (part.length === 0 || part.includes("/")) throw new Error("Invalid upload path part");
  }
  return `${tenantId}/${caseId}/${uploadId}`;
}

function extension(contentType: string): string {
  return contentType === "application/pdf" ? ".pdf" : contentType === "image/png" ? ".png" : ".jpg";
}
