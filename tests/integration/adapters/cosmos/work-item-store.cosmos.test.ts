/**
 * Customer service's inbox (`work-items`) on the Cosmos DB stand-in and in memory: work is listed oldest first in one
 * query, a second piece of the same work on a case keeps the first one's age, and cleared work is gone (clearing
 * twice is no error).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CosmosWorkItemStore } from "../../../../shared/adapters/cosmos/work-item-store.cosmos";
import { MemoryWorkItemStore } from "../../../../shared/adapters/memory/work-item-store.memory";
import { workItemId, type WorkItem, type WorkItemStore, type WorkKind } from "../../../../shared/ports/work-item-store";
import { CosmosHarness } from "./store-fixtures";

const harness = new CosmosHarness();
let cosmos: CosmosWorkItemStore;

beforeAll(async () => {
  await harness.start();
  cosmos = new CosmosWorkItemStore({ database: await harness.database() });
}, 60_000);
afterAll(() => harness.stop());

const item = (kind: WorkKind, caseId: string, createdAt: string): WorkItem => ({
  schemaVersion: 1,
  id: workItemId(kind, caseId),
  queue: "inbox",
  kind,
  tenantId: "t_a",
  caseId,
  invoiceNumber: `INV-${caseId}`,
  createdAt,
});

describe.each([
  ["Cosmos DB", () => cosmos as WorkItemStore],
  ["memory", () => new MemoryWorkItemStore() as WorkItemStore],
])("the work items on %s", (_name, make) => {
  it("lists the work oldest first, keeps the first age of repeated work, and forgets cleared work", async () => {
    const store = make();
    await store.open(item("debtor-message", "c_2", "2026-11-02T10:00:00.000Z"));
    await store.open(item("dispute", "c_1", "2026-11-01T10:00:00.000Z"));
    await store.open(item("payment-report", "c_3", "2026-11-03T10:00:00.000Z"));
    await store.open(item("debtor-message", "c_2", "2026-11-04T10:00:00.000Z"));
    const listed = await store.list(10);
    expect(listed.map((i) => [i.kind, i.caseId, i.createdAt])).toEqual([
      ["dispute", "c_1", "2026-11-01T10:00:00.000Z"],
      ["debtor-message", "c_2", "2026-11-02T10:00:00.000Z"],
      ["payment-report", "c_3", "2026-11-03T10:00:00.000Z"],
    ]);
    expect((await store.list(2)).map((i) => i.caseId)).toEqual(["c_1", "c_2"]);
    await store.clear("debtor-message", "c_2");
    await store.clear("debtor-message", "c_2");
    await store.clear("dispute", "c_nothing");
    expect((await store.list(10)).map((i) => i.caseId)).toEqual(["c_1", "c_3"]);
  });
});
