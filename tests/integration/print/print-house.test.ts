/**
 * Paper letters end to end on this machine, through the real Blob SDK against Azurite: the app's print functions
 * (their real registrations, run by the dev host's invoker and blob trigger poller), BlobPrintHouse, and the print
 * house stand-in on a virtual clock. A batch closed on Friday is posted on Monday (A) and Tuesday (B); the receipt
 * files come back and become delivery reports, one per letter; a broken receipt file is moved aside, records nothing
 * and is listed for operators.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BlobServiceClient } from "@azure/storage-blob";
import { installFunctionsCore } from "../../../devhost/functions-core";
import { BlobTriggers } from "../../../devhost/blob-triggers";
import { Invoker } from "../../../devhost/invoker";
import { WorkTracker } from "../../../devhost/work-tracker";
import { VirtualClock } from "../../../devhost/clock";
import { silentLogger } from "../../../devhost/logger";
import { listen, closeServer } from "../../../devhost/listen";
import { AzuriteStandIn } from "../../../devhost/storage/azurite";
import { PrintHouseStandIn } from "../../../devhost/print/print-house-stand-in";
import { BlobPrintHouse } from "../../../shared/adapters/blob/print-house.blob";
import { BlobPrintReceiptFiles } from "../../../shared/adapters/blob/print-receipts.blob";
import { CLOSE_PRINT_BATCH_FUNCTION, REJECTED_PRINT_RECEIPTS_FUNCTION } from "../../../functions/print/names";
import type { PrintDeps } from "../../../functions/print/deps";
import type { DeliveryReport } from "../../../shared/ports/delivery-report";
import type { PrintLetter } from "../../../shared/ports/print-house";

const registry = installFunctionsCore();
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "print-e2e-"));
const azurite = new AzuriteStandIn({ dataDir, logger: silentLogger });
const tracker = new WorkTracker();
/** Friday 4 December 2026, 13:30 Oslo. */
const clock = new VirtualClock(tracker, Date.parse("2026-12-04T12:30:00Z"));
const invoker = new Invoker(registry, tracker, silentLogger);
const OPERATOR_KEY = "operator-key-for-the-print-test";
const recorded: DeliveryReport[] = [];
let deps: PrintDeps;
let house: BlobPrintHouse;
let standIn: PrintHouseStandIn;
let triggers: BlobTriggers;
let server: Server;
let devBase = "";
let connectionString = "";

beforeAll(async () => {
  const { registerPrintFunctions } = await import("../../../functions/print/index");
  registerPrintFunctions(() => deps);
  ({ connectionString } = await azurite.start({ blob: 0, queue: 0, table: 0 }));
  house = new BlobPrintHouse({
    connectionString,
    createContainerIfMissing: true,
    clock: { now: () => clock.nowDate() },
  });
  deps = {
    printBatches: house,
    printReceiptFiles: new BlobPrintReceiptFiles({ connectionString, createContainerIfMissing: true }),
    deliveryReportsFor: () => ({
      record: (report) => {
        recorded.push(report);
        return Promise.resolve(report.messageId.startsWith("L-") ? "applied" : "unknown-message");
      },
    }),
    clock: { now: () => clock.nowDate() },
    operatorApiKey: OPERATOR_KEY,
  };
  const closeFn = registry.byName(CLOSE_PRINT_BATCH_FUNCTION)!;
  standIn = new PrintHouseStandIn({
    connectionString,
    outboxContainer: "print-outbox",
    receiptsContainer: "print-receipts",
    dataDir,
    logger: silentLogger,
    now: () => clock.nowDate(),
    schedule: (at, fire, label) => clock.schedule(at, fire, label),
    closeBatch: () => invoker.invoke(closeFn, { isPastDue: false }).then(() => undefined),
    pollIntervalMs: 600_000,
  });
  await standIn.start();
  triggers = new BlobTriggers({
    registry,
    invoker,
    logger: silentLogger,
    dataDir,
    clock,
    setting: (n) => ({ AzureWebJobsStorage: connectionString, PRINT_RECEIPTS_CONTAINER: "print-receipts" })[n],
    pollIntervalMs: 600_000,
  });
  await triggers.start();
  server = createServer((req, res) => {
    void standIn.handleDevHttp(req, res, new URL(req.url ?? "/", "http://127.0.0.1")).then((handled) => {
      if (!handled) res.writeHead(404).end();
    });
  });
  devBase = `http://127.0.0.1:${await listen(server, 0)}/api/dev/print`;
});
afterAll(async () => {
  await triggers.stop();
  await standIn.stop();
  clock.stop();
  await closeServer(server);
  await azurite.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function letter(letterId: string, postage: "A" | "B", firstLine = "Storgata 1"): PrintLetter {
  return {
    letterId,
    tenantId: "t-1",
    pdf: Buffer.from(`%PDF-1.4 ${letterId}`),
    recipient: {
      name: "Kari Nordmann",
      address: { lines: [firstLine], postalCode: "5003", city: "Bergen", country: "NO" },
    },
    postage,
  };
}

async function receiptNames(): Promise<string[]> {
  const container = BlobServiceClient.fromConnectionString(connectionString).getContainerClient("print-receipts");
  const names: string[] = [];
  for await (const b of container.listBlobsFlat()) names.push(b.name);
  return names.sort();
}

async function post(route: string, body: unknown) {
  const response = await fetch(`${devBase}${route}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe("a print batch closed on Friday", () => {
  it("is posted on Monday (A) and Tuesday (B); the receipts become one delivery report per letter", async () => {
    await house.submit(letter("L-A", "A"));
    await house.submit(letter("L-B", "B"));
    await house.submit(letter("L-X", "B", "Ukjent adresse 3"));

    const closed = await post("/close-batch", {}); // the app's timer function, now
    expect(closed.status).toBe(200);
    const batches = closed.json.closed as Array<{ batchId: string; letters: Array<Record<string, unknown>> }>;
    expect(batches).toHaveLength(1);
    expect(batches[0]!.letters.map((l) => [l.letterId, l.postingDay, l.state, l.city])).toEqual([
      ["L-A", "2026-12-07", "pending", "Bergen"],
      ["L-B", "2026-12-08", "pending", "Bergen"],
      ["L-X", "2026-12-08", "pending", "Bergen"],
    ]);
    expect(JSON.stringify(batches)).not.toContain("Kari");
    const pdf = await fetch(`${devBase}/L-A.pdf`);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect(await pdf.text()).toBe("%PDF-1.4 L-A");

    await clock.advanceTo(Date.parse("2026-12-06T22:00:00Z")); // Sunday night: nothing posted over the weekend
    expect(await receiptNames()).toEqual([]);

    await clock.advanceTo(Date.parse("2026-12-07T20:00:00Z")); // Monday evening: the A letter
    const batchId = batches[0]!.batchId;
    expect(await receiptNames()).toEqual([`${batchId}-2026-12-07.csv`]);
    await triggers.pollNow();
    expect(recorded).toEqual([
      { channel: "print", messageId: "L-A", outcome: "delivered", status: "Posted", at: "2026-12-07T11:00:00.000Z" },
    ]);

    await clock.advanceTo(Date.parse("2026-12-08T20:00:00Z")); // Tuesday evening: the B letters, one returned
    await triggers.pollNow();
    expect(recorded.slice(1)).toEqual([
      { channel: "print", messageId: "L-B", outcome: "delivered", status: "Posted", at: "2026-12-08T11:00:00.000Z" },
      {
        channel: "print",
        messageId: "L-X",
        outcome: "failed",
        status: "Returned",
        at: "2026-12-08T11:00:00.000Z",
        detail: "Adressat ukjent",
      },
    ]);
    const view = (await (await fetch(`${devBase}?format=json`)).json()) as {
      batches: Array<{ letters: Array<{ letterId: string; state: string }> }>;
    };
    expect(view.batches[0]!.letters.map((l) => l.state)).toEqual(["posted", "posted", "returned"]);
  });

  it("moves a broken receipt file aside, records nothing from it and lists it for operators", async () => {
    const before = recorded.length;
    const broken = "letter_id;status;date;detail\nL-A;POSTED;2026-12-07;\nL-B;SENT;2026-12-08;\n";
    expect((await post("/receipt", { name: "broken.csv", content: broken })).status).toBe(201);
    await triggers.pollNow();
    expect(recorded.length).toBe(before);
    expect(await receiptNames()).not.toContain("broken.csv");

    const list = registry.byName(REJECTED_PRINT_RECEIPTS_FUNCTION)!;
    const { HttpRequest } = await import("@azure/functions");
    const result = await invoker.invoke(
      list,
      new HttpRequest({
        method: "GET",
        url: "http://localhost/api/v1/ops/print-receipts/rejected",
        headers: { "x-api-key": OPERATOR_KEY },
      }),
    );
    expect(result.result).toMatchObject({
      status: 200,
      jsonBody: {
        items: [
          {
            name: "broken.csv",
            line: 3,
            problem: "status must be POSTED, RETURNED or REJECTED",
            rejectedAt: expect.stringMatching(/^2026-12-08T20:0/),
          },
        ],
      },
    });
    const refused = await invoker.invoke(
      list,
      new HttpRequest({ method: "GET", url: "http://localhost/api/v1/ops/print-receipts/rejected" }),
    );
    expect(refused.result).toMatchObject({ status: 401 });
  });

  it("returns the letters a fault makes unreadable as REJECTED on their posting day", async () => {
    expect((await post("/faults", { rejectNext: 1 })).json).toEqual({ rejectNext: 1 });
    await house.submit(letter("L-R", "A"));
    const closed = await post("/close-batch", {}); // Tuesday 8 December, evening
    const batches = closed.json.closed as Array<{ letters: Array<{ postingDay: string }> }>;
    expect(batches[0]!.letters[0]!.postingDay).toBe("2026-12-09");
    await clock.advanceTo(Date.parse("2026-12-09T20:00:00Z"));
    await triggers.pollNow();
    expect(recorded.at(-1)).toEqual({
      channel: "print",
      messageId: "L-R",
      outcome: "failed",
      status: "Rejected",
      at: "2026-12-09T11:00:00.000Z",
      detail: "PDF kunne ikke leses",
    });
  });
});
