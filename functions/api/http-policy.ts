/** `GET /api/v1/policy` and `PUT /api/v1/policy`: the creditor's ladder (422 with the reasons when unlawful). */
import { app } from "@azure/functions";
import { makeGetPolicy, makePutPolicy } from "../../shared/application/policy";
import { handler, parseJson } from "../../shared/http/parse";
import { authenticateTenant, ok, type ResolveDeps } from "./edge";
import { API_FUNCTIONS, API_ROUTES } from "./names";
import { PolicyBody } from "./schemas";

export function makePolicyFunctions(resolve: ResolveDeps) {
  return {
    getPolicy: handler(async (request, context) => {
      const deps = resolve(context);
      const tenant = await authenticateTenant(request, deps);
      return ok(200, await makeGetPolicy(deps)(tenant.tenantId));
    }),
    putPolicy: handler(async (request, context) => {
      const deps = resolve(context);
      const tenant = await authenticateTenant(request, deps);
      const policy = await parseJson(request, PolicyBody);
      return ok(200, await makePutPolicy(deps)(tenant.tenantId, policy));
    }),
  };
}

/** Registers these functions with the host; `resolve` gives each invocation its deps. */
export function registerPolicyFunctions(resolve: ResolveDeps): void {
  const functions = makePolicyFunctions(resolve);
  app.http(API_FUNCTIONS.getPolicy, {
    route: API_ROUTES.policy,
    methods: ["GET"],
    authLevel: "anonymous",
    handler: functions.getPolicy,
  });
  app.http(API_FUNCTIONS.putPolicy, {
    route: API_ROUTES.policy,
    methods: ["PUT"],
    authLevel: "anonymous",
    handler: functions.putPolicy,
  });
}
