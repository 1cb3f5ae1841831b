/**
 * What handing over invoices asks of Cosmos DB, counted by the stand-in (`CosmosStandIn.requestCounts()`: point reads,
 * queries, writes — the same counter `GET /api/dev/cosmos` shows on the dev host). The partner API's handlers run
 * with the Cosmos stores the composition root builds (the creditor and its API keys behind the in-process cache);
 * events go to the in-memory publisher and the workflow is recorded, so only the intake's own requests are counted.
 *
 * Counts are deterministic, so they are held exactly: a new read, query or write on the intake path fails here and
 * has to be argued for. What one `POST /api/v1/invoices` costs, once the creditor is in the cache:
 *   - the case, its `case.created` event and its "start the orchestration" in ONE transactional batch (the case's
 *     create is the duplicate-invoice-number check: the case id is derived from the tenant and the invoice number);
 *   - the pay link (its own container, partitioned by token hash);
 *   - removing the relayed outbox entries;
 *   - nothing for the orchestration's first plan: the intake makes it on the case as written and starts the
 *     orchestration with it (the entered interest rates it needs are cached, as for every plan);
 *   - with an Idempotency-Key, the key's create and its completion (a replace on the etag the create returned).
 * A batch writes each case in its own transactional batch and its pay links and outbox removals in bulk (100
 * operations to a request): about one request per invoice instead of three.
 */
import { MemoryInvoiceDocumentStore } from "../../../shared/adapters/memory/invoice-document-store.memory";
import { HttpRequest, HttpResponse, InvocationContext } from "@azure/functions";
import type { Database } from "@azure/cosmos";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CosmosStandIn, type CosmosRequestCounts } from "../../../devhost/cosmos/cosmos-stand-in";
import { createLogger } from "../../../devhost/logger";
import type { ApiDeps } from "../../../functions/api";
import { makeInvoiceFunctions } from "../../../functions/api/http-invoices";
import type { RequestDeps } from "../../../functions/deps";
import { CachedInterestRateStore } from "../../../shared/adapters/cached/interest-rate-store.cached";
import { CachedTenantStore } from "../../../shared/adapters/cached/tenant-store.cached";
import { CosmosBankPaymentStore } from "../../../shared/adapters/cosmos/bank-payment-store.cosmos";
import { CosmosCaseStore } from "../../../shared/adapters/cosmos/case-store.cosmos";
import {
  createCosmosDatabase,
  disposeCosmosClients,
  ensureCosmosContainers,
  loadCosmosContainers,
} from "../../../shared/adapters/cosmos/database.cosmos";
import { CosmosIdempotencyStore } from "../../../shared/adapters/cosmos/idempotency-store.cosmos";
import { CosmosInterestRateStore } from "../../../shared/adapters/cosmos/interest-rate-store.cosmos";
import { CosmosPartnerConnectionStore } from "../../../shared/adapters/cosmos/partner-connection-store.cosmos";
import { CosmosPayLinkStore } from "../../../shared/adapters/cosmos/pay-link-store.cosmos";
import { CosmosPaymentAttemptStore } from "../../../shared/adapters/cosmos/payment-attempt-store.cosmos";
import { CosmosTenantStore } from "../../../shared/adapters/cosmos/tenant-store.cosmos";
import { CosmosWebhookStore } from "../../../shared/adapters/cosmos/webhook-store.cosmos";
import { MemoryDeliveryIndex } from "../../../shared/adapters/memory/delivery-index.memory";
import { MemoryEventPublisher } from "../../../shared/adapters/memory/event-publisher.memory";
import { payLinkTokenHash } from "../../../shared/application/pay-links";
import { caseIdFor } from "../../../shared/domain/case-id";
import { generateApiKey } from "../../../shared/http/api-keys";
import { FakePartnerGateway } from "../../support/fake-partner-gateway";
import { seededRandom } from "../../support/random";

const CONTAINERS_FILE = resolve(__dirname, "../../../infra-bicep/cosmos-containers.json");
const TENANT = "t_counted";
const NOW = "2026-11-02T09:00:00.000Z";

let dataDir: string;
let standIn: CosmosStandIn;
let database: Database;
let deps: ApiDeps & RequestDeps;
let cases: CosmosCaseStore;
let payLinks: CosmosPayLinkStore;
let events: MemoryEventPublisher;
const started: string[] = [];
let apiKey: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "intake-requests-"));
  standIn = new CosmosStandIn({ dataDir, logger: createLogger(() => undefined), saveIntervalMs: 0 });
  const { endpoint, key } = await standIn.start(0);
  database = createCosmosDatabase({ endpoint, key, databaseId: "intake", endpointDiscovery: false });
  await ensureCosmosContainers(database, loadCosmosContainers(CONTAINERS_FILE));

  const stored = new CosmosTenantStore({ database });
  const generated = generateApiKey("test");
  apiKey = generated.apiKey;
  await stored.create(
    {
      schemaVersion: 1,
      tenantId: TENANT,
      name: "Fjordnett AS",
      senderName: "Fjordnett",
      orgNumber: "998447356",
      country: "NO",
      policy: null,
      createdAt: NOW,
      updatedAt: NOW,
    },
    { keyId: generated.keyId, tenantId: TENANT, keyHash: generated.keyHash, createdAt: NOW },
  );
  // As the composition root wires them: the creditor and its API keys, and the entered interest rates, behind the
  // in-process caches.
  const tenants = new CachedTenantStore(stored);
  cases = new CosmosCaseStore({ database });
  payLinks = new CosmosPayLinkStore({ database });
  events = new MemoryEventPublisher();
  const workflow: RequestDeps["workflow"] = {
    start: async (caseId) => {
      started.push(caseId);
    },
    caseChanged: async () => undefined,
    state: async () => "running",
  };
  deps = {
    clock: { now: () => new Date(NOW) },
    random: seededRandom(14),
    cases,
    tenants,
    payLinks,
    paymentAttempts: new CosmosPaymentAttemptStore({ database }),
    paymentQueue: { enqueue: async () => undefined },
    callbackReplays: { firstSeen: () => true },
    bankPayments: new CosmosBankPaymentStore({ database }),
    webhooks: new CosmosWebhookStore({ database }),
    interestRates: new CachedInterestRateStore(new CosmosInterestRateStore({ database })),
    partnerConnections: new CosmosPartnerConnectionStore({ database }),
    partnerCommands: { enqueue: async () => undefined },
    partnerGateway: new FakePartnerGateway(),
    partnerCallbackReplays: { firstSeen: () => true },
    idempotency: new CosmosIdempotencyStore({ database }),
    events,
    sms: { send: async () => ({ ok: false, retryable: false, reason: "not in this test" }) },
    letters: { put: async () => undefined, get: async () => undefined, list: async () => [] },
    letterChannels: {},
    deliveryIndex: new MemoryDeliveryIndex(),
    invoiceDocuments: new MemoryInvoiceDocumentStore(),
    publicBaseUrl: "https://pay.example.test",
    workflow,
    workflowFor: () => workflow,
    lookupApiKey: async (keyId) => {
      const record = await tenants.findApiKey(keyId);
      return record && { tenantId: record.tenantId, keyHash: record.keyHash };
    },
    operatorApiKey: "",
  };
});

afterAll(async () => {
  disposeCosmosClients();
  await standIn?.stop();
  if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
});

const context = () => new InvocationContext({ invocationId: "counted", functionName: "counted", logHandler: () => {} });

function invoice(invoiceNumber: string) {
  return {
    invoiceNumber,
    customer: {
      customerId: `cust-${invoiceNumber}`,
      name: "Kari Nordmann",
      phone: "+4791234567",
      consent: { sms: true, email: false },
    },
    amount: { value: 129900, currency: "NOK" },
    issueDate: "2026-10-20",
    dueDate: "2026-11-05",
  };
}

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const functions = makeInvoiceFunctions(() => deps);
  const handler = path === "/invoices" ? functions.registerInvoice : functions.registerInvoiceBatch;
  const request = new HttpRequest({
    method: "POST",
    url: `http://localhost/api/v1${path}`,
    headers: { "content-type": "application/json", "x-api-key": apiKey, ...headers },
    body: { string: JSON.stringify(body) },
  });
  const response = new HttpResponse(await handler(request, context()));
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

/** The requests `fn` made, by kind. */
async function counted<T>(fn: () => Promise<T>): Promise<{ result: T; requests: Omit<CosmosRequestCounts, "total"> }> {
  const before = standIn.requestCounts();
  const result = await fn();
  const after = standIn.requestCounts();
  return {
    result,
    requests: {
      reads: after.reads - before.reads,
      queries: after.queries - before.queries,
      writes: after.writes - before.writes,
    },
  };
}

/** The pay link behind a URL the API returned: which cases it opens. */
async function casesBehind(payLink: string): Promise<string[] | undefined> {
  const token = payLink.split("/p/")[1]!;
  return (await payLinks.get(payLinkTokenHash(token)))?.caseIds;
}

async function pendingOutboxCount(): Promise<number> {
  const page = await cases.pendingOutbox("9999-12-31T00:00:00.000Z", { limit: 1000 });
  return page.items.length;
}

describe("the Cosmos DB requests of handing over invoices", () => {
  it("a creditor's first invoice reads its API key and the creditor once (then cached), and the entered interest rates for its first plan (then cached)", async () => {
    const { result, requests } = await counted(() => post("/invoices", invoice("1001")));
    expect(result.status).toBe(201);
    // The rates: query plan + query, once a minute per instance (the orchestration's planning lists them anyway).
    expect(requests).toEqual({ reads: 2, queries: 2, writes: 3 });
  });

  it("an invoice costs three writes: the case with its outbox, the pay link, the relayed outbox removed", async () => {
    const { result, requests } = await counted(() => post("/invoices", invoice("1002")));
    expect(requests).toEqual({ reads: 0, queries: 0, writes: 3 });

    const caseId = caseIdFor(TENANT, "1002");
    expect(result.body).toMatchObject({ caseId, status: "open" });
    expect(await casesBehind(result.body.payLink as string)).toEqual([caseId]);
    expect(started).toContain(caseId);
    expect(events.ofType("case.created").map((e) => e.caseId)).toContain(caseId);
    expect(await pendingOutboxCount()).toBe(0);
  });

  it("with an Idempotency-Key it adds the key's create and its completion, and reads nothing", async () => {
    const { result, requests } = await counted(() =>
      post("/invoices", invoice("1003"), { "idempotency-key": "k-1003" }),
    );
    expect(result.status).toBe(201);
    expect(requests).toEqual({ reads: 0, queries: 0, writes: 5 });

    // The retry is answered from the key's record: its create is refused, its record read.
    const replay = await counted(() => post("/invoices", invoice("1003"), { "idempotency-key": "k-1003" }));
    expect(replay.result.status).toBe(201);
    expect(replay.result.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.result.body).toEqual(result.body);
    expect(replay.requests).toEqual({ reads: 1, queries: 0, writes: 1 });
  });

  it("a second hand-over of an invoice number is one refused write, answered with the duplicate problem", async () => {
    const { result, requests } = await counted(() => post("/invoices", invoice("1002")));
    expect(result.status).toBe(409);
    expect(result.body).toMatchObject({ type: expect.stringContaining("duplicate-invoice-number") as unknown });
    expect(requests).toEqual({ reads: 0, queries: 0, writes: 1 });
  });

  it("a batch writes each case in one transactional batch, and its pay links and outbox removals in bulk", async () => {
    // The first bulk request to a container reads its partition key ranges (once per client and container).
    const first = await counted(() => post("/invoices/batch", { invoices: [invoice("A-1"), invoice("A-2")] }));
    expect(first.result.status).toBe(207);
    expect(first.requests).toEqual({ reads: 2, queries: 0, writes: 2 + 1 + 1 });

    const invoices = Array.from({ length: 250 }, (_, i) => invoice(`B-${i}`));
    invoices[7] = invoice("1001"); // handed over before: a duplicate
    invoices[8] = { ...invoice("B-8"), amount: { value: -1, currency: "NOK" } }; // invalid: never reaches the store
    const { result, requests } = await counted(() => post("/invoices/batch", { invoices }));
    expect(result.status).toBe(207);
    const results = result.body.results as Array<{ index: number; status: number; caseId?: string; payLink?: string }>;
    expect(results.map((r) => r.index)).toEqual(invoices.map((_, i) => i));
    expect(results.filter((r) => r.status === 201)).toHaveLength(248);
    expect(results[7]).toMatchObject({
      status: 409,
      problem: { type: expect.stringContaining("duplicate") as unknown },
    });
    expect(results[8]).toMatchObject({ status: 422 });
    // 249 case batches (one refused); 248 pay links, 100 to a bulk request; 496 outbox entries (the event and the
    // orchestration start of each case) removed, 100 to a bulk request.
    expect(requests).toEqual({ reads: 0, queries: 0, writes: 249 + 3 + 5 });

    for (const r of [results[0]!, results[249]!]) {
      expect(await casesBehind(r.payLink!)).toEqual([r.caseId]);
      expect(started).toContain(r.caseId);
    }
    expect(await pendingOutboxCount()).toBe(0);
  });
});
