/**
 * Operator endpoint (operator key in `x-api-key`) for the Vipps MobilePay callback registration:
 *
 *   POST /api/v1/ops/vipps/webhooks   registers `{PUBLIC_BASE_URL}/api/callbacks/vipps` for every ePayment event and
 *                                     answers 201 `{ id, secret, url, events }` — the secret is shown ONCE: store it
 *                                     as VIPPS_WEBHOOK_SECRET (Key Vault). 409 when that URL is already registered.
 *   GET  /api/v1/ops/vipps/webhooks   lists the registrations (no secrets: Vipps never shows them again).
 *
 * 503 when Vipps is not configured; 502 when Vipps refuses the call (its status in `providerStatus`).
 * The secret is never logged.
 */
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from "@azure/functions";
import { DomainError } from "../../shared/domain/errors";
import { authenticateOperator } from "../../shared/http/api-keys";
import { handler } from "../../shared/http/parse";
import type { PaymentWebhookRegistry } from "../../shared/ports/payment-provider";
import type { PaymentsDeps } from "./deps";
import { VIPPS_CALLBACK_ROUTE } from "./names";

export const VIPPS_WEBHOOKS_OPS_FUNCTION = "manageVippsWebhooks";
export const VIPPS_WEBHOOKS_OPS_ROUTE = "api/v1/ops/vipps/webhooks";

export interface VippsWebhookOpsDeps {
  operatorKey: string | undefined;
  publicBaseUrl: string;
  /** Undefined when Vipps is not configured. */
  vipps: PaymentWebhookRegistry | undefined;
}

/** The Vipps settings are missing → 503 (names the settings, never their values). */
export class VippsNotConfigured extends DomainError {
  readonly code = "VIPPS_NOT_CONFIGURED";
  override readonly title = "Vipps is not configured";
  constructor() {
    super(
      "Set VIPPS_BASE_URL, VIPPS_CLIENT_ID, VIPPS_CLIENT_SECRET, VIPPS_SUBSCRIPTION_KEY and VIPPS_MERCHANT_SERIAL_NUMBER.",
    );
  }
}

/** Our callback URL is registered already → 409 with its `registrationId` (its secret cannot be shown again). */
export class VippsWebhookAlreadyExists extends DomainError {
  readonly code = "VIPPS_WEBHOOK_ALREADY_EXISTS";
  override readonly title = "Already registered";
  constructor(url: string, registrationId: string) {
    super(
      `${url} is already registered with Vipps (id ${registrationId}). Delete it at Vipps first to get a new secret.`,
      undefined,
      {
        members: { registrationId },
      },
    );
  }
}

/**
 * Refusals are errors mapped by `toProblem` (via `handler`): VippsNotConfigured → 503, VippsWebhookAlreadyExists →
 * 409, Vipps refusing the call (PaymentProviderRejected) → 502 with `providerStatus`, Vipps unreachable
 * (PaymentProviderUnavailable) → 503 with `retry-after`.
 */
export function makeVippsWebhookOpsFunction(resolve: () => VippsWebhookOpsDeps) {
  return handler(async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    const deps = resolve();
    authenticateOperator(request, deps.operatorKey);
    const vipps = deps.vipps;
    if (!vipps) throw new VippsNotConfigured();
    const url = `${deps.publicBaseUrl.replace(/\/+$/u, "")}/${VIPPS_CALLBACK_ROUTE}`;
    if (request.method === "GET") {
      const webhooks = await vipps.list();
      return { status: 200, headers: { "cache-control": "no-store" }, jsonBody: { callbackUrl: url, webhooks } };
    }
    const existing = (await vipps.list()).find((w) => w.url === url);
    if (existing) throw new VippsWebhookAlreadyExists(url, existing.id);
    const registered = await vipps.register(url);
    context.info("vipps webhook registered", { id: registered.id, url, events: vipps.events.length });
    return {
      status: 201,
      headers: { "cache-control": "no-store" },
      jsonBody: {
        id: registered.id,
        secret: registered.secret,
        url,
        events: [...vipps.events],
        note: "Store the secret now as VIPPS_WEBHOOK_SECRET (Key Vault): Vipps shows it only once. Callbacks are refused until it is set.",
      },
    };
  });
}

/** The deps from the composition root. */
export function registerVippsWebhookOpsFunction(deps: () => PaymentsDeps): void {
  app.http(VIPPS_WEBHOOKS_OPS_FUNCTION, {
    route: VIPPS_WEBHOOKS_OPS_ROUTE,
    methods: ["GET", "POST"],
    authLevel: "anonymous",
    handler: makeVippsWebhookOpsFunction(() => {
      const d = deps();
      return { operatorKey: d.operatorApiKey, publicBaseUrl: d.publicBaseUrl, vipps: d.paymentWebhookRegistry };
    }),
  });
}
