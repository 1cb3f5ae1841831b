import type { WebhookEventType } from "./webhook-store";

/** Something that happened to a case, told to the creditor (webhooks) and analytics. */
export interface CaseEventMessage {
  /** Unique and stable: publishing the same event twice is deduplicated on it. */
  id: string;
  type: WebhookEventType;
  tenantId: string;
  caseId: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

export interface EventPublisher {
  publish(events: CaseEventMessage[]): Promise<void>;
}
