/** `POST /api/v1/cases/{caseId}/payments`: a payment the creditor received directly → 200 with the case. */
import { app } from "@azure/functions";
import * as df from "durable-functions";
import { makeRecordDirectPayment } from "../../shared/application/record-direct-payment";
import { handler, parseJson, parseParams } from "../../shared/http/parse";
import { authenticateTenant, idempotent, ok, type ResolveDeps } from "./edge";
import { API_FUNCTIONS, API_ROUTES } from "./names";
import { CaseParams, DirectPaymentBody } from "./schemas";

export function makePaymentFunctions(resolve: ResolveDeps) {
  return {
    recordPayment: handler(async (request, context) => {
      const deps = resolve(context);
      const tenant = await authenticateTenant(request, deps);
      const { caseId } = parseParams(request, CaseParams);
      return idempotent(request, context, deps, tenant.tenantId, async () => {
        const body = await parseJson(request, DirectPaymentBody);
        return ok(200, await makeRecordDirectPayment(deps)(tenant.tenantId, caseId, body));
      });
    }),
  };
}

/** Registers these functions with the host; `resolve` gives each invocation its deps. */
export function registerPaymentFunctions(resolve: ResolveDeps): void {
  const functions = makePaymentFunctions(resolve);
  app.http(API_FUNCTIONS.recordPayment, {
    route: API_ROUTES.payments,
    methods: ["POST"],
    authLevel: "anonymous",
    extraInputs: [df.input.durableClient()],
    handler: functions.recordPayment,
  });
}
