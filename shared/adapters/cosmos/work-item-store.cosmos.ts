/**
 * WorkItemStore on Cosmos DB, container `work-items`, partition key /queue: the inbox is one single-partition query
 * ordered by `createdAt`; opening is a create (409 — the work is waiting already — keeps the first one's age),
 * clearing a point delete (404 is no error).
 */
import type { Container, Database } from "@azure/cosmos";
import { INBOX_QUEUE, WorkItem, workItemId, type WorkItemStore, type WorkKind } from "../../ports/work-item-store";
import { clampLimit, decodeDocument, statusOf } from "./cosmos-errors.cosmos";
import { COSMOS_CONTAINERS } from "./database.cosmos";

export class CosmosWorkItemStore implements WorkItemStore {
  readonly #container: Container;

  constructor(options: { database: Database; containerId?: string }) {
    this.#container = options.database.container(options.containerId ?? COSMOS_CONTAINERS.workItems);
  }

  async open(item: WorkItem): Promise<void> {
    try {
      await this.#container.items.create(WorkItem.parse(item));
    } catch (error) {
      if (statusOf(error) !== 409) throw error;
    }
  }

  async clear(kind: WorkKind, caseId: string): Promise<void> {
    try {
      await this.#container.item(workItemId(kind, caseId), INBOX_QUEUE).delete();
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
    }
  }

  async list(limit: number): Promise<WorkItem[]> {
    const { resources } = await this.#container.items
      .query<Record<string, unknown>>(
        {
          query: "SELECT TOP @limit * FROM c WHERE c.queue = @queue ORDER BY c.createdAt ASC",
          parameters: [
            { name: "@limit", value: clampLimit(limit) },
            { name: "@queue", value: INBOX_QUEUE },
          ],
        },
        { partitionKey: INBOX_QUEUE },
      )
      .fetchAll();
    return resources.map((doc) => decodeDocument(WorkItem, doc, { container: this.#container.id, storageOnly: [] }));
  }
}
