import { describe, expect, it } from "vitest";
import { z } from "zod";
import { DomainError } from "../../../shared/domain/errors";
import { Money } from "../../../shared/domain/money";
import {
  handler,
  isJsonContentType,
  parseHeader,
  parseJson,
  parseParams,
  parseQuery,
} from "../../../shared/http/parse";
import { ProblemType } from "../../../shared/http/problem";
import { contextWithLog, getRequest, jsonRequest, read } from "./http-fixtures";

const RegisterInvoiceBody = z.object({
  invoiceNumber: z.string().min(1),
  customer: z.object({
    customerId: z.string().min(1),
    name: z.string().min(1),
    phone: z
      .string()
      .regex(/^\+[1-9][0-9]{7,14}$/u, "must be an E.164 phone number")
      .optional(),
  }),
  amount: Money,
  dueDate: z.iso.date(),
  lines: z.array(z.object({ text: z.string(), amount: Money })).optional(),
});

const validBody = {
  invoiceNumber: "10042",
  customer: { customerId: "c-1", name: "Kari Nordmann", phone: "+4791234567" },
  amount: { value: 129900, currency: "NOK" },
  dueDate: "2026-12-01",
};

class CaseNotFound extends DomainError {
  readonly code = "CASE_NOT_FOUND";
}

/** Runs parseJson the way a function file does, through `handler`, and reads the response. */
async function post(request: ReturnType<typeof jsonRequest>) {
  const fn = handler(async (req) => ({ status: 201, jsonBody: await parseJson(req, RegisterInvoiceBody) }));
  return read(await fn(request, contextWithLog().context));
}

describe("parsing a JSON body", () => {
  it("returns the validated body", async () => {
    const response = await post(jsonRequest(validBody));
    expect(response.status).toBe(201);
    expect(response.json).toEqual(validBody);
  });

  it("names every wrong value by JSON Pointer in a 422 when the body has the right shape", async () => {
    const response = await post(
      jsonRequest({
        ...validBody,
        invoiceNumber: "",
        customer: { ...validBody.customer, phone: "91234567" },
        amount: { value: 100, currency: "USD" },
        dueDate: "2026-13-01",
      }),
    );
    expect(response.status).toBe(422);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(response.json.type).toBe(ProblemType.validation);
    expect(response.json.errors).toEqual([
      { pointer: "/invoiceNumber", code: "TOO_SMALL", detail: expect.any(String) },
      { pointer: "/customer/phone", code: "INVALID_FORMAT", detail: "must be an E.164 phone number" },
      { pointer: "/amount/currency", code: "INVALID_VALUE", detail: expect.any(String) },
      { pointer: "/dueDate", code: "INVALID_FORMAT", detail: expect.any(String) },
    ]);
  });

  it("answers 400 naming every field when the body has the wrong shape: missing members, wrong types, fractions", async () => {
    const response = await post(
      jsonRequest({
        invoiceNumber: 10042,
        customer: { customerId: "c-1" },
        amount: { value: 1299.5, currency: "NOK" },
        lines: [{ text: "x", amount: { value: 1, currency: "XXX" } }],
      }),
    );
    expect(response.status).toBe(400);
    expect(response.json.type).toBe(ProblemType.malformedRequest);
    expect(response.json.errors).toEqual(
      expect.arrayContaining([
        { pointer: "/invoiceNumber", code: "INVALID_TYPE", detail: expect.any(String) },
        { pointer: "/customer/name", code: "REQUIRED", detail: "Required." },
        { pointer: "/amount/value", code: "INVALID_TYPE", detail: expect.any(String) },
        { pointer: "/dueDate", code: "REQUIRED", detail: "Required." },
        { pointer: "/lines/0/amount/currency", code: "INVALID_VALUE", detail: expect.any(String) },
      ]),
    );
    expect(response.json.errors).toHaveLength(5);
  });

  it("names each unknown member of a strict object", async () => {
    const fn = handler(async (req) => ({
      status: 200,
      jsonBody: await parseJson(req, z.strictObject({ a: z.string() })),
    }));
    const response = await read(await fn(jsonRequest({ a: "x", b: 1, "c/d": 2 }), contextWithLog().context));
    expect(response.status).toBe(400);
    expect(response.json.errors.map((e: { pointer: string; code: string }) => [e.pointer, e.code])).toEqual([
      ["/b", "UNKNOWN_FIELD"],
      ["/c~1d", "UNKNOWN_FIELD"],
    ]);
  });

  it("keeps the stable code a refinement names for itself", async () => {
    const Kid = z
      .string()
      .refine((kid) => kid.endsWith("5"), { message: "KID check digit is wrong", params: { code: "INVALID_KID" } });
    const fn = handler(async (req) => ({ status: 200, jsonBody: await parseJson(req, z.object({ kid: Kid })) }));
    const response = await read(await fn(jsonRequest({ kid: "1234" }), contextWithLog().context));
    expect(response.status).toBe(422);
    expect(response.json.errors).toEqual([
      { pointer: "/kid", code: "INVALID_KID", detail: "KID check digit is wrong" },
    ]);
  });

  it("refuses a body that is not JSON by content type with 415", async () => {
    for (const contentType of [
      "text/plain",
      "application/x-www-form-urlencoded",
      "application/json; charset=iso-8859-1",
    ]) {
      const response = await post(jsonRequest(validBody, { headers: { "content-type": contentType } }));
      expect(response.status).toBe(415);
      expect(response.json.type).toBe(ProblemType.unsupportedMediaType);
    }
  });

  it("refuses a body without a content type with 415", async () => {
    const { HttpRequest } = await import("@azure/functions");
    const request = new HttpRequest({
      method: "POST",
      url: "http://localhost/api/v1/invoices",
      body: { string: "{}" },
    });
    // undici adds text/plain for string bodies; remove it to send none at all
    request.headers.delete("content-type");
    expect((await post(request)).status).toBe(415);
  });

  it("accepts application/json with a UTF-8 charset and +json media types", () => {
    expect(isJsonContentType("application/json; charset=UTF-8")).toBe(true);
    expect(isJsonContentType("application/merge-patch+json")).toBe(true);
    expect(isJsonContentType("application/jsonx")).toBe(false);
    expect(isJsonContentType(null)).toBe(false);
  });

  it("answers invalid JSON with 400 saying where it broke, without quoting the body", async () => {
    const raw = '{\n  "invoiceNumber": "10042",\n  "customer": { "name": "Kari Nordmann" }\n  "amount": 1\n}';
    const response = await post(jsonRequest(undefined, { raw }));
    expect(response.status).toBe(400);
    expect(response.json.type).toBe(ProblemType.malformedRequest);
    expect(response.json.position).toEqual({ line: 4, column: 3, offset: raw.indexOf('"amount"') });
    expect(response.json.detail).toBe(
      "The request body is not valid JSON: expected ',' or '}' after a property value at line 4, column 3.",
    );
    expect(response.json.errors).toEqual([{ pointer: "", code: "INVALID_JSON", detail: response.json.detail }]);
    expect(response.text).not.toContain("Kari");
  });

  it("answers an empty body with 400", async () => {
    const response = await post(jsonRequest(undefined, { raw: "  " }));
    expect(response.status).toBe(400);
    expect(response.json.detail).toMatch(/empty/u);
  });
});

describe("parsing the query string, route parameters and headers", () => {
  const ListCasesQuery = z.object({
    status: z.enum(["open", "paid"]).optional(),
    limit: z.coerce.number().int().min(1).max(100).optional(),
  });

  it("returns typed query values", () => {
    expect(parseQuery(getRequest("http://localhost/api/v1/cases?status=open&limit=20"), ListCasesQuery)).toEqual({
      status: "open",
      limit: 20,
    });
  });

  it("answers bad query values with 400 naming each by #/query pointer", async () => {
    const fn = handler(async (req) => ({ status: 200, jsonBody: parseQuery(req, ListCasesQuery) }));
    const response = await read(
      await fn(getRequest("http://localhost/api/v1/cases?status=lost&limit=500"), contextWithLog().context),
    );
    expect(response.status).toBe(400);
    expect(response.json.errors.map((e: { pointer: string }) => e.pointer)).toEqual([
      "#/query/status",
      "#/query/limit",
    ]);
  });

  it("rejects a query parameter given twice where one value is expected", async () => {
    const fn = handler(async (req) => ({ status: 200, jsonBody: parseQuery(req, ListCasesQuery) }));
    const response = await read(
      await fn(getRequest("http://localhost/api/v1/cases?status=open&status=paid"), contextWithLog().context),
    );
    expect(response.status).toBe(400);
    expect(response.json.errors[0].pointer).toBe("#/query/status");
  });

  it("answers a bad route parameter with 400 naming it by #/path pointer", async () => {
    const fn = handler(async (req) => ({ status: 200, jsonBody: parseParams(req, z.object({ caseId: z.uuid() })) }));
    const response = await read(
      await fn(getRequest("http://localhost/api/v1/cases/x", { params: { caseId: "x" } }), contextWithLog().context),
    );
    expect(response.status).toBe(400);
    expect(response.json.errors).toEqual([
      { pointer: "#/path/caseId", code: "INVALID_FORMAT", detail: expect.any(String) },
    ]);
  });

  it("answers a bad header with 400 naming it by #/header pointer", async () => {
    const fn = handler(async (req) => ({
      status: 200,
      jsonBody: parseHeader(req, "If-Match", z.string().regex(/^"[^"]*"$/u)),
    }));
    const response = await read(
      await fn(
        getRequest("http://localhost/api/v1/policy", { headers: { "if-match": "abc" } }),
        contextWithLog().context,
      ),
    );
    expect(response.status).toBe(400);
    expect(response.json.errors).toEqual([
      { pointer: "#/header/If-Match", code: "INVALID_FORMAT", detail: expect.any(String) },
    ]);
  });
});

describe("the handler wrapper", () => {
  it("turns a thrown domain error into its problem", async () => {
    const fn = handler(async () => {
      throw new CaseNotFound("No case 42 for this key.");
    });
    const response = await read(await fn(getRequest("http://localhost/api/v1/cases/42"), contextWithLog().context));
    expect(response.status).toBe(404);
    expect(response.json).toMatchObject({
      code: "CASE_NOT_FOUND",
      type: "https://payment-follow-up.dev/problems/case-not-found",
    });
  });

  it("turns an unexpected error into a 500 without its message", async () => {
    const { context, logged } = contextWithLog();
    const fn = handler(async () => {
      throw new TypeError("Cannot read properties of undefined (reading 'kid') for customer 01017012345");
    });
    const response = await read(await fn(getRequest("http://localhost/api/v1/cases/42"), context));
    expect(response.status).toBe(500);
    expect(response.json).toMatchObject({ title: "Internal server error", invocationId: context.invocationId });
    expect(response.text).not.toMatch(/kid|01017012345|TypeError/u);
    expect(JSON.stringify(logged)).not.toContain("01017012345");
  });

  it("passes a successful response through untouched", async () => {
    const fn = handler(async () => ({ status: 204 }));
    expect(await fn(getRequest("http://localhost/x"), contextWithLog().context)).toEqual({ status: 204 });
  });
});
