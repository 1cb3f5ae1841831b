/** An event → one delivery per subscription of the event's tenant that wants the event's type. */
import type { CaseEventMessage } from "../../ports/event-publisher";
import type { WebhookStore } from "../../ports/webhook-store";
import type { WebhookDeliveryMessage } from "./delivery-message";

export type FanOutEvent = (event: CaseEventMessage) => Promise<WebhookDeliveryMessage[]>;

export function makeFanOutEvent(deps: { webhooks: WebhookStore }): FanOutEvent {
  return async (event) => {
    const subscriptions = await deps.webhooks.listForTenant(event.tenantId);
    return subscriptions
      // The store answers per tenant; checking again costs nothing and keeps tenants apart whatever the store does.
      .filter((s) => s.tenantId === event.tenantId && s.events.includes(event.type))
      .map((s) => ({ schemaVersion: 1 as const, tenantId: event.tenantId, subscriptionId: s.id, attempt: 1, event, failures: [] }));
  };
}
