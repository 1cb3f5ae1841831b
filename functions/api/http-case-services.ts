/**
 * `POST /api/v1/cases/{caseId}/services/{serviceId}/block` `{ reason }` → 200 the service: customer service or the
 * creditor blocks a service by hand (an open one is suspended by a command to the partner's system; a suspended one
 * will not reopen on payment until it is unblocked). Audited on the case's timeline with the reason and the API key.
 * `POST …/unblock` → 200 the service: removes the manual block (reopening it when nothing else blocks it).
 * 404 unknown case or service · 409 already blocked / not blocked.
 */
import { app } from "@azure/functions";
import { serviceViewOf } from "../../shared/application/get-case";
import { makeBlockService, makeUnblockService } from "../../shared/application/services/partner-commands";
import { handler, parseJson, parseParams } from "../../shared/http/parse";
import { authenticateTenant, idempotent, ok, type ResolveDeps } from "./edge";
import { API_FUNCTIONS, API_ROUTES } from "./names";
import { ServiceBlockBody, ServiceParams } from "./schemas";

export function makeCaseServiceFunctions(resolve: ResolveDeps) {
  return {
    block: handler(async (request, context) => {
      const deps = resolve(context);
      const tenant = await authenticateTenant(request, deps);
      const { caseId, serviceId } = parseParams(request, ServiceParams);
      return idempotent(request, context, deps, tenant.tenantId, async () => {
        const body = await parseJson(request, ServiceBlockBody);
        const service = await makeBlockService(deps)({
          tenantId: tenant.tenantId,
          caseId,
          serviceId,
          reason: body.reason,
          by: `api-key:${tenant.keyId}`,
        });
        return ok(200, serviceViewOf(service));
      });
    }),
    unblock: handler(async (request, context) => {
      const deps = resolve(context);
      const tenant = await authenticateTenant(request, deps);
      const { caseId, serviceId } = parseParams(request, ServiceParams);
      return idempotent(request, context, deps, tenant.tenantId, async () => {
        const service = await makeUnblockService(deps)({
          tenantId: tenant.tenantId,
          caseId,
          serviceId,
          by: `api-key:${tenant.keyId}`,
        });
        return ok(200, serviceViewOf(service));
      });
    }),
  };
}

export function registerCaseServiceFunctions(resolve: ResolveDeps): void {
  const functions = makeCaseServiceFunctions(resolve);
  app.http(API_FUNCTIONS.blockService, {
    route: API_ROUTES.blockService,
    methods: ["POST"],
    authLevel: "anonymous",
    handler: functions.block,
  });
  app.http(API_FUNCTIONS.unblockService, {
    route: API_ROUTES.unblockService,
    methods: ["POST"],
    authLevel: "anonymous",
    handler: functions.unblock,
  });
}
