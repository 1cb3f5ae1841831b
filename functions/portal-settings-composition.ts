/**
 * The portal's settings pages' wiring (issue 16): the partner API's own policy and webhook use cases (built once, by
 * the composition root) and the tenant store's API keys, plus the webhook delivery log.
 */
import { makeAddApiKey, makeListApiKeys, makeRevokeApiKey } from "../shared/application/portal/api-keys";
import { makeCheckPolicy, makeGetPolicy, makePutPolicy, type PolicyDeps } from "../shared/application/policy";
import { makeListWebhookDeliveries, makeRetryWebhookDelivery } from "../shared/application/webhooks/delivery-log";
import type { Random } from "../shared/ports/random";
import type { TenantStore } from "../shared/ports/tenant-store";
import type { WebhookDeliveryLog } from "../shared/ports/webhook-delivery-log";
import type { WebhookDeliveryQueue } from "../shared/ports/webhook-delivery-queue";
import type { WebhookStore } from "../shared/ports/webhook-store";
import type { PortalSettingsWiring } from "./portal";
import type { WebhooksDeps } from "./webhooks";

export function portalSettingsFrom(
  deps: PolicyDeps &
    Pick<WebhooksDeps, "registerWebhook" | "listWebhooks" | "deleteWebhook" | "rotateWebhookSecret"> & {
      tenants: TenantStore;
      webhooks: WebhookStore;
      webhookDeliveryLog: WebhookDeliveryLog;
      webhookDeliveries: WebhookDeliveryQueue;
      random: Random;
    },
): PortalSettingsWiring {
  const log = { log: deps.webhookDeliveryLog, webhooks: deps.webhooks };
  return {
    getPolicy: makeGetPolicy(deps),
    checkPolicy: makeCheckPolicy(deps),
    putPolicy: makePutPolicy(deps),
    registerWebhook: deps.registerWebhook,
    listWebhooks: deps.listWebhooks,
    deleteWebhook: deps.deleteWebhook,
    rotateWebhookSecret: deps.rotateWebhookSecret,
    listWebhookDeliveries: makeListWebhookDeliveries(log),
    retryWebhookDelivery: makeRetryWebhookDelivery({ ...log, queue: deps.webhookDeliveries, random: deps.random }),
    listApiKeys: makeListApiKeys(deps),
    addApiKey: makeAddApiKey(deps),
    revokeApiKey: makeRevokeApiKey(deps),
  };
}
