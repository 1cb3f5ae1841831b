/** The ledger feed's cursor in the bank-payments container (Cosmos DB stand-in): durable, and never an unmatched payment. */
import type { Database } from "@azure/cosmos";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CosmosBankPaymentStore } from "../../../../shared/adapters/cosmos/bank-payment-store.cosmos";
import { CosmosLedgerCursorStore } from "../../../../shared/adapters/cosmos/ledger-cursor-store.cosmos";
import { CosmosHarness } from "./store-fixtures";

const harness = new CosmosHarness();
let database: Database;

beforeAll(async () => {
  await harness.start();
  database = await harness.database();
});
afterAll(() => harness.stop());

describe("CosmosLedgerCursorStore", () => {
  it("keeps one cursor per feed, replaced on save, read back by a new store; the unmatched list does not show it", async () => {
    const store = new CosmosLedgerCursorStore({ database });
    expect(await store.get("vipps")).toBeUndefined();
    await store.save("vipps", "eyJhZnRlciI6Mn0");
    await store.save("vipps", "eyJhZnRlciI6NX0");
    expect(await new CosmosLedgerCursorStore({ database }).get("vipps")).toBe("eyJhZnRlciI6NX0");
    expect(await store.get("other")).toBeUndefined();
    const bankPayments = new CosmosBankPaymentStore({ database });
    expect((await bankPayments.listUnmatched({ limit: 10 })).items).toEqual([]);
  });
});
