/**
 * LedgerCursorStore on Cosmos DB: one small document per provider feed in the `bank-payments` container (where the
 * money the feed finds is listed), id = partition key (/paymentId) = `ledger-feed-cursor:{feed}`, `type`
 * "ledger-feed-cursor". It has no `status`, so the operators' unmatched list (`c.status = "unmatched"`) never sees it,
 * and no bank payment id looks like it (those are `vipps:{reference}` or the bank's transaction ids). A point read and
 * a point upsert per sweep; a container restored from a backup only makes the sweep read entries again.
 */
import type { Container, Database } from "@azure/cosmos";
import { z } from "zod";
import type { LedgerCursorStore } from "../../ports/payment-ledger-feed";
import { decodeDocument } from "./cosmos-errors.cosmos";
import { COSMOS_CONTAINERS } from "./database.cosmos";

const LedgerCursor = z.object({
  schemaVersion: z.literal(1),
  paymentId: z.string(),
  feed: z.string(),
  cursor: z.string(),
  savedAt: z.string(),
});
type LedgerCursorDocument = z.infer<typeof LedgerCursor> & { id: string; type: "ledger-feed-cursor" };

export function ledgerCursorId(feed: string): string {
  return `ledger-feed-cursor:${feed}`;
}

export class CosmosLedgerCursorStore implements LedgerCursorStore {
  readonly #container: Container;
  readonly #where: { container: string; storageOnly: readonly string[] };
  readonly #now: () => Date;

  constructor(options: { database: Database; containerId?: string; now?: () => Date }) {
    this.#container = options.database.container(options.containerId ?? COSMOS_CONTAINERS.bankPayments);
    this.#where = { container: this.#container.id, storageOnly: ["id", "type"] };
    this.#now = options.now ?? (() => new Date());
  }

  async get(feed: string): Promise<string | undefined> {
    const id = ledgerCursorId(feed);
    const { resource } = await this.#container.item(id, id).read<Record<string, unknown>>();
    return resource === undefined ? undefined : decodeDocument(LedgerCursor, resource, this.#where).cursor;
  }

  async save(feed: string, cursor: string): Promise<void> {
    const id = ledgerCursorId(feed);
    await this.#container.items.upsert<LedgerCursorDocument>({
      id,
      paymentId: id,
      type: "ledger-feed-cursor",
      schemaVersion: 1,
      feed,
      cursor,
      savedAt: this.#now().toISOString(),
    });
  }
}
