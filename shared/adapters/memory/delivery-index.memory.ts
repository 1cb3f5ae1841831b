/** In-memory DeliveryIndex (tests). */
import type { DeliveryIndex, DeliveryRef } from "../../ports/delivery-index";

export class MemoryDeliveryIndex implements DeliveryIndex {
  readonly #refs = new Map<string, DeliveryRef>();

  async put(messageId: string, ref: DeliveryRef): Promise<void> {
    this.#refs.set(messageId, { ...ref });
  }

  async get(messageId: string): Promise<DeliveryRef | undefined> {
    const ref = this.#refs.get(messageId);
    return ref ? { ...ref } : undefined;
  }
}
