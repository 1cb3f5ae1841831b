/**
 * StaffSessionStore on Cosmos DB, container `staff-sessions`, partition key /id (the SHA-256 of the session id): every
 * operation is a point read or write. Each document carries its own `ttl`; expiry itself is checked on every read.
 */
import type { Container, Database } from "@azure/cosmos";
import {
  StoredStaffDocument,
  type StaffSessionStore,
  type StoredStaffDocument as Doc,
} from "../../ports/staff-session-store";
import { decodeDocument } from "./cosmos-errors.cosmos";
import { COSMOS_CONTAINERS } from "./database.cosmos";

export class CosmosStaffSessionStore implements StaffSessionStore {
  readonly #container: Container;

  constructor(options: { database: Database; containerId?: string }) {
    this.#container = options.database.container(options.containerId ?? COSMOS_CONTAINERS.staffSessions);
  }

  async get(id: string): Promise<Doc | undefined> {
    try {
      const { resource } = await this.#container.item(id, id).read<Record<string, unknown>>();
      if (!resource) return undefined;
      return decodeDocument(StoredStaffDocument, resource, { container: this.#container.id, storageOnly: [] });
    } catch (err) {
      if ((err as { code?: number }).code === 404) return undefined;
      throw err;
    }
  }

  async put(doc: Doc): Promise<void> {
    await this.#container.items.upsert(StoredStaffDocument.parse(doc));
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
