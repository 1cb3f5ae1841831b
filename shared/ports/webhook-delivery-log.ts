/**
 * The webhook delivery log (portal, issue 16): one small record per delivery attempt — which event type, when, which
 * attempt, the receiver's HTTP status, the outcome — read per subscription, newest first, and kept for a while (the
 * Cosmos container expires them). A record keeps the delivery it was (the queue message: event, subscription, attempt;
 * never the URL or the secret), so a failed one can be sent again through the same queue.
 */
import { z } from "zod";
import { WebhookDeliveryMessage } from "./webhook-delivery-queue";
import { WEBHOOK_EVENT_TYPES } from "./webhook-store";

export const WebhookDeliveryOutcome = z.enum([
  /** The receiver answered 2xx. */
  "delivered",
  /** It failed; the next attempt is scheduled (`nextAttemptAt`). */
  "retrying",
  /** It failed and no attempt is left. */
  "failed",
  /** The receiver answered 410 Gone: the subscription was disabled. */
  "gone",
]);
export type WebhookDeliveryOutcome = z.infer<typeof WebhookDeliveryOutcome>;

export const WebhookDeliveryRecord = z.object({
  schemaVersion: z.literal(1),
  /** `{eventId}.{attempt}` (+ `.{manualRetry}` for a delivery sent again by hand). */
  id: z.string(),
  tenantId: z.string(),
  subscriptionId: z.string(),
  eventId: z.string(),
  eventType: z.enum(WEBHOOK_EVENT_TYPES),
  at: z.string(),
  attempt: z.int().min(1),
  /** The receiver's HTTP status, when it answered at all. */
  status: z.int().optional(),
  outcome: WebhookDeliveryOutcome,
  /** "HTTP 503", "timeout", "network error" — never the URL or the response body. */
  reason: z.string().optional(),
  nextAttemptAt: z.string().optional(),
  /** Sent again by hand from the portal (the retry's id). */
  manualRetry: z.string().optional(),
  delivery: WebhookDeliveryMessage,
});
export type WebhookDeliveryRecord = z.infer<typeof WebhookDeliveryRecord>;

export interface WebhookDeliveryLog {
  record(entry: WebhookDeliveryRecord): Promise<void>;
  /** The subscription's last `limit` records, newest first. */
  recent(subscriptionId: string, limit: number): Promise<WebhookDeliveryRecord[]>;
  get(subscriptionId: string, id: string): Promise<WebhookDeliveryRecord | undefined>;
}
