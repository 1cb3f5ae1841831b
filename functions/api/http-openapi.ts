/** `GET /api/openapi.json`: the OpenAPI 3.1 document of the partner API (built once, from the zod schemas). */
import { app, type HttpRequest, type HttpResponseInit } from "@azure/functions";
import { appInfo } from "../../shared/config/app-info";
import { buildOpenApiDocument, createApiRegistry } from "../../shared/http/openapi";
import { handler } from "../../shared/http/parse";
import { API_FUNCTIONS, API_ROUTES } from "./names";
import { registerWebhookEndpoints } from "../webhooks/openapi";
import { registerAssistantEndpoints } from "../assistant/openapi";
import { registerPartnerApi } from "./openapi";

/** Endpoint groups beyond functions/api: webhooks, the assistant, and any that add themselves with `addOpenApiRegistrations`. */
const extraRegistrations: Array<(registry: ReturnType<typeof createApiRegistry>) => void> = [
  registerWebhookEndpoints,
  registerAssistantEndpoints,
];

export function addOpenApiRegistrations(register: (registry: ReturnType<typeof createApiRegistry>) => void): void {
  extraRegistrations.push(register);
  cached = undefined;
}

let cached: ReturnType<typeof buildOpenApiDocument> | undefined;

export function partnerApiDocument(): ReturnType<typeof buildOpenApiDocument> {
  if (!cached) {
    const registry = createApiRegistry();
    registerPartnerApi(registry);
    for (const register of extraRegistrations) register(registry);
    cached = buildOpenApiDocument(registry, {
      version: appInfo.version,
      servers: [{ url: "/api", description: "This host" }],
    });
  }
  return cached;
}

export async function openApiDocument(_request: HttpRequest): Promise<HttpResponseInit> {
  return { status: 200, headers: { "cache-control": "public, max-age=300" }, jsonBody: partnerApiDocument() };
}

/** Registers `GET /api/openapi.json` (needs no deps). */
export function registerOpenApiFunction(): void {
  app.http(API_FUNCTIONS.openApi, {
    route: API_ROUTES.openApi,
    methods: ["GET"],
    authLevel: "anonymous",
    handler: handler(openApiDocument),
  });
}
