/**
 * `PrintHouse` + `PrintBatches` in Azure Blob Storage (`@azure/storage-blob`): the outbox container the print house
 * reads (`PRINT_OUTBOX_CONTAINER`, default `print-outbox`). The contract with the print house is docs/print-house.md.
 *
 * Layout of the container:
 * - `pending/{letterId}.pdf` + `pending/{letterId}.json` (tenant, postage, recipient): submitted, not yet in a batch.
 *   Both create-only (`If-None-Match: *`): the same letter again (same SHA-256) succeeds, different content under the
 *   same id is `PrintLetterConflict`.
 * - `batches/{batchId}/{letterId}.pdf` and, written LAST, `batches/{batchId}/manifest.json`: a batch exists for the
 *   print house only once its manifest does (it reads manifests only).
 * - `sent/{letterId}.json`: the letter went into batch X (written before its pending blobs are deleted). `submit`
 *   checks it first, and `closeBatch` drops pending blobs whose letter was already sent, so a retried submit that
 *   races a batch is never printed twice.
 * - `state/open-batch.json`: the batch being closed (its id, time and letter ids), created create-only before anything
 *   moves and deleted after the manifest is written. A crashed close is finished by the next one; two concurrent
 *   closes finish the same batch.
 *
 * Recipients (personal data) live only in the blobs; nothing here logs.
 */
import { BlobServiceClient, type ContainerClient } from "@azure/storage-blob";
import { DefaultAzureCredential, type TokenCredential } from "@azure/identity";
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { DomainError } from "../../domain/errors";
import type { Clock } from "../../ports/clock";
import type { PrintHouse, PrintLetter } from "../../ports/print-house";
import type { PrintBatches, PrintBatchSummary } from "../../ports/print-batches";

export type BlobPrintHouseOptions = (
  { connectionString: string } | { accountUrl: string; credential?: TokenCredential }
) & {
  /** Default "print-outbox". */
  containerName?: string;
  /** Create the container on first use (local development); in Azure Bicep provisions it. Default false. */
  createContainerIfMissing?: boolean;
  /** The time stamped on submitted letters; default the system clock. */
  clock?: Clock;
};

export class PrintLetterConflict extends DomainError {
  readonly code = "PRINT_LETTER_CONFLICT";
}

export const PrintRecipient = z.object({
  name: z.string().min(1),
  address: z.object({
    lines: z.array(z.string()),
    postalCode: z.string(),
    city: z.string(),
    country: z.string(),
  }),
});

/** `pending/{letterId}.json` and `batches/{batchId}/{letterId}.json`. */
export const PendingPrintLetter = z.object({
  letterId: z.string().min(1),
  tenantId: z.string().min(1),
  postage: z.enum(["A", "B"]),
  recipient: PrintRecipient,
  sha256: z.string().min(1),
  bytes: z.number().int().nonnegative(),
  submittedAt: z.iso.datetime(),
});
export type PendingPrintLetter = z.infer<typeof PendingPrintLetter>;

/** The batch manifest the print house reads: `batches/{batchId}/manifest.json`. */
export const PrintManifest = z.object({
  version: z.literal(1),
  batchId: z.string().min(1),
  createdAt: z.iso.datetime(),
  count: z.number().int().nonnegative(),
  letters: z.array(
    z.object({
      letterId: z.string().min(1),
      /** The PDF's name beside the manifest. */
      file: z.string().min(1),
      pages: z.number().int().positive().optional(),
      postage: z.enum(["A", "B"]),
      tenantId: z.string().min(1),
      recipient: PrintRecipient,
      /** Hex SHA-256 of the PDF. */
      sha256: z.string().regex(/^[0-9a-f]{64}$/u),
      bytes: z.number().int().nonnegative(),
    }),
  ),
});
export type PrintManifest = z.infer<typeof PrintManifest>;

const OpenBatch = z.object({ batchId: z.string().min(1), createdAt: z.iso.datetime(), letterIds: z.array(z.string()) });
type OpenBatch = z.infer<typeof OpenBatch>;
const SentMarker = z.object({ letterId: z.string(), batchId: z.string(), sha256: z.string() });

const OPEN_BATCH = "state/open-batch.json";
const SHA_META = "contentsha256";

export class BlobPrintHouse implements PrintHouse, PrintBatches {
  private readonly container: ContainerClient;
  private containerReady: Promise<void> | undefined;

  constructor(private readonly options: BlobPrintHouseOptions) {
    const service =
      "connectionString" in options
        ? BlobServiceClient.fromConnectionString(options.connectionString)
        : new BlobServiceClient(options.accountUrl, options.credential ?? new DefaultAzureCredential());
    this.container = service.getContainerClient(options.containerName ?? "print-outbox");
  }

  async submit(letter: PrintLetter): Promise<void> {
    checkId(letter.letterId);
    await this.ensureContainer();
    const sha256 = createHash("sha256").update(letter.pdf).digest("hex");
    const sent = await this.readJson(`sent/${letter.letterId}.json`, SentMarker);
    if (sent) {
      if (sent.sha256 === sha256) return; // already in a batch: a retry
      throw conflict(letter.letterId);
    }
    await this.createOnly(`pending/${letter.letterId}.pdf`, letter.pdf, "application/pdf", sha256, letter.letterId);
    const pending: PendingPrintLetter = {
      letterId: letter.letterId,
      tenantId: letter.tenantId,
      postage: letter.postage,
      recipient: letter.recipient,
      sha256,
      bytes: letter.pdf.length,
      submittedAt: (this.options.clock?.now() ?? new Date()).toISOString(),
    };
    // The JSON's own hash is not compared: a retry carries a later submittedAt. Its PDF hash decides.
    await this.createOnly(
      `pending/${letter.letterId}.json`,
      json(pending),
      "application/json",
      sha256,
      letter.letterId,
    );
  }

  async closeBatch(now: Date): Promise<PrintBatchSummary | undefined> {
    await this.ensureContainer();
    let open = await this.readJson(OPEN_BATCH, OpenBatch);
    let resumed = open !== undefined;
    if (!open) {
      const letterIds = await this.pendingLetterIds();
      if (letterIds.length === 0) return undefined;
      const candidate: OpenBatch = { batchId: newBatchId(now), createdAt: now.toISOString(), letterIds };
      try {
        await this.container
          .getBlockBlobClient(OPEN_BATCH)
          .uploadData(json(candidate), { conditions: { ifNoneMatch: "*" } });
        open = candidate;
      } catch (err) {
        if (!isConflict(err)) throw err;
        open = await this.readJson(OPEN_BATCH, OpenBatch); // another close started first: finish that one
        if (!open) return this.closeBatch(now);
        resumed = true;
      }
    }
    const manifest = await this.finishBatch(open);
    await this.container.deleteBlob(OPEN_BATCH).catch(ignoreNotFound);
    return { batchId: manifest.batchId, count: manifest.count, resumed };
  }

  /** A published manifest (tests, the print house stand-in). */
  async manifest(batchId: string): Promise<PrintManifest | undefined> {
    return this.readJson(`batches/${batchId}/manifest.json`, PrintManifest);
  }

  /** Moves each letter of the open batch (idempotent per letter), then writes the manifest. */
  private async finishBatch(open: OpenBatch): Promise<PrintManifest> {
    const existing = await this.manifest(open.batchId);
    if (existing) return existing;
    const letters: PrintManifest["letters"] = [];
    for (const letterId of open.letterIds) {
      const moved = await this.moveLetter(open.batchId, letterId);
      if (!moved) continue;
      const { meta, pdf } = moved;
      letters.push({
        letterId,
        file: `${letterId}.pdf`,
        postage: meta.postage,
        tenantId: meta.tenantId,
        recipient: meta.recipient,
        sha256: createHash("sha256").update(pdf).digest("hex"),
        bytes: pdf.length,
      });
    }
    const manifest: PrintManifest = {
      version: 1,
      batchId: open.batchId,
      createdAt: open.createdAt,
      count: letters.length,
      letters,
    };
    try {
      await this.container.getBlockBlobClient(`batches/${open.batchId}/manifest.json`).uploadData(json(manifest), {
        blobHTTPHeaders: { blobContentType: "application/json" },
        conditions: { ifNoneMatch: "*" },
      });
    } catch (err) {
      if (!isConflict(err)) throw err;
      return (await this.manifest(open.batchId)) ?? manifest;
    }
    return manifest;
  }

  private async moveLetter(
    batchId: string,
    letterId: string,
  ): Promise<{ meta: PendingPrintLetter; pdf: Buffer } | undefined> {
    const target = `batches/${batchId}/${letterId}`;
    // Already moved by an interrupted run: the batch's copies are the truth.
    let meta = await this.readJson(`${target}.json`, PendingPrintLetter);
    let pdf = meta ? await this.read(`${target}.pdf`) : undefined;
    if (!meta || !pdf) {
      meta = await this.readJson(`pending/${letterId}.json`, PendingPrintLetter);
      pdf = await this.read(`pending/${letterId}.pdf`);
      if (!meta || !pdf) {
        // A concurrent close may have moved it in between: its batch copy is then complete (copied before deleting).
        meta = await this.readJson(`${target}.json`, PendingPrintLetter);
        pdf = meta ? await this.read(`${target}.pdf`) : undefined;
        return meta && pdf ? { meta, pdf } : undefined;
      }
      await this.container.getBlockBlobClient(`${target}.pdf`).uploadData(pdf, {
        blobHTTPHeaders: { blobContentType: "application/pdf" },
        metadata: { [SHA_META]: meta.sha256 },
      });
      await this.container
        .getBlockBlobClient(`${target}.json`)
        .uploadData(json(meta), { blobHTTPHeaders: { blobContentType: "application/json" } });
    }
    await this.container
      .getBlockBlobClient(`sent/${letterId}.json`)
      .uploadData(json({ letterId, batchId, sha256: meta.sha256 }));
    await this.deletePending(letterId);
    return { meta, pdf };
  }

  /** Letters with both pending blobs; pending blobs of letters already sent (a raced retry) are dropped. */
  private async pendingLetterIds(): Promise<string[]> {
    const pdfs = new Set<string>();
    const metas = new Set<string>();
    for await (const item of this.container.listBlobsFlat({ prefix: "pending/" })) {
      const name = item.name.slice("pending/".length);
      if (name.endsWith(".pdf")) pdfs.add(name.slice(0, -4));
      else if (name.endsWith(".json")) metas.add(name.slice(0, -5));
    }
    const ids: string[] = [];
    for (const id of [...pdfs].sort()) {
      if (!metas.has(id)) continue; // a submit still under way (or interrupted: its retry completes it)
      if (await this.exists(`sent/${id}.json`)) await this.deletePending(id);
      else ids.push(id);
    }
    return ids;
  }

  private async deletePending(letterId: string): Promise<void> {
    await this.container.deleteBlob(`pending/${letterId}.pdf`).catch(ignoreNotFound);
    await this.container.deleteBlob(`pending/${letterId}.json`).catch(ignoreNotFound);
  }

  private async createOnly(
    name: string,
    content: Buffer,
    contentType: string,
    sha256: string,
    letterId: string,
  ): Promise<void> {
    const blob = this.container.getBlockBlobClient(name);
    try {
      await blob.uploadData(content, {
        blobHTTPHeaders: { blobContentType: contentType },
        metadata: { [SHA_META]: sha256 },
        conditions: { ifNoneMatch: "*" },
      });
    } catch (err) {
      if (!isConflict(err)) throw err;
      const existing = await blob.getProperties();
      if (existing.metadata?.[SHA_META] !== sha256) throw conflict(letterId);
    }
  }

  private async exists(name: string): Promise<boolean> {
    return this.container.getBlobClient(name).exists();
  }

  private async read(name: string): Promise<Buffer | undefined> {
    try {
      return await this.container.getBlobClient(name).downloadToBuffer();
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return undefined;
      throw err;
    }
  }

  private async readJson<T>(name: string, schema: z.ZodType<T>): Promise<T | undefined> {
    const content = await this.read(name);
    return content === undefined ? undefined : schema.parse(JSON.parse(content.toString("utf8")));
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

function newBatchId(now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/gu, "")
    .replace(/\.\d+Z$/u, "Z");
  return `${stamp}-${randomBytes(3).toString("hex")}`;
}

function checkId(letterId: string): void {
  if (!/^[A-Za-z0-9._:-]{1,200}$/u.test(letterId) || letterId === "." || letterId === "..")
    throw new TypeError("BlobPrintHouse: letterId must be 1–200 characters of A–Z a–z 0–9 . _ : -");
}

function conflict(letterId: string): PrintLetterConflict {
  return new PrintLetterConflict("A different letter was already submitted for print under this id", { letterId });
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), "utf8");
}

function isConflict(err: unknown): boolean {
  const status = (err as { statusCode?: number }).statusCode;
  return status === 409 || status === 412;
}

function ignoreNotFound(err: unknown): void {
  if ((err as { statusCode?: number }).statusCode !== 404) throw err;
}
