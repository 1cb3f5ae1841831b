/**
 * What every partner-API function shares: the area's deps, tenant authentication, and `Idempotency-Key` on POST and
 * PATCH scoped by tenant.
 */
import type { HttpRequest, HttpResponse, HttpResponseInit, InvocationContext } from "@azure/functions";
import type { z } from "zod";
import { authenticate, type ApiKeyLookup, type AuthenticatedTenant } from "../../shared/http/api-keys";
import { withIdempotency } from "../../shared/http/idempotency";
import { parseJson } from "../../shared/http/parse";
import { RequestValidationError } from "../../shared/http/problem";
import type { MessageThreadStore } from "../../shared/ports/message-thread-store";
import type { AppDeps, RequestDeps, WorkflowFor } from "../deps";

/** The partner API's deps: the app's ports, the API-key lookup, the operator key and the invocation's workflow. */
export interface ApiDeps extends AppDeps {
  /** Finds a tenant's API key by its id (the composition root reads the tenant store). */
  lookupApiKey: ApiKeyLookup;
  /** `OPERATOR_API_KEY`: the key operators use to onboard creditors. */
  operatorApiKey: string;
  /**
   * Accept partner connection URLs on this machine (`WEBHOOK_ALLOW_LOOPBACK_URLS`: the dev host's partner simulator
   * and local runs; never in Azure). Default false.
   */
  allowLoopbackUrls?: boolean;
  workflowFor: WorkflowFor;
  /** Min side's message threads (customer service reads and replies through GET/POST …/messages); absent: 503. */
  messageThreads?: MessageThreadStore;
}

/** The deps for one invocation (tests pass literal ports). */
export type ResolveDeps = (context: InvocationContext) => ApiDeps & RequestDeps;

export function authenticateTenant(
  request: HttpRequest,
  deps: Pick<ApiDeps, "lookupApiKey">,
): Promise<AuthenticatedTenant> {
  return authenticate(request, deps.lookupApiKey);
}

/** Runs a POST or PATCH at most once per (tenant, Idempotency-Key, request). */
export function idempotent(
  request: HttpRequest,
  context: InvocationContext,
  deps: Pick<AppDeps, "idempotency" | "clock">,
  scope: string,
  fn: () => Promise<HttpResponseInit | HttpResponse>,
): Promise<HttpResponseInit | HttpResponse> {
  return withIdempotency(request, scope, fn, { store: deps.idempotency, clock: deps.clock, log: context });
}

export function ok(status: number, body: unknown): HttpResponseInit {
  return { status, headers: { "cache-control": "no-store" }, jsonBody: body };
}

/** A POST whose body may be left out (e.g. resume): no body or an empty one reads as `{}`. */
export async function parseOptionalJson<S extends z.ZodType>(request: HttpRequest, schema: S): Promise<z.output<S>> {
  const text = await request.clone().text();
  if (text.trim() === "") {
    const result = schema.safeParse({});
    if (!result.success) throw new RequestValidationError("body", result.error, {});
    return result.data;
  }
  return parseJson(request, schema);
}
