/**
 * BlobPrintHouse through the real Blob SDK against the dev host's Azurite stand-in: letters submitted once whatever
 * the retries, a batch with its manifest (hashes) written last, an interrupted close finished by the next one, and
 * no letter in two batches.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BlobServiceClient, type ContainerClient } from "@azure/storage-blob";
import { silentLogger } from "../../../../devhost/logger";
import { AzuriteStandIn } from "../../../../devhost/storage/azurite";
import { BlobPrintHouse, PrintLetterConflict } from "../../../../shared/adapters/blob/print-house.blob";
import type { PrintLetter } from "../../../../shared/ports/print-house";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "print-house-"));
const azurite = new AzuriteStandIn({ dataDir, logger: silentLogger });
let connectionString = "";
let containerSeq = 0;

beforeAll(async () => {
  ({ connectionString } = await azurite.start({ blob: 0, queue: 0, table: 0 }));
});
afterAll(async () => {
  await azurite.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function fresh(): { house: BlobPrintHouse; container: ContainerClient } {
  const containerName = `print-outbox-${++containerSeq}`;
  const house = new BlobPrintHouse({ connectionString, containerName, createContainerIfMissing: true });
  const container = BlobServiceClient.fromConnectionString(connectionString).getContainerClient(containerName);
  return { house, container };
}

function letter(letterId: string, text = `%PDF-1.4 letter ${letterId}`): PrintLetter {
  return {
    letterId,
    tenantId: "t-1",
    pdf: Buffer.from(text),
    recipient: {
      name: "Kari Nordmann",
      address: { lines: ["Storgata 1"], postalCode: "0155", city: "Oslo", country: "NO" },
    },
    postage: "B",
  };
}

async function names(container: ContainerClient, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const b of container.listBlobsFlat({ prefix })) out.push(b.name);
  return out.sort();
}

const FRIDAY = new Date("2026-12-04T13:00:00Z");

describe("BlobPrintHouse against Azurite", () => {
  it("puts three submitted letters into one batch whose manifest lists each with its SHA-256", async () => {
    const { house, container } = fresh();
    for (const id of ["L-1", "L-2", "L-3"]) await house.submit(letter(id));
    await house.submit(letter("L-2")); // a retry of the same letter

    const batch = await house.closeBatch(FRIDAY);
    expect(batch).toMatchObject({ count: 3, resumed: false });
    const manifest = await house.manifest(batch!.batchId);
    expect(manifest?.createdAt).toBe(FRIDAY.toISOString());
    expect(manifest?.letters.map((l) => [l.letterId, l.file, l.sha256])).toEqual(
      ["L-1", "L-2", "L-3"].map((id) => [
        id,
        `${id}.pdf`,
        createHash("sha256").update(`%PDF-1.4 letter ${id}`).digest("hex"),
      ]),
    );
    expect(manifest?.letters[0]?.recipient.address.city).toBe("Oslo");
    const pdf = await container.getBlobClient(`batches/${batch!.batchId}/L-1.pdf`).downloadToBuffer();
    expect(pdf.toString()).toBe("%PDF-1.4 letter L-1");
    expect(await names(container, "pending/")).toEqual([]);
    expect(await house.closeBatch(FRIDAY)).toBeUndefined(); // nothing waits
  });

  it("does not print a letter again when it is submitted again after its batch closed", async () => {
    const { house } = fresh();
    await house.submit(letter("L-1"));
    await house.closeBatch(FRIDAY);
    await house.submit(letter("L-1"));
    expect(await house.closeBatch(FRIDAY)).toBeUndefined();
    await expect(house.submit(letter("L-1", "%PDF-1.4 something else"))).rejects.toBeInstanceOf(PrintLetterConflict);
  });

  it("refuses different content under the id of a letter still pending", async () => {
    const { house } = fresh();
    await house.submit(letter("L-1"));
    await expect(house.submit(letter("L-1", "%PDF-1.4 other"))).rejects.toBeInstanceOf(PrintLetterConflict);
  });

  it("finishes a batch a crashed close had started, and leaves later letters for the next batch", async () => {
    const { house, container } = fresh();
    for (const id of ["L-1", "L-2"]) await house.submit(letter(id));
    // What a close that crashed after moving L-1 leaves behind: its open-batch record and L-1 in the batch already.
    const open = { batchId: "20261204T130000Z-crash1", createdAt: FRIDAY.toISOString(), letterIds: ["L-1", "L-2"] };
    await container
      .getBlockBlobClient("state/open-batch.json")
      .upload(JSON.stringify(open), JSON.stringify(open).length);
    for (const ext of ["pdf", "json"]) {
      const content = await container.getBlobClient(`pending/L-1.${ext}`).downloadToBuffer();
      await container.getBlockBlobClient(`batches/${open.batchId}/L-1.${ext}`).uploadData(content);
    }
    expect(await names(container, `batches/${open.batchId}/`)).not.toContain(`batches/${open.batchId}/manifest.json`);
    await house.submit(letter("L-3")); // arrives while the batch is open

    const finished = await house.closeBatch(new Date("2026-12-04T13:30:00Z"));
    expect(finished).toEqual({ batchId: open.batchId, count: 2, resumed: true });
    expect((await house.manifest(open.batchId))?.letters.map((l) => l.letterId)).toEqual(["L-1", "L-2"]);
    expect((await house.manifest(open.batchId))?.createdAt).toBe(FRIDAY.toISOString());

    const next = await house.closeBatch(new Date("2026-12-07T13:00:00Z"));
    expect(next?.count).toBe(1);
    expect((await house.manifest(next!.batchId))?.letters.map((l) => l.letterId)).toEqual(["L-3"]);
    expect(await names(container, "state/")).toEqual([]);
  });

  it("drops a pending copy of a letter already sent (a retried submit that raced the batch)", async () => {
    const { house, container } = fresh();
    await house.submit(letter("L-1"));
    const first = await house.closeBatch(FRIDAY);
    // The retry had checked before the batch closed and wrote its pending blobs after.
    const meta = await container.getBlobClient(`batches/${first!.batchId}/L-1.json`).downloadToBuffer();
    await container.getBlockBlobClient("pending/L-1.json").uploadData(meta);
    await container.getBlockBlobClient("pending/L-1.pdf").uploadData(Buffer.from("%PDF-1.4 letter L-1"));
    expect(await house.closeBatch(FRIDAY)).toBeUndefined();
    expect(await names(container, "pending/")).toEqual([]);
  });

  it("lets two closes running at once make one batch", async () => {
    const { house } = fresh();
    for (const id of ["L-1", "L-2", "L-3", "L-4"]) await house.submit(letter(id));
    const [a, b] = await Promise.all([house.closeBatch(FRIDAY), house.closeBatch(FRIDAY)]);
    const batches = [a, b].filter((x) => x !== undefined);
    expect(new Set(batches.map((x) => x.batchId)).size).toBe(1);
    expect(batches[0]?.count).toBe(4);
  });
});
