/**
 * DebtorContactStore on Cosmos DB, container `debtor-contacts`, partition key /id (the debtor's hashed key): `get` is a
 * point read, `put` a create (409 → another writer came first) or a replace with If-Match on the read etag (412 → the
 * same), `remove` a delete with If-Match. One small document per (tenant, debtor); documents are decoded, never cast.
 */
import type { Container, Database } from "@azure/cosmos";
import { DebtorContact, type DebtorContactStore, type VersionedDebtorContact } from "../../ports/debtor-contact-store";
import { decodeDocument } from "./cosmos-errors.cosmos";
import { COSMOS_CONTAINERS } from "./database.cosmos";

export class CosmosDebtorContactStore implements DebtorContactStore {
  readonly #container: Container;

  constructor(options: { database: Database; containerId?: string }) {
    this.#container = options.database.container(options.containerId ?? COSMOS_CONTAINERS.debtorContacts);
  }

  async get(id: string): Promise<VersionedDebtorContact | undefined> {
    try {
      const { resource, etag } = await this.#container.item(id, id).read<Record<string, unknown>>();
      if (!resource) return undefined;
      const contact = decodeDocument(DebtorContact, resource, {
        container: this.#container.id,
        storageOnly: ["type"],
      });
      return { contact, etag };
    } catch (err) {
      if ((err as { code?: number }).code === 404) return undefined;
      throw err;
    }
  }

  async put(contact: DebtorContact, etag: string | null): Promise<string | null> {
    const body = { ...DebtorContact.parse(contact), type: "debtor-contact" };
    try {
      const written =
        etag === null
          ? await this.#container.items.create(body)
          : await this.#container
              .item(contact.id, contact.id)
              .replace(body, { accessCondition: { type: "IfMatch", condition: etag } });
      return written.etag;
    } catch (err) {
      const code = (err as { code?: number }).code;
      if (code === 409 || code === 412) return null;
      throw err;
    }
  }

  async remove(id: string, etag: string): Promise<void> {
    try {
      await this.#container.item(id, id).delete({ accessCondition: { type: "IfMatch", condition: etag } });
    } catch (err) {
      const code = (err as { code?: number }).code;
      if (code === 404 || code === 412) return;
      throw err;
    }
  }
}
