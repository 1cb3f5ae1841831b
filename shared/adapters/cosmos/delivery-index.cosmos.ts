/**
 * DeliveryIndex on Cosmos DB, container `deliveries`, partition key /id (= the message id the channel reports by):
 * `put` is a point upsert, `get` a point read — one RU each, whatever the volume. Documents are decoded, never cast.
 */
import type { Container, Database } from "@azure/cosmos";
import { z } from "zod";
import type { DeliveryIndex, DeliveryRef } from "../../ports/delivery-index";
import { decodeDocument } from "./cosmos-errors.cosmos";
import { COSMOS_CONTAINERS } from "./database.cosmos";

const StoredRef = z.object({ tenantId: z.string(), caseId: z.string(), deliveryId: z.string() });

export class CosmosDeliveryIndex implements DeliveryIndex {
  readonly #container: Container;

  constructor(options: { database: Database; containerId?: string }) {
    this.#container = options.database.container(options.containerId ?? COSMOS_CONTAINERS.deliveries);
  }

  async put(messageId: string, ref: DeliveryRef): Promise<void> {
    await this.#container.items.upsert({ id: messageId, type: "delivery", schemaVersion: 1, ...StoredRef.parse(ref) });
  }

  async get(messageId: string): Promise<DeliveryRef | undefined> {
    try {
      const { resource } = await this.#container.item(messageId, messageId).read<Record<string, unknown>>();
      if (!resource) return undefined;
      return decodeDocument(StoredRef, resource, {
        container: this.#container.id,
        storageOnly: ["id", "type", "schemaVersion"],
      });
    } catch (err) {
      if ((err as { code?: number }).code === 404) return undefined;
      throw err;
    }
  }
}
