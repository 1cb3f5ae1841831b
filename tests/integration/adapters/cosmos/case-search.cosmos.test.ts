/**
 * The portal's case search (ports/case-search.ts) on the Cosmos DB stand-in and in memory, with the same answers:
 * one tenant's cases by invoice number, KID, customer id, debtor name (case and diacritics folded, a word prefix) and
 * phone (any way it is written); status, stage, due date range and service state; sorted both ways and paged; and
 * the console's lookups across tenants by phone key and name prefix. Query strings built to break the query find
 * nothing, and never another tenant's case.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CosmosCaseStore, caseSearchSql } from "../../../../shared/adapters/cosmos/case-store.cosmos";
import { MemoryCaseStore } from "../../../../shared/adapters/memory/case-store.memory";
import { newService } from "../../../../shared/domain/service-lifecycle";
import { normalizeName, phoneKeyFromInput } from "../../../../shared/domain/search-keys";
import type { CaseSearch, CaseSearchQuery } from "../../../../shared/ports/case-search";
import type { CaseRecord, CaseStore } from "../../../../shared/ports/case-store";
import { aCaseRecord, CosmosHarness } from "./store-fixtures";

const harness = new CosmosHarness();
let cosmos: CosmosCaseStore;
const memory = new MemoryCaseStore();

function aCase(
  tenantId: string,
  invoiceNumber: string,
  o: {
    name: string;
    phone?: string;
    due: string;
    stage?: CaseRecord["case"]["stage"];
    suspended?: boolean;
    updatedAt: string;
    principal?: number;
  },
): CaseRecord {
  const r = aCaseRecord(tenantId, invoiceNumber, {
    customerId: `cust-${invoiceNumber}`,
    kid: `77${invoiceNumber.replace(/\D/gu, "")}3`,
    createdAt: o.updatedAt,
  });
  const services = o.suspended ? [{ ...newService("svc-1", "broadband"), state: "suspended" as const }] : [];
  const ledger = r.case.ledger.map((e) =>
    o.principal !== undefined && e.type === "principal" ? { ...e, amount: { ...e.amount, value: o.principal } } : e,
  );
  return {
    ...r,
    customer: { ...r.customer, name: o.name, ...(o.phone ? { phone: o.phone } : { phone: undefined }) },
    case: { ...r.case, dueDate: o.due, stage: o.stage ?? "invoiced", services, ledger },
    updatedAt: o.updatedAt,
  };
}

const CASES: CaseRecord[] = [
  aCase("t_a", "A-1", {
    name: "Kari Nordmann",
    phone: "+4791234567",
    due: "2026-10-01",
    stage: "reminder",
    updatedAt: "2026-11-03T10:00:00.000Z",
    principal: 50_000,
  }),
  aCase("t_a", "A-2", {
    name: "Bjørn Ærlig Åsen",
    phone: "+4741234567",
    due: "2026-10-15",
    stage: "payment-demand",
    suspended: true,
    updatedAt: "2026-11-01T10:00:00.000Z",
    principal: 150_000,
  }),
  aCase("t_a", "A-3", {
    name: "José Núñez",
    due: "2026-11-01",
    stage: "lets-pay-sms",
    updatedAt: "2026-11-02T10:00:00.000Z",
    principal: 10_000,
  }),
  aCase("t_b", "B-1", {
    name: "Kari Nordmann",
    phone: "+4791234567",
    due: "2026-10-05",
    stage: "reminder",
    updatedAt: "2026-11-04T10:00:00.000Z",
  }),
];

const base: CaseSearchQuery = { sort: { key: "due", dir: "asc" } };
const text = (q: string): CaseSearchQuery["text"] => {
  const name = normalizeName(q);
  const phoneKey = phoneKeyFromInput(q);
  return { exact: q, ...(name.length >= 2 ? { name } : {}), ...(phoneKey ? { phoneKey } : {}) };
};

beforeAll(async () => {
  await harness.start();
  cosmos = new CosmosCaseStore({ database: await harness.database() });
  for (const r of CASES) {
    await cosmos.create(r);
    await memory.create(r);
  }
}, 60_000);
afterAll(() => harness.stop());

describe.each([
  ["Cosmos DB", () => cosmos as CaseStore & CaseSearch],
  ["memory", () => memory as CaseStore & CaseSearch],
])("the case search on %s", (_name, store) => {
  const numbers = async (tenantId: string, query: CaseSearchQuery): Promise<string[]> =>
    (await store().search(tenantId, query, { limit: 50 })).items.map((r) => r.invoiceNumber);

  it("finds a tenant's case by invoice number, KID, customer id, name and phone, and only that tenant's", async () => {
    expect(await numbers("t_a", { ...base, text: text("A-2") })).toEqual(["A-2"]);
    expect(await numbers("t_a", { ...base, text: text("7733") })).toEqual(["A-3"]);
    expect(await numbers("t_a", { ...base, text: text("cust-A-1") })).toEqual(["A-1"]);
    expect(await numbers("t_a", { ...base, text: text("kari") })).toEqual(["A-1"]);
    expect(await numbers("t_a", { ...base, text: text("NORDM") })).toEqual(["A-1"]);
    expect(await numbers("t_a", { ...base, text: text("bjorn aerlig") })).toEqual(["A-2"]);
    expect(await numbers("t_a", { ...base, text: text("Åsen") })).toEqual(["A-2"]);
    expect(await numbers("t_a", { ...base, text: text("nunez") })).toEqual(["A-3"]);
    expect(await numbers("t_a", { ...base, text: text("+47 912 34 567") })).toEqual(["A-1"]);
    expect(await numbers("t_a", { ...base, text: text("91234567") })).toEqual(["A-1"]);
    expect(await numbers("t_b", { ...base, text: text("0047 912 34 567") })).toEqual(["B-1"]);
  });

  it("finds nothing for strings built to break the query", async () => {
    for (const q of [
      "' OR 1=1 --",
      '" OR c.tenantId != ""',
      "\\",
      "x".repeat(500),
      "SELECT * FROM c",
      "😀 ÆØÅ ' ; DROP",
    ])
      expect(await numbers("t_a", { ...base, text: text(q) })).toEqual([]);
  });

  it("filters by status, stage, due date range and service state", async () => {
    expect(await numbers("t_a", { ...base, stage: "reminder" })).toEqual(["A-1"]);
    expect(await numbers("t_a", { ...base, stage: "demand" })).toEqual(["A-2"]);
    expect(await numbers("t_a", { ...base, stage: "lets-pay" })).toEqual(["A-3"]);
    expect(await numbers("t_a", { ...base, dueFrom: "2026-10-02", dueTo: "2026-11-01" })).toEqual(["A-2", "A-3"]);
    expect(await numbers("t_a", { ...base, service: "suspended" })).toEqual(["A-2"]);
    expect(await numbers("t_a", { ...base, service: "reopen-pending" })).toEqual([]);
    expect(await numbers("t_a", { ...base, status: "paid" })).toEqual([]);
    expect(await numbers("t_a", { ...base, status: "open", text: text("kari") })).toEqual(["A-1"]);
  });

  it("sorts by due date, amount owed and last activity, both ways, and pages", async () => {
    expect(await numbers("t_a", { sort: { key: "due", dir: "desc" } })).toEqual(["A-3", "A-2", "A-1"]);
    expect(await numbers("t_a", { sort: { key: "owed", dir: "desc" } })).toEqual(["A-2", "A-1", "A-3"]);
    expect(await numbers("t_a", { sort: { key: "owed", dir: "asc" } })).toEqual(["A-3", "A-1", "A-2"]);
    expect(await numbers("t_a", { sort: { key: "activity", dir: "desc" } })).toEqual(["A-1", "A-3", "A-2"]);
    const first = await store().search("t_a", base, { limit: 2 });
    expect(first.items.map((r) => r.invoiceNumber)).toEqual(["A-1", "A-2"]);
    expect(first.continuationToken).toBeDefined();
    const second = await store().search("t_a", base, { limit: 2, continuationToken: first.continuationToken! });
    expect(second.items.map((r) => r.invoiceNumber)).toEqual(["A-3"]);
    expect(second.continuationToken).toBeUndefined();
  });

  it("finds a person across tenants by phone key and by name prefix", async () => {
    const byPhone = await store().findByPhoneKey(phoneKeyFromInput("912 34 567")!, 10);
    expect(byPhone.map((r) => r.invoiceNumber).sort()).toEqual(["A-1", "B-1"]);
    const byName = await store().findByNamePrefix(normalizeName("KARI nord"), 10);
    expect(byName.map((r) => r.invoiceNumber).sort()).toEqual(["A-1", "B-1"]);
    expect(await store().findByNamePrefix(normalizeName("nordmann"), 10)).toEqual([]);
  });
});

describe("the case-list query", () => {
  it("puts what a user typed only in parameters, never in the query text", () => {
    const evil = "' OR 1=1 -- \" ) ORDER BY c.tenantId";
    const spec = caseSearchSql("t_a", {
      ...base,
      text: text(evil),
      status: "open",
      stage: "notice",
      dueFrom: "2026-01-01",
    });
    expect(spec.query).not.toContain("1=1");
    expect(spec.query).toBe(
      'SELECT * FROM c WHERE c.tenantId = @tenantId AND (c.invoiceNumber = @text OR c.kid = @text OR c.customerId = @text OR STARTSWITH(c.searchName, @name) OR CONTAINS(c.searchName, @wordName)) AND c["case"].status = @status AND c["case"].stage IN (@stage0, @stage1) AND c["case"].dueDate >= @dueFrom ORDER BY c["case"].dueDate ASC',
    );
    expect(spec.parameters).toContainEqual({ name: "@text", value: evil });
    expect(spec.parameters).toContainEqual({ name: "@tenantId", value: "t_a" });
  });
});
