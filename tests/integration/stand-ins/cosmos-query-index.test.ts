/**
 * The Cosmos stand-in answers queries with an equality (or IN) on a document path from an index, and with a linear
 * copy in the executor (devhost/cosmos/query-index.ts). Whatever it does, the answer must be the server's own: every
 * query here is asked through the real SDK twice — indexed, and with indexing switched off (the server's full scan and
 * generated code as they are) — and the two answers, page by page with their continuation tokens, must be equal. Asked
 * on a container with documents of mixed shapes, again after creates, replaces, upserts, deletes, patches and
 * transactional batches that move documents between index values, and again after a restart from the snapshot.
 */
import {
  BulkOperationType,
  CosmosClient,
  type Container,
  type JSONObject,
  type OperationInput,
  type PatchOperation,
  type SqlQuerySpec,
} from "@azure/cosmos";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CosmosStandIn } from "../../../devhost/cosmos/cosmos-stand-in";
import { queryIndexStats, setQueryIndexing } from "../../../devhost/cosmos/query-index";
import { silentLogger } from "../../../devhost/logger";

type Doc = Record<string, unknown> & { id: string; caseId: string };

const TENANTS = ["t-a", "t-b", "t-c"];
const STATUSES = ["open", "on-hold", "disputed", "paid", "closed"];

let dataDir: string;
let standIn: CosmosStandIn;
let client: CosmosClient;
let cases: Container;

async function start(): Promise<void> {
  standIn = new CosmosStandIn({ dataDir, logger: silentLogger, saveIntervalMs: 0 });
  const { endpoint, key } = await standIn.start(0);
  client = new CosmosClient({ endpoint, key, connectionPolicy: { enableEndpointDiscovery: false } });
  cases = client.database("followup").container("cases");
}

async function restart(): Promise<void> {
  client.dispose();
  await standIn.stop();
  await start();
}

/** A small deterministic generator (no Math.random: a failure must be reproducible). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Documents of the shapes the app stores in `cases` (cases, outbox entries) and odd values on the indexed paths. */
function makeDoc(i: number, r: () => number): Doc {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const caseId = `case-${i}`;
  if (r() < 0.15) {
    return {
      id: `outbox-${i}`,
      caseId,
      type: "outbox",
      schemaVersion: 1,
      createdAt: `2026-11-0${1 + Math.floor(r() * 9)}T10:00:00.000Z`,
      entry: { entryId: `e-${i}` },
    };
  }
  const doc: Doc = {
    id: caseId,
    caseId,
    type: "case",
    tenantId: pick(TENANTS),
    customerId: `cust-${Math.floor(r() * 12)}`,
    kid: String(1000 + i),
    case: { status: pick(STATUSES), stage: pick(["lets-pay-sms", "reminder", "collection-notice"]) },
    createdAt: `2026-11-0${1 + Math.floor(r() * 9)}T09:00:00.000Z`,
  };
  const odd = r();
  // Same-looking values of other types, null, missing, objects: the executor's `=` tells them apart.
  if (odd < 0.1) doc.serviceWork = "pending";
  else if (odd < 0.15) doc.serviceWork = "failed";
  else if (odd < 0.18) doc.serviceWork = null;
  else if (odd < 0.21) doc.serviceWork = { nested: "pending" };
  else if (odd < 0.24) doc.serviceWork = ["pending"];
  if (r() < 0.2) doc.openCredit = Math.floor(r() * 3) * 100;
  if (r() < 0.1) doc.openCredit = String(Math.floor(r() * 3) * 100);
  if (r() < 0.05) doc.flag = r() < 0.5;
  return doc;
}

/** The queries the app asks and a few of each shape the index must leave alone or read right. */
function queries(): SqlQuerySpec[] {
  const p = (name: string, value: unknown) => ({ name, value: value as string });
  const out: SqlQuerySpec[] = [];
  for (const tenantId of [...TENANTS, "t-none"]) {
    out.push({ query: "SELECT * FROM c WHERE c.tenantId = @tenantId", parameters: [p("@tenantId", tenantId)] });
    for (const customerId of ["cust-0", "cust-3", "cust-11", "cust-x"])
      out.push({
        query: "SELECT * FROM c WHERE c.tenantId = @tenantId AND c.customerId = @customerId",
        parameters: [p("@tenantId", tenantId), p("@customerId", customerId)],
      });
    out.push({
      query: 'SELECT * FROM c WHERE c.tenantId = @tenantId AND c["case"].status = @status AND c.openCredit > 0',
      parameters: [p("@tenantId", tenantId), p("@status", "open")],
    });
  }
  out.push(
    { query: "SELECT * FROM c WHERE c.kid = @kid", parameters: [p("@kid", "1007")] },
    { query: "SELECT * FROM c WHERE c.kid = @kid", parameters: [p("@kid", 1007)] },
    {
      query: 'SELECT VALUE c.caseId FROM c WHERE c["case"].status IN (@s0, @s1, @s2)',
      parameters: [p("@s0", "open"), p("@s1", "on-hold"), p("@s2", "disputed")],
    },
    { query: 'SELECT VALUE c.caseId FROM c WHERE c["case"].status IN ("paid", "paid")' },
    { query: "SELECT VALUE c.caseId FROM c WHERE c.serviceWork = @work", parameters: [p("@work", "pending")] },
    { query: "SELECT VALUE c.caseId FROM c WHERE c.serviceWork = @work", parameters: [p("@work", "failed")] },
    { query: "SELECT VALUE c.caseId FROM c WHERE c.serviceWork = null" },
    { query: "SELECT * FROM c WHERE c.serviceWork = @work", parameters: [p("@work", { nested: "pending" })] },
    { query: "SELECT * FROM c WHERE c.serviceWork = @work", parameters: [p("@work", ["pending"])] },
    { query: "SELECT * FROM c WHERE c.serviceWork = @missing" },
    {
      query: 'SELECT * FROM c WHERE c.type = "outbox" AND c.createdAt < @before',
      parameters: [p("@before", "2026-11-05T00:00:00.000Z")],
    },
    { query: "SELECT * FROM c WHERE c.openCredit = 100" },
    { query: 'SELECT * FROM c WHERE c.openCredit = "100"' },
    { query: "SELECT * FROM c WHERE c.openCredit IN (0, 200)" },
    { query: "SELECT * FROM c WHERE c.flag = true" },
    { query: "SELECT * FROM c WHERE @t = c.tenantId", parameters: [p("@t", "t-b")] },
    { query: "SELECT * FROM root r WHERE r.tenantId = @t AND r.type = 'case'", parameters: [p("@t", "t-a")] },
    {
      query: "SELECT TOP 5 c.id, c.createdAt FROM c WHERE c.tenantId = @t ORDER BY c.createdAt DESC",
      parameters: [p("@t", "t-c")],
    },
    { query: "SELECT * FROM c WHERE c.tenantId = @t ORDER BY c.createdAt", parameters: [p("@t", "t-a")] },
    { query: "SELECT VALUE COUNT(1) FROM c WHERE c.tenantId = @t", parameters: [p("@t", "t-a")] },
    // Refused by the server's parser: refused alike.
    { query: "SELECT * FROM c WHERE c.tenantId = @t OFFSET 3 LIMIT 4", parameters: [p("@t", "t-b")] },
    // Not indexable: scanned, and still compared.
    { query: "SELECT * FROM c WHERE c.tenantId = 't-a' OR c.tenantId = 't-b'" },
    { query: "SELECT * FROM c WHERE NOT (c.tenantId = 't-a')" },
    { query: "SELECT * FROM c WHERE c.createdAt >= '2026-11-05'" },
    { query: "SELECT * FROM c" },
  );
  return out;
}

/**
 * Every page of the query (SDK paging), with the continuation token each page ended on; or the error the query ends
 * with (a query the server refuses must be refused the same way).
 */
async function pages(spec: SqlQuerySpec, maxItemCount: number): Promise<unknown[]> {
  const out: unknown[] = [];
  const iterator = cases.items.query(spec, { maxItemCount });
  try {
    while (iterator.hasMoreResults()) {
      const page = await iterator.fetchNext();
      out.push({
        items: page.resources as unknown[],
        ...(page.continuationToken ? { next: page.continuationToken } : {}),
      });
    }
  } catch (error) {
    out.push({ error: { code: (error as { code?: unknown }).code, message: (error as Error).message } });
  }
  return out;
}

/** The read feed (readAll: what the snapshot reads) page by page, with its continuation tokens. */
async function feedPages(maxItemCount: number): Promise<unknown[]> {
  const out: unknown[] = [];
  const iterator = cases.items.readAll({ maxItemCount });
  while (iterator.hasMoreResults()) {
    const page = await iterator.fetchNext();
    out.push({
      items: page.resources as unknown[],
      ...(page.continuationToken ? { next: page.continuationToken } : {}),
    });
  }
  return out;
}

/** Each query asked indexed and not, page by page (several page sizes), and the read feed: equal answers. */
async function expectIndexedEqualsScan(): Promise<void> {
  for (const size of [1000, 37]) {
    setQueryIndexing(false);
    const scanned = await feedPages(size);
    setQueryIndexing(true);
    expect(await feedPages(size), `read feed (page size ${size})`).toEqual(scanned);
  }
  for (const spec of queries()) {
    for (const size of [1000, 7]) {
      setQueryIndexing(false);
      const scanned = await pages(spec, size);
      setQueryIndexing(true);
      const indexed = await pages(spec, size);
      expect(indexed, `${spec.query} ${JSON.stringify(spec.parameters ?? [])} (page size ${size})`).toEqual(scanned);
    }
  }
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "cosmos-query-index-"));
  await start();
  await client.databases.create({ id: "followup" });
  await client.database("followup").containers.create({ id: "cases", partitionKey: { paths: ["/caseId"] } });
  const r = rng(14);
  for (let i = 0; i < 400; i++) await cases.items.create(makeDoc(i, r));
});

afterAll(async () => {
  setQueryIndexing(true);
  client?.dispose();
  await standIn?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe("Cosmos stand-in: indexed query answers", () => {
  it("equal the server's own scan for every query shape, page by page", async () => {
    const before = queryIndexStats();
    await expectIndexedEqualsScan();
    const after = queryIndexStats();
    // The app's shapes were answered from indexes; the OR / NOT / range / full queries scanned.
    expect(after.indexed - before.indexed).toBeGreaterThan(50);
    expect(after.scanned - before.scanned).toBeGreaterThan(0);
  });

  it("still equal it after replaces, upserts and deletes that move documents between values", async () => {
    const r = rng(7);
    for (let i = 0; i < 400; i += 3) {
      const id = `case-${i}`;
      const { resource } = await cases.item(id, id).read<Doc>();
      if (!resource) continue;
      if (i % 2 === 0) {
        await cases.item(id, id).replace({
          ...resource,
          tenantId: TENANTS[(TENANTS.indexOf(String(resource.tenantId)) + 1) % TENANTS.length],
          serviceWork: r() < 0.5 ? "pending" : undefined,
          case: { status: "paid", stage: "reminder" },
        });
      } else {
        await cases.items.upsert({ ...resource, customerId: "cust-3", kid: undefined });
      }
    }
    for (let i = 1; i < 400; i += 10)
      await cases
        .item(`case-${i}`, `case-${i}`)
        .delete()
        .catch(() => undefined);
    for (let i = 400; i < 450; i++) await cases.items.upsert(makeDoc(i, r));
    await expectIndexedEqualsScan();
  });

  it("still equal it after patches and transactional batches", async () => {
    for (let i = 2; i < 400; i += 5) {
      const id = `case-${i}`;
      const operations: PatchOperation[] = [
        { op: "set", path: "/tenantId", value: "t-c" },
        { op: "set", path: "/case/status", value: i % 2 ? "on-hold" : "closed" },
        { op: "remove", path: "/customerId" },
      ];
      await cases
        .item(id, id)
        .patch(operations)
        .catch(() => undefined); // outbox documents and deleted cases have no such paths / are gone
    }
    // The app's shape of batch: the case's replace, then outbox upserts; and the relay's deletes.
    for (let i = 4; i < 400; i += 9) {
      const id = `case-${i}`;
      const { resource } = await cases.item(id, id).read<Doc>();
      if (!resource || resource.type !== "case") continue;
      const operations: OperationInput[] = [
        {
          operationType: BulkOperationType.Replace,
          id,
          resourceBody: {
            ...resource,
            customerId: "cust-0",
            case: { status: "disputed", stage: "reminder" },
          } as JSONObject,
          ifMatch: resource._etag,
        },
        {
          operationType: BulkOperationType.Upsert,
          resourceBody: { id: `outbox-b-${i}`, caseId: id, type: "outbox", createdAt: "2026-11-02T00:00:00.000Z" },
        },
        { operationType: BulkOperationType.Create, resourceBody: { id: `extra-${i}`, caseId: id, tenantId: "t-a" } },
      ].map((op): OperationInput => ({ ...(op as OperationInput), partitionKey: id }));
      await cases.items.batch(operations, id);
      if (i % 2 === 0)
        await cases.items.batch(
          [{ operationType: BulkOperationType.Delete, id: `outbox-b-${i}`, partitionKey: id }],
          id,
        );
    }
    await expectIndexedEqualsScan();
  });

  it("still equal it after a restart from the snapshot", async () => {
    await restart();
    await expectIndexedEqualsScan();
  });

  it("a single debtor's cases come from the index: one query among thousands of documents reads only its own", async () => {
    setQueryIndexing(true);
    await Promise.all(
      Array.from({ length: 2_000 }, (_, i) =>
        cases.items.create({ id: `bulk-${i}`, caseId: `bulk-${i}`, tenantId: "t-bulk", customerId: `bulk-cust-${i}` }),
      ),
    );
    const before = queryIndexStats();
    const { resources } = await cases.items
      .query({
        query: "SELECT * FROM c WHERE c.tenantId = @t AND c.customerId = @c",
        parameters: [
          { name: "@t", value: "t-bulk" },
          { name: "@c", value: "bulk-cust-1234" },
        ],
      })
      .fetchAll();
    expect(resources.map((d: Doc) => d.id)).toEqual(["bulk-1234"]);
    expect(queryIndexStats().indexed).toBeGreaterThan(before.indexed);
  });
});
