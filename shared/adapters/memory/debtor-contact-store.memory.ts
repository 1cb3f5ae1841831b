/** In-memory DebtorContactStore (tests, the dev host without Cosmos DB): a version counter stands in for the etag. */
import { DebtorContact, type DebtorContactStore, type VersionedDebtorContact } from "../../ports/debtor-contact-store";

export class MemoryDebtorContactStore implements DebtorContactStore {
  readonly #docs = new Map<string, VersionedDebtorContact>();
  #version = 0;

  async get(id: string): Promise<VersionedDebtorContact | undefined> {
    const doc = this.#docs.get(id);
    return doc ? structuredClone(doc) : undefined;
  }

  async put(contact: DebtorContact, etag: string | null): Promise<boolean> {
    const current = this.#docs.get(contact.id);
    if ((current?.etag ?? null) !== etag) return false;
    this.#docs.set(contact.id, { contact: DebtorContact.parse(structuredClone(contact)), etag: `v${++this.#version}` });
    return true;
  }
}
