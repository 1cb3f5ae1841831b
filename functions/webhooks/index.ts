/** Webhooks: partners register endpoints; case events fan out to signed deliveries, retried through Service Bus. */
import { registerWebhookHttpFunctions, type WebhookHttpDeps } from "./http-register-webhook";
import { registerDeliverWebhookFunction, type DeliverWebhookFunctionDeps } from "./sb-deliver-webhook";
import { WEBHOOK_DELIVERIES_QUEUE } from "./names";
import { registerFanOutCaseEventsFunction, type FanOutDeps } from "./sb-fan-out-case-events";

export type WebhooksDeps = WebhookHttpDeps & FanOutDeps & DeliverWebhookFunctionDeps;

export function registerWebhooks(deps: () => WebhooksDeps): void {
  registerWebhookHttpFunctions(deps);
  registerFanOutCaseEventsFunction(deps);
  registerDeliverWebhookFunction(deps);
}
