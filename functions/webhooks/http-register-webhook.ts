/**
 * `POST /api/v1/webhooks` — subscribe a URL to event types; 201 `{ id, secret, url, events }` (the secret only here).
 * `GET /api/v1/webhooks` — the tenant's subscriptions, never their secrets (a disabled one says when and why).
 * `DELETE /api/v1/webhooks/{webhookId}` — 204; 404 problem+json for an id the tenant does not have.
 * `POST /api/v1/webhooks/{webhookId}/rotate-secret` `{ overlapHours? }` — a new secret, shown once; the old one keeps
 *   signing every delivery beside it for `overlapHours` (default 24, at most 168), so receivers switch without a gap.
 * All authenticate the creditor by `x-api-key`; both POSTs honour `Idempotency-Key` (a replay returns the same secret:
 * the first response is stored by the idempotency store for its retention time).
 */
import type { HttpHandler } from "@azure/functions";
import { z } from "zod";
// First: adds `.openapi()` to the zod schemas made below (the path parameters are registered with it).
import "../../shared/http/openapi";
import {
  SECRET_OVERLAP_HOURS,
  type DeleteWebhook,
  type ListWebhooks,
  type RegisterWebhook,
  type RotateWebhookSecret,
} from "../../shared/application/webhooks/register-webhook";
import { DomainError } from "../../shared/domain/errors";
import { authenticate, type ApiKeyLookup } from "../../shared/http/api-keys";
import { withIdempotency } from "../../shared/http/idempotency";
import { handler, parseJson, parseParams } from "../../shared/http/parse";
import type { Clock } from "../../shared/ports/clock";
import type { IdempotencyStore } from "../../shared/ports/idempotency-store";
import { WEBHOOK_EVENT_TYPES } from "../../shared/ports/webhook-store";

export interface RegisterWebhookHandlerDeps {
  lookupApiKey: ApiKeyLookup;
  idempotencyStore: IdempotencyStore;
  clock: Clock;
  registerWebhook: RegisterWebhook;
}

const EventType = z.enum(WEBHOOK_EVENT_TYPES);

export const WebhookRegistered = z
  .object({
    id: z.string().meta({ example: "wh_3f9c0a7d51e2b8463f9c0a7d51e2b846" }),
    secret: z.string().meta({
      description: "Standard Webhooks signing secret (whsec_ + base64). Shown only in this response: store it now.",
      example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    }),
    url: z.string(),
    events: z.array(EventType),
  })
  .meta({ id: "WebhookRegistered" });

export const WebhookSummary = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(EventType),
    createdAt: z.string(),
    disabledAt: z.string().nullable().meta({ description: "When deliveries stopped (the receiver answered 410)." }),
    disabledReason: z.string().nullable(),
  })
  .meta({ id: "Webhook", description: "A webhook subscription (its secret is never shown again)." });

export const WebhookList = z.object({ items: z.array(WebhookSummary) }).meta({ id: "WebhookList" });

export function makeRegisterWebhookHandler(deps: RegisterWebhookHandlerDeps): HttpHandler {
  return handler(async (request, context) => {
    const tenant = await authenticate(request, deps.lookupApiKey);
    return withIdempotency(
      request,
      tenant.tenantId,
      async () => {
        const input = await parseJson(request, deps.registerWebhook.body);
        const registered = await deps.registerWebhook(tenant.tenantId, input);
        return { status: 201, headers: { "cache-control": "no-store" }, jsonBody: registered };
      },
      { store: deps.idempotencyStore, clock: deps.clock, log: context },
    );
  });
}

export function makeListWebhooksHandler(deps: { lookupApiKey: ApiKeyLookup; listWebhooks: ListWebhooks }): HttpHandler {
  return handler(async (request) => {
    const tenant = await authenticate(request, deps.lookupApiKey);
    return {
      status: 200,
      headers: { "cache-control": "no-store" },
      jsonBody: { items: await deps.listWebhooks(tenant.tenantId) },
    };
  });
}

export class WebhookNotFound extends DomainError {
  readonly code = "WEBHOOK_NOT_FOUND";
  constructor(id: string) {
    super(`No webhook subscription ${id}`, { webhookId: id });
  }
}

/**
 * A webhook id as this API issues them (`wh_` + 32 hex digits): anything else is a 400 before the store is asked —
 * the store's ids may not contain `/`, `\\`, `?` or `#`, and asking with one failed with a 500.
 */
export const WebhookParams = z.object({
  webhookId: z
    .string()
    .regex(/^wh_[0-9a-f]{32}$/u)
    .openapi({ param: { description: "The subscription's id.", example: "wh_3f9c0a7d51e2b8463f9c0a7d51e2b846" } }),
});

export function makeDeleteWebhookHandler(deps: {
  lookupApiKey: ApiKeyLookup;
  deleteWebhook: DeleteWebhook;
}): HttpHandler {
  return handler(async (request) => {
    const tenant = await authenticate(request, deps.lookupApiKey);
    const { webhookId } = parseParams(request, WebhookParams);
    if (!(await deps.deleteWebhook(tenant.tenantId, webhookId))) throw new WebhookNotFound(webhookId);
    return { status: 204 };
  });
}

export const RotateSecretBody = z
  .strictObject({
    overlapHours: z
      .number()
      .int()
      .min(0)
      .max(SECRET_OVERLAP_HOURS.max)
      .optional()
      .meta({ description: "Hours the old secret keeps signing beside the new one (default 24)." }),
  })
  .meta({ id: "RotateWebhookSecret" });

export const RotatedSecretDto = z
  .object({
    id: z.string(),
    secret: z.string().meta({ description: "The new signing secret. Shown only in this response: store it now." }),
    previousSecretValidUntil: z.string(),
  })
  .meta({ id: "RotatedWebhookSecret" });

export function makeRotateWebhookSecretHandler(deps: {
  lookupApiKey: ApiKeyLookup;
  idempotencyStore: IdempotencyStore;
  clock: Clock;
  rotateWebhookSecret: RotateWebhookSecret;
}): HttpHandler {
  return handler(async (request, context) => {
    const tenant = await authenticate(request, deps.lookupApiKey);
    const { webhookId } = parseParams(request, WebhookParams);
    // A retried rotation must not rotate twice: the secret of the lost first answer would become the "previous" one
    // and the secret the receiver still verifies with would stop signing at once.
    return withIdempotency(
      request,
      tenant.tenantId,
      async () => {
        // The body is optional: a POST without one (no content type) takes the default overlap.
        const body = request.headers.get("content-type") === null ? {} : await parseJson(request, RotateSecretBody);
        const rotated = await deps.rotateWebhookSecret(
          tenant.tenantId,
          webhookId,
          body.overlapHours ?? SECRET_OVERLAP_HOURS.default,
        );
        if (!rotated) throw new WebhookNotFound(webhookId);
        return { status: 200, headers: { "cache-control": "no-store" }, jsonBody: rotated };
      },
      { store: deps.idempotencyStore, clock: deps.clock, log: context },
    );
  });
}
