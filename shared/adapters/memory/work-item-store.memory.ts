/** In-memory WorkItemStore (ports/work-item-store.ts) for unit tests: the same behaviour as the Cosmos adapter. */
import { workItemId, type WorkItem, type WorkItemStore, type WorkKind } from "../../ports/work-item-store";

export class MemoryWorkItemStore implements WorkItemStore {
  readonly #items = new Map<string, WorkItem>();

  async open(item: WorkItem): Promise<void> {
    if (!this.#items.has(item.id)) this.#items.set(item.id, structuredClone(item));
  }

  async clear(kind: WorkKind, caseId: string): Promise<void> {
    this.#items.delete(workItemId(kind, caseId));
  }

  async list(limit: number): Promise<WorkItem[]> {
    return [...this.#items.values()]
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
      .slice(0, limit)
      .map((i) => structuredClone(i));
  }
}
