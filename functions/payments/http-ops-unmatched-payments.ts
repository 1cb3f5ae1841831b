/**
 * `GET /api/v1/ops/unmatched-payments?limit=&continuationToken=` (operator key in `x-api-key`): the bank payments
 * that could not be placed on a case (unknown or invalid KID, no KID, reversals, wrong currency), across tenants,
 * so an operator can place or refund them — money that came in is never silently dropped.
 * 200 `{ items, continuationToken? }`; 401 without the operator key; 400 problem+json for a bad limit or token.
 *
 * `POST /api/v1/ops/unmatched-payments/{paymentId}/apply` `{ tenantId, caseId }` (operator key): places one on a case
 * (shared/application/payments/place-unmatched-payment.ts) → 200 `{ paymentId, tenantId, caseId, amount, applied }`;
 * 404 unknown payment or case, 409 already placed (credited once), 422 a reversal / wrong currency / nothing captured.
 *
 * `POST /api/v1/ops/unmatched-payments/{paymentId}/refund` `{ amount?, method? }` (operator key): sends it back instead
 * — refunded at the payment provider (an authorization only is cancelled), or recorded as paid back by bank transfer
 * → 200 `{ paymentId, refunded, via }`; 404 unknown, 409 placed or refunded already, 422 more than was captured.
 */
import { app, type InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import { z } from "zod";
import {
  makePlaceUnmatchedPayment,
  makeRefundUnmatchedPayment,
} from "../../shared/application/payments/place-unmatched-payment";
import { MoneyDto } from "../../shared/http/openapi";
import { forInvocation, type RequestDeps } from "../deps";
import { authenticateOperator } from "../../shared/http/api-keys";
import { PageQuery } from "../../shared/http/openapi";
import { handler, parseJson, parseParams, parseQuery } from "../../shared/http/parse";
import type { PaymentsDeps } from "./deps";
import {
  PLACE_UNMATCHED_PAYMENT_FUNCTION,
  PLACE_UNMATCHED_PAYMENT_ROUTE,
  REFUND_UNMATCHED_PAYMENT_FUNCTION,
  REFUND_UNMATCHED_PAYMENT_ROUTE,
  UNMATCHED_PAYMENTS_FUNCTION,
  UNMATCHED_PAYMENTS_ROUTE,
} from "./names";

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

export const PlaceUnmatchedPaymentBody = z.strictObject({
  tenantId: z.string().min(1).max(100),
  caseId: z.string().min(1).max(100),
});
const PlaceParams = z.object({ paymentId: z.string().min(1).max(300) });

export function makePlaceUnmatchedPaymentFunction(
  resolve: (context: InvocationContext) => Pick<PaymentsDeps, "operatorApiKey"> & RequestDeps,
) {
  return handler(async (request, context) => {
    const deps = resolve(context);
    authenticateOperator(request, deps.operatorApiKey);
    const { paymentId } = parseParams(request, PlaceParams);
    const body = await parseJson(request, PlaceUnmatchedPaymentBody);
    const placed = await makePlaceUnmatchedPayment(deps)(paymentId, body);
    context.info("unmatched payment placed", { paymentId, caseId: placed.caseId, applied: placed.applied });
    return { status: 200, headers: { "cache-control": "no-store" }, jsonBody: placed };
  });
}

export function registerPlaceUnmatchedPaymentFunction(deps: () => PaymentsDeps): void {
  app.http(PLACE_UNMATCHED_PAYMENT_FUNCTION, {
    route: PLACE_UNMATCHED_PAYMENT_ROUTE,
    methods: ["POST"],
    authLevel: "anonymous",
    // Applying the payment tells the case's orchestration to re-plan.
    extraInputs: [df.input.durableClient()],
    handler: makePlaceUnmatchedPaymentFunction((context) => forInvocation(deps(), context)),
  });
}

export const RefundUnmatchedPaymentBody = z.strictObject({
  amount: MoneyDto.refine((m) => m.value > 0, { message: "Must be more than 0", path: ["value"] }).optional(),
  method: z.enum(["provider", "bank-transfer"]).optional(),
});

export function makeRefundUnmatchedPaymentFunction(
  resolve: (context: InvocationContext) => Pick<PaymentsDeps, "operatorApiKey"> & RequestDeps,
) {
  return handler(async (request, context) => {
    const deps = resolve(context);
    authenticateOperator(request, deps.operatorApiKey);
    const { paymentId } = parseParams(request, PlaceParams);
    // The body may be left out: all of it back the way it came.
    const body =
      (await request.clone().text()).trim() === ""
        ? RefundUnmatchedPaymentBody.parse({})
        : await parseJson(request, RefundUnmatchedPaymentBody);
    const refunded = await makeRefundUnmatchedPayment(deps)(paymentId, body);
    context.info("unmatched payment refunded", { paymentId, via: refunded.via, amount: refunded.refunded.value });
    return { status: 200, headers: { "cache-control": "no-store" }, jsonBody: refunded };
  });
}

export function registerRefundUnmatchedPaymentFunction(deps: () => PaymentsDeps): void {
  app.http(REFUND_UNMATCHED_PAYMENT_FUNCTION, {
    route: REFUND_UNMATCHED_PAYMENT_ROUTE,
    methods: ["POST"],
    authLevel: "anonymous",
    handler: makeRefundUnmatchedPaymentFunction((context) => forInvocation(deps(), context)),
  });
}
