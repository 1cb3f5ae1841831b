import { MemoryDeliveryIndex } from "../../shared/adapters/memory/delivery-index.memory";
/**
 * Batch intake through the partner API's handler (`POST /api/v1/invoices/batch`: parse, validate each item, open the
 * case, create it in Cosmos, issue and store its pay link, publish `case.created`, start the workflow) against a
 * freshly started Cosmos stand-in — next to that stand-in's raw create rate for a case-sized document, measured in
 * the same run. Events go to the in-memory publisher and the workflow start is a no-op: this measures the intake and
 * the case store, not Service Bus or the Durable engine.
 */
import { MemoryInvoiceDocumentStore } from "../../shared/adapters/memory/invoice-document-store.memory";
import { FakePartnerGateway } from "../support/fake-partner-gateway";
import { CosmosPaymentAttemptStore } from "../../shared/adapters/cosmos/payment-attempt-store.cosmos";
import { CosmosBankPaymentStore } from "../../shared/adapters/cosmos/bank-payment-store.cosmos";
import { HttpRequest, HttpResponse, InvocationContext } from "@azure/functions";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CosmosStandIn } from "../../devhost/cosmos/cosmos-stand-in";
import { silentLogger } from "../../devhost/logger";
import { makeInvoiceFunctions } from "../../functions/api/http-invoices";
import type { ApiDeps } from "../../functions/api";
import type { RequestDeps } from "../../functions/deps";
import { cosmosOptionsFrom } from "../../functions/composition";
import { CosmosCaseStore } from "../../shared/adapters/cosmos/case-store.cosmos";
import {
  COSMOS_CONTAINERS,
  createCosmosDatabase,
  disposeCosmosClients,
  ensureCosmosContainers,
  loadCosmosContainers,
} from "../../shared/adapters/cosmos/database.cosmos";
import { CosmosIdempotencyStore } from "../../shared/adapters/cosmos/idempotency-store.cosmos";
import { CosmosPayLinkStore } from "../../shared/adapters/cosmos/pay-link-store.cosmos";
import { CosmosTenantStore } from "../../shared/adapters/cosmos/tenant-store.cosmos";
import { CosmosWebhookStore } from "../../shared/adapters/cosmos/webhook-store.cosmos";
import { CosmosPartnerConnectionStore } from "../../shared/adapters/cosmos/partner-connection-store.cosmos";
import { CosmosInterestRateStore } from "../../shared/adapters/cosmos/interest-rate-store.cosmos";
import { MemoryEventPublisher } from "../../shared/adapters/memory/event-publisher.memory";
import { cryptoRandom } from "../../shared/adapters/node/random.crypto";
import { parseSettings } from "../../shared/config/settings";
import { generateApiKey } from "../../shared/http/api-keys";

const BATCHES = 5;
const BATCH_SIZE = 1_000;
const RAW_CREATES = 5_000;
const IN_FLIGHT = 16;

export async function run(): Promise<Record<string, number | string>> {
  const dataDir = await mkdtemp(join(tmpdir(), "bench-invoice-intake-"));
  const standIn = new CosmosStandIn({ dataDir, logger: silentLogger, saveIntervalMs: 0 });
  try {
    const { endpoint, key } = await standIn.start(0);
    const settings = parseSettings({
      COSMOS_ENDPOINT: endpoint,
      COSMOS_KEY: key,
      COSMOS_DATABASE: "bench",
      COSMOS_ENDPOINT_DISCOVERY: "false",
      PUBLIC_BASE_URL: "https://pay.example.test",
    });
    const database = createCosmosDatabase(cosmosOptionsFrom(settings));
    await ensureCosmosContainers(
      database,
      loadCosmosContainers(join(__dirname, "..", "..", "..", "infra-bicep", "cosmos-containers.json")),
    );
    const figures: Record<string, number | string> = {};

    // Raw: the stand-in's create rate for documents the size of a case record, the same number in flight.
    const raw = database.container(COSMOS_CONTAINERS.cases);
    const padding = "x".repeat(2_400);
    figures[`cosmos raw create, ~2.5 KB, ${IN_FLIGHT} in flight (docs/s)`] = await rate(RAW_CREATES, IN_FLIGHT, (i) =>
      raw.items.create({ id: `raw-${i}`, caseId: `raw-${i}`, padding }),
    );

    const events = new MemoryEventPublisher();
    const tenants = new CosmosTenantStore({ database });
    const workflow: RequestDeps["workflow"] = {
      start: async () => undefined,
      caseChanged: async () => undefined,
      state: async () => "running",
    };
    const deps: ApiDeps & RequestDeps = {
      clock: { now: () => new Date() },
      random: cryptoRandom,
      cases: new CosmosCaseStore({ database }),
      tenants,
      payLinks: new CosmosPayLinkStore({ database }),
      paymentAttempts: new CosmosPaymentAttemptStore({ database }),
      paymentQueue: { enqueue: async () => undefined },
      callbackReplays: { firstSeen: () => true },
      bankPayments: new CosmosBankPaymentStore({ database }),
      webhooks: new CosmosWebhookStore({ database }),
      interestRates: new CosmosInterestRateStore({ database }),
      partnerConnections: new CosmosPartnerConnectionStore({ database }),
      partnerCommands: { enqueue: async () => undefined },
      partnerGateway: new FakePartnerGateway(),
      partnerCallbackReplays: { firstSeen: () => true },
      idempotency: new CosmosIdempotencyStore({ database }),
      events,
      sms: { send: async () => ({ ok: false, retryable: false, reason: "bench" }) },
      letters: { put: async () => undefined, get: async () => undefined, list: async () => [] },
      letterChannels: {},
      deliveryIndex: new MemoryDeliveryIndex(),
      invoiceDocuments: new MemoryInvoiceDocumentStore(),
      publicBaseUrl: settings.PUBLIC_BASE_URL,
      workflow,
      workflowFor: () => workflow,
      lookupApiKey: async (keyId) => {
        const record = await tenants.findApiKey(keyId);
        return record && { tenantId: record.tenantId, keyHash: record.keyHash };
      },
      operatorApiKey: "",
    };
    const key_ = generateApiKey("test");
    const now = new Date().toISOString();
    await deps.tenants.create(
      {
        schemaVersion: 1,
        tenantId: "t_bench",
        name: "Bench AS",
        senderName: "Bench",
        orgNumber: "974760673",
        country: "NO",
        policy: null,
        createdAt: now,
        updatedAt: now,
      },
      { keyId: key_.keyId, tenantId: "t_bench", keyHash: key_.keyHash, createdAt: now },
    );
    const batch = makeInvoiceFunctions(() => deps).registerInvoiceBatch;
    const context = new InvocationContext({
      invocationId: "bench",
      functionName: "bench",
      logHandler: () => undefined,
    });
    let created = 0;
    const started = performance.now();
    for (let b = 0; b < BATCHES; b++) {
      const invoices = Array.from({ length: BATCH_SIZE }, (_, i) => ({
        invoiceNumber: `B${b}-${i}`,
        customer: {
          customerId: `cust-${i % 97}`,
          name: "Kari Nordmann",
          phone: "+4791234567",
          consent: { sms: true, email: false },
        },
        amount: { value: 129900, currency: "NOK" },
        issueDate: "2026-10-20",
        dueDate: "2026-11-05",
      }));
      const request = new HttpRequest({
        method: "POST",
        url: "http://localhost/api/v1/invoices/batch",
        headers: { "content-type": "application/json", "x-api-key": key_.apiKey },
        body: { string: JSON.stringify({ invoices }) },
      });
      const response = new HttpResponse(await batch(request, context));
      const body = (await response.json()) as { results: Array<{ status: number }> };
      created += body.results.filter((r) => r.status === 201).length;
    }
    const seconds = (performance.now() - started) / 1000;
    if (created !== BATCHES * BATCH_SIZE)
      throw new Error(`bench: ${created} of ${BATCHES * BATCH_SIZE} invoices created`);
    figures[`batch intake, ${BATCHES} × ${BATCH_SIZE} invoices (invoices/s)`] = Math.round(created / seconds);
    figures["case.created events published"] = events.ofType("case.created").length;
    return figures;
  } finally {
    disposeCosmosClients();
    await standIn.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function rate(count: number, inFlight: number, op: (i: number) => Promise<unknown>): Promise<number> {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) await op(next++);
    }),
  );
  return Math.round(count / ((performance.now() - started) / 1000));
}
