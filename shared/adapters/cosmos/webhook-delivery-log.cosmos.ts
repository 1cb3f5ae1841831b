/**
 * WebhookDeliveryLog on Cosmos DB, container `webhook-delivery-log`, partition key /subscriptionId: a subscription's
 * last deliveries are one single-partition query, a record a point read. Records are upserted (a redelivered
 * attempt writes the same id again) and expire with the container's default ttl (30 days).
 */
import type { Container, Database } from "@azure/cosmos";
import { WebhookDeliveryRecord, type WebhookDeliveryLog } from "../../ports/webhook-delivery-log";
import { decodeDocument, statusOf } from "./cosmos-errors.cosmos";
import { COSMOS_CONTAINERS } from "./database.cosmos";

export class CosmosWebhookDeliveryLog implements WebhookDeliveryLog {
  readonly #container: Container;

  constructor(options: { database: Database; containerId?: string }) {
    this.#container = options.database.container(options.containerId ?? COSMOS_CONTAINERS.webhookDeliveryLog);
  }

  async record(entry: WebhookDeliveryRecord): Promise<void> {
    await this.#container.items.upsert(WebhookDeliveryRecord.parse(entry));
  }

  async recent(subscriptionId: string, limit: number): Promise<WebhookDeliveryRecord[]> {
    const { resources } = await this.#container.items
      .query<Record<string, unknown>>(
        {
          query: "SELECT TOP @n * FROM c WHERE c.subscriptionId = @s ORDER BY c.at DESC",
          parameters: [
            { name: "@n", value: Math.max(1, Math.min(limit, 200)) },
            { name: "@s", value: subscriptionId },
          ],
        },
        { partitionKey: subscriptionId },
      )
      .fetchAll();
    return resources.map((doc) => this.#decode(doc));
  }

  async get(subscriptionId: string, id: string): Promise<WebhookDeliveryRecord | undefined> {
    try {
      const { resource } = await this.#container.item(id, subscriptionId).read<Record<string, unknown>>();
      return resource === undefined ? undefined : this.#decode(resource);
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  #decode(doc: Record<string, unknown>): WebhookDeliveryRecord {
    return decodeDocument(WebhookDeliveryRecord, doc, { container: this.#container.id, storageOnly: ["ttl"] });
  }
}
