/** In-memory LedgerCursorStore (tests). */
import type { LedgerCursorStore } from "../../ports/payment-ledger-feed";

export class MemoryLedgerCursorStore implements LedgerCursorStore {
  readonly #cursors = new Map<string, string>();

  async get(feed: string): Promise<string | undefined> {
    return this.#cursors.get(feed);
  }

  async save(feed: string, cursor: string): Promise<void> {
    this.#cursors.set(feed, cursor);
  }

  /** Tests: a store rolled back to an older position (or to none). */
  rollBack(feed: string, cursor?: string): void {
    if (cursor === undefined) this.#cursors.delete(feed);
    else this.#cursors.set(feed, cursor);
  }
}
