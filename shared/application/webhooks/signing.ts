/**
 * Standard Webhooks (https://www.standardwebhooks.com) signing through the kept library `standardwebhooks`: the
 * signature is HMAC-SHA256 over `${webhook-id}.${webhook-timestamp}.${body}` with the subscription's secret, sent as
 * `webhook-signature: v1,<base64>`. Receivers verify with any Standard Webhooks library (`new Webhook(secret).verify`).
 */
import { Webhook } from "standardwebhooks";
import type { Random } from "../../ports/random";

export const WEBHOOK_SECRET_PREFIX = "whsec_";
/** Random bytes in a signing secret (the spec asks for 24 to 64). */
export const WEBHOOK_SECRET_BYTES = 32;

/** A new signing secret: `whsec_` + base64 of 32 random bytes. Shown to the creditor once; never logged. */
export function generateWebhookSecret(random: Random): string {
  return `${WEBHOOK_SECRET_PREFIX}${Buffer.from(random.bytes(WEBHOOK_SECRET_BYTES)).toString("base64")}`;
}

export interface WebhookSignatureHeaders {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
}

/**
 * The three Standard Webhooks headers for one delivery attempt. `id` is the event id (the same on every retry, so
 * receivers can deduplicate on it); `timestamp` is the moment of this attempt (receivers reject old ones).
 */
export function signWebhook(input: {
  secret: string;
  /** While a rotated-out secret is still valid: it signs too (Standard Webhooks: signatures space-separated). */
  previousSecret?: string;
  id: string;
  timestamp: Date;
  body: string;
}): WebhookSignatureHeaders {
  const signatures = [input.secret, ...(input.previousSecret ? [input.previousSecret] : [])].map((secret) =>
    new Webhook(secret).sign(input.id, input.timestamp, input.body),
  );
  return {
    "webhook-id": input.id,
    "webhook-timestamp": String(Math.floor(input.timestamp.getTime() / 1000)),
    "webhook-signature": signatures.join(" "),
  };
}
