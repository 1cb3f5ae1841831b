/**
 * `PATCH /api/v1/cases/{caseId}/customer` and `PATCH /api/v1/customers/{customerId}` (every open case of the
 * customer): the customer's contact data and consent, as a JSON Merge Patch → 200 with the customer as updated.
 * Each change is on the case's timeline by field name (never the values).
 */
import { app } from "@azure/functions";
import * as df from "durable-functions";
import { makeUpdateCaseCustomer, makeUpdateCustomer } from "../../shared/application/customer-contact";
import { makeRedeliverLetters } from "../../shared/application/letters/deliver-letter";
import { deliverLetterDepsFrom } from "../deliver-letter-deps";
import { handler, parseJson, parseParams } from "../../shared/http/parse";
import { authenticateTenant, idempotent, ok, type ResolveDeps } from "./edge";
import { API_FUNCTIONS, API_ROUTES } from "./names";
import { CaseParams, CustomerContactPatchBody, CustomerParams } from "./schemas";

/** The use cases' deps: a changed address or e-mail sends the letters that found no channel again. */
function contactDeps(deps: ReturnType<ResolveDeps>) {
  return { ...deps, redeliverLetters: makeRedeliverLetters(deliverLetterDepsFrom(deps, deps.workflow)) };
}

export function makeCustomerFunctions(resolve: ResolveDeps) {
  return {
    updateCaseCustomer: handler(async (request, context) => {
      const deps = contactDeps(resolve(context));
      const tenant = await authenticateTenant(request, deps);
      const { caseId } = parseParams(request, CaseParams);
      return idempotent(request, context, deps, tenant.tenantId, async () => {
        const body = await parseJson(request, CustomerContactPatchBody);
        return ok(200, await makeUpdateCaseCustomer(deps)(tenant.tenantId, caseId, body));
      });
    }),
    updateCustomer: handler(async (request, context) => {
      const deps = contactDeps(resolve(context));
      const tenant = await authenticateTenant(request, deps);
      const { customerId } = parseParams(request, CustomerParams);
      return idempotent(request, context, deps, tenant.tenantId, async () => {
        const body = await parseJson(request, CustomerContactPatchBody);
        return ok(200, await makeUpdateCustomer(deps)(tenant.tenantId, customerId, body));
      });
    }),
  };
}

/** Registers these functions with the host; `resolve` gives each invocation its deps. */
export function registerCustomerFunctions(resolve: ResolveDeps): void {
  const functions = makeCustomerFunctions(resolve);
  for (const [name, route, fn] of [
    [API_FUNCTIONS.updateCaseCustomer, API_ROUTES.caseCustomer, functions.updateCaseCustomer],
    [API_FUNCTIONS.updateCustomer, API_ROUTES.customer, functions.updateCustomer],
  ] as const) {
    // The durable client: a letter sent again wakes the case's orchestration, which waits for it.
    app.http(name, {
      route,
      methods: ["PATCH"],
      authLevel: "anonymous",
      extraInputs: [df.input.durableClient()],
      handler: fn,
    });
  }
}
