/**
 * The webhook functions, wired to the composition root: import this file from `functions/index.ts`.
 *
 * Each function file exports its handler factory (`make…Handler(deps)`, what tests use with literal deps) and a
 * `register…(deps: () => Deps)` that registers it with `app`; only this file calls those with `appDeps()`, lazily
 * (inside the handlers), so that tests can register the same functions with their own deps without importing the
 * composition root.
 */
import { ServiceBusWebhookDeliveryQueue } from "../../shared/adapters/service-bus/webhook-delivery-queue.service-bus";
import { createServiceBusClient } from "../../shared/adapters/service-bus/event-publisher.service-bus";
import type { WebhookDeliveryQueue } from "../../shared/application/webhooks/delivery-message";
import { tenantKeyLookup } from "../api/edge";
import { appDeps, serviceBusOptionsFrom, type AppDeps } from "../composition";
import { registerWebhookHttpFunctions, type WebhookHttpDeps } from "./http-register-webhook";
import { registerDeliverWebhookFunction, type DeliverWebhookFunctionDeps } from "./sb-deliver-webhook";
import { WEBHOOK_DELIVERIES_QUEUE } from "./names";
import { registerFanOutCaseEventsFunction, type FanOutDeps } from "./sb-fan-out-case-events";

export type WebhookFunctionsDeps = WebhookHttpDeps & FanOutDeps & DeliverWebhookFunctionDeps;

const built = new WeakMap<AppDeps, WebhookFunctionsDeps>();

/**
 * Where AppDeps has no delivery queue (tests that leave it out): one on its own Service Bus client, created on first
 * use (HTTP functions never need it).
 */
function lazyDeliveryQueue(settings: AppDeps["settings"]): WebhookDeliveryQueue {
  let queue: ServiceBusWebhookDeliveryQueue | undefined;
  const get = () => (queue ??= new ServiceBusWebhookDeliveryQueue({ client: createServiceBusClient(serviceBusOptionsFrom(settings)), queueName: WEBHOOK_DELIVERIES_QUEUE }));
  return {
    send: (deliveries) => get().send(deliveries),
    schedule: (delivery, at) => get().schedule(delivery, at),
  };
}

/** The webhook functions' deps from the app's (one set per AppDeps object). */
export function webhookDeps(deps: AppDeps = appDeps()): WebhookFunctionsDeps {
  let out = built.get(deps);
  if (out === undefined) {
    out = {
      // The partner API's lookup: the same keys, and the dev host's demo creditor seeded on first use of its key.
      lookupApiKey: tenantKeyLookup(deps),
      webhooks: deps.webhooks,
      idempotencyStore: deps.idempotency,
      clock: deps.clock,
      webhookDeliveries: deps.webhookDeliveries ?? lazyDeliveryQueue(deps.settings),
      // Loopback webhook URLs (http://127.0.0.1:…) only where the setting allows them (local runs).
      allowLoopbackWebhookUrls: deps.settings.WEBHOOK_ALLOW_LOOPBACK_URLS,
    };
    built.set(deps, out);
  }
  return out;
}

registerWebhookHttpFunctions(() => webhookDeps());
registerFanOutCaseEventsFunction(() => webhookDeps());
registerDeliverWebhookFunction(() => webhookDeps());
