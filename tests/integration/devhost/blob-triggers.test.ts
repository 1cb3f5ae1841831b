import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installFunctionsCore } from "../../../devhost/functions-core";
import { app } from "@azure/functions";
import { BlobServiceClient } from "@azure/storage-blob";
import { AzuriteStandIn } from "../../../devhost/storage/azurite";
import { BlobTriggers } from "../../../devhost/blob-triggers";
import { Invoker } from "../../../devhost/invoker";
import { WorkTracker } from "../../../devhost/work-tracker";
import { VirtualClock } from "../../../devhost/clock";
import { silentLogger } from "../../../devhost/logger";

const registry = installFunctionsCore();
const seen: Array<{ name: string; content: string; trigger: unknown }> = [];
let failuresLeft = 0;
app.storageBlob("ocrImport", {
  path: "ocr-incoming/{name}",
  connection: "AzureWebJobsStorage",
  handler: async (content: unknown, context) => {
    if (failuresLeft > 0) {
      failuresLeft--;
      throw new Error("transient");
    }
    seen.push({
      name: String(context.triggerMetadata?.name),
      content: Buffer.from(content as Buffer).toString(),
      trigger: context.triggerMetadata?.blobTrigger,
    });
  },
});

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "blob-triggers-"));
const azurite = new AzuriteStandIn({ dataDir, logger: silentLogger });
let connectionString = "";
const makeTriggers = () => {
  const tracker = new WorkTracker();
  return new BlobTriggers({
    registry,
    invoker: new Invoker(registry, tracker, silentLogger),
    logger: silentLogger,
    dataDir,
    clock: new VirtualClock(tracker),
    setting: (n) => (n === "AzureWebJobsStorage" ? connectionString : undefined),
    pollIntervalMs: 60_000,
  });
};

beforeAll(async () => {
  ({ connectionString } = await azurite.start({ blob: 0, queue: 0, table: 0 }));
});
afterAll(() => azurite.stop());

describe("blob triggers in the dev host", () => {
  it("invoke the function once per new blob with its content and name, retry a failure, and remember receipts across restarts", async () => {
    const triggers = makeTriggers();
    await triggers.start();
    const container = BlobServiceClient.fromConnectionString(connectionString).getContainerClient("ocr-incoming");
    await container.getBlockBlobClient("OCR.20270115.txt").upload("NY000010", 8);
    failuresLeft = 1;
    await triggers.pollNow();
    expect(seen).toEqual([]);
    await triggers.pollNow();
    expect(seen).toEqual([{ name: "OCR.20270115.txt", content: "NY000010", trigger: "ocr-incoming/OCR.20270115.txt" }]);
    await triggers.pollNow();
    expect(seen).toHaveLength(1);
    await triggers.stop();

    const again = makeTriggers();
    await again.start();
    await container.getBlockBlobClient("OCR.20270116.txt").upload("NY000020", 8);
    await again.pollNow();
    expect(seen.map((s) => s.name)).toEqual(["OCR.20270115.txt", "OCR.20270116.txt"]);
    await again.stop();
  });
});
