/**
 * The Cosmos DB database the stores work in, and the containers they need.
 *
 * `createCosmosDatabase` keeps ONE CosmosClient per process (per endpoint and credential): the client holds the
 * connection pool, the account's endpoint list and the partition map, and is meant to live as long as the process.
 * With a `key` it signs with the key (the local stand-in); without one, it gets Entra ID tokens from
 * DefaultAzureCredential (in Azure: the Function App's managed identity, picked through AZURE_CLIENT_ID). The
 * composition root maps the COSMOS_* settings to `CosmosOptions`; this adapter never reads settings itself.
 *
 * The containers are declared once, in infra-bicep/cosmos-containers.json. In Azure, Bicep creates them
 * (modules/cosmos.bicep loops over the file) — the app's identity has a DATA-plane role only and could not create
 * them anyway. Locally the DEV HOST calls `ensureCosmosContainers` right after starting the Cosmos stand-in; the
 * app never does.
 */
import { CosmosClient, PartitionKeyKind, type ContainerRequest, type Database } from "@azure/cosmos";
import { DefaultAzureCredential } from "@azure/identity";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { z } from "zod";

/** Where the stores' database is and how to reach it. */
export interface CosmosOptions {
  /** The account endpoint (https://….documents.azure.com:443/, or the local stand-in's). */
  endpoint: string;
  /** The account key; undefined: Entra ID (managed identity) through DefaultAzureCredential. */
  key?: string | undefined;
  /** The database id (the stores' containers live in it). */
  databaseId: string;
  /** The SDK's endpoint discovery (off for the local stand-in, which only has the endpoint it listens on). */
  endpointDiscovery: boolean;
}

/** The ids of the containers the stores use (each must be declared in infra-bicep/cosmos-containers.json). */
export const COSMOS_CONTAINERS = {
  cases: "cases",
  tenants: "tenants",
  apiKeys: "api-keys",
  idempotency: "idempotency",
  payLinks: "pay-links",
  webhooks: "webhooks",
  paymentAttempts: "payment-attempts",
  bankPayments: "bank-payments",
  partnerConnections: "partner-connections",
  interestRates: "interest-rates",
  deliveries: "deliveries",
  debtorContacts: "debtor-contacts",
  minSideSessions: "min-side-sessions",
  powersOfAttorney: "powers-of-attorney",
  messageThreads: "message-threads",
  staffSessions: "staff-sessions",
  staffAudit: "staff-audit",
  webhookDeliveryLog: "webhook-delivery-log",
  workItems: "work-items",
  kpiBuckets: "kpi-buckets",
} as const;

/** One container as declared in infra-bicep/cosmos-containers.json (same shape as `containerSpec` in cosmos.bicep). */
export const CosmosContainerSpec = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,254}$/),
  description: z.string().optional(),
  partitionKeyPath: z.string().regex(/^\/[A-Za-z_][A-Za-z0-9_]*$/),
  /** Each unique key is a list of paths whose combination is unique within a logical partition. */
  uniqueKeys: z.array(z.array(z.string().startsWith("/")).min(1)).optional(),
  /** -1: TTL on, items expire only by their own `ttl`; n: n seconds after the last write unless the item says otherwise. */
  defaultTtlSeconds: z
    .number()
    .int()
    .refine((n) => n === -1 || n > 0, "-1 or a positive number of seconds")
    .optional(),
});
export type CosmosContainerSpec = z.infer<typeof CosmosContainerSpec>;

export const CosmosContainerDeclaration = z.strictObject({
  $schema: z.string().optional(),
  containers: z.array(CosmosContainerSpec).min(1),
});
export type CosmosContainerDeclaration = z.infer<typeof CosmosContainerDeclaration>;

/** Reads and checks infra-bicep/cosmos-containers.json (or another file of the same shape). */
export function loadCosmosContainers(file: string): CosmosContainerDeclaration {
  return CosmosContainerDeclaration.parse(JSON.parse(readFileSync(file, "utf8")));
}

const clients = new Map<string, CosmosClient>();

export function createCosmosDatabase(options: CosmosOptions): Database {
  const credential = options.key === undefined ? "entra-id" : createHash("sha256").update(options.key).digest("hex");
  const cacheKey = JSON.stringify([options.endpoint, credential, options.endpointDiscovery]);
  let client = clients.get(cacheKey);
  if (client === undefined) {
    const connectionPolicy = { enableEndpointDiscovery: options.endpointDiscovery };
    client =
      options.key === undefined
        ? new CosmosClient({
            endpoint: options.endpoint,
            aadCredentials: new DefaultAzureCredential(),
            connectionPolicy,
          })
        : new CosmosClient({ endpoint: options.endpoint, key: options.key, connectionPolicy });
    clients.set(cacheKey, client);
  }
  return client.database(options.databaseId);
}

/** Disposes every client `createCosmosDatabase` made (tests, and a dev host that stops). */
export function disposeCosmosClients(): void {
  for (const client of clients.values()) client.dispose();
  clients.clear();
}

/**
 * Creates the database and every declared container where missing (createIfNotExists: safe on every start).
 * For the local stand-in only — called by the dev host; in Azure, Bicep owns the containers.
 */
export async function ensureCosmosContainers(
  database: Database,
  declaration: CosmosContainerDeclaration,
): Promise<void> {
  await database.client.databases.createIfNotExists({ id: database.id });
  for (const spec of declaration.containers) await database.containers.createIfNotExists(containerRequest(spec));
}

function containerRequest(spec: CosmosContainerSpec): ContainerRequest {
  const request: ContainerRequest = {
    id: spec.id,
    partitionKey: { paths: [spec.partitionKeyPath], kind: PartitionKeyKind.Hash, version: 2 },
  };
  if (spec.uniqueKeys !== undefined && spec.uniqueKeys.length > 0) {
    request.uniqueKeyPolicy = { uniqueKeys: spec.uniqueKeys.map((paths) => ({ paths })) };
  }
  if (spec.defaultTtlSeconds !== undefined) request.defaultTtl = spec.defaultTtlSeconds;
  return request;
}
