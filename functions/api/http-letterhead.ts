/** `GET /api/v1/letterhead` and `PUT /api/v1/letterhead`: the sender block, account and contacts on the creditor's letters. */
import { app } from "@azure/functions";
import { makeGetLetterhead, makePutLetterhead } from "../../shared/application/register-tenant";
import { handler, parseJson } from "../../shared/http/parse";
import { authenticateTenant, ok, type ResolveDeps } from "./edge";
import { API_FUNCTIONS, API_ROUTES } from "./names";
import { LetterheadBody } from "./schemas";

export function makeLetterheadFunctions(resolve: ResolveDeps) {
  return {
    getLetterhead: handler(async (request, context) => {
      const deps = resolve(context);
      const tenant = await authenticateTenant(request, deps);
      return ok(200, await makeGetLetterhead(deps)(tenant.tenantId));
    }),
    putLetterhead: handler(async (request, context) => {
      const deps = resolve(context);
      const tenant = await authenticateTenant(request, deps);
      const letterhead = await parseJson(request, LetterheadBody);
      return ok(200, await makePutLetterhead(deps)(tenant.tenantId, letterhead));
    }),
  };
}

/** Registers these functions with the host; `resolve` gives each invocation its deps. */
export function registerLetterheadFunctions(resolve: ResolveDeps): void {
  const functions = makeLetterheadFunctions(resolve);
  app.http(API_FUNCTIONS.getLetterhead, {
    route: API_ROUTES.letterhead,
    methods: ["GET"],
    authLevel: "anonymous",
    handler: functions.getLetterhead,
  });
  app.http(API_FUNCTIONS.putLetterhead, {
    route: API_ROUTES.letterhead,
    methods: ["PUT"],
    authLevel: "anonymous",
    handler: functions.putLetterhead,
  });
}
