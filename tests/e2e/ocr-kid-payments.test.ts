/**
 * KID payments from the bank through `npm start`'s dev host: a Nets OCR giro file dropped into the blob container
 * `ocr-incoming` pays the case whose KID it names (the case API shows paid, balance 0), and the payment whose KID
 * matches no case is listed for operators at `GET /api/v1/ops/unmatched-payments`.
 */
import fs from "node:fs";
import path from "node:path";
import { BlobServiceClient } from "@azure/storage-blob";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays } from "../../shared/domain/calendar";
import { completeOcrGiro, writeOcrGiro, type OcrGiroTransaction } from "../../shared/domain/bank/ocr-giro";
import { generateKid } from "../../shared/domain/identifiers/kid";
import { makeDataDir, ROOT, startDevHost, type DevHostProcess } from "../support/devhost-process";
import { json } from "../support/http";

const settings = JSON.parse(fs.readFileSync(path.join(ROOT, "local.settings.example.json"), "utf8")) as {
  Values: Record<string, string>;
};
const API_KEY = settings.Values.DEVHOST_DEMO_API_KEY!;
const OPERATOR_KEY = settings.Values.OPERATOR_API_KEY!;
const AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

let host: DevHostProcess;

async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  what: string,
  timeoutMs = 45_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function tx(number: number, kid: string, value: number, day: string): OcrGiroTransaction {
  return {
    type: 10,
    number,
    netsDate: day,
    amount: { value, currency: "NOK" },
    kid,
    centreId: "13",
    dayCode: Number(day.slice(8, 10)),
    partialSettlement: 1,
    serialNumber: "01464",
    formNumber: "9636827194",
    archiveReference: `09903856${number}`,
    reserved: "0000000",
    bankDate: day,
    debitAccount: "12345678903",
  };
}

beforeAll(async () => {
  host = await startDevHost(makeDataDir("devhost-ocr-"));
}, 90_000);

afterAll(async () => {
  await host?.stop();
});

describe("KID payments from the bank's OCR giro file", () => {
  it("pays the case with the matching KID and lists the payment with an unknown KID for operators", async () => {
    const now = (await json(await fetch(`${host.base}/api/dev/clock`))).now as string;
    const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Oslo" }).format(new Date(now));
    const registered = await json(
      await fetch(`${host.base}/api/v1/invoices`, {
        method: "POST",
        headers: { "x-api-key": API_KEY, "content-type": "application/json" },
        body: JSON.stringify({
          invoiceNumber: "OCR-1",
          customer: { customerId: "ocr-cust", name: "Per Hansen" },
          amount: { value: 89_900, currency: "NOK" },
          issueDate: addDays(today, -1),
          dueDate: addDays(today, 8),
        }),
      }),
    );
    const { caseId, kid } = registered as { caseId: string; kid: string };
    const owed = await json<{ balance: { total: { value: number } } }>(
      await fetch(`${host.base}/api/v1/cases/${caseId}`, { headers: { "x-api-key": API_KEY } }),
    );
    const unknownKid = generateKid("99887766554433", "MOD10");

    const file = writeOcrGiro(
      completeOcrGiro({
        transmission: { number: "0170099", dataTransmitter: "00008080", recipient: "00010200" },
        netsDate: today,
        assignments: [
          {
            agreementId: "001008566",
            number: "0000009",
            account: "99991042764",
            transactions: [tx(1, kid, owed.balance.total.value, today), tx(2, unknownKid, 300_00, today)],
          },
        ],
      }),
    );
    const blobs = BlobServiceClient.fromConnectionString(
      `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${AZURITE_KEY};BlobEndpoint=${host.standIns.blob};`,
    );
    await blobs
      .getContainerClient("ocr-incoming")
      .getBlockBlobClient(`OCR.${today}.txt`)
      .upload(file, Buffer.byteLength(file));

    const paid = await eventually(async () => {
      const c = await json<{
        status: string;
        balance: { total: { value: number } };
        timeline: Array<{ kind: string; details?: Record<string, unknown> }>;
      }>(await fetch(`${host.base}/api/v1/cases/${caseId}`, { headers: { "x-api-key": API_KEY } }));
      return c.status === "paid" ? c : undefined;
    }, "the case to be paid by the KID payment");
    expect(paid.balance.total.value).toBe(0);
    expect(paid.timeline.some((e) => e.kind === "payment" && e.details?.["channel"] === "kid")).toBe(true);

    const unmatched = await eventually(async () => {
      const res = await fetch(`${host.base}/api/v1/ops/unmatched-payments`, { headers: { "x-api-key": OPERATOR_KEY } });
      expect(res.status).toBe(200);
      const body = await json<{ items: Array<{ kid: string; why: string; amount: { value: number } }> }>(res);
      return body.items.find((i) => i.kid === unknownKid);
    }, "the unknown KID to be listed");
    expect(unmatched).toMatchObject({ why: "unknown-kid", amount: { value: 300_00 } });

    const refused = await fetch(`${host.base}/api/v1/ops/unmatched-payments`, { headers: { "x-api-key": API_KEY } });
    expect(refused.status).toBe(401);
  }, 90_000);
});
