/** In-memory WebhookDeliveryLog (tests). */
import type { WebhookDeliveryLog, WebhookDeliveryRecord } from "../../ports/webhook-delivery-log";

export class MemoryWebhookDeliveryLog implements WebhookDeliveryLog {
  readonly #records = new Map<string, WebhookDeliveryRecord>();

  async record(entry: WebhookDeliveryRecord): Promise<void> {
    this.#records.set(`${entry.subscriptionId}|${entry.id}`, structuredClone(entry));
  }

  async recent(subscriptionId: string, limit: number): Promise<WebhookDeliveryRecord[]> {
    return [...this.#records.values()]
      .filter((r) => r.subscriptionId === subscriptionId)
      .sort((a, b) => b.at.localeCompare(a.at))
      .slice(0, limit)
      .map((r) => structuredClone(r));
  }

  async get(subscriptionId: string, id: string): Promise<WebhookDeliveryRecord | undefined> {
    const found = this.#records.get(`${subscriptionId}|${id}`);
    return found === undefined ? undefined : structuredClone(found);
  }
}
