/** `GET /api/v1/cases/{caseId}` (another tenant's → 404) and `GET /api/v1/cases?status=&customerId=&limit=&continuationToken=`. */
import { app } from "@azure/functions";
import { makeGetCase, makeListCases } from "../../shared/application/get-case";
import { handler, parseParams, parseQuery } from "../../shared/http/parse";
import { authenticateTenant, ok, type ResolveDeps } from "./edge";
import { API_FUNCTIONS, API_ROUTES } from "./names";
import { CaseListQuery, CaseParams } from "./schemas";

export function makeCaseFunctions(resolve: ResolveDeps) {
  return {
    getCase: handler(async (request, context) => {
      const deps = resolve(context);
      const tenant = await authenticateTenant(request, deps);
      const { caseId } = parseParams(request, CaseParams);
      return ok(200, await makeGetCase(deps)(tenant.tenantId, caseId));
    }),
    listCases: handler(async (request, context) => {
      const deps = resolve(context);
      const tenant = await authenticateTenant(request, deps);
      const query = parseQuery(request, CaseListQuery);
      return ok(200, await makeListCases(deps)(tenant.tenantId, query));
    }),
  };
}

/** Registers these functions with the host; `resolve` gives each invocation its deps. */
export function registerCaseFunctions(resolve: ResolveDeps): void {
  const functions = makeCaseFunctions(resolve);
  app.http(API_FUNCTIONS.getCase, {
    route: API_ROUTES.case,
    methods: ["GET"],
    authLevel: "anonymous",
    handler: functions.getCase,
  });
  app.http(API_FUNCTIONS.listCases, {
    route: API_ROUTES.cases,
    methods: ["GET"],
    authLevel: "anonymous",
    handler: functions.listCases,
  });
}
