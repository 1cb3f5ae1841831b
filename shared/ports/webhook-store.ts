export const WEBHOOK_EVENT_TYPES = [
  "case.created",
  "case.step_executed",
  "payment.received",
  "case.paid",
  "case.closed",
  "case.status_changed",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export interface WebhookSubscription {
  schemaVersion: 1;
  id: string;
  tenantId: string;
  url: string;
  events: WebhookEventType[];
  /** Standard Webhooks signing secret ("whsec_" + base64). A secret: never logged. */
  secret: string;
  createdAt: string;
}

export interface WebhookStore {
  create(subscription: WebhookSubscription): Promise<void>;
  listForTenant(tenantId: string): Promise<WebhookSubscription[]>;
}
