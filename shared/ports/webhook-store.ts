import { z } from "zod";

export const WEBHOOK_EVENT_TYPES = [
  "case.created",
  "case.step_executed",
  "payment.received",
  "payment.refunded",
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
  /** The debtor did something on Min side (deferral, plan, dispute, "I have paid"): what, by whom (never who by name). */
  "case.debtor_action",
  /** An instalment of an agreed plan was not paid within the grace days: the plan ended, the ladder resumes. */
  "case.instalment_missed",
  /**
   * A message of a ladder step reached the debtor (an SMS's or e-mail's ACS delivery report, a letter delivered by
   * any channel): ids, step kind, channel and time only (shared/application/kpis/message-events.ts).
   */
  "message.delivered",
  /** The pay link a step's message carried was opened for the first time (counted once per link, on the pay page). */
  "message.opened",
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
  /** The secret before the last rotation, which still signs (beside `secret`) until `previousSecretUntil`. */
  previousSecret: z.string().optional(),
  previousSecretUntil: z.string().optional(),
  /** When its deliveries started failing for good (a delivery exhausted every retry); cleared by the next success. */
  failingSince: z.string().optional(),
  /** Set when deliveries stopped for good (the receiver answered 410 Gone): nothing is sent to it any more. */
  disabledAt: z.string().optional(),
  disabledReason: z.string().optional(),
});
export type WebhookSubscription = z.infer<typeof WebhookSubscription>;

export interface WebhookStore {
  create(subscription: WebhookSubscription): Promise<void>;
  listForTenant(tenantId: string): Promise<WebhookSubscription[]>;
  /** Removes the tenant's subscription; false when it has none with this id (another tenant's is "none"). */
  delete(tenantId: string, id: string): Promise<boolean>;
  /** Marks the subscription disabled (idempotent: the first time and reason stay); false when there is none. */
  disable(tenantId: string, id: string, reason: string, at: Date): Promise<boolean>;
  /**
   * Replaces the signing secret; the current one becomes `previousSecret`, signing too until `previousUntil`.
   * False when the tenant has no subscription with this id.
   */
  rotateSecret(tenantId: string, id: string, secret: string, previousUntil: Date): Promise<boolean>;
  /** Sets `failingSince` (kept when already set: the first failure counts); answers the value now stored. */
  markFailing(tenantId: string, id: string, since: Date): Promise<string | undefined>;
  /** Clears `failingSince` (a delivery succeeded). */
  markHealthy(tenantId: string, id: string): Promise<void>;
}
