/**
 * MessageThreadStore on Cosmos DB, container `message-threads`, partition key /caseId (the case id is unique across
 * creditors): one document per case, id = the case id, so every read and write is a point operation. `update` replaces
 * with If-Match on the etag it read (create for a new thread) and reads again on a conflict (412/409), a few times.
 */
import type { Container, Database } from "@azure/cosmos";
import { MessageThread, type MessageThreadStore } from "../../ports/message-thread-store";
import { decodeDocument } from "./cosmos-errors.cosmos";
import { COSMOS_CONTAINERS } from "./database.cosmos";

const ATTEMPTS = 5;

export class CosmosMessageThreadStore implements MessageThreadStore {
  readonly #container: Container;

  constructor(options: { database: Database; containerId?: string }) {
    this.#container = options.database.container(options.containerId ?? COSMOS_CONTAINERS.messageThreads);
  }

  async #read(tenantId: string, caseId: string): Promise<{ thread: MessageThread; etag: string } | undefined> {
    try {
      const { resource, etag } = await this.#container.item(caseId, caseId).read<Record<string, unknown>>();
      if (!resource) return undefined;
      const thread = decodeDocument(MessageThread, resource, {
        container: this.#container.id,
        storageOnly: ["id", "type"],
      });
      // Another creditor's case id cannot collide (ids derive from the tenant), but a thread is only ever its tenant's.
      return thread.tenantId === tenantId ? { thread, etag } : undefined;
    } catch (err) {
      if ((err as { code?: number }).code === 404) return undefined;
      throw err;
    }
  }

  async get(tenantId: string, caseId: string): Promise<MessageThread | undefined> {
    return (await this.#read(tenantId, caseId))?.thread;
  }

  async update(
    tenantId: string,
    caseId: string,
    change: (current: MessageThread | undefined) => MessageThread | undefined,
  ): Promise<MessageThread | undefined> {
    for (let attempt = 1; ; attempt++) {
      const read = await this.#read(tenantId, caseId);
      const next = change(read?.thread);
      if (next === undefined || next === read?.thread) return read?.thread;
      const body = { ...MessageThread.parse(next), id: caseId, type: "message-thread" };
      try {
        if (read) {
          await this.#container
            .item(caseId, caseId)
            .replace(body, { accessCondition: { type: "IfMatch", condition: read.etag } });
        } else {
          await this.#container.items.create(body);
        }
        return next;
      } catch (err) {
        const code = (err as { code?: number }).code;
        if ((code === 409 || code === 412) && attempt < ATTEMPTS) continue;
        throw err;
      }
    }
  }
}
