/**
 * An event → one delivery per subscription of the event's tenant that wants the event's type, sent to the
 * `webhook-deliveries` queue (message id `${event.id}:${subscriptionId}`, so a re-run is dropped by duplicate
 * detection). Returns the deliveries sent.
 */
import type { CaseEventMessage } from "../../ports/event-publisher";
import type { WebhookDeliveryMessage, WebhookDeliveryQueue } from "../../ports/webhook-delivery-queue";
import type { WebhookStore } from "../../ports/webhook-store";

export type FanOutEvent = (event: CaseEventMessage) => Promise<WebhookDeliveryMessage[]>;

export function makeFanOutEvent(deps: { webhooks: WebhookStore; queue: WebhookDeliveryQueue }): FanOutEvent {
  return async (event) => {
    const subscriptions = await deps.webhooks.listForTenant(event.tenantId);
    const deliveries = subscriptions
      // The store answers per tenant; checking again costs nothing and keeps tenants apart whatever the store does.
      .filter((s) => s.tenantId === event.tenantId && s.disabledAt === undefined && s.events.includes(event.type))
      .map((s) => ({
        schemaVersion: 1 as const,
        tenantId: event.tenantId,
        subscriptionId: s.id,
        attempt: 1,
        event,
        failures: [],
      }));
    await deps.queue.send(deliveries);
    return deliveries;
  };
}
