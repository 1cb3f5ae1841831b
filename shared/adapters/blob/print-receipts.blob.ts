/**
 * `PrintReceiptFiles` in Azure Blob Storage: a receipt file that cannot be read is copied from the receipts container
 * (`PRINT_RECEIPTS_CONTAINER`, default `print-receipts`) to the rejected container (`PRINT_RECEIPTS_REJECTED_CONTAINER`,
 * default `print-receipts-rejected`) under the same name, with its problem as blob metadata (`line`, `problem`,
 * `rejectedat`), then deleted from the receipts container. The problem names a line and a field, never a value.
 */
import { BlobServiceClient, type ContainerClient } from "@azure/storage-blob";
import { DefaultAzureCredential, type TokenCredential } from "@azure/identity";
import type { PrintReceiptFiles, RejectedPrintReceipt } from "../../ports/print-batches";

export type BlobPrintReceiptFilesOptions = (
  { connectionString: string } | { accountUrl: string; credential?: TokenCredential }
) & {
  /** Default "print-receipts". */
  receiptsContainer?: string;
  /** Default "print-receipts-rejected". */
  rejectedContainer?: string;
  /** Create the rejected container on first use (local development). Default false. */
  createContainerIfMissing?: boolean;
};

export class BlobPrintReceiptFiles implements PrintReceiptFiles {
  private readonly receipts: ContainerClient;
  private readonly rejected: ContainerClient;

  constructor(private readonly options: BlobPrintReceiptFilesOptions) {
    const service =
      "connectionString" in options
        ? BlobServiceClient.fromConnectionString(options.connectionString)
        : new BlobServiceClient(options.accountUrl, options.credential ?? new DefaultAzureCredential());
    this.receipts = service.getContainerClient(options.receiptsContainer ?? "print-receipts");
    this.rejected = service.getContainerClient(options.rejectedContainer ?? "print-receipts-rejected");
  }

  async reject(name: string, problem: { line: number; problem: string }, now: Date): Promise<void> {
    if (this.options.createContainerIfMissing) await this.rejected.createIfNotExists();
    const source = this.receipts.getBlobClient(name);
    let content: Buffer;
    try {
      content = await source.downloadToBuffer();
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return; // already moved aside
      throw err;
    }
    await this.rejected.getBlockBlobClient(name).uploadData(content, {
      blobHTTPHeaders: { blobContentType: "text/csv; charset=utf-8" },
      metadata: {
        line: String(problem.line),
        problem: encodeURIComponent(problem.problem),
        rejectedat: now.toISOString(),
      },
    });
    await source.deleteIfExists();
  }

  async listRejected(): Promise<RejectedPrintReceipt[]> {
    const items: RejectedPrintReceipt[] = [];
    try {
      for await (const item of this.rejected.listBlobsFlat({ includeMetadata: true })) {
        const m = item.metadata ?? {};
        items.push({
          name: item.name,
          rejectedAt: m.rejectedat ?? item.properties.lastModified.toISOString(),
          line: Number(m.line ?? 0),
          problem: safeDecode(m.problem ?? ""),
        });
      }
    } catch (err) {
      if ((err as { code?: string }).code === "ContainerNotFound") return [];
      throw err;
    }
    return items.sort((a, b) => b.rejectedAt.localeCompare(a.rejectedAt) || a.name.localeCompare(b.name));
  }
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
