/**
 * PaymentAttemptStore on Cosmos DB, container `payment-attempts`, partition key /reference, id = reference.
 *
 * Why /reference: the callback (Service Bus trigger) and the receipt page both know only the provider reference, so
 * every read is a point read. `update` replaces with If-Match on the read etag and re-applies on 412, like cases.
 * Each attempt this store hands out remembers the etag it was read (or written) at, so an `update` given that attempt
 * writes straight away with If-Match on it — no read before the write; a 412 falls back to read and re-apply.
 * Documents read are decoded with the port's `PaymentAttempt` schema, never cast.
 */
import type { Container, Database } from "@azure/cosmos";
import { PaymentAttempt, type PaymentAttemptStore } from "../../ports/payment-attempt-store";
import { decodeDocument, retryOnPreconditionFailed, type EtagRetryOptions } from "./cosmos-errors.cosmos";
import { COSMOS_CONTAINERS } from "./database.cosmos";

type AttemptDocument = PaymentAttempt & { id: string; type: "payment-attempt" };

export interface CosmosPaymentAttemptStoreOptions {
  database: Database;
  containerId?: string;
  retry?: EtagRetryOptions;
}

function toDocument(attempt: PaymentAttempt): AttemptDocument {
  return { ...structuredClone(attempt), id: attempt.reference, type: "payment-attempt" };
}

type StoredDocument = Record<string, unknown>;

export class PaymentAttemptNotFound extends Error {
  readonly code = "PAYMENT_ATTEMPT_NOT_FOUND";
}

export class CosmosPaymentAttemptStore implements PaymentAttemptStore {
  readonly #container: Container;
  readonly #retry: EtagRetryOptions;
  /** The etag each attempt handed out was read or written at (the caller's object, weakly). */
  readonly #etags = new WeakMap<PaymentAttempt, string>();

  constructor(options: CosmosPaymentAttemptStoreOptions) {
    this.#container = options.database.container(options.containerId ?? COSMOS_CONTAINERS.paymentAttempts);
    this.#retry = options.retry ?? {};
  }

  async create(attempt: PaymentAttempt): Promise<void> {
    await this.#container.items.create<AttemptDocument>(toDocument(attempt));
  }

  async get(reference: string): Promise<PaymentAttempt | undefined> {
    const { resource, etag } = await this.#container.item(reference, reference).read<StoredDocument>();
    return resource === undefined ? undefined : this.#remember(this.#decode(resource), etag);
  }

  /** A cross-partition query (the sweep runs every few minutes over a small, recent window). */
  async listUnsettled(window: {
    createdAfter: string;
    createdBefore: string;
    limit: number;
  }): Promise<PaymentAttempt[]> {
    const { resources } = await this.#container.items
      .query<StoredDocument>(
        {
          query:
            "SELECT TOP @limit * FROM c WHERE c.state IN ('created', 'authorized', 'captured') AND c.createdAt >= @after AND c.createdAt < @before ORDER BY c.createdAt",
          parameters: [
            { name: "@limit", value: window.limit },
            { name: "@after", value: window.createdAfter },
            { name: "@before", value: window.createdBefore },
          ],
        },
        { maxItemCount: window.limit },
      )
      .fetchAll();
    return resources.map((doc) => this.#decode(doc));
  }

  async update(
    reference: string,
    mutate: (current: PaymentAttempt) => PaymentAttempt,
    read?: PaymentAttempt,
  ): Promise<PaymentAttempt> {
    const knownEtag = read !== undefined && read.reference === reference ? this.#etags.get(read) : undefined;
    let known = knownEtag === undefined ? undefined : { current: structuredClone(read!), etag: knownEtag };
    return retryOnPreconditionFailed(
      async () => {
        let current: PaymentAttempt;
        let etag: string;
        if (known !== undefined) {
          ({ current, etag } = known);
          known = undefined; // once: after a 412 the attempt is read again
        } else {
          const { resource, etag: readEtag } = await this.#container.item(reference, reference).read<StoredDocument>();
          if (resource === undefined) throw new PaymentAttemptNotFound(`No payment attempt ${reference}`);
          current = this.#decode(resource);
          etag = readEtag;
        }
        const next = mutate(current);
        if (next === current) return this.#remember(current, etag);
        const written = await this.#container
          .item(reference, reference)
          .replace<AttemptDocument>(toDocument(next), { accessCondition: { type: "IfMatch", condition: etag } });
        return written.etag === undefined ? next : this.#remember(next, written.etag);
      },
      this.#retry,
      () => new Error(`Payment attempt ${reference} kept changing; gave up after retries`),
    );
  }

  #remember(attempt: PaymentAttempt, etag: string | undefined): PaymentAttempt {
    if (etag !== undefined) this.#etags.set(attempt, etag);
    return attempt;
  }

  #decode(doc: StoredDocument): PaymentAttempt {
    return decodeDocument(PaymentAttempt, doc, { container: this.#container.id, storageOnly: ["id", "type"] });
  }
}
