/**
 * The OCR import function as the dev host runs it: its real registration (path %OCR_INCOMING_CONTAINER%/{name},
 * Event Grid source in Azure) polled through Azurite, a bank file uploaded, its transactions on the payments queue.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BlobServiceClient } from "@azure/storage-blob";
import { installFunctionsCore } from "../../../devhost/functions-core";
import { BlobTriggers } from "../../../devhost/blob-triggers";
import { Invoker } from "../../../devhost/invoker";
import { WorkTracker } from "../../../devhost/work-tracker";
import { VirtualClock } from "../../../devhost/clock";
import { silentLogger } from "../../../devhost/logger";
import { AzuriteStandIn } from "../../../devhost/storage/azurite";
import { IMPORT_OCR_GIRO_FUNCTION } from "../../../functions/payments/names";
import type { MemoryPaymentQueue } from "../../../shared/adapters/memory/payment-queue.memory";
import { testWorld } from "../../unit/functions/api/api-fixtures";

const registry = installFunctionsCore();
const SAMPLE = fs.readFileSync(path.join(__dirname, "../../fixtures/ocr/ocr_giro_transactions.txt"));
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "ocr-import-"));
const azurite = new AzuriteStandIn({ dataDir, logger: silentLogger });
let connectionString = "";
const world = testWorld({ now: "2026-11-21T06:00:00Z" });

beforeAll(async () => {
  const { registerImportOcrGiroFunction } = await import("../../../functions/payments/blob-import-ocr-giro");
  registerImportOcrGiroFunction(() => world.deps);
  ({ connectionString } = await azurite.start({ blob: 0, queue: 0, table: 0 }));
});
afterAll(async () => {
  await azurite.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("importing an OCR giro file dropped in the incoming container", () => {
  it("registers a blob trigger on the OCR container setting with the Event Grid source", () => {
    const registration = registry.byName(IMPORT_OCR_GIRO_FUNCTION);
    expect(registration?.trigger).toMatchObject({
      type: "blobTrigger",
      path: "%OCR_INCOMING_CONTAINER%/{name}",
      connection: "AzureWebJobsStorage",
      source: "EventGrid",
    });
  });

  it("puts every transaction of the file on the payments queue once, and refuses a broken file without enqueuing", async () => {
    const tracker = new WorkTracker();
    const triggers = new BlobTriggers({
      registry,
      invoker: new Invoker(registry, tracker, silentLogger),
      logger: silentLogger,
      dataDir,
      clock: new VirtualClock(tracker),
      setting: (n) => ({ AzureWebJobsStorage: connectionString, OCR_INCOMING_CONTAINER: "ocr-incoming" })[n],
      pollIntervalMs: 60_000,
    });
    await triggers.start();
    const container = BlobServiceClient.fromConnectionString(connectionString).getContainerClient("ocr-incoming");
    const queue = world.deps.paymentQueue as MemoryPaymentQueue;

    await container.getBlockBlobClient("OCR.19920120.txt").upload(SAMPLE, SAMPLE.length);
    await triggers.pollNow();
    expect(queue.messages).toHaveLength(20);
    expect(queue.messages.every((m) => m.kind === "bank-payment" && m.source === "OCR.19920120.txt")).toBe(true);

    // the same file again under another name: nothing new on the queue
    await container.getBlockBlobClient("OCR.19920120-resent.txt").upload(SAMPLE, SAMPLE.length);
    const broken = Buffer.from(
      SAMPLE.toString("latin1").replace("NY000089000000200000004500", "NY000089000000210000004500"),
      "latin1",
    );
    await container.getBlockBlobClient("OCR.broken.txt").upload(broken, broken.length);
    await triggers.pollNow();
    expect(queue.messages).toHaveLength(20);
    await triggers.stop();
  });
});
