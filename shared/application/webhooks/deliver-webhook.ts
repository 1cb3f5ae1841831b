/**
 * Delivering one message of the `webhook-deliveries` queue, and deciding what happens next:
 *
 * - delivered (2xx) → `delivered`;
 * - the receiver answered 410 Gone → `gone`, and the subscription is disabled (no later event is sent to it); the
 *   subscription no longer exists, is disabled or no longer wants the event type → `gone`, nothing is sent;
 * - a retryable failure (other status, timeout, network error) before the last attempt → the NEXT attempt is
 *   scheduled on the queue (attempt + 1, its failures so far in the body) at now + the retry delay
 *   (retry-schedule.ts: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, ±10 % jitter) → `retry(at)`;
 * - the LAST attempt (8th) fails → `exhausted`, with the delivery and all its failures (the trigger dead-letters it).
 *   A redelivery of a last attempt (`redelivered`: the queue handed the same message again) is `exhausted` at once,
 *   WITHOUT calling the receiver again, so the receiver sees exactly one request per scheduled attempt.
 *
 * Time: `clock` (the app's: when a failure happened, when the retry is due — the broker's clock, virtual in the dev
 * host); `signingClock` only for `webhook-timestamp` (see attempt-delivery.ts).
 */
import type { Clock } from "../../ports/clock";
import type { Random } from "../../ports/random";
import type { WebhookDeliveryMessage, WebhookDeliveryQueue, WebhookFailure } from "../../ports/webhook-delivery-queue";
import type { WebhookSender } from "../../ports/webhook-sender";
import type { WebhookStore } from "../../ports/webhook-store";
import { makeAttemptWebhook, wantedSubscription } from "./attempt-delivery";
import { isLastWebhookAttempt, webhookRetryDelayMs } from "./retry-schedule";

export type DeliveryOutcome =
  | { kind: "delivered"; status: number }
  /** `unsubscribed`: nothing was sent; `receiver-gone`: the receiver answered 410. */
  | { kind: "gone"; why: "unsubscribed" | "receiver-gone" }
  /** The next attempt (`next.attempt`) is scheduled on the queue for `at`. */
  | { kind: "retry"; at: Date; reason: string; next: WebhookDeliveryMessage }
  /**
   * No attempt is left: `delivery` carries every failure. `redelivered`: the receiver was not called this time (the
   * last attempt had already failed).
   */
  | {
      kind: "exhausted";
      reason: string;
      delivery: WebhookDeliveryMessage;
      redelivered: boolean;
      /** The subscription was disabled now: it had failed for `disableAfterFailingDays`. */
      disabled?: boolean;
    };

export interface DeliverWebhookDeps {
  webhooks: WebhookStore;
  /** Where retries are scheduled. */
  queue: WebhookDeliveryQueue;
  sender: WebhookSender;
  /** The app clock: failure times and when a retry is due. */
  clock: Clock;
  /** The real time for `webhook-timestamp` (receivers compare it with their wall clock). */
  signingClock: Clock;
  /** Retry jitter. */
  random: Random;
  timeoutMs?: number;
  /**
   * Days a subscription may fail (every delivery exhausting its retries) before it is disabled; default 5. The first
   * exhausted delivery marks it failing, any delivered one clears that.
   */
  disableAfterFailingDays?: number;
}

export const WEBHOOK_DISABLE_AFTER_FAILING_DAYS = 5;

export type DeliverWebhook = (
  delivery: WebhookDeliveryMessage,
  options?: { redelivered?: boolean },
) => Promise<DeliveryOutcome>;

export function makeDeliverWebhook(deps: DeliverWebhookDeps): DeliverWebhook {
  const attempt = makeAttemptWebhook({
    sender: deps.sender,
    signingClock: deps.signingClock,
    timeoutMs: deps.timeoutMs,
  });
  return async (delivery, options = {}) => {
    if (isLastWebhookAttempt(delivery.attempt) && options.redelivered === true) {
      return { kind: "exhausted", reason: delivery.failures.at(-1)?.reason ?? "unknown", delivery, redelivered: true };
    }

    const subscription = await wantedSubscription(deps.webhooks, delivery);
    if (subscription === undefined) return { kind: "gone", why: "unsubscribed" };

    const outcome = await attempt(subscription, delivery.event);
    if (outcome.kind === "delivered") {
      if (subscription.failingSince !== undefined)
        await deps.webhooks.markHealthy(subscription.tenantId, subscription.id);
      return { kind: "delivered", status: outcome.status };
    }
    if (outcome.kind === "gone") {
      // The receiver says "stop" (Standard Webhooks): the subscription is disabled, nothing more is sent to it.
      await deps.webhooks.disable(
        subscription.tenantId,
        subscription.id,
        `the receiver answered ${String(outcome.status)} Gone`,
        deps.clock.now(),
      );
      return { kind: "gone", why: "receiver-gone" };
    }

    const now = deps.clock.now();
    const failure: WebhookFailure = { attempt: delivery.attempt, at: now.toISOString(), reason: outcome.reason };
    const failed: WebhookDeliveryMessage = { ...delivery, failures: [...delivery.failures, failure] };
    const delay = webhookRetryDelayMs(delivery.attempt, deps.random);
    if (delay === undefined) {
      const since = await deps.webhooks.markFailing(
        subscription.tenantId,
        subscription.id,
        new Date(failed.failures[0]?.at ?? now.toISOString()),
      );
      const days = deps.disableAfterFailingDays ?? WEBHOOK_DISABLE_AFTER_FAILING_DAYS;
      const disabled =
        since !== undefined &&
        now.getTime() - Date.parse(since) >= days * 86_400_000 &&
        (await deps.webhooks.disable(
          subscription.tenantId,
          subscription.id,
          `every delivery failed for ${String(days)} days (since ${since})`,
          now,
        ));
      return { kind: "exhausted", reason: outcome.reason, delivery: failed, redelivered: false, disabled };
    }

    const next: WebhookDeliveryMessage = { ...failed, attempt: delivery.attempt + 1 };
    const at = new Date(now.getTime() + delay);
    await deps.queue.schedule(next, at);
    return { kind: "retry", at, reason: outcome.reason, next };
  };
}
