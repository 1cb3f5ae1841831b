/**
 * A WebhookStore that keeps each tenant's subscriptions for a short while, in this process: every event of a case
 * (a payment alone publishes four: payment.received, case.status_changed, case.paid, case.closed) is fanned out to
 * its tenant's subscriptions, and every delivery looks its subscription up again — one store query each — while a
 * creditor registers or changes a webhook perhaps once a year.
 *
 * - A tenant's list is kept for `ttlMs` (default 30 s) and coalesced: concurrent reads share one request. An empty
 *   list is kept too (most tenants have no webhook: they would otherwise pay a query per event).
 * - A write through THIS instance (create, delete, disable, rotate the secret, failing/healthy) drops the tenant's
 *   list at once, so a subscription registered here gets the very next event; another instance sees it within `ttlMs`.
 *   A rotated secret loses nothing meanwhile: the previous secret keeps signing for its grace period.
 * - Failures are not kept: the next read tries the store again.
 * Time is the process's monotonic clock (a cache's age, not business time).
 */
import type { WebhookStore, WebhookSubscription } from "../../ports/webhook-store";

export class CachedWebhookStore implements WebhookStore {
  readonly #inner: WebhookStore;
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #lists = new Map<string, { value: Promise<WebhookSubscription[]>; until: number }>();

  constructor(inner: WebhookStore, options: { ttlMs?: number; now?: () => number } = {}) {
    this.#inner = inner;
    this.#ttlMs = options.ttlMs ?? 30_000;
    this.#now = options.now ?? (() => performance.now());
  }

  async listForTenant(tenantId: string): Promise<WebhookSubscription[]> {
    const hit = this.#lists.get(tenantId);
    if (hit !== undefined && hit.until > this.#now()) return structuredClone(await hit.value);
    const entry = { value: this.#inner.listForTenant(tenantId), until: this.#now() + this.#ttlMs };
    this.#lists.set(tenantId, entry);
    try {
      return structuredClone(await entry.value);
    } catch (error) {
      if (this.#lists.get(tenantId) === entry) this.#lists.delete(tenantId);
      throw error;
    }
  }

  create(subscription: WebhookSubscription): Promise<void> {
    return this.#written(subscription.tenantId, () => this.#inner.create(subscription));
  }

  delete(tenantId: string, id: string): Promise<boolean> {
    return this.#written(tenantId, () => this.#inner.delete(tenantId, id));
  }

  disable(tenantId: string, id: string, reason: string, at: Date): Promise<boolean> {
    return this.#written(tenantId, () => this.#inner.disable(tenantId, id, reason, at));
  }

  rotateSecret(tenantId: string, id: string, secret: string, previousUntil: Date): Promise<boolean> {
    return this.#written(tenantId, () => this.#inner.rotateSecret(tenantId, id, secret, previousUntil));
  }

  markFailing(tenantId: string, id: string, since: Date): Promise<string | undefined> {
    return this.#written(tenantId, () => this.#inner.markFailing(tenantId, id, since));
  }

  markHealthy(tenantId: string, id: string): Promise<void> {
    return this.#written(tenantId, () => this.#inner.markHealthy(tenantId, id));
  }

  /** Drops the tenant's list before and after the write: a read racing the write cannot keep the old list. */
  async #written<T>(tenantId: string, write: () => Promise<T>): Promise<T> {
    this.#lists.delete(tenantId);
    try {
      return await write();
    } finally {
      this.#lists.delete(tenantId);
    }
  }
}
