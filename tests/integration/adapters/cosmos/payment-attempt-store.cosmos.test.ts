/** The payment-attempts store against the Cosmos DB stand-in: point reads by reference, etag-safe concurrent updates. */
import type { Database } from "@azure/cosmos";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CosmosPaymentAttemptStore } from "../../../../shared/adapters/cosmos/payment-attempt-store.cosmos";
import type { PaymentAttempt } from "../../../../shared/ports/payment-attempt-store";
import { CosmosHarness } from "./store-fixtures";

const harness = new CosmosHarness();
let database: Database;

beforeAll(async () => {
  await harness.start();
  database = await harness.database();
});
afterAll(() => harness.stop());

function attempt(reference: string): PaymentAttempt {
  return {
    schemaVersion: 1,
    reference,
    provider: "vipps",
    method: "card",
    tenantId: "t_alpha",
    tokenHash: "a".repeat(64),
    option: "custom",
    amount: { value: 50_000, currency: "NOK" },
    parts: [
      { caseId: "c_1", amount: { value: 30_000, currency: "NOK" } },
      { caseId: "c_2", amount: { value: 20_000, currency: "NOK" } },
    ],
    allocationOrder: ["principal"],
    valueDate: "2026-11-23",
    state: "created",
    appliedTo: [],
    createdAt: "2026-11-23T10:00:00.000Z",
    updatedAt: "2026-11-23T10:00:00.000Z",
  };
}

describe("CosmosPaymentAttemptStore", () => {
  it("reads back exactly what was created, and refuses a second attempt with the same reference", async () => {
    const store = new CosmosPaymentAttemptStore({ database });
    await store.create(attempt("pfu-int-0001"));
    expect(await store.get("pfu-int-0001")).toEqual(attempt("pfu-int-0001"));
    expect(await store.get("pfu-int-missing")).toBeUndefined();
    await expect(store.create(attempt("pfu-int-0001"))).rejects.toThrow();
  });

  it("keeps every concurrent update (etag retries), so two callbacks applying parts never lose one", async () => {
    const store = new CosmosPaymentAttemptStore({ database });
    await store.create(attempt("pfu-int-0002"));
    await Promise.all(
      ["c_1", "c_2", "c_3", "c_4", "c_5", "c_6"].map((caseId) =>
        store.update("pfu-int-0002", (a) => ({ ...a, appliedTo: [...a.appliedTo, caseId] })),
      ),
    );
    expect((await store.get("pfu-int-0002"))!.appliedTo.sort()).toEqual(["c_1", "c_2", "c_3", "c_4", "c_5", "c_6"]);
    await expect(store.update("pfu-int-missing", (a) => a)).rejects.toThrow(/No payment attempt/u);
  });

  it("lists the unsettled attempts of a time window, oldest first, for the reconciliation sweep", async () => {
    const store = new CosmosPaymentAttemptStore({ database });
    const at = (ref: string, createdAt: string, state: PaymentAttempt["state"]) =>
      store.create({ ...attempt(ref), createdAt, state });
    await at("pfu-sweep-0003", "2026-11-20T10:03:00.000Z", "authorized");
    await at("pfu-sweep-0001", "2026-11-20T10:01:00.000Z", "created");
    await at("pfu-sweep-0002", "2026-11-20T10:02:00.000Z", "applied");
    await at("pfu-sweep-0004", "2026-11-20T10:04:00.000Z", "failed");
    await at("pfu-sweep-0005", "2026-11-20T10:05:00.000Z", "captured");
    await at("pfu-sweep-0009", "2026-11-20T10:09:00.000Z", "created");
    const found = await store.listUnsettled({
      createdAfter: "2026-11-20T10:00:00.000Z",
      createdBefore: "2026-11-20T10:08:00.000Z",
      limit: 10,
    });
    expect(found.map((a) => a.reference)).toEqual(["pfu-sweep-0001", "pfu-sweep-0003", "pfu-sweep-0005"]);
    const limited = await store.listUnsettled({
      createdAfter: "2026-11-20T10:00:00.000Z",
      createdBefore: "2026-11-20T10:08:00.000Z",
      limit: 2,
    });
    expect(limited.map((a) => a.reference)).toEqual(["pfu-sweep-0001", "pfu-sweep-0003"]);
  });
});
