/**
 * WebhookStore on Cosmos DB, container `webhooks`, partition key /tenantId, id = subscription id.
 *
 * Why /tenantId: subscriptions are few per tenant and always read together — every event is fanned out to all of
 * its tenant's subscriptions — so one single-partition query answers it, and a tenant's subscriptions never
 * exceed a logical partition. The signing secret has to be stored as it is (it signs every delivery); it is never
 * logged. Documents read are decoded with the port's `WebhookSubscription` schema, never cast.
 */
import type { Container, Database } from "@azure/cosmos";
import { WebhookSubscription, type WebhookStore } from "../../ports/webhook-store";
import { decodeDocument, statusOf } from "./cosmos-errors.cosmos";
import { COSMOS_CONTAINERS } from "./database.cosmos";

type WebhookDocument = WebhookSubscription & { type: "webhook" };

export interface CosmosWebhookStoreOptions {
  database: Database;
  /** Container id; default "webhooks". */
  containerId?: string;
}

export class CosmosWebhookStore implements WebhookStore {
  readonly #container: Container;

  constructor(options: CosmosWebhookStoreOptions) {
    this.#container = options.database.container(options.containerId ?? COSMOS_CONTAINERS.webhooks);
  }

  async create(subscription: WebhookSubscription): Promise<void> {
    try {
      await this.#container.items.create<WebhookDocument>({ ...structuredClone(subscription), type: "webhook" });
    } catch (error) {
      if (statusOf(error) === 409)
        throw new Error("A webhook subscription with this id exists already", { cause: error });
      throw error;
    }
  }

  /** Oldest first. */
  async listForTenant(tenantId: string): Promise<WebhookSubscription[]> {
    const { resources } = await this.#container.items
      .query<Record<string, unknown>>(
        { query: "SELECT * FROM c WHERE c.tenantId = @tenantId", parameters: [{ name: "@tenantId", value: tenantId }] },
        { partitionKey: tenantId },
      )
      .fetchAll();
    return resources
      .map((doc) => decodeDocument(WebhookSubscription, doc, { container: this.#container.id, storageOnly: ["type"] }))
      .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1));
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    try {
      await this.#container.item(id, tenantId).delete();
      return true;
    } catch (error) {
      if (statusOf(error) === 404) return false;
      throw error;
    }
  }

  async disable(tenantId: string, id: string, reason: string, at: Date): Promise<boolean> {
    return this.#modify(tenantId, id, (current) =>
      current.disabledAt !== undefined
        ? undefined
        : { ...current, disabledAt: at.toISOString(), disabledReason: reason },
    );
  }

  async rotateSecret(tenantId: string, id: string, secret: string, previousUntil: Date): Promise<boolean> {
    return this.#modify(tenantId, id, (current) => ({
      ...current,
      secret,
      previousSecret: current.secret,
      previousSecretUntil: previousUntil.toISOString(),
    }));
  }

  async markFailing(tenantId: string, id: string, since: Date): Promise<string | undefined> {
    let stored: string | undefined;
    await this.#modify(tenantId, id, (current) => {
      stored = current.failingSince ?? since.toISOString();
      return current.failingSince === undefined ? { ...current, failingSince: stored } : undefined;
    });
    return stored;
  }

  async markHealthy(tenantId: string, id: string): Promise<void> {
    await this.#modify(tenantId, id, (current) => {
      if (current.failingSince === undefined) return undefined;
      const { failingSince: _cleared, ...rest } = current;
      return rest;
    });
  }

  /**
   * Read, change, replace on the read's ETag (a concurrent change makes it read again). `change` answers undefined
   * for "nothing to do". False when there is no such subscription.
   */
  async #modify(
    tenantId: string,
    id: string,
    change: (current: WebhookSubscription) => WebhookSubscription | undefined,
  ): Promise<boolean> {
    for (let attempt = 0; attempt < 5; attempt++) {
      let doc: Record<string, unknown> | undefined;
      let etag: string | undefined;
      try {
        const read = await this.#container.item(id, tenantId).read<Record<string, unknown>>();
        doc = read.resource;
        etag = read.etag;
      } catch (error) {
        if (statusOf(error) === 404) return false;
        throw error;
      }
      if (!doc) return false;
      const current = decodeDocument(WebhookSubscription, doc, {
        container: this.#container.id,
        storageOnly: ["type"],
      });
      const next = change(current);
      if (next === undefined) return true;
      try {
        await this.#container
          .item(id, tenantId)
          .replace<WebhookDocument>(
            { ...next, type: "webhook" },
            etag ? { accessCondition: { type: "IfMatch", condition: etag } } : {},
          );
        return true;
      } catch (error) {
        if (statusOf(error) !== 412) throw error;
      }
    }
    throw new Error("The webhook subscription kept changing while it was being updated");
  }
}
