/**
 * One delivery attempt: sign, POST, classify the answer.
 *
 * - 2xx → delivered;
 * - 410 Gone → the receiver says "stop": given up, not retried (Standard Webhooks' convention);
 * - anything else (other statuses, including 3xx: redirects are not followed), a network error or no answer within
 *   `timeoutMs` → retry (the caller schedules the next attempt).
 *
 * The payload is Standard Webhooks' shape `{ type, timestamp, data }` with `data` = the event's data plus `caseId`;
 * `webhook-id` is the event id, the same on every attempt. Nothing here logs; the outcome's `reason` never holds the
 * URL or the response body.
 */
import type { Clock } from "../../ports/clock";
import type { CaseEventMessage } from "../../ports/event-publisher";
import type { WebhookSubscription } from "../../ports/webhook-store";
import { signWebhook } from "./signing";

export interface WebhookHttpRequest {
  method: "POST";
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal;
}

/** The HTTP client port: POST and tell the status. Must not follow redirects. */
export type WebhookHttp = (url: string, init: WebhookHttpRequest) => Promise<{ status: number }>;

/** `fetch` without following redirects; the response body is discarded. */
export const fetchWebhookHttp: WebhookHttp = async (url, init) => {
  const response = await fetch(url, { ...init, redirect: "manual" });
  await response.body?.cancel().catch(() => undefined);
  return { status: response.status };
};

export const WEBHOOK_TIMEOUT_MS = 15_000;
export const WEBHOOK_USER_AGENT = "payment-follow-up-webhooks/1";

export type DeliveryOutcome =
  | { kind: "delivered"; status: number }
  | { kind: "gone"; status: number }
  | { kind: "retry"; reason: string };

export interface DeliverWebhookDeps {
  http: WebhookHttp;
  /**
   * The time put in `webhook-timestamp`. Receivers compare it with THEIR wall clock (Standard Webhooks allows about
   * 5 minutes), so the composition root passes the system clock here, also in the dev host where the app clock is
   * virtual.
   */
  clock: Clock;
  timeoutMs?: number;
}

export type DeliverWebhook = (subscription: WebhookSubscription, event: CaseEventMessage) => Promise<DeliveryOutcome>;

/** The body sent for an event (the same bytes on every attempt). */
export function webhookPayload(event: CaseEventMessage): string {
  return JSON.stringify({ type: event.type, timestamp: event.occurredAt, data: { ...event.data, caseId: event.caseId } });
}

export function makeDeliverWebhook(deps: DeliverWebhookDeps): DeliverWebhook {
  const timeoutMs = deps.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  return async (subscription, event) => {
    const body = webhookPayload(event);
    const headers = {
      "content-type": "application/json",
      "user-agent": WEBHOOK_USER_AGENT,
      ...signWebhook({ secret: subscription.secret, id: event.id, timestamp: deps.clock.now(), body }),
    };
    let status: number;
    try {
      ({ status } = await deps.http(subscription.url, { method: "POST", headers, body, signal: AbortSignal.timeout(timeoutMs) }));
    } catch (error) {
      const name = error instanceof Error ? error.name : "";
      return { kind: "retry", reason: name === "TimeoutError" || name === "AbortError" ? "timeout" : "network error" };
    }
    if (status >= 200 && status < 300) return { kind: "delivered", status };
    if (status === 410) return { kind: "gone", status };
    return { kind: "retry", reason: `HTTP ${String(status)}` };
  };
}
