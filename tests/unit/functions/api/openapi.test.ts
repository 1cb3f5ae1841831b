import { compileErrors, validate } from "@readme/openapi-parser";
import { describe, expect, it } from "vitest";
import { HttpRequest } from "@azure/functions";
import { openApiDocument, partnerApiDocument } from "../../../../functions/api/http-openapi";
import { API_ROUTES } from "../../../../functions/api/names";
import { read } from "../../http/http-fixtures";

describe("GET /api/openapi.json", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const document = structuredClone(partnerApiDocument());
    const result = await validate(document as never);
    expect(result.valid ? [] : compileErrors(result)).toEqual([]);
    expect(document.openapi).toBe("3.1.0");
  });

  it("documents every partner API route", () => {
    const paths = Object.keys(partnerApiDocument().paths ?? {}).map((p) => `api${p}`);
    const routes = Object.entries(API_ROUTES)
      .filter(([name]) => name !== "openApi")
      .map(([, route]) => route);
    expect(paths.sort()).toEqual(expect.arrayContaining(routes.sort()));
  });

  it("documents the customer contact PATCHes with Idempotency-Key and their problems", () => {
    const paths = partnerApiDocument().paths ?? {};
    for (const [path, operationId] of [
      ["/v1/cases/{caseId}/customer", "updateCaseCustomer"],
      ["/v1/customers/{customerId}", "updateCustomer"],
    ] as const) {
      const operation = paths[path]?.patch;
      expect(operation?.operationId).toBe(operationId);
      expect(JSON.stringify(operation?.parameters)).toContain("#/components/parameters/IdempotencyKey");
      expect(Object.keys(operation?.responses ?? {})).toEqual(expect.arrayContaining(["200", "400", "404", "422"]));
    }
  });

  it("tells a reply's sender that a repeat without Idempotency-Key is a second reply, and how to make it safe", () => {
    const operation = (partnerApiDocument().paths ?? {})["/v1/cases/{caseId}/messages"]?.post;
    expect(operation?.operationId).toBe("replyToDebtorMessage");
    expect(JSON.stringify(operation?.parameters)).toContain("#/components/parameters/IdempotencyKey");
    expect(operation?.description).toContain("two POSTs without an `Idempotency-Key` are two replies");
    expect(operation?.description).toContain("stores and alerts once");
  });

  it("is served as JSON", async () => {
    const res = await read(
      await openApiDocument(new HttpRequest({ method: "GET", url: "http://localhost/api/openapi.json" })),
    );
    expect(res.status).toBe(200);
    expect(res.json.paths["/v1/invoices"].post.operationId).toBe("registerInvoice");
  });
});
