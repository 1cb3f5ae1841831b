/**
 * Cosmos DB for NoSQL stand-in: `@vercel/cosmosdb-server` in this process over plain HTTP with keep-alive, made
 * durable by snapshots.
 *
 * The server keeps everything in memory, so the stand-in saves every database, container (definition: partition key,
 * unique keys, indexing policy, …), user-defined function and document to `<dataDir>/cosmos/snapshot.json` — on
 * `stop()`, every `saveIntervalMs` (but never more often than every 20 times what the last save took, so saving a big
 * store costs at most a twentieth of the time), and on `saveNow()` — and loads it back at `start()`. Writes are atomic
 * (temp file + rename) and skipped when no mutating request (anything but GET / query) has finished since the last
 * save. A snapshot is one point in time: while it is read, writes that come in wait (and those under way finish
 * first), so a `kill -9` rolls the whole store back to one moment, as a restore from a backup would — never to a mix
 * of moments.
 *
 * The file is JSON Lines (version 2): a header line, then a line per database, per container (its definition and
 * user-defined functions) and per document, each after its container. It is written and read a page of documents
 * at a time, so saving or loading ten thousand cases never holds the whole store as one string. A version-1 file (one
 * JSON document) is still read.
 *
 * Dump and restore go through the server's own HTTP API with the real `@azure/cosmos` SDK, not through the server's
 * internals: `createHttpServer` keeps its in-memory account in a closure (there is no handle to it), and its classes
 * are undocumented implementation detail that may change in any release. The price: the server assigns `_rid`,
 * `_self`, `_etag` and `_ts` itself on every write and offers no way to set them, so after a restart every document
 * has a new `_etag` and `_ts` = the time of the restore. Ids, partition keys and content are kept exactly. Code must
 * therefore not rely on an etag surviving a dev-host restart (it would get a 412 and re-read, as after any change),
 * nor use `_ts` as a business timestamp.
 *
 * Connect with `connectionPolicy: { enableEndpointDiscovery: false }` and no custom agent (the server advertises an
 * https endpoint in its account metadata).
 *
 * It counts the requests it serves (reads, queries, writes) — not its own snapshot traffic — for benchmarks:
 * `requestCounts()`, and `GET /api/dev/cosmos` on the dev host (with how many queries were answered from an index and
 * how many scanned). `POST /api/dev/cosmos/snapshot` saves one now.
 * It also meters the documents behind them, per container, from what it answers (`documentCounts()`, `documents` in
 * `GET /api/dev/cosmos`): point reads and the size of the documents read, query pages and the documents they
 * returned, documents inserted, replaced and deleted (one by one or in transactional batches) and the size of what
 * was stored — what a request unit estimate needs (RU grow with document size; a batch costs its operations).
 *
 * Queries whose WHERE has an equality (or IN) on a document path are answered from an equality index on that path
 * instead of a scan of the container, with the same answer (`query-index.ts`).
 */
import {
  BulkOperationType,
  CosmosClient,
  type Container,
  type JSONObject,
  type OperationInput,
  type PartitionKey,
  type PrimitivePartitionKeyValue,
} from "@azure/cosmos";
import { listen, closeServer } from "../listen";
import { createHttpServer } from "@vercel/cosmosdb-server";
import type { IncomingMessage, RequestListener, Server, ServerResponse } from "node:http";
import { sendJson, type DevRouteHandler } from "../dev-routes";
import { join } from "node:path";
import { AtomicLineWriter, CoalescingWriter, openLines, readJsonFile } from "../atomic-file";
import type { DevLogger } from "../logger";
import { installQueryIndexes, queryIndexStats } from "./query-index";

/** The Cosmos DB emulator's well-known key (the stand-in accepts any key; this one is what tooling expects). */
export const COSMOS_EMULATOR_KEY =
  "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";

const SNAPSHOT_VERSION = 2;
/** A save is started no sooner than this many times the last save's duration after it ended. */
const SAVE_COST_FACTOR = 20;
/** Documents read per request while saving, and created per restore window. */
const PAGE_SIZE = 1_000;
const DOCUMENT_SYSTEM_PROPERTIES = ["_rid", "_self", "_etag", "_ts", "_attachments"];
const BATCH_SIZE = 100;
const RESTORE_BATCHES_IN_FLIGHT = 4;
/** Marks the stand-in's own requests (snapshot save and restore), which the request counter leaves out. */
const OWN_REQUEST_HEADER = "x-devhost-cosmos-snapshot";

/** Requests served since the start: point reads (and feeds), queries, and writes (anything that changes data). */
export interface CosmosRequestCounts {
  total: number;
  reads: number;
  queries: number;
  writes: number;
}

/** Documents behind the requests of one container (sizes are the JSON bytes as stored, system properties included). */
export interface CosmosContainerDocuments {
  /** Point reads that found the document, and the bytes of the documents read. */
  pointReads: number;
  pointReadBytes: number;
  /** Point reads that found nothing (404). */
  notFound: number;
  /** Query plans the SDK asked for before a query (the gateway's work: no documents read). */
  queryPlans: number;
  /** Query (and feed) pages, the documents they returned and the bytes of those documents. */
  queryPages: number;
  queryItems: number;
  queryBytes: number;
  /** Documents created (201: a create, or an upsert that inserted), and their bytes. */
  inserted: number;
  insertedBytes: number;
  /** Documents replaced (200 on a write: a replace, an upsert of an existing document, a patch), and their bytes. */
  replaced: number;
  replacedBytes: number;
  /** Documents deleted (204). */
  deleted: number;
  /** Write operations refused (409, 412, 404, 424 of a batch…). */
  refused: number;
}

/** The documents behind the requests served so far: per container, and the transactional batches. */
export interface CosmosDocumentCounts {
  containers: Record<string, CosmosContainerDocuments>;
  /** Transactional batches and the operations they carried (each operation also counts in its container). */
  batches: number;
  batchOperations: number;
  /** Requests that touch no document: account, database, container and partition-key-range metadata. */
  metadata: number;
}

type Json = Record<string, unknown>;

interface ContainerSnapshot {
  definition: Json;
  userDefinedFunctions: Json[];
  documents: Json[];
}

/** Version 1: the whole store as one JSON document (still read). */
interface SnapshotV1 {
  version: 1;
  savedAt: string;
  databases: Array<{ id: string; containers: ContainerSnapshot[] }>;
}

/** Version 2, one JSON value per line: the header, then databases, containers and each container's documents. */
type SnapshotLine =
  | { version: 2; savedAt: string }
  | { database: string }
  | { container: Json; userDefinedFunctions: Json[] }
  | { doc: Json };

export interface CosmosStandInOptions {
  dataDir: string;
  logger: DevLogger;
  /** Periodic save; default 30 000 ms. 0 turns it off (saves on stop and `saveNow()` only). */
  saveIntervalMs?: number;
}

export class CosmosStandIn {
  private server: Server | undefined;
  private client: CosmosClient | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly snapshotPath: string;
  private readonly writer: CoalescingWriter;
  /** Bumped whenever a mutating request finishes; compared with the generation of the last save. */
  private generation = 0;
  private savedGeneration = 0;
  /** When the last save ended and how long it took (real time, ms): the next periodic save waits accordingly. */
  private lastSaveEnded = 0;
  private lastSaveMs = 0;
  private hasSnapshotFile = false;
  /** Writes being served; while a snapshot is read, new writes wait in `heldWrites` (undefined: none held). */
  private writesInFlight = 0;
  private heldWrites: Array<() => void> | undefined;
  private readonly drained: Array<() => void> = [];
  private readonly counts: CosmosRequestCounts = { total: 0, reads: 0, queries: 0, writes: 0 };
  private readonly documents: CosmosDocumentCounts = { containers: {}, batches: 0, batchOperations: 0, metadata: 0 };

  constructor(private readonly options: CosmosStandInOptions) {
    this.snapshotPath = join(options.dataDir, "cosmos", "snapshot.json");
    this.writer = new CoalescingWriter(() => this.save());
  }

  async start(port = 0): Promise<{ endpoint: string; key: string }> {
    if (this.server) throw new Error("CosmosStandIn already started");
    if (!installQueryIndexes())
      this.options.logger.warn(
        "cosmos stand-in: this @vercel/cosmosdb-server has another shape; queries scan every document",
      );
    const server = createHttpServer({ keepAlive: true });
    // The server's own handler, called from ours: a write that arrives while a snapshot is read waits for it.
    const serve = server.listeners("request") as RequestListener[];
    server.removeAllListeners("request");
    server.on("request", (req: IncomingMessage, res: ServerResponse) => {
      const mutation = isMutation(req.method, req.headers);
      const own = req.headers[OWN_REQUEST_HEADER] !== undefined;
      if (!own) {
        this.counts.total++;
        if (mutation) this.counts.writes++;
        else if (req.method === "POST") this.counts.queries++;
        else this.counts.reads++;
        this.meterDocuments(req, res, mutation);
      }
      const run = () => {
        if (mutation) {
          this.writesInFlight++;
          res.once("close", () => {
            this.generation++;
            this.writesInFlight--;
            if (this.writesInFlight === 0) for (const resolve of this.drained.splice(0)) resolve();
          });
        }
        for (const listener of serve) listener.call(server, req, res);
      };
      if (mutation && !own && this.heldWrites) this.heldWrites.push(run);
      else run();
    });
    const boundPort = await listen(server, port);
    this.server = server;
    const endpoint = `http://127.0.0.1:${boundPort}/`;
    this.client = new CosmosClient({
      endpoint,
      key: COSMOS_EMULATOR_KEY,
      connectionPolicy: { enableEndpointDiscovery: false },
      defaultHeaders: { [OWN_REQUEST_HEADER]: "1" },
    });
    try {
      await this.restore();
    } catch (err) {
      await this.close();
      throw err;
    }
    const interval = this.options.saveIntervalMs ?? 30_000;
    if (interval > 0) {
      this.timer = setInterval(() => {
        if (Date.now() - this.lastSaveEnded < SAVE_COST_FACTOR * this.lastSaveMs) return;
        this.saveNow().catch((err: unknown) =>
          this.options.logger.error("cosmos snapshot failed", {
            error: err instanceof Error ? err.message : String(err),
          }),
        );
      }, interval);
      this.timer.unref();
    }
    this.options.logger.info("cosmos stand-in listening", { endpoint });
    return { endpoint, key: COSMOS_EMULATOR_KEY };
  }

  /** The requests served so far (a copy), the stand-in's own snapshot requests left out. */
  requestCounts(): CosmosRequestCounts {
    return { ...this.counts };
  }

  /** The documents behind the requests served so far (a deep copy), the stand-in's own requests left out. */
  documentCounts(): CosmosDocumentCounts {
    return structuredClone(this.documents);
  }

  /** Reads the answer as it goes out and adds the documents it carries to the container's counts. */
  private meterDocuments(req: IncomingMessage, res: ServerResponse, mutation: boolean): void {
    const match = /^\/dbs\/[^/]+\/colls\/([^/]+)\/docs(\/[^/?]+)?/u.exec(req.url ?? "");
    if (!match) {
      this.documents.metadata++;
      return;
    }
    const container = decodeURIComponent(match[1]!);
    const single = match[2] !== undefined;
    const batch = String(req.headers["x-ms-cosmos-is-batch-request"] ?? "").toLowerCase() === "true";
    const plan = String(req.headers["x-ms-cosmos-is-query-plan-request"] ?? "").toLowerCase() === "true";
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    res.end = ((...args: unknown[]) => {
      try {
        const chunk = args[0];
        const body = typeof chunk === "string" ? chunk : Buffer.isBuffer(chunk) ? chunk.toString("utf8") : "";
        this.countDocuments(container, { mutation, single, batch, plan, method: req.method }, res.statusCode, body);
      } catch {
        /* metering never fails a request */
      }
      return end(...args);
    }) as typeof res.end;
  }

  private countDocuments(
    container: string,
    request: { mutation: boolean; single: boolean; batch: boolean; plan: boolean; method: string | undefined },
    status: number,
    body: string,
  ): void {
    const c = (this.documents.containers[container] ??= {
      pointReads: 0,
      pointReadBytes: 0,
      notFound: 0,
      queryPlans: 0,
      queryPages: 0,
      queryItems: 0,
      queryBytes: 0,
      inserted: 0,
      insertedBytes: 0,
      replaced: 0,
      replacedBytes: 0,
      deleted: 0,
      refused: 0,
    });
    const written = (code: number, bytes: number) => {
      if (code === 201) {
        c.inserted++;
        c.insertedBytes += bytes;
      } else if (code === 200) {
        c.replaced++;
        c.replacedBytes += bytes;
      } else if (code === 204) c.deleted++;
      else c.refused++;
    };
    if (request.batch) {
      const results = JSON.parse(body) as Array<{ statusCode: number; resourceBody?: unknown }>;
      if (!Array.isArray(results)) return;
      this.documents.batches++;
      this.documents.batchOperations += results.length;
      for (const r of results)
        written(r.statusCode, r.resourceBody === undefined ? 0 : Buffer.byteLength(JSON.stringify(r.resourceBody)));
      return;
    }
    if (request.mutation) {
      written(status, status === 204 ? 0 : Buffer.byteLength(body));
      return;
    }
    if (request.single && request.method === "GET") {
      if (status === 200) {
        c.pointReads++;
        c.pointReadBytes += Buffer.byteLength(body);
      } else if (status === 404) c.notFound++;
      return;
    }
    if (request.plan) {
      c.queryPlans++;
      return;
    }
    // A query or a feed: one page, `Documents` and `_count` as the service answers them.
    const page = JSON.parse(body) as { Documents?: unknown[] };
    c.queryPages++;
    if (Array.isArray(page.Documents)) {
      c.queryItems += page.Documents.length;
      for (const d of page.Documents) c.queryBytes += Buffer.byteLength(JSON.stringify(d));
    }
  }

  /**
   * `GET /api/dev/cosmos`: the request counts and the documents behind them. `POST /api/dev/cosmos/snapshot`: saves a snapshot now (what a restart,
   * even after `kill -9`, comes back to) and answers once it is on disk. Anything else answers `false`.
   */
  readonly handleDevHttp: DevRouteHandler = async (req, res, url) => {
    const path = url.pathname.replace(/\/+$/u, "");
    if (path === "/api/dev/cosmos" && req.method === "GET") {
      sendJson(
        res,
        200,
        { requests: this.requestCounts(), documents: this.documentCounts(), queries: queryIndexStats() },
        { "cache-control": "no-store" },
      );
      return true;
    }
    if (path === "/api/dev/cosmos/snapshot" && req.method === "POST") {
      await this.saveNow();
      sendJson(res, 200, { savedAt: new Date().toISOString() }, { "cache-control": "no-store" });
      return true;
    }
    return false;
  };

  /** Writes a snapshot now (unless nothing changed since the last one); resolves once it is on disk. */
  async saveNow(): Promise<void> {
    if (!this.client) return;
    await this.writer.request();
  }

  /** Saves, then closes the server and its connections. */
  async stop(): Promise<void> {
    if (!this.server) return;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    try {
      await this.saveNow();
    } finally {
      await this.close();
    }
  }

  private async close(): Promise<void> {
    this.client?.dispose();
    this.client = undefined;
    const server = this.server;
    this.server = undefined;
    if (server) await closeServer(server);
  }

  private async save(): Promise<void> {
    const client = this.client;
    if (!client) return;
    if (this.generation === this.savedGeneration && this.hasSnapshotFile) return;
    const started = Date.now();
    // One point in time, as a store restored from a backup is: writes that come in wait until every container has
    // been read, and the writes already under way finish first. (Read container by container while writes go on, a
    // snapshot could hold a payment attempt marked applied but not the case it was applied to.)
    this.heldWrites = [];
    let generation: number;
    let databaseCount = 0;
    let documentCount = 0;
    let containerCount = 0;
    const file = await AtomicLineWriter.open(this.snapshotPath);
    try {
      try {
        if (this.writesInFlight > 0) await new Promise<void>((resolve) => this.drained.push(resolve));
        generation = this.generation;
        await file.write([{ version: SNAPSHOT_VERSION, savedAt: new Date().toISOString() } satisfies SnapshotLine]);
        const { resources: databases } = await client.databases.readAll().fetchAll();
        for (const db of databases) {
          databaseCount++;
          await file.write([{ database: db.id } satisfies SnapshotLine]);
          const database = client.database(db.id);
          const { resources: containers } = await database.containers.readAll().fetchAll();
          for (const definition of containers) {
            const container = database.container(definition.id);
            const { resources: udfs } = await container.scripts.userDefinedFunctions.readAll().fetchAll();
            await file.write([
              {
                container: withoutSystemProperties(definition as unknown as Json),
                userDefinedFunctions: udfs.map((u) => ({ id: u.id, body: u.body })),
              } satisfies SnapshotLine,
            ]);
            containerCount++;
            const pages = container.items.readAll<Json>({ maxItemCount: PAGE_SIZE });
            while (pages.hasMoreResults()) {
              const { resources: documents } = await pages.fetchNext();
              await file.write(documents.map((doc): SnapshotLine => ({ doc })));
              documentCount += documents.length;
            }
          }
        }
      } finally {
        const held = this.heldWrites;
        this.heldWrites = undefined;
        for (const run of held) run();
      }
      await file.commit();
    } catch (err) {
      await file.abandon();
      throw err;
    }
    this.savedGeneration = generation;
    this.hasSnapshotFile = true;
    this.lastSaveEnded = Date.now();
    this.lastSaveMs = this.lastSaveEnded - started;
    this.options.logger.info("cosmos snapshot saved", {
      databases: databaseCount,
      containers: containerCount,
      documents: documentCount,
      ms: this.lastSaveMs,
    });
  }

  private async restore(): Promise<void> {
    const started = Date.now();
    const counts = (await this.restoreLines()) ?? (await this.restoreVersion1());
    if (!counts) return;
    this.savedGeneration = this.generation;
    this.hasSnapshotFile = true;
    this.options.logger.info("cosmos snapshot loaded", { ...counts, ms: Date.now() - started });
  }

  /** A version-2 snapshot, read a line at a time; undefined when the file is missing or not version 2. */
  private async restoreLines(): Promise<{ databases: number; documents: number; savedAt: string } | undefined> {
    const client = this.client!;
    const lines = await openLines(this.snapshotPath);
    if (!lines) return undefined;
    try {
      const header = await lines.next();
      if (header.done) return undefined;
      const first = JSON.parse(header.value) as { version?: unknown; savedAt?: string };
      if (first.version !== 2) return undefined;
      let databases = 0;
      let documents = 0;
      let database: ReturnType<CosmosClient["database"]> | undefined;
      let current: { container: Container; paths: string[]; docs: Json[] } | undefined;
      const flush = async () => {
        if (!current || current.docs.length === 0) return;
        documents += await restoreDocuments(current.container, current.paths, current.docs);
        current.docs = [];
      };
      for await (const text of { [Symbol.asyncIterator]: () => lines }) {
        if (text === "") continue;
        const line = JSON.parse(text) as SnapshotLine;
        if ("doc" in line) {
          if (!current) throw new Error(`CosmosStandIn: ${this.snapshotPath} has a document before any container`);
          current.docs.push(line.doc);
          if (current.docs.length >= PAGE_SIZE * 5) await flush();
        } else if ("container" in line) {
          await flush();
          if (!database) throw new Error(`CosmosStandIn: ${this.snapshotPath} has a container before any database`);
          const { container } = await database.containers.create(line.container);
          for (const udf of line.userDefinedFunctions) await container.scripts.userDefinedFunctions.create(udf);
          const paths = (line.container.partitionKey as { paths?: string[] } | undefined)?.paths ?? [];
          current = { container, paths, docs: [] };
        } else if ("database" in line) {
          await flush();
          current = undefined;
          database = (await client.databases.create({ id: line.database })).database;
          databases++;
        }
      }
      await flush();
      return { databases, documents, savedAt: first.savedAt ?? "" };
    } finally {
      await lines.return?.();
    }
  }

  /** A version-1 snapshot (one JSON document), as written before version 2. */
  private async restoreVersion1(): Promise<{ databases: number; documents: number; savedAt: string } | undefined> {
    const client = this.client!;
    const raw = await readJsonFile(this.snapshotPath);
    if (raw === undefined) return undefined;
    const snapshot = raw as SnapshotV1;
    if (snapshot.version !== 1 || !Array.isArray(snapshot.databases)) {
      throw new Error(`CosmosStandIn: ${this.snapshotPath} is not a snapshot this version can read`);
    }
    let documentCount = 0;
    for (const db of snapshot.databases) {
      const { database } = await client.databases.create({ id: db.id });
      for (const c of db.containers) {
        const { container } = await database.containers.create(c.definition);
        for (const udf of c.userDefinedFunctions) {
          await container.scripts.userDefinedFunctions.create(udf);
        }
        const paths = (c.definition.partitionKey as { paths?: string[] } | undefined)?.paths ?? [];
        documentCount += await restoreDocuments(container, paths, c.documents);
      }
    }
    return { databases: snapshot.databases.length, documents: documentCount, savedAt: snapshot.savedAt };
  }
}

/**
 * Creates the documents in transactional batches of up to 100 creates per request, grouped by partition key, a few
 * batches in flight. (Batches of creates work in this server; `executeBulkOperations` does too, but its congestion
 * control ramps up on a one-second timer, which costs about a second per container even for a handful of documents.)
 */
async function restoreDocuments(container: Container, partitionKeyPaths: string[], documents: Json[]): Promise<number> {
  const byPartition = new Map<string, { key: PartitionKey; docs: Json[] }>();
  for (const doc of documents) {
    const key = partitionKeyOf(doc, partitionKeyPaths);
    const id = JSON.stringify(key);
    let group = byPartition.get(id);
    if (!group) byPartition.set(id, (group = { key, docs: [] }));
    group.docs.push(doc);
  }
  const batches: Array<{ key: PartitionKey; docs: Json[] }> = [];
  for (const group of byPartition.values()) {
    for (let i = 0; i < group.docs.length; i += BATCH_SIZE)
      batches.push({ key: group.key, docs: group.docs.slice(i, i + BATCH_SIZE) });
  }
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < batches.length) {
      const batch = batches[next++]!;
      const operations: OperationInput[] = batch.docs.map((doc) => ({
        operationType: BulkOperationType.Create,
        resourceBody: withoutDocumentSystemProperties(doc) as JSONObject,
      }));
      const response = await container.items.batch(operations, batch.key);
      const failed = (response.result ?? []).filter((r) => r.statusCode >= 400);
      if (failed.length > 0 || response.code === undefined || response.code >= 400) {
        throw new Error(
          `CosmosStandIn: restoring container ${container.id} failed (batch status ${response.code}, ${failed.length} failed operation(s))`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(RESTORE_BATCHES_IN_FLIGHT, batches.length) }, worker));
  return documents.length;
}

/** The document's partition key value(s) under the container's definition (bulk operations must name it). */
function partitionKeyOf(doc: Json, paths: string[]): PartitionKey {
  const valueAt = (path: string): PrimitivePartitionKeyValue => {
    let value: unknown = doc;
    for (const segment of path.split("/").filter(Boolean)) {
      value = value !== null && typeof value === "object" ? (value as Json)[segment] : undefined;
    }
    if (value === undefined) return {}; // "none": the document has no value at the path
    return value as PrimitivePartitionKeyValue;
  };
  if (paths.length === 0) return {};
  if (paths.length === 1) return valueAt(paths[0]!);
  return paths.map(valueAt);
}

function isMutation(method: string | undefined, headers: Record<string, string | string[] | undefined>): boolean {
  if (method === "GET" || method === "HEAD" || method === "OPTIONS") return false;
  if (method === "POST") {
    const isQuery = String(headers["x-ms-documentdb-isquery"] ?? "").toLowerCase() === "true";
    return !isQuery && headers["content-type"] !== "application/query+json";
  }
  return true;
}

function withoutSystemProperties(resource: Json): Json {
  return Object.fromEntries(Object.entries(resource).filter(([k]) => !k.startsWith("_")));
}

function withoutDocumentSystemProperties(doc: Json): Json {
  const copy = { ...doc };
  for (const key of DOCUMENT_SYSTEM_PROPERTIES) delete copy[key];
  return copy;
}
