/**
 * The `webhook-deliveries` queue port, and the message it carries.
 *
 * One webhook delivery as it travels on the `webhook-deliveries` queue: which subscription, which event, which
 * attempt. It deliberately carries neither the URL nor the secret: queue messages end up in dead-letter queues and
 * tooling that operators browse; the deliverer reads both from the webhook store at send time (so a deleted
 * subscription also stops its pending retries).
 */
import { z } from "zod";
import type { CaseEventMessage } from "./event-publisher";
import { WEBHOOK_EVENT_TYPES } from "./webhook-store";

export const CaseEventMessageSchema = z.object({
  id: z.string().min(1),
  type: z.enum(WEBHOOK_EVENT_TYPES),
  tenantId: z.string().min(1),
  caseId: z.string().min(1),
  occurredAt: z.string().min(1),
  data: z.record(z.string(), z.unknown()),
}) satisfies z.ZodType<CaseEventMessage>;

/**
 * `case.step_executed` of a message (SMS, e-mail, letter alert) sent in an A/B experiment (the ladder policy's
 * `experiments`, domain/experiments.ts) carries `data.experiment`: the experiment and the case's variant. What the
 * KPI projection counts per variant; absent when the case's step is in no experiment or sent nothing.
 */
export const StepExecutedExperiment = z.object({ id: z.string().min(1), variant: z.enum(["A", "B"]) });
export type StepExecutedExperiment = z.infer<typeof StepExecutedExperiment>;

/** The experiment and variant a `case.step_executed` event names, or undefined (any other event, or none). */
export function experimentOfEvent(event: Pick<CaseEventMessage, "type" | "data">): StepExecutedExperiment | undefined {
  if (event.type !== "case.step_executed") return undefined;
  const parsed = StepExecutedExperiment.safeParse(event.data["experiment"]);
  return parsed.success ? parsed.data : undefined;
}

export const WebhookFailure = z.object({
  attempt: z.int().min(1),
  at: z.string(),
  /** "HTTP 503", "timeout", "network error" — never the URL or the response body. */
  reason: z.string(),
});
export type WebhookFailure = z.infer<typeof WebhookFailure>;

export const WebhookDeliveryMessage = z.object({
  schemaVersion: z.literal(1),
  tenantId: z.string().min(1),
  subscriptionId: z.string().min(1),
  /** 1 for the first attempt; a retry is a new message with attempt + 1. */
  attempt: z.int().min(1),
  event: CaseEventMessageSchema,
  /** The failed attempts so far (so a dead-lettered delivery tells its story). */
  failures: z.array(WebhookFailure).default([]),
  /** A delivery sent again by hand (portal): the retry's id, so its messages are not taken for the first ones. */
  manualRetry: z.string().min(1).max(64).optional(),
});
export type WebhookDeliveryMessage = z.infer<typeof WebhookDeliveryMessage>;

/**
 * Message id on the queue: `${eventId}:${subscriptionId}` for the first attempt (a re-run fan-out is dropped by
 * duplicate detection), `${eventId}:${subscriptionId}:${attempt}` for a retry; a delivery sent again by hand puts
 * `:r{manualRetry}` after the subscription id.
 */
export function deliveryMessageId(
  delivery: Pick<WebhookDeliveryMessage, "subscriptionId" | "attempt" | "event" | "manualRetry">,
): string {
  const base = `${delivery.event.id}:${delivery.subscriptionId}${delivery.manualRetry ? `:r${delivery.manualRetry}` : ""}`;
  return delivery.attempt === 1 ? base : `${base}:${String(delivery.attempt)}`;
}

/** Sends deliveries to the `webhook-deliveries` queue (Service Bus in Azure and in the dev host). */
export interface WebhookDeliveryQueue {
  send(deliveries: WebhookDeliveryMessage[]): Promise<void>;
  /** Enqueues `delivery` to become visible at `at` (a retry). */
  schedule(delivery: WebhookDeliveryMessage, at: Date): Promise<void>;
}
