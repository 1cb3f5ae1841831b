/**
 * The webhook functions: subscribing (HTTP), fanning case events out to subscriptions (Service Bus topic) and
 * delivering them (Service Bus queue). The composition root calls `registerWebhooks(() => deps)`; registering reads no
 * setting and builds nothing — `deps()` is called inside the handlers, on each invocation.
 */
import { app } from "@azure/functions";
import type { DeliverWebhook } from "../../shared/application/webhooks/deliver-webhook";
import type { FanOutEvent } from "../../shared/application/webhooks/fan-out";
import type {
  DeleteWebhook,
  ListWebhooks,
  RegisterWebhook,
  RotateWebhookSecret,
} from "../../shared/application/webhooks/register-webhook";
import type { ApiKeyLookup } from "../../shared/http/api-keys";
import type { Clock } from "../../shared/ports/clock";
import type { IdempotencyStore } from "../../shared/ports/idempotency-store";
import {
  makeDeleteWebhookHandler,
  makeListWebhooksHandler,
  makeRegisterWebhookHandler,
  makeRotateWebhookSecretHandler,
} from "./http-register-webhook";
import {
  CASE_EVENTS_TOPIC,
  DELETE_WEBHOOK_FUNCTION,
  DELIVER_WEBHOOK_FUNCTION,
  FAN_OUT_CASE_EVENTS_FUNCTION,
  LIST_WEBHOOKS_FUNCTION,
  REGISTER_WEBHOOK_FUNCTION,
  ROTATE_WEBHOOK_SECRET_FUNCTION,
  SERVICE_BUS_CONNECTION,
  WEBHOOK_DELIVERIES_QUEUE,
  WEBHOOK_ROUTE,
  WEBHOOK_SECRET_ROUTE,
  WEBHOOKS_ROUTE,
  WEBHOOKS_SUBSCRIPTION,
} from "./names";
import { makeDeliverWebhookHandler } from "./sb-deliver-webhook";
import { makeFanOutCaseEventsHandler } from "./sb-fan-out-case-events";

export interface WebhooksDeps {
  /** Authenticates the creditor's `x-api-key`. */
  lookupApiKey: ApiKeyLookup;
  /** `Idempotency-Key` on POST. */
  idempotencyStore: IdempotencyStore;
  /** The app clock (idempotency records). */
  clock: Clock;
  registerWebhook: RegisterWebhook;
  listWebhooks: ListWebhooks;
  deleteWebhook: DeleteWebhook;
  rotateWebhookSecret: RotateWebhookSecret;
  fanOutEvent: FanOutEvent;
  deliverWebhook: DeliverWebhook;
}

export function registerWebhooks(deps: () => WebhooksDeps): void {
  app.http(REGISTER_WEBHOOK_FUNCTION, {
    route: WEBHOOKS_ROUTE,
    methods: ["POST"],
    authLevel: "anonymous",
    handler: (request, context) => makeRegisterWebhookHandler(deps())(request, context),
  });
  app.http(LIST_WEBHOOKS_FUNCTION, {
    route: WEBHOOKS_ROUTE,
    methods: ["GET"],
    authLevel: "anonymous",
    handler: (request, context) => makeListWebhooksHandler(deps())(request, context),
  });
  app.http(DELETE_WEBHOOK_FUNCTION, {
    route: WEBHOOK_ROUTE,
    methods: ["DELETE"],
    authLevel: "anonymous",
    handler: (request, context) => makeDeleteWebhookHandler(deps())(request, context),
  });
  app.http(ROTATE_WEBHOOK_SECRET_FUNCTION, {
    route: WEBHOOK_SECRET_ROUTE,
    methods: ["POST"],
    authLevel: "anonymous",
    handler: (request, context) => makeRotateWebhookSecretHandler(deps())(request, context),
  });
  app.serviceBusTopic(FAN_OUT_CASE_EVENTS_FUNCTION, {
    connection: SERVICE_BUS_CONNECTION,
    topicName: CASE_EVENTS_TOPIC,
    subscriptionName: WEBHOOKS_SUBSCRIPTION,
    handler: (message, context) => makeFanOutCaseEventsHandler(deps().fanOutEvent)(message, context),
  });
  app.serviceBusQueue(DELIVER_WEBHOOK_FUNCTION, {
    connection: SERVICE_BUS_CONNECTION,
    queueName: WEBHOOK_DELIVERIES_QUEUE,
    handler: (message, context) => makeDeliverWebhookHandler(deps().deliverWebhook)(message, context),
  });
}
