import { CosmosClient, type Container, type Database } from "@azure/cosmos";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { CosmosStandIn } from "../../../devhost/cosmos/cosmos-stand-in";
import { createLogger } from "../../../devhost/logger";

interface CaseDoc {
  id: string;
  tenantId: string;
  status: string;
  amountMinor: number;
  externalRef?: string;
}

const logLines: Array<{ msg: string }> = [];
const logger = createLogger((line) => logLines.push(JSON.parse(line) as { msg: string }));

let dataDir: string;
let standIn: CosmosStandIn;
let client: CosmosClient;
let database: Database;
let cases: Container;

async function startStandIn(): Promise<void> {
  standIn = new CosmosStandIn({ dataDir, logger, saveIntervalMs: 0 });
  const { endpoint, key } = await standIn.start(0);
  client = new CosmosClient({ endpoint, key, connectionPolicy: { enableEndpointDiscovery: false } });
  database = client.database("followup");
  cases = database.container("cases");
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "cosmos-stand-in-"));
  await startStandIn();
  await client.databases.create({ id: "followup" });
  await database.containers.create({ id: "cases", partitionKey: { paths: ["/tenantId"] } });
  // Like real Cosmos DB, a missing unique-key value counts as null, so every document here carries one.
  await database.containers.create({
    id: "invoices",
    partitionKey: { paths: ["/tenantId"] },
    uniqueKeyPolicy: { uniqueKeys: [{ paths: ["/externalRef"] }] },
  });
});

afterAll(async () => {
  client?.dispose();
  await standIn?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe("Cosmos DB stand-in through @azure/cosmos", () => {
  it("creates, reads, replaces and deletes a document", async () => {
    const { resource: created } = await cases.items.create<CaseDoc>({
      id: "c-1",
      tenantId: "t-1",
      status: "open",
      amountMinor: 125_00,
    });
    expect(created?._etag).toBeTruthy();
    const { resource: read } = await cases.item("c-1", "t-1").read<CaseDoc>();
    expect(read).toMatchObject({ id: "c-1", status: "open", amountMinor: 12_500 });
    const { resource: replaced } = await cases.item("c-1", "t-1").replace<CaseDoc>({ ...read!, status: "paid" });
    expect(replaced?.status).toBe("paid");
    expect(replaced?._etag).not.toBe(read?._etag);
    await cases.item("c-1", "t-1").delete();
    const missing = await cases.item("c-1", "t-1").read<CaseDoc>();
    expect(missing.statusCode).toBe(404);
    expect(missing.resource).toBeUndefined();
  });

  it("answers 409 for a duplicate id in the same partition", async () => {
    await cases.items.create<CaseDoc>({ id: "dup", tenantId: "t-1", status: "open", amountMinor: 1 });
    await expect(
      cases.items.create<CaseDoc>({ id: "dup", tenantId: "t-1", status: "open", amountMinor: 1 }),
    ).rejects.toMatchObject({
      code: 409,
    });
  });

  it("pages a parameterised query with continuation tokens, one page per request", async () => {
    for (let i = 0; i < 25; i++) {
      await cases.items.create<CaseDoc>({
        id: `q-${String(i).padStart(2, "0")}`,
        tenantId: "t-query",
        status: i % 5 === 0 ? "closed" : "open",
        amountMinor: i,
      });
    }
    const query = {
      query: "SELECT * FROM c WHERE c.tenantId = @tenant AND c.status = @status ORDER BY c.id",
      parameters: [
        { name: "@tenant", value: "t-query" },
        { name: "@status", value: "open" },
      ],
    };
    const seen: string[] = [];
    const pageSizes: number[] = [];
    let continuationToken: string | undefined;
    do {
      // A new iterator per page, resumed from the token — as an HTTP API paging across requests would.
      const page = await cases.items
        .query<CaseDoc>(query, {
          maxItemCount: 7,
          partitionKey: "t-query",
          ...(continuationToken ? { continuationToken } : {}),
        })
        .fetchNext();
      seen.push(...page.resources.map((r) => r.id));
      pageSizes.push(page.resources.length);
      continuationToken = page.continuationToken;
    } while (continuationToken);
    expect(pageSizes).toEqual([7, 7, 6]);
    expect(seen).toEqual(
      Array.from({ length: 25 }, (_, i) => i)
        .filter((i) => i % 5 !== 0)
        .map((i) => `q-${String(i).padStart(2, "0")}`),
    );
  });

  it("refuses a replace with a stale etag with 412", async () => {
    const { resource: original } = await cases.items.create<CaseDoc>({
      id: "etag",
      tenantId: "t-1",
      status: "open",
      amountMinor: 5,
    });
    await cases.item("etag", "t-1").replace<CaseDoc>({ ...(original as CaseDoc), status: "disputed" });
    await expect(
      cases.item("etag", "t-1").replace<CaseDoc>(
        { ...(original as CaseDoc), status: "paid" },
        {
          accessCondition: { type: "IfMatch", condition: original!._etag },
        },
      ),
    ).rejects.toMatchObject({ code: 412 });
    const { resource: current } = await cases.item("etag", "t-1").read<CaseDoc>();
    expect(current?.status).toBe("disputed");
  });

  it("does not rewrite the snapshot when nothing changed since the last save", async () => {
    await cases.items.upsert<CaseDoc>({ id: "snap", tenantId: "t-1", status: "open", amountMinor: 1 });
    await standIn.saveNow();
    const saves = () => logLines.filter((l) => l.msg === "cosmos snapshot saved").length;
    const before = saves();
    await cases.items.query("SELECT * FROM c").fetchAll();
    await cases.item("snap", "t-1").read();
    await standIn.saveNow();
    expect(saves()).toBe(before);
  });

  it("counts the requests it serves — reads, queries, writes — and not its own snapshot requests", async () => {
    await cases.items.upsert<CaseDoc>({ id: "counted", tenantId: "t-1", status: "open", amountMinor: 1 });
    await standIn.saveNow(); // nothing of the snapshot's own traffic counts
    const before = standIn.requestCounts();
    await cases.item("counted", "t-1").read();
    await cases.items
      .query({ query: "SELECT * FROM c WHERE c.id = @id", parameters: [{ name: "@id", value: "counted" }] })
      .fetchAll();
    await cases
      .item("counted", "t-1")
      .replace<CaseDoc>({ id: "counted", tenantId: "t-1", status: "paid", amountMinor: 1 });
    await standIn.saveNow();
    const after = standIn.requestCounts();
    // The SDK may ask for a query plan first: that is a request too, and counts as a query.
    expect(after.reads - before.reads).toBe(1);
    expect(after.writes - before.writes).toBe(1);
    expect(after.queries - before.queries).toBeGreaterThanOrEqual(1);
    expect(after.total - before.total).toBe(2 + after.queries - before.queries);
  });

  it("meters the documents behind the requests per container: read, queried, inserted, replaced, deleted, batched", async () => {
    const before = standIn.documentCounts();
    const doc: CaseDoc = {
      id: "metered",
      tenantId: "t-m",
      status: "open",
      amountMinor: 1,
      externalRef: "x".repeat(2000),
    };
    await cases.items.create<CaseDoc>(doc);
    await cases.item("metered", "t-m").read();
    await cases.item("nobody", "t-m").read();
    await cases.item("metered", "t-m").replace<CaseDoc>({ ...doc, status: "paid" });
    await cases.items
      .query({ query: "SELECT * FROM c WHERE c.tenantId = @t", parameters: [{ name: "@t", value: "t-m" }] })
      .fetchAll();
    await cases.items.batch(
      [
        { operationType: "Create", resourceBody: { id: "metered-2", tenantId: "t-m", status: "open", amountMinor: 2 } },
        { operationType: "Delete", id: "metered", partitionKey: "t-m" },
      ],
      "t-m",
    );
    await expect(cases.items.create<CaseDoc>({ ...doc, id: "metered-2" })).rejects.toMatchObject({ code: 409 });
    const after = standIn.documentCounts();
    const was = before.containers.cases;
    const now = after.containers.cases!;
    const delta = (key: keyof typeof now) => now[key] - (was?.[key] ?? 0);
    expect(delta("inserted")).toBe(2);
    expect(delta("replaced")).toBe(1);
    expect(delta("deleted")).toBe(1);
    expect(delta("refused")).toBe(1);
    expect(delta("pointReads")).toBe(1);
    expect(delta("notFound")).toBe(1);
    expect(delta("queryItems")).toBe(1);
    expect(after.batches - before.batches).toBe(1);
    expect(after.batchOperations - before.batchOperations).toBe(2);
    // The sizes are those of the documents as stored: the 2 000-character member and the system properties.
    expect(delta("pointReadBytes")).toBeGreaterThan(2000);
    expect(delta("replacedBytes")).toBeGreaterThan(2000);
    expect(delta("insertedBytes")).toBeGreaterThan(2000);
  });

  it("saves one point in time while writes go on: a write that comes in during the save waits for it", async () => {
    // Each writer writes a case, then the invoice that goes with it: a snapshot holding the invoice must hold the case
    // (the containers are read one after the other, cases first).
    const invoices = database.container("invoices");
    let stop = false;
    const writers = Array.from({ length: 4 }, async (_, w) => {
      for (let i = 0; !stop; i++) {
        const id = `pit-${w}-${i}`;
        await cases.items.create<CaseDoc>({ id, tenantId: "t-pit", status: "open", amountMinor: 1 });
        await invoices.items.create({ id, tenantId: "t-pit", externalRef: id });
      }
    });
    try {
      for (let n = 0; n < 8; n++) {
        await new Promise((r) => setTimeout(r, 20));
        await standIn.saveNow();
        const saved = await savedDocuments(join(dataDir, "cosmos", "snapshot.json"), "followup");
        const docs = (container: string) =>
          (saved.get(container) ?? []).filter((d) => d.tenantId === "t-pit").map((d) => d.id);
        const casesSaved = new Set(docs("cases"));
        expect(docs("invoices").filter((id) => !casesSaved.has(id))).toEqual([]);
      }
    } finally {
      stop = true;
      await Promise.all(writers);
    }
  });

  it("keeps databases, container definitions and documents across a restart on the same data directory", async () => {
    await cases.items.create<CaseDoc>({
      id: "keep",
      tenantId: "t-restart",
      status: "open",
      amountMinor: 99_00,
      externalRef: "INV-1",
    });
    await database.container("invoices").items.create({ id: "inv-1", tenantId: "t-restart", externalRef: "INV-1" });
    const countBefore = (await cases.items.query("SELECT VALUE COUNT(1) FROM c").fetchAll()).resources[0] as number;
    client.dispose();
    await standIn.stop();

    await startStandIn();
    const { resource: kept } = await cases.item("keep", "t-restart").read<CaseDoc>();
    expect(kept).toMatchObject({ id: "keep", tenantId: "t-restart", amountMinor: 9_900, externalRef: "INV-1" });
    const countAfter = (await cases.items.query("SELECT VALUE COUNT(1) FROM c").fetchAll()).resources[0] as number;
    expect(countAfter).toBe(countBefore);
    const invoices = database.container("invoices");
    const { resource: definition } = await invoices.read();
    expect(definition?.partitionKey?.paths).toEqual(["/tenantId"]);
    expect(definition?.uniqueKeyPolicy?.uniqueKeys).toEqual([{ paths: ["/externalRef"] }]);
    // The unique key is enforced again after the restore.
    await expect(
      invoices.items.create({ id: "inv-2", tenantId: "t-restart", externalRef: "INV-1" }),
    ).rejects.toMatchObject({ code: 409 });
  });

  it("keeps more documents than it restores at once, in many partitions, across a restart", async () => {
    const dir = join(dataDir, "many");
    const first = new CosmosStandIn({ dataDir: dir, logger, saveIntervalMs: 0 });
    const { endpoint, key } = await first.start(0);
    let other = new CosmosClient({ endpoint, key, connectionPolicy: { enableEndpointDiscovery: false } });
    const { database: db } = await other.databases.create({ id: "m" });
    const { container } = await db.containers.create({ id: "c", partitionKey: { paths: ["/pk"] } });
    const ids = Array.from({ length: 6_500 }, (_, i) => `d-${i}`);
    for (let i = 0; i < ids.length; i += 250)
      await Promise.all(ids.slice(i, i + 250).map((id, j) => container.items.create({ id, pk: `p-${(i + j) % 40}` })));
    other.dispose();
    await first.stop();

    const second = new CosmosStandIn({ dataDir: dir, logger, saveIntervalMs: 0 });
    const again = await second.start(0);
    other = new CosmosClient({ ...again, connectionPolicy: { enableEndpointDiscovery: false } });
    try {
      const { resources } = await other
        .database("m")
        .container("c")
        .items.query<{ id: string; pk: string }>("SELECT c.id, c.pk FROM c")
        .fetchAll();
      expect(resources.map((d) => d.id).sort()).toEqual([...ids].sort());
      expect(resources.find((d) => d.id === "d-41")?.pk).toBe("p-1");
    } finally {
      other.dispose();
      await second.stop();
    }
  });

  it("reads a snapshot written by the earlier version (the whole store as one JSON document)", async () => {
    const dir = join(dataDir, "version-1");
    await mkdir(join(dir, "cosmos"), { recursive: true });
    await writeFile(
      join(dir, "cosmos", "snapshot.json"),
      JSON.stringify({
        version: 1,
        savedAt: "2026-11-02T09:00:00.000Z",
        databases: [
          {
            id: "old",
            containers: [
              {
                definition: { id: "c", partitionKey: { paths: ["/pk"], kind: "Hash" } },
                userDefinedFunctions: [],
                documents: [
                  { id: "a", pk: "x", n: 1, _rid: "r", _etag: "e", _ts: 1 },
                  { id: "b", pk: "y", n: 2 },
                ],
              },
            ],
          },
        ],
      }),
    );
    const old = new CosmosStandIn({ dataDir: dir, logger, saveIntervalMs: 0 });
    const { endpoint, key } = await old.start(0);
    const other = new CosmosClient({ endpoint, key, connectionPolicy: { enableEndpointDiscovery: false } });
    try {
      const { resource } = await other.database("old").container("c").item("b", "y").read<{ n: number }>();
      expect(resource?.n).toBe(2);
      await other.database("old").container("c").items.create({ id: "c", pk: "x", n: 3 });
    } finally {
      other.dispose();
      await old.stop();
    }
    // Saved again, it is the new format: a header line, then a line per database, container and document.
    const lines = (await readFile(join(dir, "cosmos", "snapshot.json"), "utf8")).split("\n").filter(Boolean);
    expect(JSON.parse(lines[0]!)).toMatchObject({ version: 2 });
    expect(lines.filter((l) => l.startsWith('{"doc":'))).toHaveLength(3);
  });

  it("saves periodically while running", async () => {
    const periodic = new CosmosStandIn({ dataDir: join(dataDir, "periodic"), logger, saveIntervalMs: 50 });
    const { endpoint, key } = await periodic.start(0);
    const other = new CosmosClient({ endpoint, key, connectionPolicy: { enableEndpointDiscovery: false } });
    try {
      const { database: db } = await other.databases.create({ id: "p" });
      const { container } = await db.containers.create({ id: "c", partitionKey: { paths: ["/pk"] } });
      await container.items.create({ id: "tick", pk: "a" });
      await vi.waitFor(
        async () => {
          const text = await readFile(join(dataDir, "periodic", "cosmos", "snapshot.json"), "utf8");
          expect(text).toContain('"tick"');
        },
        { timeout: 10_000, interval: 50 },
      );
    } finally {
      other.dispose();
      await periodic.stop();
    }
  });
});

/** The documents of one database in a snapshot file (JSON Lines: header, databases, containers, documents), by container. */
async function savedDocuments(file: string, databaseId: string): Promise<Map<string, CaseDoc[]>> {
  const out = new Map<string, CaseDoc[]>();
  let database: string | undefined;
  let container: CaseDoc[] | undefined;
  const lines = (await readFile(file, "utf8")).split("\n").filter(Boolean);
  expect(JSON.parse(lines[0]!)).toMatchObject({ version: 2 });
  for (const text of lines.slice(1)) {
    const line = JSON.parse(text) as { database?: string; container?: { id: string }; doc?: CaseDoc };
    if (line.database !== undefined) {
      database = line.database;
      container = undefined;
    } else if (line.container !== undefined) {
      container = [];
      if (database === databaseId) out.set(line.container.id, container);
    } else if (line.doc !== undefined) container?.push(line.doc);
  }
  return out;
}
