/**
 * One delivery attempt: sign, POST (through the `WebhookSender` port), classify the answer.
 *
 * - 2xx → delivered;
 * - 410 Gone → the receiver says "stop": given up, not retried (Standard Webhooks' convention);
 * - anything else (other statuses, including 3xx: redirects are not followed), a network error or no answer within
 *   `timeoutMs` → failed (deliver-webhook.ts decides whether and when to try again).
 *
 * The payload is Standard Webhooks' shape `{ type, timestamp, data }` with `data` = the event's data plus `caseId`;
 * `webhook-id` is the event id, the same on every attempt. Nothing here logs; the outcome's `reason` never holds the
 * URL or the response body.
 */
import type { Clock } from "../../ports/clock";
import type { CaseEventMessage } from "../../ports/event-publisher";
import type { WebhookStore, WebhookSubscription } from "../../ports/webhook-store";
import type { WebhookSender } from "../../ports/webhook-sender";
import { signWebhook } from "./signing";

export const WEBHOOK_TIMEOUT_MS = 15_000;
export const WEBHOOK_USER_AGENT = "payment-follow-up-webhooks/1";

export type AttemptOutcome =
  { kind: "delivered"; status: number } | { kind: "gone"; status: number } | { kind: "failed"; reason: string };

export interface AttemptWebhookDeps {
  sender: WebhookSender;
  /**
   * The time put in `webhook-timestamp`. Receivers compare it with THEIR wall clock (Standard Webhooks allows about
   * 5 minutes), so the composition root passes the system clock here, also where the app clock is virtual (dev host).
   */
  signingClock: Clock;
  timeoutMs?: number;
}

export type AttemptWebhook = (subscription: WebhookSubscription, event: CaseEventMessage) => Promise<AttemptOutcome>;

/** The body sent for an event (the same bytes on every attempt). */
export function webhookPayload(event: CaseEventMessage): string {
  return JSON.stringify({
    type: event.type,
    timestamp: event.occurredAt,
    data: { ...event.data, caseId: event.caseId },
  });
}

export function makeAttemptWebhook(deps: AttemptWebhookDeps): AttemptWebhook {
  const timeoutMs = deps.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  return async (subscription, event) => {
    const body = webhookPayload(event);
    const headers = {
      "content-type": "application/json",
      "user-agent": WEBHOOK_USER_AGENT,
      ...signWebhook({
        secret: subscription.secret,
        ...(subscription.previousSecret &&
        subscription.previousSecretUntil &&
        Date.parse(subscription.previousSecretUntil) > deps.signingClock.now().getTime()
          ? { previousSecret: subscription.previousSecret }
          : {}),
        id: event.id,
        timestamp: deps.signingClock.now(),
        body,
      }),
    };
    let answer;
    try {
      answer = await deps.sender.send({ url: subscription.url, headers, body, timeoutMs });
    } catch {
      // A sender should report failures as values; one that throws anyway is a network error, not a crash.
      return { kind: "failed", reason: "network error" };
    }
    if (answer.kind === "timeout") return { kind: "failed", reason: "timeout" };
    if (answer.kind === "network-error") return { kind: "failed", reason: "network error" };
    if (answer.kind === "refused") return { kind: "failed", reason: "refused: the receiver's address is private" };
    const { status } = answer;
    if (status >= 200 && status < 300) return { kind: "delivered", status };
    if (status === 410) return { kind: "gone", status };
    return { kind: "failed", reason: `HTTP ${String(status)}` };
  };
}

/** The subscription a delivery is for, if it still exists and still wants the event's type. */
export async function wantedSubscription(
  webhooks: WebhookStore,
  delivery: { tenantId: string; subscriptionId: string; event: Pick<CaseEventMessage, "type"> },
): Promise<WebhookSubscription | undefined> {
  const subscription = (await webhooks.listForTenant(delivery.tenantId)).find(
    (s) => s.id === delivery.subscriptionId && s.tenantId === delivery.tenantId,
  );
  return subscription !== undefined &&
    subscription.disabledAt === undefined &&
    subscription.events.includes(delivery.event.type)
    ? subscription
    : undefined;
}
