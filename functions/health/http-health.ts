import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from "@azure/functions";
import { appInfo } from "../../shared/config/app-info";
import { HEALTH_FUNCTION } from "./names";

/** Liveness for load balancers and operators: answers without touching any dependency. */
export async function health(_request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
  return {
    status: 200,
    headers: { "cache-control": "no-store" },
    jsonBody: { status: "ok", name: appInfo.name, version: appInfo.version },
  };
}

/** Registers the health endpoint (it needs no deps). */
export function registerHealth(): void {
  app.http(HEALTH_FUNCTION, { route: "api/health", methods: ["GET"], authLevel: "anonymous", handler: health });
}
