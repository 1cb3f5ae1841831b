/**
 * Service Bus trigger on topic `case-events`, subscription `webhooks`: each event becomes one message per matching
 * subscription on the queue `webhook-deliveries` (message id `${event.id}:${subscriptionId}`, so a re-run of this
 * function — e.g. after the send succeeded but the completion was lost — is dropped by duplicate detection).
 *
 * The messages are sent with an SDK sender (`WebhookDeliveryQueue`), not an output binding: the Node.js worker's
 * Service Bus output binding cannot set `messageId` (see webhook-delivery-queue.service-bus.ts).
 *
 * A body that is not a case event throws: after the subscription's max delivery count it is dead-lettered, where an
 * operator sees it (rather than being dropped silently).
 */
import { app, type InvocationContext } from "@azure/functions";
import { CaseEventMessageSchema, type WebhookDeliveryQueue } from "../../shared/application/webhooks/delivery-message";
import { makeFanOutEvent } from "../../shared/application/webhooks/fan-out";
import type { WebhookStore } from "../../shared/ports/webhook-store";
import { lazyHandler } from "./lazy";
import { CASE_EVENTS_TOPIC, FAN_OUT_CASE_EVENTS_FUNCTION, SERVICE_BUS_CONNECTION, WEBHOOKS_SUBSCRIPTION } from "./names";

export interface FanOutDeps {
  webhooks: WebhookStore;
  webhookDeliveries: WebhookDeliveryQueue;
}

export type ServiceBusHandler = (message: unknown, context: InvocationContext) => Promise<void>;

export function makeFanOutCaseEventsHandler(deps: FanOutDeps): ServiceBusHandler {
  const fanOut = makeFanOutEvent(deps);
  return async (message, context) => {
    const event = CaseEventMessageSchema.parse(message);
    const deliveries = await fanOut(event);
    await deps.webhookDeliveries.send(deliveries);
    context.info("case event fanned out to webhooks", { eventId: event.id, type: event.type, deliveries: deliveries.length });
  };
}

export function registerFanOutCaseEventsFunction(deps: () => FanOutDeps): void {
  const get = lazyHandler(deps, makeFanOutCaseEventsHandler);
  app.serviceBusTopic(FAN_OUT_CASE_EVENTS_FUNCTION, {
    connection: SERVICE_BUS_CONNECTION,
    topicName: CASE_EVENTS_TOPIC,
    subscriptionName: WEBHOOKS_SUBSCRIPTION,
    handler: (message, context) => get()(message, context),
  });
}
