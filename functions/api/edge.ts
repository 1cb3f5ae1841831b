/**
 * What every partner-API function shares: its dependencies per invocation, tenant authentication (with the dev
 * host's demo creditor seeded on first use of its key), and `Idempotency-Key` on POST scoped by tenant.
 */
import type { HttpRequest, HttpResponse, HttpResponseInit, InvocationContext } from "@azure/functions";
import { authenticate, hashApiKey, parseApiKey, type ApiKeyLookup, type AuthenticatedTenant } from "../../shared/http/api-keys";
import type { z } from "zod";
import { withIdempotency } from "../../shared/http/idempotency";
import { parseJson } from "../../shared/http/parse";
import { RequestValidationError } from "../../shared/http/problem";
import { makeSeedDemoTenant } from "../../shared/application/seed-demo-tenant";
import type { TenantStore } from "../../shared/ports/tenant-store";
import type { RequestDeps } from "../composition";

/** Builds the dependencies for one invocation (the composition root's `requestDeps`; tests pass literal ports). */
export type ResolveDeps = (context: InvocationContext) => RequestDeps;

const seeded = new WeakMap<TenantStore, Promise<unknown>>();

/**
 * The key lookup behind `authenticate`. Where `DEVHOST_DEMO_API_KEY` is set (the dev host only) and that very key's
 * id is looked up but unknown, the demo creditor is seeded first (once per store).
 */
export function tenantKeyLookup(deps: Pick<RequestDeps, "tenants" | "clock" | "settings">): ApiKeyLookup {
  return async (keyId) => {
    let record = await deps.tenants.findApiKey(keyId);
    const demoKey = deps.settings.DEVHOST_DEMO_API_KEY;
    const demo = demoKey ? parseApiKey(demoKey) : undefined;
    if (record === undefined && demoKey && demo?.keyId === keyId) {
      let seeding = seeded.get(deps.tenants);
      if (!seeding) {
        seeding = makeSeedDemoTenant(deps)({ keyId, keyHash: hashApiKey(demoKey) });
        seeded.set(deps.tenants, seeding);
        seeding.catch(() => seeded.delete(deps.tenants));
      }
      await seeding;
      record = await deps.tenants.findApiKey(keyId);
    }
    return record && { tenantId: record.tenantId, keyHash: record.keyHash };
  };
}

export function authenticateTenant(request: HttpRequest, deps: RequestDeps): Promise<AuthenticatedTenant> {
  return authenticate(request, tenantKeyLookup(deps));
}

/** Runs a POST at most once per (tenant, Idempotency-Key, request). */
export function idempotent(
  request: HttpRequest,
  context: InvocationContext,
  deps: RequestDeps,
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
