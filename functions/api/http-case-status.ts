/**
 * `POST /api/v1/cases/{caseId}/hold`, `…/resume`, `…/cancel`, `…/dispute` `{ reason }` and `…/dispute/resolve`
 * `{ outcome }` → 200 with the case; not allowed in its state → 409.
 */
import { app } from "@azure/functions";
import * as df from "durable-functions";
import {
  makeCancelCase,
  makeHoldCase,
  makeOpenDispute,
  makeResolveDispute,
  makeResumeCase,
} from "../../shared/application/case-status";
import { handler, parseJson, parseParams } from "../../shared/http/parse";
import { authenticateTenant, idempotent, ok, parseOptionalJson, type ResolveDeps } from "./edge";
import { API_FUNCTIONS, API_ROUTES } from "./names";
import { CancelBody, CaseParams, DisputeBody, HoldBody, ResolveDisputeBody, ResumeBody } from "./schemas";

export function makeCaseStatusFunctions(resolve: ResolveDeps) {
  return {
    holdCase: handler(async (request, context) => {
      const deps = resolve(context);
      const tenant = await authenticateTenant(request, deps);
      const { caseId } = parseParams(request, CaseParams);
      return idempotent(request, context, deps, tenant.tenantId, async () => {
        const body = await parseJson(request, HoldBody);
        return ok(200, await makeHoldCase(deps)(tenant.tenantId, caseId, body));
      });
    }),
    resumeCase: handler(async (request, context) => {
      const deps = resolve(context);
      const tenant = await authenticateTenant(request, deps);
      const { caseId } = parseParams(request, CaseParams);
      return idempotent(request, context, deps, tenant.tenantId, async () => {
        await parseOptionalJson(request, ResumeBody);
        return ok(200, await makeResumeCase(deps)(tenant.tenantId, caseId));
      });
    }),
    cancelCase: handler(async (request, context) => {
      const deps = resolve(context);
      const tenant = await authenticateTenant(request, deps);
      const { caseId } = parseParams(request, CaseParams);
      return idempotent(request, context, deps, tenant.tenantId, async () => {
        const body = await parseJson(request, CancelBody);
        return ok(200, await makeCancelCase(deps)(tenant.tenantId, caseId, body));
      });
    }),
    openDispute: handler(async (request, context) => {
      const deps = resolve(context);
      const tenant = await authenticateTenant(request, deps);
      const { caseId } = parseParams(request, CaseParams);
      return idempotent(request, context, deps, tenant.tenantId, async () => {
        const body = await parseJson(request, DisputeBody);
        return ok(200, await makeOpenDispute(deps)(tenant.tenantId, caseId, body));
      });
    }),
    resolveDispute: handler(async (request, context) => {
      const deps = resolve(context);
      const tenant = await authenticateTenant(request, deps);
      const { caseId } = parseParams(request, CaseParams);
      return idempotent(request, context, deps, tenant.tenantId, async () => {
        const body = await parseJson(request, ResolveDisputeBody);
        return ok(200, await makeResolveDispute(deps)(tenant.tenantId, caseId, body));
      });
    }),
  };
}

/** Registers these functions with the host; `resolve` gives each invocation its deps. */
export function registerCaseStatusFunctions(resolve: ResolveDeps): void {
  const functions = makeCaseStatusFunctions(resolve);
  const durableClient = df.input.durableClient();
  for (const [name, route, fn] of [
    [API_FUNCTIONS.holdCase, API_ROUTES.hold, functions.holdCase],
    [API_FUNCTIONS.resumeCase, API_ROUTES.resume, functions.resumeCase],
    [API_FUNCTIONS.cancelCase, API_ROUTES.cancel, functions.cancelCase],
    [API_FUNCTIONS.openDispute, API_ROUTES.dispute, functions.openDispute],
    [API_FUNCTIONS.resolveDispute, API_ROUTES.resolveDispute, functions.resolveDispute],
  ] as const) {
    app.http(name, { route, methods: ["POST"], authLevel: "anonymous", extraInputs: [durableClient], handler: fn });
  }
}
