import { z } from "zod";

export const WEBHOOK_EVENT_TYPES = [
  "case.created",
  "case.step_executed",
  "payment.received",
  "case.paid",
  "case.closed",
  "case.status_changed",
  "case.customer_updated",
  "letter.delivered",
  "letter.failed",
  "service.suspending",
  "service.suspended",
  "service.reopening",
  "service.reopened",
  "service.command_failed",
  "service.reopen_delayed",
  "service.suspension_withdrawn",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** A tenant's webhook subscription as stored (the adapter decodes what it reads with this schema). */
export const WebhookSubscription = z.object({
  schemaVersion: z.literal(1),
  id: z.string(),
  tenantId: z.string(),
  url: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENT_TYPES)),
  /** Standard Webhooks signing secret ("whsec_" + base64). A secret: never logged. */
  secret: z.string(),
  createdAt: z.string(),
});
export type WebhookSubscription = z.infer<typeof WebhookSubscription>;

export interface WebhookStore {
  create(subscription: WebhookSubscription): Promise<void>;
  listForTenant(tenantId: string): Promise<WebhookSubscription[]>;
}
