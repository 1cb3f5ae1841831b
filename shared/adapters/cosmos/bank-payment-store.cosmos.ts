/**
 * BankPaymentStore on Cosmos DB, container `bank-payments`, partition key /paymentId, id = paymentId.
 *
 * Why /paymentId: every write knows the transaction's id, and `record` is an upsert of one small document (a point
 * write into its own logical partition: no hot partition on a big file's import day, and a status that changes from
 * unmatched to matched never has to move between partitions, which /status would force). The one read that does not
 * know the id — operators listing the unmatched — is a cross-partition query, rare and paged. Documents read are
 * decoded with the port's schemas (`BankPayment`; `UnmatchedBankPayment` for the unmatched list), never cast.
 */
import type { Container, Database } from "@azure/cosmos";
import type { Page } from "../../ports/case-store";
import { BankPayment, UnmatchedBankPayment, type BankPaymentStore } from "../../ports/bank-payment-store";
import {
  clampLimit,
  decodeContinuation,
  decodeDocument,
  encodeContinuation,
  withContinuation,
} from "./cosmos-errors.cosmos";
import { COSMOS_CONTAINERS } from "./database.cosmos";

type BankPaymentDocument = BankPayment & { id: string; type: "bank-payment" };

function toDocument(payment: BankPayment): BankPaymentDocument {
  return { ...structuredClone(payment), id: payment.paymentId, type: "bank-payment" };
}

type StoredDocument = Record<string, unknown>;

export class CosmosBankPaymentStore implements BankPaymentStore {
  readonly #container: Container;
  /** How documents read are decoded: the container's id for errors, the fields only the document has. */
  readonly #where: { container: string; storageOnly: readonly string[] };

  constructor(options: { database: Database; containerId?: string }) {
    this.#container = options.database.container(options.containerId ?? COSMOS_CONTAINERS.bankPayments);
    this.#where = { container: this.#container.id, storageOnly: ["id", "type"] };
  }

  async record(payment: BankPayment): Promise<void> {
    await this.#container.items.upsert<BankPaymentDocument>(toDocument(payment));
  }

  async get(paymentId: string): Promise<BankPayment | undefined> {
    const { resource } = await this.#container.item(paymentId, paymentId).read<StoredDocument>();
    return resource === undefined ? undefined : decodeDocument(BankPayment, resource, this.#where);
  }

  async listUnmatched(page: { limit: number; continuationToken?: string }): Promise<Page<UnmatchedBankPayment>> {
    let continuationToken = decodeContinuation(page.continuationToken);
    return withContinuation(continuationToken, async () => {
      for (;;) {
        const iterator = this.#container.items.query<StoredDocument>(
          { query: "SELECT * FROM c WHERE c.status = @status", parameters: [{ name: "@status", value: "unmatched" }] },
          { maxItemCount: clampLimit(page.limit), continuationToken },
        );
        const response = await iterator.fetchNext();
        continuationToken = response.hasMoreResults ? response.continuationToken : undefined;
        // empty intermediate pages (one per partition range) are skipped
        if (response.resources.length > 0 || continuationToken === undefined) {
          const items = response.resources.map((doc) => decodeDocument(UnmatchedBankPayment, doc, this.#where));
          const next = encodeContinuation(continuationToken);
          return next === undefined ? { items } : { items, continuationToken: next };
        }
      }
    });
  }
}
