/**
 * PartnerConnectionStore on Cosmos DB, container `partner-connections`, partition key /tenantId, id = tenantId: one
 * document per tenant, every read a point read (the command sender and the callback receiver know the tenant).
 *
 * `put` is optimistic like the case store's `update`: read → `next` → create (when nothing was stored; a 409 means
 * another writer created it first) or replace with If-Match on the read etag (a 412 means it changed; a 404 that it
 * was deleted meanwhile); any of the three reads again and re-applies `next`. Documents read are decoded with the
 * port's `StoredPartnerConnection` schema (decodeDocument), never cast.
 *
 * SECRETS: with a SecretVault (Key Vault in Azure: the `KEY_VAULT_URL` setting) the document keeps only references
 * to the HMAC / OAuth2 client secret and the callback secret, which live in the vault and are resolved on every read
 * (the vault adapter caches); without one they stay in the document as before. Documents of either shape are read
 * (shared/adapters/secret-vault/partner-connection-secrets.ts). `delete` deletes the vault's secrets first, then the
 * document (conditioned on the etag it read, so a connection replaced meanwhile is not deleted with the wrong
 * secrets). Nothing here logs a document or puts one in an error: UndecodableDocument names paths, never values.
 */
import type { Container, Database } from "@azure/cosmos";
import {
  assertSameTenant,
  PartnerConnectionConflict,
  type PartnerConnectionStore,
  type StoredPartnerConnection,
} from "../../ports/partner-connection-store";
import type { Random } from "../../ports/random";
import type { SecretVault } from "../../ports/secret-vault";
import { cryptoRandom } from "../node/random.crypto";
import { PartnerConnectionDocument, PartnerConnectionSecrets } from "../secret-vault/partner-connection-secrets";
import { decodeDocument, retryOnPreconditionFailed, statusOf, type EtagRetryOptions } from "./cosmos-errors.cosmos";
import { COSMOS_CONTAINERS } from "./database.cosmos";

type ConnectionDocument = PartnerConnectionDocument & { id: string; type: "partner-connection" };

export interface CosmosPartnerConnectionStoreOptions {
  database: Database;
  containerId?: string;
  retry?: EtagRetryOptions;
  /** Where the secrets live; without one they stay in the document. */
  vault?: SecretVault;
  /** For the vault's secret names (default: node's CSPRNG). */
  random?: Random;
}

/** Someone else wrote between our read and our write: read again (412, like a failed If-Match). */
class WriteRaced extends Error {
  readonly code = 412;
}

function toDocument(document: PartnerConnectionDocument): ConnectionDocument {
  return { ...structuredClone(document), id: document.tenantId, type: "partner-connection" };
}

export class CosmosPartnerConnectionStore implements PartnerConnectionStore {
  readonly #container: Container;
  readonly #retry: EtagRetryOptions;
  readonly #secrets: PartnerConnectionSecrets;

  constructor(options: CosmosPartnerConnectionStoreOptions) {
    this.#container = options.database.container(options.containerId ?? COSMOS_CONTAINERS.partnerConnections);
    this.#retry = options.retry ?? {};
    this.#secrets = new PartnerConnectionSecrets({
      ...(options.vault === undefined ? {} : { vault: options.vault }),
      random: options.random ?? cryptoRandom,
    });
  }

  async get(tenantId: string): Promise<StoredPartnerConnection | undefined> {
    const read = await this.#read(tenantId);
    return read === undefined ? undefined : this.#secrets.open(read.document);
  }

  async put(
    tenantId: string,
    next: (current: StoredPartnerConnection | undefined) => StoredPartnerConnection,
  ): Promise<StoredPartnerConnection> {
    const names = this.#secrets.namesFor(tenantId);
    return retryOnPreconditionFailed(
      async () => {
        const read = await this.#read(tenantId);
        const record = next(read === undefined ? undefined : await this.#secrets.open(read.document));
        assertSameTenant(tenantId, record);
        const document = await this.#secrets.seal(record, names);
        try {
          if (read === undefined) await this.#container.items.create<ConnectionDocument>(toDocument(document));
          else
            await this.#container.item(tenantId, tenantId).replace<ConnectionDocument>(toDocument(document), {
              accessCondition: { type: "IfMatch", condition: read.etag },
            });
        } catch (error) {
          const status = statusOf(error);
          if (status === 409 || status === 404) throw new WriteRaced("The partner connection changed meanwhile");
          throw error;
        }
        await this.#secrets.deleteReplaced(read?.document, document);
        return this.#secrets.open(document);
      },
      this.#retry,
      () => new PartnerConnectionConflict(tenantId),
    );
  }

  async delete(tenantId: string): Promise<boolean> {
    return retryOnPreconditionFailed(
      async () => {
        const read = await this.#read(tenantId);
        if (read === undefined) return false;
        await this.#secrets.deleteAll(read.document);
        try {
          await this.#container.item(tenantId, tenantId).delete({
            accessCondition: { type: "IfMatch", condition: read.etag },
          });
        } catch (error) {
          const status = statusOf(error);
          if (status === 404) return false;
          if (status === 412) throw new WriteRaced("The partner connection changed meanwhile");
          throw error;
        }
        return true;
      },
      this.#retry,
      () => new PartnerConnectionConflict(tenantId),
    );
  }

  /** The decoded document and the etag it was read at (for the conditional replace and delete). */
  async #read(tenantId: string): Promise<{ document: PartnerConnectionDocument; etag: string } | undefined> {
    const { resource, etag } = await this.#container.item(tenantId, tenantId).read<Record<string, unknown>>();
    if (resource === undefined) return undefined;
    const document = decodeDocument(PartnerConnectionDocument, resource, {
      container: this.#container.id,
      storageOnly: ["id", "type"],
    });
    return { document, etag };
  }
}
