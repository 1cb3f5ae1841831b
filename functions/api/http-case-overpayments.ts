/**
 * Overpayments (shared/application/payments/overpayments.ts), the creditor's choice per case:
 * - `POST /api/v1/cases/{caseId}/refunds` `{ reference, amount?, method? }`: refund credit through the payment provider
 *   (or record a bank transfer) → 200 with the case; 422 above the credit or what the provider payment holds.
 * - `POST /api/v1/cases/{caseId}/keep-credit`: keep the credit for the debtor → 200 with the case; 409 without credit.
 * - `GET /api/v1/overpayments?limit=&continuationToken=`: the cases holding credit no choice was made for.
 */
import { app } from "@azure/functions";
import * as df from "durable-functions";
import {
  makeKeepCredit,
  makeListOverpayments,
  makeRefundOverpayment,
} from "../../shared/application/payments/overpayments";
import { PageQuery } from "../../shared/http/openapi";
import { handler, parseJson, parseParams, parseQuery } from "../../shared/http/parse";
import { authenticateTenant, idempotent, ok, parseOptionalJson, type ResolveDeps } from "./edge";
import { API_FUNCTIONS, API_ROUTES } from "./names";
import { CaseParams, KeepCreditBody, RefundBody } from "./schemas";

const DEFAULT_LIMIT = 25;

export function makeOverpaymentFunctions(resolve: ResolveDeps) {
  return {
    refundOverpayment: handler(async (request, context) => {
      const deps = resolve(context);
      const tenant = await authenticateTenant(request, deps);
      const { caseId } = parseParams(request, CaseParams);
      return idempotent(request, context, deps, tenant.tenantId, async () => {
        const body = await parseJson(request, RefundBody);
        return ok(200, await makeRefundOverpayment(deps)(tenant.tenantId, caseId, body));
      });
    }),
    keepCredit: handler(async (request, context) => {
      const deps = resolve(context);
      const tenant = await authenticateTenant(request, deps);
      const { caseId } = parseParams(request, CaseParams);
      return idempotent(request, context, deps, tenant.tenantId, async () => {
        await parseOptionalJson(request, KeepCreditBody);
        return ok(200, await makeKeepCredit(deps)(tenant.tenantId, caseId));
      });
    }),
    listOverpayments: handler(async (request, context) => {
      const deps = resolve(context);
      const tenant = await authenticateTenant(request, deps);
      const query = parseQuery(request, PageQuery);
      const page = await makeListOverpayments(deps)(tenant.tenantId, {
        limit: query.limit ?? DEFAULT_LIMIT,
        ...(query.continuationToken === undefined ? {} : { continuationToken: query.continuationToken }),
      });
      return ok(200, { items: page.items, continuationToken: page.continuationToken ?? null });
    }),
  };
}

/** Registers these functions with the host; `resolve` gives each invocation its deps. */
export function registerOverpaymentFunctions(resolve: ResolveDeps): void {
  const functions = makeOverpaymentFunctions(resolve);
  app.http(API_FUNCTIONS.refundOverpayment, {
    route: API_ROUTES.refunds,
    methods: ["POST"],
    authLevel: "anonymous",
    extraInputs: [df.input.durableClient()],
    handler: functions.refundOverpayment,
  });
  app.http(API_FUNCTIONS.keepCredit, {
    route: API_ROUTES.keepCredit,
    methods: ["POST"],
    authLevel: "anonymous",
    extraInputs: [df.input.durableClient()],
    handler: functions.keepCredit,
  });
  app.http(API_FUNCTIONS.listOverpayments, {
    route: API_ROUTES.overpayments,
    methods: ["GET"],
    authLevel: "anonymous",
    handler: functions.listOverpayments,
  });
}
