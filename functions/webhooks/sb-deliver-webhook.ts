/**
 * Service Bus trigger on the queue `webhook-deliveries`: one delivery attempt per message.
 *
 * - delivered (2xx), or the receiver answered 410 Gone → the message completes; nothing more;
 * - the subscription no longer exists (or no longer wants the event type) → completes, nothing sent;
 * - a retryable failure (other status, timeout, network error) before the last attempt → the NEXT attempt is
 *   scheduled as a new message (attempt + 1, its failures so far in the body) at now + the retry delay
 *   (retry-schedule.ts: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, ±10 % jitter), and the current message completes.
 *   Scheduling goes through an SDK sender (`scheduleMessages`): the Node.js output binding cannot set
 *   `scheduledEnqueueTimeUtc` in Azure.
 * - the LAST attempt (8th) fails → the function THROWS. The host abandons the message; the queue redelivers it until
 *   its maxDeliveryCount (8) and then moves it to the dead-letter queue (`DeadLetterReason: MaxDeliveryCountExceeded`),
 *   with the failures of the earlier attempts in its body. Redeliveries of a last attempt (deliveryCount > 1) throw
 *   at once WITHOUT calling the receiver again, so the receiver sees exactly one request per scheduled attempt.
 *
 * Why throwing rather than dead-lettering explicitly: a Node.js Service Bus trigger gets the message, not the
 * receiver that locked it, so the function cannot settle it (only the preview "SDK type bindings" can, which the dev
 * host does not offer), and no other receiver may dead-letter a message locked by the trigger's link. Throwing is the
 * one way that works the same in Azure and in the dev host; the price is a few empty redeliveries and a generic
 * dead-letter reason (the failure details are in the body and in the log line).
 * Caveat: if a last attempt's first delivery fails BEFORE reaching the receiver (e.g. the webhook store is down),
 * its redeliveries still skip the request, so that attempt is lost; the dead-letter queue keeps the delivery.
 */
import { app } from "@azure/functions";
import { makeDeliverWebhook, fetchWebhookHttp, type WebhookHttp } from "../../shared/application/webhooks/deliver";
import {
  WebhookDeliveryMessage,
  type WebhookDeliveryQueue,
  type WebhookFailure,
} from "../../shared/application/webhooks/delivery-message";
import { WEBHOOK_MAX_ATTEMPTS, isLastWebhookAttempt, webhookRetryDelayMs } from "../../shared/application/webhooks/retry-schedule";
import type { Clock } from "../../shared/ports/clock";
import type { WebhookStore } from "../../shared/ports/webhook-store";
import { lazyHandler } from "./lazy";
import { DELIVER_WEBHOOK_FUNCTION, SERVICE_BUS_CONNECTION, WEBHOOK_DELIVERIES_QUEUE } from "./names";
import type { ServiceBusHandler } from "./sb-fan-out-case-events";

export interface DeliverWebhookFunctionDeps {
  webhooks: WebhookStore;
  webhookDeliveries: WebhookDeliveryQueue;
  /** The app clock: when retries are scheduled (the broker's clock; virtual in the dev host). */
  clock: Clock;
  /**
   * The clock for `webhook-timestamp`: receivers check it against THEIR wall clock (±5 min), so this defaults to the
   * real time even where the app clock is virtual (the dev host makes `Date` follow its virtual clock; a receiver in
   * another process would reject a timestamp days ahead).
   */
  signingClock?: Clock;
  webhookHttp?: WebhookHttp;
  webhookTimeoutMs?: number;
  /** Jitter source in [0, 1) (default Math.random). */
  random?: () => number;
}

/** Real time, also where `Date` is patched to follow a virtual clock (`performance` is not). */
export const wallClock: Clock = { now: () => new Date(Math.round(performance.timeOrigin + performance.now())) };

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

export function makeDeliverWebhookHandler(deps: DeliverWebhookFunctionDeps): ServiceBusHandler {
  const deliver = makeDeliverWebhook({
    http: deps.webhookHttp ?? fetchWebhookHttp,
    clock: deps.signingClock ?? wallClock,
    timeoutMs: deps.webhookTimeoutMs,
  });
  return async (message, context) => {
    const delivery = WebhookDeliveryMessage.parse(message);
    const { event, attempt } = delivery;
    const about = { eventId: event.id, type: event.type, subscriptionId: delivery.subscriptionId, attempt };
    const deliveryCount = Number(context.triggerMetadata?.["deliveryCount"] ?? 1);
    if (isLastWebhookAttempt(attempt) && deliveryCount > 1) {
      throw new WebhookDeliveryExhausted(delivery, delivery.failures.at(-1)?.reason ?? "unknown");
    }

    const subscription = (await deps.webhooks.listForTenant(delivery.tenantId)).find(
      (s) => s.id === delivery.subscriptionId && s.tenantId === delivery.tenantId,
    );
    if (subscription === undefined || !subscription.events.includes(event.type)) {
      context.info("webhook delivery dropped: the subscription no longer wants it", about);
      return;
    }

    const outcome = await deliver(subscription, event);
    if (outcome.kind === "delivered") {
      context.info("webhook delivered", { ...about, status: outcome.status });
      return;
    }
    if (outcome.kind === "gone") {
      context.warn("webhook receiver answered 410 Gone: not retried", about);
      return;
    }

    const now = deps.clock.now();
    const failure: WebhookFailure = { attempt, at: now.toISOString(), reason: outcome.reason };
    const delay = webhookRetryDelayMs(attempt, deps.random);
    if (delay === undefined) {
      context.error("webhook delivery failed on its last attempt", { ...about, reason: outcome.reason });
      throw new WebhookDeliveryExhausted({ ...delivery, failures: [...delivery.failures, failure] }, outcome.reason);
    }
    const next: WebhookDeliveryMessage = { ...delivery, attempt: attempt + 1, failures: [...delivery.failures, failure] };
    const at = new Date(now.getTime() + delay);
    await deps.webhookDeliveries.schedule(next, at);
    context.warn("webhook delivery failed; retry scheduled", { ...about, reason: outcome.reason, nextAttemptAt: at.toISOString() });
  };
}

export function registerDeliverWebhookFunction(deps: () => DeliverWebhookFunctionDeps): void {
  const get = lazyHandler(deps, makeDeliverWebhookHandler);
  app.serviceBusQueue(DELIVER_WEBHOOK_FUNCTION, {
    connection: SERVICE_BUS_CONNECTION,
    queueName: WEBHOOK_DELIVERIES_QUEUE,
    handler: (message, context) => get()(message, context),
  });
}
