/**
 * In-memory PartnerConnectionStore (tests, dev host without Cosmos DB). Same contract as the Cosmos adapter, the
 * vault included: given a SecretVault, the documents it keeps hold references, the secrets live in the vault.
 */
import {
  assertSameTenant,
  PartnerConnectionConflict,
  type PartnerConnectionStore,
  type StoredPartnerConnection,
} from "../../ports/partner-connection-store";
import type { Random } from "../../ports/random";
import type { SecretVault } from "../../ports/secret-vault";
import { cryptoRandom } from "../node/random.crypto";
import { PartnerConnectionSecrets, type PartnerConnectionDocument } from "../secret-vault/partner-connection-secrets";

export interface MemoryPartnerConnectionStoreOptions {
  /** Where the secrets live; without one they stay in the document. */
  vault?: SecretVault;
  random?: Random;
}

export class MemoryPartnerConnectionStore implements PartnerConnectionStore {
  readonly #documents = new Map<string, PartnerConnectionDocument>();
  readonly #secrets: PartnerConnectionSecrets;

  constructor(options: MemoryPartnerConnectionStoreOptions = {}) {
    this.#secrets = new PartnerConnectionSecrets({
      ...(options.vault === undefined ? {} : { vault: options.vault }),
      random: options.random ?? cryptoRandom,
    });
  }

  async get(tenantId: string): Promise<StoredPartnerConnection | undefined> {
    const document = this.#documents.get(tenantId);
    return document === undefined ? undefined : this.#secrets.open(structuredClone(document));
  }

  /** Optimistic like the Cosmos adapter: when another put wrote while this one sealed, `next` runs again. */
  async put(
    tenantId: string,
    next: (current: StoredPartnerConnection | undefined) => StoredPartnerConnection,
  ): Promise<StoredPartnerConnection> {
    const names = this.#secrets.namesFor(tenantId);
    for (let attempt = 1; ; attempt += 1) {
      const replaced = this.#documents.get(tenantId);
      const record = next(replaced === undefined ? undefined : await this.#secrets.open(structuredClone(replaced)));
      assertSameTenant(tenantId, record);
      const document = await this.#secrets.seal(record, names);
      if (this.#documents.get(tenantId) !== replaced) {
        if (attempt >= 25) throw new PartnerConnectionConflict(tenantId);
        continue;
      }
      this.#documents.set(tenantId, structuredClone(document));
      await this.#secrets.deleteReplaced(replaced, document);
      return this.#secrets.open(document);
    }
  }

  async delete(tenantId: string): Promise<boolean> {
    const document = this.#documents.get(tenantId);
    if (document === undefined) return false;
    await this.#secrets.deleteAll(document);
    return this.#documents.delete(tenantId);
  }

  /** The document as stored (tests: what a database would hold). */
  document(tenantId: string): PartnerConnectionDocument | undefined {
    const document = this.#documents.get(tenantId);
    return document === undefined ? undefined : structuredClone(document);
  }
}
