import { validate, compileErrors } from "@readme/openapi-parser";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { DomainError } from "../../../shared/domain/errors";
import {
  MoneyDto,
  Page,
  PageQuery,
  Problem,
  buildOpenApiDocument,
  createApiRegistry,
  problemStatusesFor,
  registerEndpoint,
} from "../../../shared/http/openapi";
import { RequestValidationError, toProblem } from "../../../shared/http/problem";
import { contextWithLog, read } from "./http-fixtures";

/** A registry shaped like the partner API's: what endpoint modules will register. */
function sampleRegistry() {
  const registry = createApiRegistry();
  const RegisterInvoiceBody = z.object({
    invoiceNumber: z.string().min(1).max(64),
    customer: z.object({
      customerId: z.string().min(1),
      name: z.string().min(1),
      phone: z.string().optional().meta({ description: "E.164", example: "+4791234567" }),
      consent: z.object({ sms: z.boolean(), email: z.boolean() }).optional(),
    }),
    amount: MoneyDto,
    issueDate: z.iso.date(),
    dueDate: z.iso.date(),
    services: z.array(z.object({ serviceId: z.string(), kind: z.enum(["broadband", "power-meter"]) })).optional(),
  });
  const InvoiceRegistered = z.object({
    caseId: z.string(),
    kid: z.string(),
    status: z.literal("open"),
    payLink: z.url(),
  });
  const CaseSummary = z
    .object({ caseId: z.string(), status: z.enum(["open", "paid"]), balance: MoneyDto })
    .meta({ id: "CaseSummary" });

  registerEndpoint(registry, {
    method: "post",
    path: "/v1/invoices",
    operationId: "registerInvoice",
    summary: "Hand over an invoice; a case is created",
    tags: ["Invoices"],
    auth: "tenant",
    request: { body: RegisterInvoiceBody },
    responses: { 201: { description: "The case was created.", schema: InvoiceRegistered } },
    problems: [409],
  });
  registerEndpoint(registry, {
    method: "get",
    path: "/v1/cases/{caseId}",
    operationId: "getCase",
    summary: "One case",
    tags: ["Cases"],
    auth: "tenant",
    request: { params: z.object({ caseId: z.string().openapi({ param: { description: "The case id." } }) }) },
    responses: { 200: { description: "The case.", schema: CaseSummary } },
    problems: [404],
  });
  registerEndpoint(registry, {
    method: "get",
    path: "/v1/cases",
    operationId: "listCases",
    summary: "Cases, newest first",
    tags: ["Cases"],
    auth: "tenant",
    request: { query: PageQuery.extend({ status: z.enum(["open", "paid"]).optional() }) },
    responses: { 200: { description: "A page of cases.", schema: Page(CaseSummary) } },
  });
  registerEndpoint(registry, {
    method: "post",
    path: "/v1/tenants",
    operationId: "createTenant",
    summary: "Onboard a creditor",
    tags: ["Operator"],
    auth: "operator",
    request: {
      body: z.object({
        name: z.string(),
        orgNumber: z.string().regex(/^[0-9]{9}$/u),
        country: z.enum(["NO", "DK", "SE"]),
      }),
    },
    responses: {
      201: {
        description: "The tenant and its API key (shown once).",
        schema: z.object({ tenantId: z.string(), apiKey: z.string() }),
      },
    },
  });
  registerEndpoint(registry, {
    method: "get",
    path: "/health",
    operationId: "health",
    summary: "Liveness",
    auth: "none",
    responses: { 200: { description: "Up.", schema: z.object({ status: z.literal("ok") }) } },
  });
  return registry;
}

const document = () =>
  buildOpenApiDocument(sampleRegistry(), { version: "0.1.0", servers: [{ url: "http://localhost:7071/api" }] });

describe("the OpenAPI document", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const doc = document();
    expect(doc.openapi).toBe("3.1.0");
    const result = await validate(structuredClone(doc) as never, { resolve: { external: false } });
    if (!result.valid) throw new Error(compileErrors(result));
    expect(result.valid).toBe(true);
  });

  it("is checked by a validator that does reject broken documents", async () => {
    const broken = structuredClone(document()) as unknown as {
      paths: Record<string, Record<string, { parameters?: unknown[] }>>;
    };
    const getCase = broken.paths["/v1/cases/{caseId}"]?.["get"];
    if (getCase) getCase.parameters = []; // {caseId} in the path, but no longer declared
    const result = await validate(broken as never, { resolve: { external: false } });
    expect(result.valid).toBe(false);
  });

  it("declares the x-api-key security schemes and requires them per endpoint", () => {
    const doc = document();
    expect(doc.components?.securitySchemes).toMatchObject({
      ApiKey: { type: "apiKey", in: "header", name: "x-api-key" },
      OperatorKey: { type: "apiKey", in: "header", name: "x-api-key" },
    });
    expect(doc.paths?.["/v1/invoices"]?.post?.security).toEqual([{ ApiKey: [] }]);
    expect(doc.paths?.["/v1/tenants"]?.post?.security).toEqual([{ OperatorKey: [] }]);
    expect(doc.paths?.["/health"]?.get?.security).toEqual([]);
  });

  it("offers the Idempotency-Key header on POST endpoints only", () => {
    const doc = document();
    const idempotencyRef = { $ref: "#/components/parameters/IdempotencyKey" };
    expect(doc.components?.parameters?.["IdempotencyKey"]).toMatchObject({
      name: "Idempotency-Key",
      in: "header",
      required: false,
    });
    expect(doc.paths?.["/v1/invoices"]?.post?.parameters).toContainEqual(idempotencyRef);
    expect(doc.paths?.["/v1/cases"]?.get?.parameters ?? []).not.toContainEqual(idempotencyRef);
  });

  it("documents problem responses as application/problem+json with the Problem schema", () => {
    const doc = document();
    const responses = doc.paths?.["/v1/invoices"]?.post?.responses ?? {};
    expect(Object.keys(responses).sort()).toEqual(["201", "400", "401", "409", "415", "422", "500"]);
    expect(responses["422"]).toEqual({ $ref: "#/components/responses/ValidationFailed" });
    expect(doc.components?.responses?.["ValidationFailed"]).toMatchObject({
      content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
    });
    expect(doc.paths?.["/v1/cases/{caseId}"]?.get?.responses?.["404"]).toEqual({
      $ref: "#/components/responses/NotFound",
    });
  });

  it("describes amounts as integer minor units with a currency, and pages with a continuation token", () => {
    const doc = document();
    expect(doc.components?.schemas?.["Money"]).toMatchObject({
      type: "object",
      properties: { value: { type: "integer" }, currency: { enum: ["NOK", "DKK", "SEK", "EUR"] } },
      required: ["value", "currency"],
    });
    const page = doc.paths?.["/v1/cases"]?.get?.responses?.["200"] as { content: Record<string, { schema: unknown }> };
    expect(page.content["application/json"]?.schema).toMatchObject({
      properties: { items: { type: "array" }, continuationToken: { type: ["string", "null"] } },
    });
    expect(doc.paths?.["/v1/cases"]?.get?.parameters).toContainEqual(
      expect.objectContaining({ name: "limit", in: "query", required: false }),
    );
  });

  it("derives each endpoint's problem statuses from what it declares", () => {
    expect(
      problemStatusesFor({
        method: "get",
        path: "/health",
        operationId: "h",
        summary: "h",
        auth: "none",
        responses: {},
      }),
    ).toEqual([500]);
    expect(
      problemStatusesFor({
        method: "put",
        path: "/v1/policy",
        operationId: "p",
        summary: "p",
        auth: "tenant",
        request: { body: z.object({}) },
        responses: {},
      }),
    ).toEqual([400, 401, 415, 422, 500]);
  });
});

describe("the Problem schema", () => {
  class CaseNotFound extends DomainError {
    readonly code = "CASE_NOT_FOUND";
  }

  it("matches the problems the HTTP edge actually sends", async () => {
    const samples = [
      toProblem(new CaseNotFound("No case 42.", { caseId: "42" })),
      toProblem(new Error("boom"), contextWithLog().context),
      toProblem(new RequestValidationError("query", z.object({ limit: z.number() }).safeParse({}).error!, {})),
    ];
    for (const sample of samples) expect(Problem.safeParse((await read(sample)).json).success).toBe(true);
  });
});
