/**
 * `GET /api/v1/ops/unmatched-payments?limit=&continuationToken=` (operator key in `x-api-key`): the bank payments
 * that could not be placed on a case (unknown or invalid KID, no KID, reversals, wrong currency), across tenants,
 * so an operator can place or refund them — money that came in is never silently dropped.
 * 200 `{ items, continuationToken? }`; 401 without the operator key; 400 problem+json for a bad limit or token.
 */
import { app, type InvocationContext } from "@azure/functions";
import type { z } from "zod";
import { authenticateOperator } from "../../shared/http/api-keys";
import { PageQuery } from "../../shared/http/openapi";
import { handler, parseQuery } from "../../shared/http/parse";
import type { PaymentsDeps } from "./deps";
import { UNMATCHED_PAYMENTS_FUNCTION, UNMATCHED_PAYMENTS_ROUTE } from "./names";

export const UnmatchedPaymentsQuery = PageQuery;
export type UnmatchedPaymentsQuery = z.infer<typeof UnmatchedPaymentsQuery>;

const DEFAULT_LIMIT = 25;

export function makeUnmatchedPaymentsFunction(
  resolve: (context: InvocationContext) => Pick<PaymentsDeps, "operatorApiKey" | "bankPayments">,
) {
  return handler(async (request, context) => {
    const deps = resolve(context);
    authenticateOperator(request, deps.operatorApiKey);
    const query = parseQuery(request, UnmatchedPaymentsQuery);
    const page = await deps.bankPayments.listUnmatched({
      limit: query.limit ?? DEFAULT_LIMIT,
      ...(query.continuationToken === undefined ? {} : { continuationToken: query.continuationToken }),
    });
    const items = page.items.map((p) => ({
      paymentId: p.paymentId,
      why: p.why,
      kid: p.kid,
      amount: p.amount,
      paidOn: p.paidOn,
      source: p.source,
      importedAt: p.importedAt,
      recordedAt: p.recordedAt,
      ...(p.details ? { details: p.details } : {}),
    }));
    return {
      status: 200,
      headers: { "cache-control": "no-store" },
      jsonBody: page.continuationToken === undefined ? { items } : { items, continuationToken: page.continuationToken },
    };
  });
}

export function registerUnmatchedPaymentsFunction(deps: () => PaymentsDeps): void {
  app.http(UNMATCHED_PAYMENTS_FUNCTION, {
    route: UNMATCHED_PAYMENTS_ROUTE,
    methods: ["GET"],
    authLevel: "anonymous",
    handler: makeUnmatchedPaymentsFunction(() => deps()),
  });
}
