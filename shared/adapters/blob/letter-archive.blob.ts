/**
 * `LetterArchive` in Azure Blob Storage (`@azure/storage-blob`).
 *
 * - Blob name `{tenantId}/{caseId}/{documentId}` in one container; listing a case is a prefix listing.
 * - Metadata: tenant, case, document, kind, creation time and the content's SHA-256; index tags `tenant`, `case`,
 *   `kind` so letters can be found across cases with `findBlobsByTags` (e.g. every collection notice of a tenant).
 * - Create-only: uploads carry `If-None-Match: *`, so an existing blob is never overwritten. A conflict with the same
 *   SHA-256 is a retry of the same letter and succeeds; with different content it is `LetterAlreadyArchived`.
 *   (Immutability in production comes from the storage account's policy, configured in Bicep — not from here.)
 * - Identity: a connection string, or the account URL with a `TokenCredential` (DefaultAzureCredential unless given;
 *   the identity needs Storage Blob Data Owner or a role with the blob-tags data actions to write index tags).
 */
import { BlobServiceClient, type ContainerClient } from "@azure/storage-blob";
import { DefaultAzureCredential, type TokenCredential } from "@azure/identity";
import { createHash } from "node:crypto";
import { DomainError } from "../../domain/errors";
import type { ArchivedLetter, LetterArchive, LetterArchiveErrorCode, LetterSummary } from "../../ports/letter-archive";

export type BlobLetterArchiveOptions = (
  { connectionString: string } | { accountUrl: string; credential?: TokenCredential }
) & {
  /** Default "letters". */
  containerName?: string;
  /** Create the container on first use (local development); in Azure it is provisioned by Bicep. Default false. */
  createContainerIfMissing?: boolean;
};

export class LetterAlreadyArchived extends DomainError {
  readonly code: LetterArchiveErrorCode = "LETTER_ALREADY_ARCHIVED";
}

const META = {
  tenant: "tenantid",
  case: "caseid",
  document: "documentid",
  kind: "kind",
  createdAt: "createdat",
  sha256: "contentsha256",
} as const;
/** Characters Azure allows in index tag values. */
const TAG_VALUE = /^[A-Za-z0-9 +\-./:=_]{0,256}$/;

export class BlobLetterArchive implements LetterArchive {
  private readonly container: ContainerClient;
  private containerReady: Promise<void> | undefined;

  constructor(private readonly options: BlobLetterArchiveOptions) {
    const service =
      "connectionString" in options
        ? BlobServiceClient.fromConnectionString(options.connectionString)
        : new BlobServiceClient(options.accountUrl, options.credential ?? new DefaultAzureCredential());
    this.container = service.getContainerClient(options.containerName ?? "letters");
  }

  async put(letter: ArchivedLetter): Promise<void> {
    await this.ensureContainer();
    const blob = this.container.getBlockBlobClient(blobName(letter.tenantId, letter.caseId, letter.documentId));
    const sha256 = createHash("sha256").update(letter.content).digest("base64");
    try {
      await blob.uploadData(letter.content, {
        blobHTTPHeaders: { blobContentType: letter.contentType },
        metadata: {
          [META.tenant]: encodeMetadata(letter.tenantId),
          [META.case]: encodeMetadata(letter.caseId),
          [META.document]: encodeMetadata(letter.documentId),
          [META.kind]: encodeMetadata(letter.kind),
          [META.createdAt]: letter.createdAt.toISOString(),
          [META.sha256]: sha256,
        },
        tags: { tenant: tagValue(letter.tenantId), case: tagValue(letter.caseId), kind: tagValue(letter.kind) },
        conditions: { ifNoneMatch: "*" },
      });
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode;
      if (status !== 409 && status !== 412) throw err;
      const existing = await blob.getProperties();
      if (existing.metadata?.[META.sha256] === sha256) return; // the same letter again: a retry
      throw new LetterAlreadyArchived("A different letter is already archived under this document id", {
        documentId: letter.documentId,
      });
    }
  }

  async get(
    tenantId: string,
    caseId: string,
    documentId: string,
  ): Promise<{ content: Buffer; contentType: string; metadata: Record<string, string> } | undefined> {
    const blob = this.container.getBlobClient(blobName(tenantId, caseId, documentId));
    try {
      // One round trip: the download response carries the content type and the metadata.
      const response = await blob.download();
      return {
        content: await readAll(response.readableStreamBody),
        contentType: response.contentType ?? "application/octet-stream",
        metadata: decodeMetadata(response.metadata ?? {}),
      };
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return undefined;
      throw err;
    }
  }

  async list(tenantId: string, caseId: string): Promise<LetterSummary[]> {
    const prefix = casePrefix(tenantId, caseId);
    const letters: LetterSummary[] = [];
    try {
      for await (const item of this.container.listBlobsFlat({ prefix, includeMetadata: true })) {
        const metadata = decodeMetadata(item.metadata ?? {});
        letters.push({
          documentId: item.name.slice(prefix.length),
          kind: metadata[META.kind] ?? "",
          contentType: item.properties.contentType ?? "application/octet-stream",
          createdAt: new Date(metadata[META.createdAt] ?? item.properties.createdOn ?? 0),
        });
      }
    } catch (err) {
      if ((err as { statusCode?: number; code?: string }).code === "ContainerNotFound") return [];
      throw err;
    }
    return letters.sort(
      (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.documentId.localeCompare(b.documentId),
    );
  }

  private ensureContainer(): Promise<void> {
    if (!this.options.createContainerIfMissing) return Promise.resolve();
    this.containerReady ??= this.container.createIfNotExists().then(
      () => undefined,
      (err: unknown) => {
        this.containerReady = undefined;
        throw err;
      },
    );
    return this.containerReady;
  }
}

async function readAll(stream: NodeJS.ReadableStream | undefined): Promise<Buffer> {
  if (!stream) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

function casePrefix(tenantId: string, caseId: string): string {
  return `${segment("tenantId", tenantId)}/${segment("caseId", caseId)}/`;
}

function blobName(tenantId: string, caseId: string, documentId: string): string {
  return casePrefix(tenantId, caseId) + segment("documentId", documentId);
}

function segment(name: string, value: string): string {
  if (!value || value.includes("/") || value === "." || value === "..") {
    throw new TypeError(`BlobLetterArchive: ${name} must be non-empty and contain no "/"`);
  }
  return value;
}

/** Metadata values travel as HTTP headers: ASCII only, so anything else is percent-encoded. */
function encodeMetadata(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) && !value.includes("%") ? value : encodeURIComponent(value);
}

function decodeMetadata(metadata: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(metadata).map(([k, v]) => {
      try {
        return [k, decodeURIComponent(v)];
      } catch {
        return [k, v];
      }
    }),
  );
}

/** Tag values allow a small character set; anything else is stored as `b64:` + base64url. */
export function tagValue(value: string): string {
  return TAG_VALUE.test(value) ? value : `b64:${Buffer.from(value, "utf8").toString("base64url")}`;
}
