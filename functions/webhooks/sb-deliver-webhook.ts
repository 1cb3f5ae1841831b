/**
 * Service Bus trigger on the queue `webhook-deliveries`: one delivery attempt per message. What happens next —
 * delivered, gone, retry scheduled at a time, or exhausted — is decided by the use case
 * (shared/application/webhooks/deliver-webhook.ts); this glue parses the message, tells the use case whether it is a
 * redelivery, logs the outcome and maps `exhausted` to a throw.
 *
 * Scheduling a retry goes through an SDK sender (`scheduleMessages`): the Node.js output binding cannot set
 * `scheduledEnqueueTimeUtc` in Azure.
 *
 * `exhausted` → the function THROWS. The host abandons the message; the queue redelivers it until its
 * maxDeliveryCount (8) and then moves it to the dead-letter queue (`DeadLetterReason: MaxDeliveryCountExceeded`),
 * with the failures of the earlier attempts in its body. Redeliveries of a last attempt (deliveryCount > 1) are
 * `exhausted` at once WITHOUT calling the receiver again, so the receiver sees exactly one request per attempt.
 *
 * Why throwing rather than dead-lettering explicitly: a Node.js Service Bus trigger gets the message, not the
 * receiver that locked it, so the function cannot settle it (only the preview "SDK type bindings" can, which the dev
 * host does not offer), and no other receiver may dead-letter a message locked by the trigger's link. Throwing is the
 * one way that works the same in Azure and in the dev host; the price is a few empty redeliveries and a generic
 * dead-letter reason (the failure details are in the body and in the log line).
 * Caveat: if a last attempt's first delivery fails BEFORE reaching the receiver (e.g. the webhook store is down),
 * its redeliveries still skip the request, so that attempt is lost; the dead-letter queue keeps the delivery.
 */
import type { DeliverWebhook } from "../../shared/application/webhooks/deliver-webhook";
import { WEBHOOK_MAX_ATTEMPTS } from "../../shared/application/webhooks/retry-schedule";
import { WebhookDeliveryMessage } from "../../shared/ports/webhook-delivery-queue";
import type { ServiceBusHandler } from "./sb-fan-out-case-events";

/** Thrown after the last attempt failed: the message goes to the dead-letter queue. Names no URL. */
export class WebhookDeliveryExhausted extends Error {
  constructor(delivery: WebhookDeliveryMessage, lastReason: string) {
    super(
      `Webhook delivery of event ${delivery.event.id} to subscription ${delivery.subscriptionId} failed after ` +
        `${String(WEBHOOK_MAX_ATTEMPTS)} attempts (last: ${lastReason}); dead-lettering`,
    );
    this.name = "WebhookDeliveryExhausted";
  }
}

export function makeDeliverWebhookHandler(deliverWebhook: DeliverWebhook): ServiceBusHandler {
  return async (message, context) => {
    const delivery = WebhookDeliveryMessage.parse(message);
    const { event, attempt } = delivery;
    const about = { eventId: event.id, type: event.type, subscriptionId: delivery.subscriptionId, attempt };
    const deliveryCount = Number(context.triggerMetadata?.["deliveryCount"] ?? 1);

    const outcome = await deliverWebhook(delivery, { redelivered: deliveryCount > 1 });
    switch (outcome.kind) {
      case "delivered":
        context.info("webhook delivered", { ...about, status: outcome.status });
        return;
      case "gone":
        if (outcome.why === "unsubscribed")
          context.info("webhook delivery dropped: the subscription no longer wants it", about);
        else
          context.warn("webhook receiver answered 410 Gone: not retried", {
            ...about,
            ...(outcome.notified !== undefined ? { creditorNotified: outcome.notified } : {}),
          });
        return;
      case "retry":
        context.warn("webhook delivery failed; retry scheduled", {
          ...about,
          reason: outcome.reason,
          nextAttemptAt: outcome.at.toISOString(),
        });
        return;
      case "exhausted":
        if (!outcome.redelivered)
          context.error("webhook delivery failed on its last attempt", { ...about, reason: outcome.reason });
        if (outcome.disabled)
          // The creditor's subscription is off now: its technical contact was e-mailed when it has one
          // (`creditorNotified`); GET /api/v1/webhooks shows why in any case.
          context.warn("webhook.disabled", {
            event: "webhook.disabled",
            ...about,
            reason: outcome.reason,
            ...(outcome.notified !== undefined ? { creditorNotified: outcome.notified } : {}),
          });
        throw new WebhookDeliveryExhausted(outcome.delivery, outcome.reason);
    }
  };
}
