/** In-memory PartnerCommandQueue (tests): keeps what was enqueued, dropping a second copy of the same id like Service Bus. */
import type { PartnerCommandMessage, PartnerCommandQueue } from "../../ports/partner-command-queue";

export interface QueuedPartnerCommand {
  message: PartnerCommandMessage;
  notBefore?: Date;
}

export class MemoryPartnerCommandQueue implements PartnerCommandQueue {
  readonly queued: QueuedPartnerCommand[] = [];
  readonly #seen = new Set<string>();
  /** Set to make the next enqueue fail (a Service Bus outage). */
  failNext = 0;

  async enqueue(messages: readonly PartnerCommandMessage[], options: { notBefore?: Date } = {}): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error("partner-commands queue unavailable");
    }
    for (const m of messages) {
      const id = `${m.commandId}#${String(m.attempt)}`;
      if (this.#seen.has(id)) continue;
      this.#seen.add(id);
      this.queued.push({ message: structuredClone(m), ...(options.notBefore ? { notBefore: options.notBefore } : {}) });
    }
  }

  /** Takes everything enqueued so far (as the session trigger would receive it, in order). */
  drain(): PartnerCommandMessage[] {
    return this.queued.splice(0, this.queued.length).map((q) => q.message);
  }
}
