/** In-memory DebtorContactStore (tests, the dev host without Cosmos DB): a version counter stands in for the etag. */
import { DebtorContact, type DebtorContactStore, type VersionedDebtorContact } from "../../ports/debtor-contact-store";

export class MemoryDebtorContactStore implements DebtorContactStore {
  readonly #docs = new Map<string, VersionedDebtorContact>();
  #version = 0;

  async get(id: string): Promise<VersionedDebtorContact | undefined> {
    const doc = this.#docs.get(id);
    return doc ? structuredClone(doc) : undefined;
  }

  async put(contact: DebtorContact, etag: string | null): Promise<string | null> {
    const current = this.#docs.get(contact.id);
    if ((current?.etag ?? null) !== etag) return null;
    const next = `v${++this.#version}`;
    this.#docs.set(contact.id, { contact: DebtorContact.parse(structuredClone(contact)), etag: next });
    return next;
  }

  async remove(id: string, etag: string): Promise<void> {
    if (this.#docs.get(id)?.etag === etag) this.#docs.delete(id);
  }
}
