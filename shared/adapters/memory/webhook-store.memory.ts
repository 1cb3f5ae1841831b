/** In-memory WebhookStore (tests, dev host without Cosmos DB). Subscriptions are listed oldest first. */
import type { WebhookStore, WebhookSubscription } from "../../ports/webhook-store";

export class MemoryWebhookStore implements WebhookStore {
  readonly #subscriptions = new Map<string, WebhookSubscription>();

  async create(subscription: WebhookSubscription): Promise<void> {
    const key = JSON.stringify([subscription.tenantId, subscription.id]);
    if (this.#subscriptions.has(key)) throw new Error("A webhook subscription with this id exists already");
    this.#subscriptions.set(key, structuredClone(subscription));
  }

  async listForTenant(tenantId: string): Promise<WebhookSubscription[]> {
    return [...this.#subscriptions.values()]
      .filter((s) => s.tenantId === tenantId)
      .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1))
      .map((s) => structuredClone(s));
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    return this.#subscriptions.delete(JSON.stringify([tenantId, id]));
  }

  async disable(tenantId: string, id: string, reason: string, at: Date): Promise<boolean> {
    const key = JSON.stringify([tenantId, id]);
    const current = this.#subscriptions.get(key);
    if (!current) return false;
    if (current.disabledAt === undefined)
      this.#subscriptions.set(key, { ...current, disabledAt: at.toISOString(), disabledReason: reason });
    return true;
  }

  async rotateSecret(tenantId: string, id: string, secret: string, previousUntil: Date): Promise<boolean> {
    const key = JSON.stringify([tenantId, id]);
    const current = this.#subscriptions.get(key);
    if (!current) return false;
    this.#subscriptions.set(key, {
      ...current,
      secret,
      previousSecret: current.secret,
      previousSecretUntil: previousUntil.toISOString(),
    });
    return true;
  }

  async markFailing(tenantId: string, id: string, since: Date): Promise<string | undefined> {
    const key = JSON.stringify([tenantId, id]);
    const current = this.#subscriptions.get(key);
    if (!current) return undefined;
    const failingSince = current.failingSince ?? since.toISOString();
    this.#subscriptions.set(key, { ...current, failingSince });
    return failingSince;
  }

  async markHealthy(tenantId: string, id: string): Promise<void> {
    const key = JSON.stringify([tenantId, id]);
    const current = this.#subscriptions.get(key);
    if (!current || current.failingSince === undefined) return;
    const { failingSince: _cleared, ...rest } = current;
    this.#subscriptions.set(key, rest);
  }
}
