/** MessageThreadStore in memory (unit tests): one thread per case, copied in and out like a document. */
import { MessageThread, type MessageThreadStore } from "../../ports/message-thread-store";

export class MemoryMessageThreadStore implements MessageThreadStore {
  readonly threads = new Map<string, MessageThread>();

  async get(tenantId: string, caseId: string): Promise<MessageThread | undefined> {
    const stored = this.threads.get(`${tenantId}/${caseId}`);
    return stored ? MessageThread.parse(structuredClone(stored)) : undefined;
  }

  async update(
    tenantId: string,
    caseId: string,
    change: (current: MessageThread | undefined) => MessageThread | undefined,
  ): Promise<MessageThread | undefined> {
    const current = await this.get(tenantId, caseId);
    const next = change(current);
    if (next === undefined || next === current) return current;
    this.threads.set(`${tenantId}/${caseId}`, MessageThread.parse(structuredClone(next)));
    return next;
  }
}
