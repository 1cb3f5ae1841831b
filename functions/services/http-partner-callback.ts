/**
 * `POST /api/callbacks/partners/{tenantId}`: the partner system's TMF641 ServiceOrderStateChangeEvents for our
 * orders, signed with Standard Webhooks and the tenant's partner connection secret.
 *
 *   200 `{ outcome }` applied / unchanged (an earlier or equal state) / duplicate (the same delivery again) / stale
 *   (an order a later command superseded) · 401 unsigned, wrongly signed or stale timestamp · 400 malformed (naming
 *   the field) · 404 an order we never placed, or a tenant without a partner connection.
 */
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from "@azure/functions";
import { z } from "zod";
import { CallbackRejected } from "../../shared/application/payments/provider-callback";
import { makeApplyPartnerCallback } from "../../shared/application/services/partner-commands";
import { handler, parseParams } from "../../shared/http/parse";
import { HttpProblem, problem } from "../../shared/http/problem";
import type { ServicesDeps } from "./deps";
import { PARTNER_CALLBACK_FUNCTION, PARTNER_CALLBACK_ROUTE } from "./names";

const MAX_BODY_BYTES = 64 * 1024;
const Params = z.object({ tenantId: z.string().trim().min(1).max(100) });

export function makePartnerCallbackFunction(deps: () => ServicesDeps) {
  return handler(async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    const { tenantId } = parseParams(request, Params);
    const body = await request.text();
    if (Buffer.byteLength(body, "utf8") > MAX_BODY_BYTES)
      throw new HttpProblem(problem(413, "Payload too large", "A callback is at most 64 KB"));
    const headers: Record<string, string | undefined> = {};
    request.headers.forEach((value, name) => (headers[name.toLowerCase()] = value));
    try {
      const outcome = await makeApplyPartnerCallback(deps())({ tenantId, headers, body });
      context.info("partner callback handled", { tenantId, outcome: outcome.kind });
      return { status: 200, headers: { "cache-control": "no-store" }, jsonBody: { outcome: outcome.kind } };
    } catch (error) {
      if (error instanceof CallbackRejected)
        context.warn("partner callback refused", { tenantId, reason: error.reason });
      throw error;
    }
  });
}

export function registerPartnerCallbackFunction(deps: () => ServicesDeps): void {
  app.http(PARTNER_CALLBACK_FUNCTION, {
    route: PARTNER_CALLBACK_ROUTE,
    methods: ["POST"],
    authLevel: "anonymous",
    handler: makePartnerCallbackFunction(deps),
  });
}
