/**
 * TenantStore on Cosmos DB: tenants in container `tenants` (partition key /tenantId, id = tenantId), API keys in
 * their own container `api-keys` (partition key /keyId, id = keyId).
 *
 * Why a separate container for keys: every API request authenticates, and at that moment only the key's id is
 * known (it is part of the presented key), not the tenant. Partitioned by /keyId the lookup is a point read
 * (~1 RU, no query), on the hottest path of the API. Kept in `tenants`, the lookup would be a cross-partition query
 * on every request. The cost: creating a tenant writes two containers, not atomically — the tenant first, then its
 * key; when the key write fails the tenant document is removed again (best effort). A tenant left without a key
 * by a crash in between is unreachable and harmless; onboarding is retried with new ids.
 *
 * Documents carry `schemaVersion`; the key document holds the key's SHA-256, never the key. Every document read is
 * decoded with the port's schema (`Tenant`, `ApiKeyRecord`), never cast.
 * `setPolicy` and `setLetterhead` are a read → replace with If-Match, retried on 412 like the case store's `update`.
 */
import type { Container, Database } from "@azure/cosmos";
import { TenantAlreadyExists, TenantNotFound } from "../../ports/errors";
import type { LadderPolicy } from "../../domain/policy";
import type { Letterhead } from "../../domain/letterhead";
import { ApiKeyRecord, Tenant, type TenantStore } from "../../ports/tenant-store";
import { decodeDocument, retryOnPreconditionFailed, statusOf, type EtagRetryOptions } from "./cosmos-errors.cosmos";
import { COSMOS_CONTAINERS } from "./database.cosmos";

type TenantDocument = Tenant & { id: string; type: "tenant" };
type ApiKeyDocument = ApiKeyRecord & { id: string; type: "api-key"; schemaVersion: 1 };

export interface CosmosTenantStoreOptions {
  database: Database;
  /** Container ids; defaults "tenants" and "api-keys". */
  tenantsContainerId?: string;
  apiKeysContainerId?: string;
  retry?: EtagRetryOptions;
}

export class CosmosTenantStore implements TenantStore {
  readonly #tenants: Container;
  readonly #apiKeys: Container;
  readonly #retry: EtagRetryOptions;

  constructor(options: CosmosTenantStoreOptions) {
    this.#tenants = options.database.container(options.tenantsContainerId ?? COSMOS_CONTAINERS.tenants);
    this.#apiKeys = options.database.container(options.apiKeysContainerId ?? COSMOS_CONTAINERS.apiKeys);
    this.#retry = options.retry ?? {};
  }

  async create(tenant: Tenant, apiKey: ApiKeyRecord): Promise<void> {
    if (apiKey.tenantId !== tenant.tenantId) throw new Error("The API key must belong to the tenant being created");
    try {
      await this.#tenants.items.create<TenantDocument>({
        ...structuredClone(tenant),
        id: tenant.tenantId,
        type: "tenant",
      });
    } catch (error) {
      if (statusOf(error) === 409) throw new TenantAlreadyExists(tenant.tenantId);
      throw error;
    }
    try {
      await this.#apiKeys.items.create<ApiKeyDocument>({
        ...apiKey,
        id: apiKey.keyId,
        type: "api-key",
        schemaVersion: 1,
      });
    } catch (error) {
      await this.#tenants
        .item(tenant.tenantId, tenant.tenantId)
        .delete()
        .catch(() => undefined); // best effort: a tenant without a key is unreachable anyway
      if (statusOf(error) === 409) throw new TenantAlreadyExists(tenant.tenantId);
      throw error;
    }
  }

  async get(tenantId: string): Promise<Tenant | undefined> {
    return (await this.#readTenant(tenantId))?.tenant;
  }

  async findApiKey(keyId: string): Promise<ApiKeyRecord | undefined> {
    const { resource } = await this.#apiKeys.item(keyId, keyId).read<Record<string, unknown>>();
    if (resource === undefined) return undefined;
    return decodeDocument(ApiKeyRecord, resource, {
      container: this.#apiKeys.id,
      storageOnly: ["id", "type", "schemaVersion"],
    });
  }

  async addApiKey(apiKey: ApiKeyRecord): Promise<void> {
    if ((await this.#readTenant(apiKey.tenantId)) === undefined) throw new TenantNotFound(apiKey.tenantId);
    await this.#apiKeys.items.create<ApiKeyDocument>({
      ...structuredClone(apiKey),
      id: apiKey.keyId,
      type: "api-key",
      schemaVersion: 1,
    });
  }

  /** A cross-partition query (keys are partitioned by key id for the API's point read); the portal's list only. */
  async listApiKeys(tenantId: string): Promise<ApiKeyRecord[]> {
    const { resources } = await this.#apiKeys.items
      .query<Record<string, unknown>>({
        query: "SELECT * FROM c WHERE c.tenantId = @tenantId AND c.type = 'api-key'",
        parameters: [{ name: "@tenantId", value: tenantId }],
      })
      .fetchAll();
    return resources.map((doc) => this.#decodeKey(doc));
  }

  async revokeApiKey(tenantId: string, keyId: string, at: Date): Promise<ApiKeyRecord | undefined> {
    return retryOnPreconditionFailed(
      async () => {
        const { resource, etag } = await this.#apiKeys.item(keyId, keyId).read<Record<string, unknown>>();
        if (resource === undefined) return undefined;
        const key = this.#decodeKey(resource);
        if (key.tenantId !== tenantId) return undefined;
        if (key.revokedAt !== undefined) return key;
        const revoked: ApiKeyRecord = { ...key, revokedAt: at.toISOString() };
        await this.#apiKeys
          .item(keyId, keyId)
          .replace<ApiKeyDocument>(
            { ...revoked, id: keyId, type: "api-key", schemaVersion: 1 },
            { accessCondition: { type: "IfMatch", condition: etag } },
          );
        return revoked;
      },
      this.#retry,
      () => new Error(`API key ${keyId} kept changing while it was being revoked`),
    );
  }

  #decodeKey(doc: Record<string, unknown>): ApiKeyRecord {
    return decodeDocument(ApiKeyRecord, doc, {
      container: this.#apiKeys.id,
      storageOnly: ["id", "type", "schemaVersion"],
    });
  }

  async setPolicy(tenantId: string, policy: LadderPolicy, now: Date): Promise<Tenant> {
    return this.#change(tenantId, "policy", { policy: structuredClone(policy), updatedAt: now.toISOString() });
  }

  async setLetterhead(tenantId: string, letterhead: Letterhead, now: Date): Promise<Tenant> {
    return this.#change(tenantId, "letterhead", {
      letterhead: structuredClone(letterhead),
      updatedAt: now.toISOString(),
    });
  }

  /** Read → replace with If-Match, retried on 412. */
  async #change(tenantId: string, what: string, change: Partial<Tenant>): Promise<Tenant> {
    return retryOnPreconditionFailed(
      async () => {
        const read = await this.#readTenant(tenantId);
        if (read === undefined) throw new TenantNotFound(tenantId);
        const next: TenantDocument = { ...toDocument(read.tenant), ...change };
        try {
          const { resource } = await this.#tenants
            .item(tenantId, tenantId)
            .replace<TenantDocument>(next, { accessCondition: { type: "IfMatch", condition: read.etag } });
          return this.#decodeTenant(resource ?? next);
        } catch (error) {
          if (statusOf(error) === 404) throw new TenantNotFound(tenantId);
          throw error;
        }
      },
      this.#retry,
      () => new Error(`Tenant ${tenantId} kept changing while its ${what} was being set`),
    );
  }

  /** The decoded tenant and the etag it was read at (for the conditional replace). */
  async #readTenant(tenantId: string): Promise<{ tenant: Tenant; etag: string } | undefined> {
    const { resource, etag } = await this.#tenants.item(tenantId, tenantId).read<Record<string, unknown>>();
    return resource === undefined ? undefined : { tenant: this.#decodeTenant(resource), etag };
  }

  #decodeTenant(doc: Record<string, unknown>): Tenant {
    return decodeDocument(Tenant, doc, { container: this.#tenants.id, storageOnly: ["id", "type"] });
  }
}

function toDocument(tenant: Tenant): TenantDocument {
  return { ...structuredClone(tenant), id: tenant.tenantId, type: "tenant" };
}
