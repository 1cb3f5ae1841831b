/** In-memory PartnerConnectionStore (tests, dev host without Cosmos DB). Same contract as the Cosmos adapter. */
import {
  assertSameTenant,
  type PartnerConnectionStore,
  type StoredPartnerConnection,
} from "../../ports/partner-connection-store";

export class MemoryPartnerConnectionStore implements PartnerConnectionStore {
  readonly #connections = new Map<string, StoredPartnerConnection>();

  async get(tenantId: string): Promise<StoredPartnerConnection | undefined> {
    const connection = this.#connections.get(tenantId);
    return connection === undefined ? undefined : structuredClone(connection);
  }

  /** No await between the read and the write: nothing can change in between, so `next` runs once. */
  async put(
    tenantId: string,
    next: (current: StoredPartnerConnection | undefined) => StoredPartnerConnection,
  ): Promise<StoredPartnerConnection> {
    const current = this.#connections.get(tenantId);
    const record = next(current === undefined ? undefined : structuredClone(current));
    assertSameTenant(tenantId, record);
    this.#connections.set(tenantId, structuredClone(record));
    return structuredClone(record);
  }

  async delete(tenantId: string): Promise<boolean> {
    return this.#connections.delete(tenantId);
  }
}
