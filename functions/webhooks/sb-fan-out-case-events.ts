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
import type { InvocationContext } from "@azure/functions";
import type { FanOutEvent } from "../../shared/application/webhooks/fan-out";
import { CaseEventMessageSchema } from "../../shared/ports/webhook-delivery-queue";

export type ServiceBusHandler = (message: unknown, context: InvocationContext) => Promise<void>;

export function makeFanOutCaseEventsHandler(fanOutEvent: FanOutEvent): ServiceBusHandler {
  return async (message, context) => {
    const event = CaseEventMessageSchema.parse(message);
    const deliveries = await fanOutEvent(event);
    context.info("case event fanned out to webhooks", {
      eventId: event.id,
      type: event.type,
      deliveries: deliveries.length,
    });
  };
}
