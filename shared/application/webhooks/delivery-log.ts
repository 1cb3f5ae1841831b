/**
 * The portal's view of a subscription's deliveries and its "send again" (issue 16). A retried delivery goes through
 * the same `webhook-deliveries` queue as every other: a new first attempt of the same event (same `webhook-id`, so a
 * receiver that did get it once can tell), with its own retries, marked `manualRetry` so the queue's duplicate
 * detection does not take it for the original.
 */
import type { Random } from "../../ports/random";
import type { WebhookDeliveryLog, WebhookDeliveryRecord } from "../../ports/webhook-delivery-log";
import type { WebhookDeliveryQueue } from "../../ports/webhook-delivery-queue";
import type { WebhookStore } from "../../ports/webhook-store";

export const DELIVERY_LOG_PAGE = 50;

export interface DeliveryLogDeps {
  log: WebhookDeliveryLog;
  webhooks: Pick<WebhookStore, "listForTenant">;
}

/** The subscription's last deliveries, newest first; undefined when the tenant has no such subscription. */
export function makeListWebhookDeliveries(deps: DeliveryLogDeps) {
  return async (tenantId: string, subscriptionId: string): Promise<WebhookDeliveryRecord[] | undefined> => {
    const owned = (await deps.webhooks.listForTenant(tenantId)).some(
      (s) => s.id === subscriptionId && s.tenantId === tenantId,
    );
    if (!owned) return undefined;
    return (await deps.log.recent(subscriptionId, DELIVERY_LOG_PAGE)).filter((r) => r.tenantId === tenantId);
  };
}

export type RetryDeliveryResult = "queued" | "not-found" | "not-failed" | "subscription-disabled";

/** A delivery may be sent again when it failed or is still waiting for a retry. */
export function mayRetry(record: Pick<WebhookDeliveryRecord, "outcome">): boolean {
  return record.outcome === "failed" || record.outcome === "retrying";
}

export function makeRetryWebhookDelivery(deps: DeliveryLogDeps & { queue: WebhookDeliveryQueue; random: Random }) {
  return async (tenantId: string, subscriptionId: string, recordId: string): Promise<RetryDeliveryResult> => {
    const subscription = (await deps.webhooks.listForTenant(tenantId)).find(
      (s) => s.id === subscriptionId && s.tenantId === tenantId,
    );
    if (!subscription) return "not-found";
    const record = await deps.log.get(subscriptionId, recordId);
    if (!record || record.tenantId !== tenantId) return "not-found";
    if (!mayRetry(record)) return "not-failed";
    if (subscription.disabledAt !== undefined) return "subscription-disabled";
    await deps.queue.send([
      {
        ...record.delivery,
        attempt: 1,
        failures: [],
        manualRetry: Buffer.from(deps.random.bytes(8)).toString("hex"),
      },
    ]);
    return "queued";
  };
}

export type ListWebhookDeliveries = ReturnType<typeof makeListWebhookDeliveries>;
export type RetryWebhookDelivery = ReturnType<typeof makeRetryWebhookDelivery>;
