export const REGISTER_WEBHOOK_FUNCTION = "registerWebhook";
export const LIST_WEBHOOKS_FUNCTION = "listWebhooks";
export const DELETE_WEBHOOK_FUNCTION = "deleteWebhook";
export const ROTATE_WEBHOOK_SECRET_FUNCTION = "rotateWebhookSecret";
export const FAN_OUT_CASE_EVENTS_FUNCTION = "fanOutCaseEventsToWebhooks";
export const DELIVER_WEBHOOK_FUNCTION = "deliverWebhook";

export const WEBHOOKS_ROUTE = "api/v1/webhooks";
export const WEBHOOK_ROUTE = "api/v1/webhooks/{webhookId}";
export const WEBHOOK_SECRET_ROUTE = "api/v1/webhooks/{webhookId}/rotate-secret";
/** The app setting naming the Service Bus connection (a connection string, or `__fullyQualifiedNamespace`). */
export const SERVICE_BUS_CONNECTION = "ServiceBusConnection";
export const CASE_EVENTS_TOPIC = "case-events";
export const WEBHOOKS_SUBSCRIPTION = "webhooks";
export const WEBHOOK_DELIVERIES_QUEUE = "webhook-deliveries";
