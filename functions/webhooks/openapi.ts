/** OpenAPI for the webhook endpoints: call `registerWebhookEndpoints(registry)` where the document is built. */
import type { OpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import { RegisterWebhookBody } from "../../shared/application/webhooks/register-webhook";
import { registerEndpoint } from "../../shared/http/openapi";
import {
  RotatedSecretDto,
  RotateSecretBody,
  WebhookList,
  WebhookParams,
  WebhookRegistered,
} from "./http-register-webhook";

export function registerWebhookEndpoints(registry: OpenAPIRegistry): void {
  registerEndpoint(registry, {
    method: "post",
    path: "/v1/webhooks",
    operationId: "registerWebhook",
    summary: "Subscribe a URL to case events",
    description:
      "Deliveries are JSON POSTs signed per Standard Webhooks (headers webhook-id — the event id, stable across " +
      "retries —, webhook-timestamp, webhook-signature), retried after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h " +
      "(±10 %) until a 2xx; a 410 stops them. The signing secret is returned only in this response. " +
      '`case.step_executed` carries `data.experiment: { id, variant: "A" | "B" }` when the step\'s message ' +
      "(SMS, e-mail, letter alert) was sent in an A/B experiment of the ladder policy (`experiments`). " +
      "Besides the case's own events, `message.delivered` tells that a step's message reached the debtor (an SMS or " +
      "e-mail delivery report, a letter delivered by any channel; data: deliveryId, stepIndex, step, channel, " +
      "deliveredAt) and `message.opened` that the pay link a step's message carried was opened for the first time " +
      "(data: step, channel, stepIndex when the message was this case's own, openedAt) — ids, steps, channels and " +
      "times, never contact details.",
    tags: ["Webhooks"],
    auth: "tenant",
    request: { body: RegisterWebhookBody },
    responses: { 201: { description: "The subscription and its signing secret", schema: WebhookRegistered } },
  });
  registerEndpoint(registry, {
    method: "get",
    path: "/v1/webhooks",
    operationId: "listWebhooks",
    summary: "List the webhook subscriptions (without secrets)",
    tags: ["Webhooks"],
    auth: "tenant",
    responses: { 200: { description: "The subscriptions, oldest first", schema: WebhookList } },
  });
  registerEndpoint(registry, {
    method: "delete",
    path: "/v1/webhooks/{webhookId}",
    operationId: "deleteWebhook",
    summary: "Delete a webhook subscription",
    description: "Nothing more is sent to it; deliveries already queued are dropped unsent.",
    tags: ["Webhooks"],
    auth: "tenant",
    request: { params: WebhookParams },
    responses: { 204: { description: "Deleted" } },
    problems: [404],
  });
  registerEndpoint(registry, {
    method: "post",
    path: "/v1/webhooks/{webhookId}/rotate-secret",
    operationId: "rotateWebhookSecret",
    summary: "Rotate a webhook's signing secret",
    description:
      "Returns a new secret, shown once. During the overlap (default 24 hours, at most 168) every delivery carries " +
      "two signatures in webhook-signature (space-separated, as Standard Webhooks allows): the new secret's and the " +
      "old one's, so a receiver verifying with either accepts it while it switches.",
    tags: ["Webhooks"],
    auth: "tenant",
    request: { params: WebhookParams, body: RotateSecretBody },
    responses: { 200: { description: "The new secret", schema: RotatedSecretDto } },
    problems: [404],
  });
}
