/** In-memory TenantStore (tests, dev host without Cosmos DB). Same errors as the Cosmos adapter. */
import { TenantAlreadyExists, TenantNotFound } from "../../ports/errors";
import type { LadderPolicy } from "../../domain/policy";
import type { Letterhead } from "../../domain/letterhead";
import type { ApiKeyRecord, Tenant, TenantStore } from "../../ports/tenant-store";

export class MemoryTenantStore implements TenantStore {
  readonly #tenants = new Map<string, Tenant>();
  readonly #apiKeys = new Map<string, ApiKeyRecord>();

  async create(tenant: Tenant, apiKey: ApiKeyRecord): Promise<void> {
    if (apiKey.tenantId !== tenant.tenantId) throw new Error("The API key must belong to the tenant being created");
    if (this.#tenants.has(tenant.tenantId)) throw new TenantAlreadyExists(tenant.tenantId);
    if (this.#apiKeys.has(apiKey.keyId)) throw new TenantAlreadyExists(tenant.tenantId);
    this.#tenants.set(tenant.tenantId, structuredClone(tenant));
    this.#apiKeys.set(apiKey.keyId, structuredClone(apiKey));
  }

  async get(tenantId: string): Promise<Tenant | undefined> {
    const tenant = this.#tenants.get(tenantId);
    return tenant === undefined ? undefined : structuredClone(tenant);
  }

  async findApiKey(keyId: string): Promise<ApiKeyRecord | undefined> {
    const key = this.#apiKeys.get(keyId);
    return key === undefined ? undefined : structuredClone(key);
  }

  async addApiKey(apiKey: ApiKeyRecord): Promise<void> {
    if (!this.#tenants.has(apiKey.tenantId)) throw new TenantNotFound(apiKey.tenantId);
    if (this.#apiKeys.has(apiKey.keyId)) throw new Error(`API key ${apiKey.keyId} exists already`);
    this.#apiKeys.set(apiKey.keyId, structuredClone(apiKey));
  }

  async listApiKeys(tenantId: string): Promise<ApiKeyRecord[]> {
    return [...this.#apiKeys.values()].filter((k) => k.tenantId === tenantId).map((k) => structuredClone(k));
  }

  async revokeApiKey(tenantId: string, keyId: string, at: Date): Promise<ApiKeyRecord | undefined> {
    const key = this.#apiKeys.get(keyId);
    if (key === undefined || key.tenantId !== tenantId) return undefined;
    const revoked: ApiKeyRecord = { ...key, revokedAt: key.revokedAt ?? at.toISOString() };
    this.#apiKeys.set(keyId, revoked);
    return structuredClone(revoked);
  }

  async setLetterhead(tenantId: string, letterhead: Letterhead, now: Date): Promise<Tenant> {
    const tenant = this.#tenants.get(tenantId);
    if (tenant === undefined) throw new TenantNotFound(tenantId);
    const updated: Tenant = { ...tenant, letterhead: structuredClone(letterhead), updatedAt: now.toISOString() };
    this.#tenants.set(tenantId, updated);
    return structuredClone(updated);
  }

  async setPolicy(tenantId: string, policy: LadderPolicy, now: Date): Promise<Tenant> {
    const tenant = this.#tenants.get(tenantId);
    if (tenant === undefined) throw new TenantNotFound(tenantId);
    const updated: Tenant = { ...tenant, policy: structuredClone(policy), updatedAt: now.toISOString() };
    this.#tenants.set(tenantId, updated);
    return structuredClone(updated);
  }
}
