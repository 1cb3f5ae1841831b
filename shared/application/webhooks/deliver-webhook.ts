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
import { createHash } from "node:crypto";
import type { Clock } from "../../ports/clock";
import type { EmailSender } from "../../ports/email-sender";
import type { TenantStore } from "../../ports/tenant-store";
import type { Random } from "../../ports/random";
import type { WebhookDeliveryMessage, WebhookDeliveryQueue, WebhookFailure } from "../../ports/webhook-delivery-queue";
import type { WebhookDeliveryLog, WebhookDeliveryRecord } from "../../ports/webhook-delivery-log";
import type { WebhookSender } from "../../ports/webhook-sender";
import type { WebhookStore, WebhookSubscription } from "../../ports/webhook-store";
import { makeAttemptWebhook, wantedSubscription } from "./attempt-delivery";
import { isLastWebhookAttempt, webhookRetryDelayMs } from "./retry-schedule";

export type DeliveryOutcome =
  | { kind: "delivered"; status: number }
  /** `unsubscribed`: nothing was sent; `receiver-gone`: the receiver answered 410. */
  /** `notified`: the creditor's technical contact was e-mailed (false: the e-mail failed; absent: no address). */
  | { kind: "gone"; why: "unsubscribed" | "receiver-gone"; notified?: boolean }
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
      notified?: boolean;
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
  /**
   * The notice to the creditor when a subscription is disabled: an e-mail to the tenant's `operationsEmail` (the
   * subscription list shows `disabledAt` and the reason in any case). Left out (no e-mail channel) → no e-mail.
   */
  notice?: { tenants: Pick<TenantStore, "get">; email: EmailSender };
  /**
   * The delivery log the portal shows (one record per attempt). Best effort: a log that fails never fails or repeats
   * a delivery. Left out → nothing is recorded.
   */
  log?: WebhookDeliveryLog;
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
    const logged = (
      record: Pick<WebhookDeliveryRecord, "outcome"> & Partial<Pick<WebhookDeliveryRecord, "reason" | "nextAttemptAt">>,
      status?: number,
    ) => logAttempt(deps, delivery, { ...record, ...(status !== undefined ? { status } : {}) });
    if (outcome.kind === "delivered") {
      await logged({ outcome: "delivered" }, outcome.status);
      if (subscription.failingSince !== undefined)
        await deps.webhooks.markHealthy(subscription.tenantId, subscription.id);
      return { kind: "delivered", status: outcome.status };
    }
    if (outcome.kind === "gone") {
      // The receiver says "stop" (Standard Webhooks): the subscription is disabled, nothing more is sent to it.
      const reason = `the receiver answered ${String(outcome.status)} Gone`;
      await logged({ outcome: "gone", reason: `HTTP ${String(outcome.status)}` }, outcome.status);
      const now = deps.clock.now();
      const first = await deps.webhooks.disable(subscription.tenantId, subscription.id, reason, now);
      const notified = first ? await noticeOfDisabling(deps, subscription, reason, now) : undefined;
      return { kind: "gone", why: "receiver-gone", ...(notified !== undefined ? { notified } : {}) };
    }

    const now = deps.clock.now();
    const failure: WebhookFailure = { attempt: delivery.attempt, at: now.toISOString(), reason: outcome.reason };
    const failed: WebhookDeliveryMessage = { ...delivery, failures: [...delivery.failures, failure] };
    const delay = webhookRetryDelayMs(delivery.attempt, deps.random);
    const status = /^HTTP (\d{3})$/u.exec(outcome.reason)?.[1];
    if (delay === undefined) {
      await logged({ outcome: "failed", reason: outcome.reason }, status === undefined ? undefined : Number(status));
      const since = await deps.webhooks.markFailing(
        subscription.tenantId,
        subscription.id,
        new Date(failed.failures[0]?.at ?? now.toISOString()),
      );
      const days = deps.disableAfterFailingDays ?? WEBHOOK_DISABLE_AFTER_FAILING_DAYS;
      const why = `every delivery failed for ${String(days)} days (since ${since ?? "?"})`;
      const disabled =
        since !== undefined &&
        now.getTime() - Date.parse(since) >= days * 86_400_000 &&
        (await deps.webhooks.disable(subscription.tenantId, subscription.id, why, now));
      const notified = disabled ? await noticeOfDisabling(deps, subscription, why, now) : undefined;
      return {
        kind: "exhausted",
        reason: outcome.reason,
        delivery: failed,
        redelivered: false,
        disabled,
        ...(notified !== undefined ? { notified } : {}),
      };
    }

    const next: WebhookDeliveryMessage = { ...failed, attempt: delivery.attempt + 1 };
    const at = new Date(now.getTime() + delay);
    await deps.queue.schedule(next, at);
    await logged(
      { outcome: "retrying", reason: outcome.reason, nextAttemptAt: at.toISOString() },
      status === undefined ? undefined : Number(status),
    );
    return { kind: "retry", at, reason: outcome.reason, next };
  };
}

/** Writes one attempt to the delivery log, if there is one; a failure to write is swallowed (see `log`). */
async function logAttempt(
  deps: DeliverWebhookDeps,
  delivery: WebhookDeliveryMessage,
  what: Pick<WebhookDeliveryRecord, "outcome"> &
    Partial<Pick<WebhookDeliveryRecord, "reason" | "nextAttemptAt" | "status">>,
): Promise<void> {
  if (deps.log === undefined) return;
  try {
    await deps.log.record({
      schemaVersion: 1,
      id: `${delivery.event.id}.${String(delivery.attempt)}${delivery.manualRetry ? `.${delivery.manualRetry}` : ""}`,
      tenantId: delivery.tenantId,
      subscriptionId: delivery.subscriptionId,
      eventId: delivery.event.id,
      eventType: delivery.event.type,
      at: deps.clock.now().toISOString(),
      attempt: delivery.attempt,
      ...what,
      ...(delivery.manualRetry ? { manualRetry: delivery.manualRetry } : {}),
      delivery,
    });
  } catch {
    // The log is for people reading the portal; the delivery's own outcome stands either way.
  }
}

/**
 * E-mails the creditor's technical contact that a subscription was disabled, once (the message id is derived from the
 * subscription and the time it was disabled, so a retried delivery sends no second e-mail). Best effort: a failure
 * is answered (`false`), never thrown — the subscription is disabled either way, and the list says so.
 * `undefined` when there is no e-mail channel or no contact address.
 */
async function noticeOfDisabling(
  deps: DeliverWebhookDeps,
  subscription: WebhookSubscription,
  reason: string,
  at: Date,
): Promise<boolean | undefined> {
  if (deps.notice === undefined) return undefined;
  try {
    const tenant = await deps.notice.tenants.get(subscription.tenantId);
    if (tenant?.operationsEmail === undefined) return undefined;
    const digest = createHash("sha256").update(`webhook-disabled|${subscription.id}|${at.toISOString()}`).digest("hex");
    const messageId = `${digest.slice(0, 8)}-${digest.slice(8, 12)}-4${digest.slice(13, 16)}-8${digest.slice(17, 20)}-${digest.slice(20, 32)}`;
    const when = at.toISOString().replace("T", " ").slice(0, 16) + " UTC";
    const text = [
      `Your webhook subscription ${subscription.id} (${subscription.url}) was disabled on ${when}: ${reason}.`,
      "",
      "No more events are sent to it. Events for your cases are still recorded: see GET /api/v1/cases/{caseId}.",
      "When your receiver works again, register it again with POST /api/v1/webhooks (it gets a new signing secret),",
      "and delete the disabled one with DELETE /api/v1/webhooks/" + subscription.id + ".",
    ].join("\n");
    const outcome = await deps.notice.email.send({
      messageId,
      to: { address: tenant.operationsEmail, displayName: tenant.name },
      subject: `Webhook disabled: ${new URL(subscription.url).host}`,
      text,
      html: `<p>${escapeHtml(text).replaceAll("\n\n", "</p><p>").replaceAll("\n", "<br>")}</p>`,
      attachments: [],
    });
    return outcome.ok;
  } catch {
    return false;
  }
}

function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
}
