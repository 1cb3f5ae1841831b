/**
 * A TenantStore that keeps what it read for a short while, in this process: every API request looks up its key and
 * nearly every use case reads the creditor (its ladder, name, letterhead), while a creditor changes perhaps once a
 * month. Without it each `GET /cases/{id}` costs three store reads instead of one.
 *
 * - Reads are kept for `ttlMs` (default 30 s) and coalesced: concurrent reads of the same tenant share one request.
 * - A write through THIS instance (policy, letterhead, a new tenant) replaces the entry at once; another instance
 *   sees it within `ttlMs`. So a new ladder applies within 30 s everywhere — the ladder plans in days, not seconds.
 * - An API key found is kept for `ttlMs` too. What was not found (a key, a tenant) is never kept: one created
 *   elsewhere works at once, and guessing keys costs the guesser a store read each time, as before.
 * - Failures are not kept: the next read tries the store again.
 * Time is the process's monotonic clock (a cache's age, not business time).
 */
import type { ApiKeyRecord, Tenant, TenantStore } from "../../ports/tenant-store";
import type { LadderPolicy } from "../../domain/policy";
import type { Letterhead } from "../../domain/letterhead";

interface Entry<T> {
  value: Promise<T>;
  until: number;
}

export interface CachedTenantStoreOptions {
  ttlMs?: number;
  /** Milliseconds, monotonic; default performance.now. */
  now?: () => number;
}

export class CachedTenantStore implements TenantStore {
  readonly #inner: TenantStore;
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #tenants = new Map<string, Entry<Tenant | undefined>>();
  readonly #keys = new Map<string, Entry<ApiKeyRecord | undefined>>();

  constructor(inner: TenantStore, options: CachedTenantStoreOptions = {}) {
    this.#inner = inner;
    this.#ttlMs = options.ttlMs ?? 30_000;
    this.#now = options.now ?? (() => performance.now());
  }

  async create(tenant: Tenant, apiKey: ApiKeyRecord): Promise<void> {
    await this.#inner.create(tenant, apiKey);
    this.#tenants.delete(tenant.tenantId);
    this.#keys.delete(apiKey.keyId);
  }

  get(tenantId: string): Promise<Tenant | undefined> {
    return this.#cached(this.#tenants, tenantId, () => this.#inner.get(tenantId));
  }

  findApiKey(keyId: string): Promise<ApiKeyRecord | undefined> {
    return this.#cached(this.#keys, keyId, () => this.#inner.findApiKey(keyId));
  }

  async addApiKey(apiKey: ApiKeyRecord): Promise<void> {
    await this.#inner.addApiKey(apiKey);
    this.#keys.delete(apiKey.keyId);
  }

  listApiKeys(tenantId: string): Promise<ApiKeyRecord[]> {
    return this.#inner.listApiKeys(tenantId);
  }

  /** Forgets the key here at once (another instance refuses it within `ttlMs`). */
  async revokeApiKey(tenantId: string, keyId: string, at: Date): Promise<ApiKeyRecord | undefined> {
    this.#keys.delete(keyId);
    const revoked = await this.#inner.revokeApiKey(tenantId, keyId, at);
    this.#keys.delete(keyId);
    return revoked;
  }

  async setPolicy(tenantId: string, policy: LadderPolicy, now: Date): Promise<Tenant> {
    return this.#written(tenantId, await this.#inner.setPolicy(tenantId, policy, now));
  }

  async setLetterhead(tenantId: string, letterhead: Letterhead, now: Date): Promise<Tenant> {
    return this.#written(tenantId, await this.#inner.setLetterhead(tenantId, letterhead, now));
  }

  #written(tenantId: string, tenant: Tenant): Tenant {
    this.#tenants.set(tenantId, { value: Promise.resolve(structuredClone(tenant)), until: this.#now() + this.#ttlMs });
    return tenant;
  }

  async #cached<T>(
    map: Map<string, Entry<T | undefined>>,
    key: string,
    read: () => Promise<T | undefined>,
  ): Promise<T | undefined> {
    const hit = map.get(key);
    if (hit !== undefined && hit.until > this.#now()) return structuredClone(await hit.value);
    const value = read();
    const entry = { value, until: this.#now() + this.#ttlMs };
    map.set(key, entry);
    try {
      const result = await value;
      if (result === undefined && map.get(key) === entry) map.delete(key);
      return structuredClone(result);
    } catch (error) {
      if (map.get(key) === entry) map.delete(key);
      throw error;
    }
  }
}
