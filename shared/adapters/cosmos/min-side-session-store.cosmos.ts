/**
 * MinSideSessionStore on Cosmos DB, container `min-side-sessions`, partition key /id (the SHA-256 of the session id):
 * every operation is a point read or write. Each document carries its own `ttl` (Cosmos deletes it after that many
 * seconds without a write); expiry itself is checked by the use case on every read.
 */
import type { Container, Database } from "@azure/cosmos";
import {
  StoredMinSideDocument,
  type MinSideSessionStore,
  type StoredMinSideDocument as Doc,
} from "../../ports/min-side-session-store";
import { decodeDocument } from "./cosmos-errors.cosmos";
import { COSMOS_CONTAINERS } from "./database.cosmos";

export class CosmosMinSideSessionStore implements MinSideSessionStore {
  readonly #container: Container;

  constructor(options: { database: Database; containerId?: string }) {
    this.#container = options.database.container(options.containerId ?? COSMOS_CONTAINERS.minSideSessions);
  }

  async get(id: string): Promise<Doc | undefined> {
    try {
      const { resource } = await this.#container.item(id, id).read<Record<string, unknown>>();
      if (!resource) return undefined;
      return decodeDocument(StoredMinSideDocument, resource, { container: this.#container.id, storageOnly: [] });
    } catch (err) {
      if ((err as { code?: number }).code === 404) return undefined;
      throw err;
    }
  }

  async put(doc: Doc): Promise<void> {
    await this.#container.items.upsert(StoredMinSideDocument.parse(doc));
  }

  async delete(id: string): Promise<void> {
    try {
      await this.#container.item(id, id).delete();
    } catch (err) {
      if ((err as { code?: number }).code === 404) return;
      throw err;
    }
  }
}
