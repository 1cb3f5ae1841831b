/** The bank-payments store against the Cosmos DB stand-in, with the container as infra-bicep declares it. */
import type { Database } from "@azure/cosmos";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CosmosBankPaymentStore } from "../../../../shared/adapters/cosmos/bank-payment-store.cosmos";
import { COSMOS_CONTAINERS } from "../../../../shared/adapters/cosmos/database.cosmos";
import { InvalidContinuationToken } from "../../../../shared/ports/errors";
import type { BankPayment } from "../../../../shared/ports/bank-payment-store";
import { CosmosHarness } from "./store-fixtures";

const harness = new CosmosHarness();
let database: Database;

beforeAll(async () => {
  await harness.start();
  database = await harness.database();
});
afterAll(() => harness.stop());

function unmatched(paymentId: string, kid = "99999999"): BankPayment {
  return {
    schemaVersion: 1,
    paymentId,
    status: "unmatched",
    why: "unknown-kid",
    kid,
    amount: { value: 125000, currency: "NOK" },
    paidOn: "2026-11-20",
    source: "OCR.20261120.txt",
    importedAt: "2026-11-21T06:00:00.000Z",
    recordedAt: "2026-11-21T06:00:01.000Z",
    details: { archiveReference: "099038562" },
  };
}

describe("CosmosBankPaymentStore", () => {
  it("stores one document per transaction under its id and partition key, and recording it again replaces it", async () => {
    const store = new CosmosBankPaymentStore({ database });
    await store.record(unmatched("ocr-1"));
    await store.record(unmatched("ocr-1"));
    expect(await store.get("ocr-1")).toEqual(unmatched("ocr-1"));

    const matched: BankPayment = { ...unmatched("ocr-1"), status: "matched", tenantId: "t_alpha", caseId: "c_1" };
    delete (matched as { why?: string }).why;
    await store.record(matched);
    expect(await store.get("ocr-1")).toEqual(matched);

    const { resources } = await database
      .container(COSMOS_CONTAINERS.bankPayments)
      .items.query<Record<string, unknown>>("SELECT * FROM c")
      .fetchAll();
    expect(resources.map((d) => [d.id, d.paymentId, d.type, d.schemaVersion])).toEqual([
      ["ocr-1", "ocr-1", "bank-payment", 1],
    ]);
    expect(await store.get("missing")).toBeUndefined();
  });

  it("lists only the unmatched, page by page with continuation tokens", async () => {
    const db = await harness.database();
    const store = new CosmosBankPaymentStore({ database: db });
    for (let i = 1; i <= 5; i++) await store.record(unmatched(`u-${i}`));
    await store.record({ ...unmatched("m-1"), status: "matched", tenantId: "t_alpha", caseId: "c_1" });

    const seen: string[] = [];
    let continuationToken: string | undefined;
    let pages = 0;
    do {
      const page = await store.listUnmatched({ limit: 2, ...(continuationToken ? { continuationToken } : {}) });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((p) => p.paymentId));
      expect(page.items.every((p) => p.status === "unmatched")).toBe(true);
      continuationToken = page.continuationToken;
      pages++;
    } while (continuationToken !== undefined && pages < 10);
    expect(seen.sort()).toEqual(["u-1", "u-2", "u-3", "u-4", "u-5"]);
    expect(pages).toBeGreaterThanOrEqual(3);
  });

  it("refuses a continuation token it did not hand out", async () => {
    const store = new CosmosBankPaymentStore({ database });
    await expect(store.listUnmatched({ limit: 2, continuationToken: "not a token" })).rejects.toBeInstanceOf(
      InvalidContinuationToken,
    );
  });
});
