/**
 * PartnerConnectionStore on Cosmos DB, container `partner-connections`, partition key /tenantId, id = tenantId: one
 * document per tenant, every read a point read (the command sender and the callback receiver know the tenant).
 *
 * `put` is optimistic like the case store's `update`: read → `next` → create (when nothing was stored; a 409 means
 * another writer created it first) or replace with If-Match on the read etag (a 412 means it changed; a 404 that it
 * was deleted meanwhile); any of the three reads again and re-applies `next`. Documents read are decoded with the
 * port's `StoredPartnerConnection` schema (decodeDocument), never cast.
 *
 * SECRETS: the document holds the HMAC / OAuth2 client secret and the callback secret (the gateway needs them in
 * clear). Nothing here logs a document or puts one in an error: UndecodableDocument names paths, never values.
 * In Azure, Key Vault takes over (a follow-up): the document will keep a Key Vault secret reference instead of the
 * value, and this adapter will resolve it with the app's managed identity (SecretClient, cached for minutes).
 */
import type { Container, Database } from "@azure/cosmos";
import {
  assertSameTenant,
  PartnerConnectionConflict,
  StoredPartnerConnection,
  type PartnerConnectionStore,
} from "../../ports/partner-connection-store";
import { decodeDocument, retryOnPreconditionFailed, statusOf, type EtagRetryOptions } from "./cosmos-errors.cosmos";
import { COSMOS_CONTAINERS } from "./database.cosmos";

type ConnectionDocument = StoredPartnerConnection & { id: string; type: "partner-connection" };

export interface CosmosPartnerConnectionStoreOptions {
  database: Database;
  containerId?: string;
  retry?: EtagRetryOptions;
}

/** Someone else wrote between our read and our write: read again (412, like a failed If-Match). */
class WriteRaced extends Error {
  readonly code = 412;
}

function toDocument(record: StoredPartnerConnection): ConnectionDocument {
  return { ...structuredClone(record), id: record.tenantId, type: "partner-connection" };
}

export class CosmosPartnerConnectionStore implements PartnerConnectionStore {
  readonly #container: Container;
  readonly #retry: EtagRetryOptions;

  constructor(options: CosmosPartnerConnectionStoreOptions) {
    this.#container = options.database.container(options.containerId ?? COSMOS_CONTAINERS.partnerConnections);
    this.#retry = options.retry ?? {};
  }

  async get(tenantId: string): Promise<StoredPartnerConnection | undefined> {
    return (await this.#read(tenantId))?.record;
  }

  async put(
    tenantId: string,
    next: (current: StoredPartnerConnection | undefined) => StoredPartnerConnection,
  ): Promise<StoredPartnerConnection> {
    return retryOnPreconditionFailed(
      async () => {
        const read = await this.#read(tenantId);
        const record = next(read?.record);
        assertSameTenant(tenantId, record);
        try {
          if (read === undefined) await this.#container.items.create<ConnectionDocument>(toDocument(record));
          else
            await this.#container.item(tenantId, tenantId).replace<ConnectionDocument>(toDocument(record), {
              accessCondition: { type: "IfMatch", condition: read.etag },
            });
        } catch (error) {
          const status = statusOf(error);
          if (status === 409 || status === 404) throw new WriteRaced("The partner connection changed meanwhile");
          throw error;
        }
        return StoredPartnerConnection.parse(record);
      },
      this.#retry,
      () => new PartnerConnectionConflict(tenantId),
    );
  }

  async delete(tenantId: string): Promise<boolean> {
    try {
      await this.#container.item(tenantId, tenantId).delete();
      return true;
    } catch (error) {
      if (statusOf(error) === 404) return false;
      throw error;
    }
  }

  /** The decoded record and the etag it was read at (for the conditional replace). */
  async #read(tenantId: string): Promise<{ record: StoredPartnerConnection; etag: string } | undefined> {
    const { resource, etag } = await this.#container.item(tenantId, tenantId).read<Record<string, unknown>>();
    if (resource === undefined) return undefined;
    const record = decodeDocument(StoredPartnerConnection, resource, {
      container: this.#container.id,
      storageOnly: ["id", "type"],
    });
    return { record, etag };
  }
}
