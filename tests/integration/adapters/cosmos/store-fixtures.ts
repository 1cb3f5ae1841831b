/** Records for the store tests, and the two ways to get a fresh set of stores: in memory, and on the Cosmos stand-in. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { caseIdFor } from "../../../../shared/domain/case-id";
import {
  createCosmosDatabase,
  disposeCosmosClients,
  ensureCosmosContainers,
  loadCosmosContainers,
} from "../../../../shared/adapters/cosmos/database.cosmos";
import { CosmosCaseStore } from "../../../../shared/adapters/cosmos/case-store.cosmos";
import { CosmosIdempotencyStore } from "../../../../shared/adapters/cosmos/idempotency-store.cosmos";
import { CosmosPayLinkStore } from "../../../../shared/adapters/cosmos/pay-link-store.cosmos";
import { CosmosPaymentAttemptStore } from "../../../../shared/adapters/cosmos/payment-attempt-store.cosmos";
import { CosmosTenantStore } from "../../../../shared/adapters/cosmos/tenant-store.cosmos";
import { CosmosWebhookStore } from "../../../../shared/adapters/cosmos/webhook-store.cosmos";
import { MemoryCaseStore } from "../../../../shared/adapters/memory/case-store.memory";
import { MemoryIdempotencyStore } from "../../../../shared/adapters/memory/idempotency-store.memory";
import { MemoryPayLinkStore } from "../../../../shared/adapters/memory/pay-link-store.memory";
import { MemoryPaymentAttemptStore } from "../../../../shared/adapters/memory/payment-attempt-store.memory";
import { MemoryTenantStore } from "../../../../shared/adapters/memory/tenant-store.memory";
import { MemoryWebhookStore } from "../../../../shared/adapters/memory/webhook-store.memory";
import { openCase, type CaseStatus } from "../../../../shared/domain/case";
import type { CaseRecord, CaseStore } from "../../../../shared/ports/case-store";
import type { IdempotencyStore } from "../../../../shared/ports/idempotency-store";
import type { PayLinkStore } from "../../../../shared/ports/pay-link-store";
import type { PaymentAttempt, PaymentAttemptStore } from "../../../../shared/ports/payment-attempt-store";
import type { ApiKeyRecord, Tenant, TenantStore } from "../../../../shared/ports/tenant-store";
import type { WebhookStore, WebhookSubscription } from "../../../../shared/ports/webhook-store";
import { CosmosStandIn } from "../../../../devhost/cosmos/cosmos-stand-in";
import { createLogger } from "../../../../devhost/logger";
import type { Database } from "@azure/cosmos";

export const CONTAINERS_FILE = resolve(__dirname, "../../../../infra-bicep/cosmos-containers.json");

export interface Stores {
  cases: CaseStore;
  tenants: TenantStore;
  payLinks: PayLinkStore;
  webhooks: WebhookStore;
  idempotency: IdempotencyStore;
  paymentAttempts: PaymentAttemptStore;
}

export interface StoreHarness {
  name: string;
  start(): Promise<void>;
  /** A fresh, empty set of stores (Cosmos: a new database). */
  fresh(): Promise<Stores>;
  /** Store reads served so far (point reads and queries); undefined where nothing is counted (memory). */
  reads(): number | undefined;
  /** Store writes served so far; undefined where nothing is counted (memory). */
  writes(): number | undefined;
  stop(): Promise<void>;
}

export const memoryHarness: StoreHarness = {
  name: "in-memory",
  start: async () => undefined,
  fresh: async () => ({
    cases: new MemoryCaseStore(),
    tenants: new MemoryTenantStore(),
    payLinks: new MemoryPayLinkStore(),
    webhooks: new MemoryWebhookStore(),
    idempotency: new MemoryIdempotencyStore(),
    paymentAttempts: new MemoryPaymentAttemptStore(),
  }),
  reads: () => undefined,
  writes: () => undefined,
  stop: async () => undefined,
};

/** The Cosmos DB stand-in on a free port, one database per `fresh()`, containers from infra-bicep/cosmos-containers.json. */
export class CosmosHarness implements StoreHarness {
  readonly name = "Cosmos DB";
  #standIn: CosmosStandIn | undefined;
  #dataDir: string | undefined;
  #endpoint = "";
  #key = "";
  #databases = 0;

  async start(): Promise<void> {
    this.#dataDir = await mkdtemp(join(tmpdir(), "cosmos-stores-"));
    this.#standIn = new CosmosStandIn({
      dataDir: this.#dataDir,
      logger: createLogger(() => undefined),
      saveIntervalMs: 0,
    });
    const started = await this.#standIn.start(0);
    this.#endpoint = started.endpoint;
    this.#key = started.key;
  }

  /** A new database with every declared container. */
  async database(): Promise<Database> {
    this.#databases += 1;
    const database = createCosmosDatabase({
      endpoint: this.#endpoint,
      key: this.#key,
      databaseId: `stores-${this.#databases}`,
      endpointDiscovery: false,
    });
    await ensureCosmosContainers(database, loadCosmosContainers(CONTAINERS_FILE));
    return database;
  }

  async fresh(): Promise<Stores> {
    const database = await this.database();
    return {
      cases: new CosmosCaseStore({ database }),
      tenants: new CosmosTenantStore({ database }),
      payLinks: new CosmosPayLinkStore({ database }),
      webhooks: new CosmosWebhookStore({ database }),
      idempotency: new CosmosIdempotencyStore({ database }),
      paymentAttempts: new CosmosPaymentAttemptStore({ database }),
    };
  }

  reads(): number | undefined {
    const counts = this.#standIn?.requestCounts();
    return counts === undefined ? undefined : counts.reads + counts.queries;
  }

  writes(): number | undefined {
    return this.#standIn?.requestCounts().writes;
  }

  async stop(): Promise<void> {
    disposeCosmosClients();
    await this.#standIn?.stop();
    if (this.#dataDir !== undefined) await rm(this.#dataDir, { recursive: true, force: true });
  }
}

export function aCaseRecord(
  tenantId: string,
  invoiceNumber: string,
  options: { customerId?: string; status?: CaseStatus; kid?: string; createdAt?: string } = {},
): CaseRecord {
  const caseId = caseIdFor(tenantId, invoiceNumber);
  const customerId = options.customerId ?? "cust-1";
  const opened = openCase({
    id: caseId,
    tenantId,
    creditorId: tenantId,
    invoiceNumber,
    country: "NO",
    currency: "NOK",
    debtor: { ref: customerId, kind: "consumer" },
    lines: [{ description: "Broadband March", amount: { value: 1_000_00, currency: "NOK" } }],
    issueDate: "2025-02-24",
    dueDate: "2025-03-10",
    services: [],
  });
  const createdAt = options.createdAt ?? "2025-03-01T08:00:00.000Z";
  return {
    schemaVersion: 1,
    caseId,
    tenantId,
    invoiceNumber,
    customerId,
    kid: options.kid ?? `1234${invoiceNumber.replace(/\D/g, "")}5`,
    customer: { customerId, name: "Kari Nordmann", phone: "+4791234567", consent: { sms: true, email: false } },
    case: { ...opened, status: options.status ?? "open" },
    timeline: [{ at: createdAt, kind: "created", title: "Case created" }],
    documents: [],
    sentKeys: [],
    createdAt,
    updatedAt: createdAt,
  };
}

export function aTenant(tenantId: string): { tenant: Tenant; apiKey: ApiKeyRecord } {
  const createdAt = "2025-03-01T08:00:00.000Z";
  return {
    tenant: {
      schemaVersion: 1,
      tenantId,
      name: "Fjordnett AS",
      senderName: "Fjordnett",
      orgNumber: "923609016",
      country: "NO",
      policy: null,
      createdAt,
      updatedAt: createdAt,
    },
    apiKey: {
      keyId: `key-${tenantId}`,
      tenantId,
      keyHash: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
      createdAt,
    },
  };
}

export function aWebhook(tenantId: string, id: string, createdAt: string): WebhookSubscription {
  return {
    schemaVersion: 1,
    id,
    tenantId,
    url: `https://creditor.example.no/hooks/${id}`,
    events: ["case.created", "case.paid"],
    secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    createdAt,
  };
}

export function aPaymentAttempt(reference: string, tenantId = "t_alpha"): PaymentAttempt {
  return {
    schemaVersion: 1,
    reference,
    provider: "vipps",
    method: "vipps",
    tenantId,
    tokenHash: "a".repeat(64),
    option: "full",
    amount: { value: 50_000, currency: "NOK" },
    parts: [{ caseId: "c_1", amount: { value: 50_000, currency: "NOK" } }],
    valueDate: "2026-11-23",
    state: "created",
    appliedTo: [],
    createdAt: "2026-11-23T10:00:00.000Z",
    updatedAt: "2026-11-23T10:00:00.000Z",
  };
}
