/**
 * BankPaymentStore on Cosmos DB, container `bank-payments`, partition key /paymentId, id = paymentId.
 *
 * Why /paymentId: every write knows the transaction's id, and `record` is an upsert of one small document (a point
 * write into its own logical partition: no hot partition on a big file's import day, and a status that changes from
 * unmatched to matched never has to move between partitions, which /status would force). The one read that does not
 * know the id — operators listing the unmatched — is a cross-partition query, rare and paged.
 */
import type { Container, Database } from "@azure/cosmos";
import type { Page } from "../../ports/case-store";
import type { BankPayment, BankPaymentStore, UnmatchedBankPayment } from "../../ports/bank-payment-store";
import { assertSchemaVersion, clampLimit, decodeContinuation, encodeContinuation, withContinuation, withoutStorageFields } from "./cosmos-errors.cosmos";
import { COSMOS_CONTAINERS } from "./database.cosmos";

type BankPaymentDocument = BankPayment & { id: string; type: "bank-payment" };

function toDocument(payment: BankPayment): BankPaymentDocument {
  return { ...structuredClone(payment), id: payment.paymentId, type: "bank-payment" };
}

function fromDocument<T extends BankPayment>(doc: BankPaymentDocument): T {
  assertSchemaVersion(doc, "bank-payments");
  return withoutStorageFields<T>(doc as unknown as Record<string, unknown>, ["id", "type"]);
}

export class CosmosBankPaymentStore implements BankPaymentStore {
  readonly #container: Container;

  constructor(options: { database: Database; containerId?: string }) {
    this.#container = options.database.container(options.containerId ?? COSMOS_CONTAINERS.bankPayments);
  }

  async record(payment: BankPayment): Promise<void> {
    await this.#container.items.upsert<BankPaymentDocument>(toDocument(payment));
  }

  async get(paymentId: string): Promise<BankPayment | undefined> {
    const { resource } = await this.#container.item(paymentId, paymentId).read<BankPaymentDocument>();
    return resource === undefined ? undefined : fromDocument(resource);
  }

  async listUnmatched(page: { limit: number; continuationToken?: string }): Promise<Page<UnmatchedBankPayment>> {
    let continuationToken = decodeContinuation(page.continuationToken);
    return withContinuation(continuationToken, async () => {
      for (;;) {
        const iterator = this.#container.items.query<BankPaymentDocument>(
          { query: "SELECT * FROM c WHERE c.status = @status", parameters: [{ name: "@status", value: "unmatched" }] },
          { maxItemCount: clampLimit(page.limit), continuationToken },
        );
        const response = await iterator.fetchNext();
        continuationToken = response.hasMoreResults ? response.continuationToken : undefined;
        // empty intermediate pages (one per partition range) are skipped
        if (response.resources.length > 0 || continuationToken === undefined) {
          const items = response.resources.map((doc) => fromDocument<UnmatchedBankPayment>(doc));
          const next = encodeContinuation(continuationToken);
          return next === undefined ? { items } : { items, continuationToken: next };
        }
      }
    });
  }
}
