/**
 * `POST /api/callbacks/vipps`: Vipps MobilePay's webhook for our payments. Checked (HMAC signature over date, host and
 * content hash), de-duplicated, put on the `payments` queue and answered 202 at once — applying is the queue trigger's
 * job (sb-apply-payment.ts), so Vipps never waits on Cosmos DB and a failure there is retried by Service Bus, not by
 * Vipps. A correctly signed delivery is never refused: Vipps would retry it for 7 days and hold back the payment's
 * later webhooks meanwhile (why a repeat is harmless: shared/application/payments/provider-callback.ts).
 *
 *   202 queued · 200 acknowledged, nothing queued (an event that moves no money, the same signed delivery again, or a
 *   date outside Vipps' 7-day retry window / ahead of our clock by more than VIPPS_WEBHOOK_MAX_SKEW_SECONDS)
 *   401 unsigned / wrong signature / wrong content hash / unreadable date · 400 malformed payload
 *   503 callbacks not configured (Vipps retries later)
 */
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from "@azure/functions";
import {
  CallbackRejected,
  makeReceiveProviderCallback,
  type ProviderCallbackDeps,
} from "../../shared/application/payments/provider-callback";
import { handler } from "../../shared/http/parse";
import { HttpProblem, problem } from "../../shared/http/problem";
import type { PaymentsDeps } from "./deps";
import { VIPPS_CALLBACK_FUNCTION, VIPPS_CALLBACK_ROUTE } from "./names";

/** Callbacks are small JSON documents; anything bigger is not one. */
const MAX_BODY_BYTES = 64 * 1024;

/** Refusals are thrown by the use case and mapped by `toProblem` (via `handler`); here they are only logged. */
export function makeVippsCallbackFunction(resolve: () => ProviderCallbackDeps) {
  return handler(async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    const body = await request.text();
    if (Buffer.byteLength(body, "utf8") > MAX_BODY_BYTES)
      throw new HttpProblem(problem(413, "Payload too large", "A callback is at most 64 KB"));
    const url = new URL(request.url);
    const headers: Record<string, string | undefined> = {};
    request.headers.forEach((value, name) => (headers[name.toLowerCase()] = value));
    try {
      const { message, disposition } = await makeReceiveProviderCallback(resolve())({
        method: request.method,
        pathAndQuery: `${url.pathname}${url.search}`,
        headers,
        body,
      });
      const about = { reference: message.event.reference, event: message.event.name, disposition };
      if (disposition === "outside-window")
        context.warn("payment callback acknowledged, dated outside its window", about);
      else
        context.info(disposition === "queued" ? "payment callback queued" : "payment callback acknowledged", {
          ...about,
          ...(message.notBefore !== undefined ? { notBefore: message.notBefore } : {}),
        });
      return { status: disposition === "queued" ? 202 : 200, headers: { "cache-control": "no-store" } };
    } catch (error) {
      if (error instanceof CallbackRejected) context.warn("payment callback refused", { reason: error.reason });
      throw error;
    }
  });
}

export function registerVippsCallbackFunction(deps: () => PaymentsDeps): void {
  app.http(VIPPS_CALLBACK_FUNCTION, {
    route: VIPPS_CALLBACK_ROUTE,
    methods: ["POST"],
    authLevel: "anonymous",
    handler: makeVippsCallbackFunction(() => {
      const d = deps();
      return { ...d, maxSkewSeconds: d.vippsWebhookMaxSkewSeconds };
    }),
  });
}
