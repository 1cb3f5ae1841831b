/** In-memory PaymentQueue (tests): keeps what was enqueued, dropping a second copy of the same id like Service Bus does. */
import type { PaymentMessage, PaymentQueue } from "../../ports/payment-queue";

export class MemoryPaymentQueue implements PaymentQueue {
  readonly messages: PaymentMessage[] = [];
  readonly #seen = new Set<string>();

  async enqueue(messages: PaymentMessage[]): Promise<void> {
    for (const m of messages) {
      const id = `${m.kind}:${m.id}`;
      if (this.#seen.has(id)) continue;
      this.#seen.add(id);
      this.messages.push(structuredClone(m));
    }
  }

  /** Takes everything enqueued so far (as a trigger would receive it). */
  drain(): PaymentMessage[] {
    return this.messages.splice(0, this.messages.length);
  }
}
