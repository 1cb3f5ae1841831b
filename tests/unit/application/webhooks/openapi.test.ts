import { OpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import { describe, expect, it } from "vitest";
import { registerWebhookEndpoints } from "../../../../functions/webhooks/openapi";
import { buildOpenApiDocument } from "../../../../shared/http/openapi";

/** The parts of the generated document these assertions read. */
interface Media {
  schema?: unknown;
}
interface Operation {
  operationId?: string;
  requestBody?: { content: Record<string, Media> };
  responses: Record<string, { content?: Record<string, Media> }>;
}
interface Schema {
  properties: Record<string, { items?: { enum?: string[] } }>;
}

describe("webhook endpoints in OpenAPI", () => {
  it("documents POST and GET /v1/webhooks with the request body, the 201 with the secret and tenant auth", () => {
    const registry = new OpenAPIRegistry();
    registerWebhookEndpoints(registry);
    const doc = buildOpenApiDocument(registry, { version: "test", servers: [{ url: "http://localhost/api" }] });
    const path = doc.paths?.["/v1/webhooks"] as { post: Operation; get: Operation };
    expect(path.post.operationId).toBe("registerWebhook");
    expect(path.post.requestBody?.content["application/json"]?.schema).toEqual({
      $ref: "#/components/schemas/RegisterWebhookRequest",
    });
    expect(path.post.responses["201"]?.content?.["application/json"]?.schema).toEqual({
      $ref: "#/components/schemas/WebhookRegistered",
    });
    expect(Object.keys(path.post.responses)).toEqual(
      expect.arrayContaining(["400", "401", "409", "415", "422", "500"]),
    );
    expect(path.get.operationId).toBe("listWebhooks");
    const request = doc.components?.schemas?.["RegisterWebhookRequest"] as Schema;
    expect(request.properties["events"]?.items?.enum).toContain("case.step_executed");
    const listed = doc.components?.schemas?.["Webhook"] as Schema;
    expect(Object.keys(listed.properties)).toEqual([
      "id",
      "url",
      "events",
      "createdAt",
      "disabledAt",
      "disabledReason",
    ]);
  });
});
