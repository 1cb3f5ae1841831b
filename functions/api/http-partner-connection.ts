/**
 * `PUT`, `GET` and `DELETE /api/v1/partner-connection`: the tenant's connection to its partner system (base URL,
 * role, HMAC or OAuth2 credentials). PUT answers 201 (created) or 200 (replaced) with the secrets it generated —
 * shown that once; GET never shows a secret; DELETE answers 204; GET and DELETE answer 404 when none is set.
 */
import { app } from "@azure/functions";
import {
  makeDeletePartnerConnection,
  makeGetPartnerConnection,
  makePutPartnerConnection,
} from "../../shared/application/partners/partner-connection";
import { handler, parseJson } from "../../shared/http/parse";
import { authenticateTenant, idempotent, ok, type ResolveDeps } from "./edge";
import { API_FUNCTIONS, API_ROUTES } from "./names";

export function makePartnerConnectionFunctions(resolve: ResolveDeps) {
  return {
    putPartnerConnection: handler(async (request, context) => {
      const deps = resolve(context);
      const tenant = await authenticateTenant(request, deps);
      return idempotent(request, context, deps, tenant.tenantId, async () => {
        const put = makePutPartnerConnection({ ...deps, allowLoopback: deps.allowLoopbackUrls ?? false });
        const body = await parseJson(request, put.body);
        const saved = await put(tenant.tenantId, body);
        return ok(saved.created ? 201 : 200, {
          connection: saved.connection,
          hub: saved.hub,
          secrets: saved.secrets,
        });
      });
    }),
    getPartnerConnection: handler(async (request, context) => {
      const deps = resolve(context);
      const tenant = await authenticateTenant(request, deps);
      return ok(200, await makeGetPartnerConnection(deps)(tenant.tenantId));
    }),
    deletePartnerConnection: handler(async (request, context) => {
      const deps = resolve(context);
      const tenant = await authenticateTenant(request, deps);
      await makeDeletePartnerConnection(deps)(tenant.tenantId);
      return { status: 204, headers: { "cache-control": "no-store" } };
    }),
  };
}

/** Registers these functions with the host; `resolve` gives each invocation its deps. */
export function registerPartnerConnectionFunctions(resolve: ResolveDeps): void {
  const functions = makePartnerConnectionFunctions(resolve);
  app.http(API_FUNCTIONS.putPartnerConnection, {
    route: API_ROUTES.partnerConnection,
    methods: ["PUT"],
    authLevel: "anonymous",
    handler: functions.putPartnerConnection,
  });
  app.http(API_FUNCTIONS.getPartnerConnection, {
    route: API_ROUTES.partnerConnection,
    methods: ["GET"],
    authLevel: "anonymous",
    handler: functions.getPartnerConnection,
  });
  app.http(API_FUNCTIONS.deletePartnerConnection, {
    route: API_ROUTES.partnerConnection,
    methods: ["DELETE"],
    authLevel: "anonymous",
    handler: functions.deletePartnerConnection,
  });
}
