/**
 * PayLinkStore on Cosmos DB, container `pay-links`, partition key /tokenHash, id = tokenHash.
 *
 * Why /tokenHash: the only question ever asked is "which link is behind this token?" (the debtor opens
 * `/p/{token}`, the page hashes the token): a point read. Links spread evenly over partitions by construction.
 * Only the token's SHA-256 is stored — the token itself exists only in the SMS. Expired links are kept (the page
 * can say "this link has expired" instead of "unknown"); expiry is the caller's check. Documents read are decoded
 * with the port's `PayLink` schema, never cast.
 */
import type { Container, Database } from "@azure/cosmos";
import { PayLink, type PayLinkStore } from "../../ports/pay-link-store";
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
    await this.#container.items.upsert<PayLinkDocument>({
      ...structuredClone(link),
      id: link.tokenHash,
      type: "pay-link",
      schemaVersion: 1,
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
}
