/**
 * PowerOfAttorneyStore on Cosmos DB, container `powers-of-attorney`, partition key /granteeRef (the HMAC of the
 * grantee's national id): what a grantee's request reads — the grants it holds — is one single-partition query. The
 * grantor's list (the power-of-attorney page only) is a cross-partition query on `grantorRef`.
 */
import type { Container, Database } from "@azure/cosmos";
import {
  StoredPowerOfAttorney,
  type PowerOfAttorneyStore,
  type StoredPowerOfAttorney as Grant,
} from "../../ports/power-of-attorney-store";
import { decodeDocument } from "./cosmos-errors.cosmos";
import { COSMOS_CONTAINERS } from "./database.cosmos";

export class CosmosPowerOfAttorneyStore implements PowerOfAttorneyStore {
  readonly #container: Container;

  constructor(options: { database: Database; containerId?: string }) {
    this.#container = options.database.container(options.containerId ?? COSMOS_CONTAINERS.powersOfAttorney);
  }

  async put(grant: Grant): Promise<void> {
    await this.#container.items.upsert(StoredPowerOfAttorney.parse(grant));
  }

  async listByGrantee(granteeRef: string): Promise<Grant[]> {
    const { resources } = await this.#container.items
      .query<Record<string, unknown>>(
        { query: "SELECT * FROM c WHERE c.granteeRef = @ref", parameters: [{ name: "@ref", value: granteeRef }] },
        { partitionKey: granteeRef },
      )
      .fetchAll();
    return resources.map((doc) => this.#decode(doc));
  }

  async listByGrantor(grantorRef: string): Promise<Grant[]> {
    const { resources } = await this.#container.items
      .query<Record<string, unknown>>({
        query: "SELECT * FROM c WHERE c.grantorRef = @ref",
        parameters: [{ name: "@ref", value: grantorRef }],
      })
      .fetchAll();
    return resources.map((doc) => this.#decode(doc));
  }

  #decode(doc: Record<string, unknown>): Grant {
    return decodeDocument(StoredPowerOfAttorney, doc, { container: this.#container.id, storageOnly: [] });
  }
}
