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
import { authenticateOperator } from "../../shared/http/api-keys";
import { handler } from "../../shared/http/parse";
import { HttpProblem, problem } from "../../shared/http/problem";
import { PaymentProviderRejected, type PaymentWebhookRegistry } from "../../shared/ports/payment-provider";
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

export function makeVippsWebhookOpsFunction(resolve: () => VippsWebhookOpsDeps) {
  return handler(async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    const deps = resolve();
    authenticateOperator(request, deps.operatorKey);
    const vipps = deps.vipps;
    if (!vipps) {
      throw new HttpProblem(
        problem(
          503,
          "Vipps is not configured",
          "Set VIPPS_BASE_URL, VIPPS_CLIENT_ID, VIPPS_CLIENT_SECRET, VIPPS_SUBSCRIPTION_KEY and VIPPS_MERCHANT_SERIAL_NUMBER.",
        ),
      );
    }
    const url = `${deps.publicBaseUrl.replace(/\/+$/u, "")}/${VIPPS_CALLBACK_ROUTE}`;
    try {
      if (request.method === "GET") {
        const webhooks = await vipps.list();
        return { status: 200, headers: { "cache-control": "no-store" }, jsonBody: { callbackUrl: url, webhooks } };
      }
      const existing = (await vipps.list()).find((w) => w.url === url);
      if (existing) {
        return problem(
          409,
          "Already registered",
          `${url} is already registered with Vipps (id ${existing.id}). Delete it at Vipps first to get a new secret.`,
          {
            registrationId: existing.id,
          },
        );
      }
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
    } catch (error) {
      if (error instanceof PaymentProviderRejected) {
        return problem(502, "Vipps refused the request", error.message, { providerStatus: error.status });
      }
      if (error instanceof Error && (error as { code?: unknown }).code === "PAYMENT_PROVIDER_UNAVAILABLE") {
        return problem(503, "Vipps is unavailable", error.message, { headers: { "retry-after": "60" } });
      }
      throw error;
    }
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
