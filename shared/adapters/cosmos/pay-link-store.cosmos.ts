/**
 * PayLinkStore on Cosmos DB, container `pay-links`, partition key /tokenHash, id = tokenHash.
 *
 * Why /tokenHash: the only question ever asked is "which link is behind this token?" (the debtor opens
 * `/p/{token}`, the page hashes the token): a point read. Links spread evenly over partitions by construction.
 * Only the token's SHA-256 is stored — the token itself exists only in the SMS. Expired links are kept (the page
 * can say "this link has expired" instead of "unknown"); expiry is the caller's check. Documents read are decoded
 * with the port's `PayLink` schema, never cast.
 */
import { BulkOperationType, type Container, type Database, type JSONObject } from "@azure/cosmos";
import { PayLink, type PayLinkStore } from "../../ports/pay-link-store";
import { bulkWrite } from "./bulk.cosmos";
import { decodeDocument } from "./cosmos-errors.cosmos";
import { COSMOS_CONTAINERS } from "./database.cosmos";

type PayLinkDocument = PayLink & { id: string; type: "pay-link"; schemaVersion: 1 };

export interface CosmosPayLinkStoreOptions {
  database: Database;
  /** Container id; default "pay-links". */
  containerId?: string;
}

export class CosmosPayLinkStore implements PayLinkStore {
  readonly #container: Container;

  constructor(options: CosmosPayLinkStoreOptions) {
    this.#container = options.database.container(options.containerId ?? COSMOS_CONTAINERS.payLinks);
  }

  /** Creates or replaces the link stored under its token hash. */
  async put(link: PayLink): Promise<void> {
    await this.#container.items.upsert<PayLinkDocument>(payLinkDocument(link));
  }

  /** The same documents as `put`, upserted in bulk (each link is its own partition: no transactional batch). */
  async putMany(links: readonly PayLink[]): Promise<void> {
    await bulkWrite(this.#container, links, {
      operation: (link) => ({
        operationType: BulkOperationType.Upsert,
        partitionKey: link.tokenHash,
        resourceBody: payLinkDocument(link) as unknown as JSONObject,
      }),
      done: (status) => status >= 200 && status < 300,
      one: (link) => this.put(link),
    });
  }

  async get(tokenHash: string): Promise<PayLink | undefined> {
    const { resource } = await this.#container.item(tokenHash, tokenHash).read<Record<string, unknown>>();
    if (resource === undefined) return undefined;
    return decodeDocument(PayLink, resource, {
      container: this.#container.id,
      storageOnly: ["id", "type", "schemaVersion"],
    });
  }

  /** One patch, only on the first view (the caller has read `openedAt` unset); never on later views. */
  async markOpened(tokenHash: string, at: string): Promise<void> {
    await this.#container.item(tokenHash, tokenHash).patch([{ op: "set", path: "/openedAt", value: at }]);
  }
}

function payLinkDocument(link: PayLink): PayLinkDocument {
  return { ...structuredClone(link), id: link.tokenHash, type: "pay-link", schemaVersion: 1 };
}
