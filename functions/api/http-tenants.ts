/** `POST /api/v1/tenants` (operator key): onboard a creditor → 201 `{ tenantId, apiKey }`. */
import { app } from "@azure/functions";
import { makeRegisterTenant } from "../../shared/application/register-tenant";
import { authenticateOperator, generateApiKey } from "../../shared/http/api-keys";
import { handler, parseJson } from "../../shared/http/parse";
import { idempotent, ok, type ResolveDeps } from "./edge";
import { API_FUNCTIONS, API_ROUTES } from "./names";
import { RegisterTenantBody } from "./schemas";

/** Idempotency-Key scope of operator requests (tenant ids never look like this). */
export const OPERATOR_SCOPE = "operator";

export function makeTenantFunctions(resolve: ResolveDeps) {
  return {
    registerTenant: handler(async (request, context) => {
      const deps = resolve(context);
      authenticateOperator(request, deps.operatorApiKey);
      return idempotent(request, context, deps, OPERATOR_SCOPE, async () => {
        const body = await parseJson(request, RegisterTenantBody);
        const registered = await makeRegisterTenant({ ...deps, newApiKey: () => generateApiKey("live") })(body);
        return ok(201, registered);
      });
    }),
  };
}

/** Registers these functions with the host; `resolve` gives each invocation its deps. */
export function registerTenantFunctions(resolve: ResolveDeps): void {
  const functions = makeTenantFunctions(resolve);
  app.http(API_FUNCTIONS.registerTenant, {
    route: API_ROUTES.tenants,
    methods: ["POST"],
    authLevel: "anonymous",
    handler: functions.registerTenant,
  });
}
