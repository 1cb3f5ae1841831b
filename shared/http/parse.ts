/**
 * Request parsing for HTTP functions: content type, JSON, zod — failures become problems (see `problem.ts` for the
 * 400/415/422 rule and the pointer convention), so a function file reads "parse → use case → map result":
 *
 *   export const postInvoice = handler(async (request, context) => {
 *     const tenant = await authenticate(request, deps.lookupApiKey);
 *     const body = await parseJson(request, RegisterInvoiceBody);
 *     const created = await deps.registerInvoice(tenant.tenantId, body);
 *     return { status: 201, jsonBody: created };
 *   });
 */
import type { HttpHandler, HttpRequest, HttpResponse, HttpResponseInit, InvocationContext } from "@azure/functions";
import { ZodError, type z } from "zod";
import { locateJsonSyntaxError } from "./json-text";
import { HttpProblem, ProblemType, RequestValidationError, problem, toProblem } from "./problem";

/**
 * True for `application/json` and any `application/<something>+json`, with an optional `charset` that must be UTF-8
 * (RFC 8259 §8.1: JSON exchanged between systems is UTF-8). Other parameters are ignored.
 */
export function isJsonContentType(header: string | null): boolean {
  if (header === null) return false;
  const [essence = "", ...parameters] = header.split(";").map((part) => part.trim().toLowerCase());
  if (essence !== "application/json" && !/^application\/[a-z0-9.+-]+\+json$/u.test(essence)) return false;
  return parameters.every((parameter) => {
    const [name, value = ""] = parameter.split("=").map((part) => part.trim());
    return name !== "charset" || ["utf-8", "utf8", '"utf-8"'].includes(value);
  });
}

function unsupportedMediaType(): HttpProblem {
  return new HttpProblem(
    problem(415, "Unsupported media type", "Send the request body as application/json in UTF-8.", {
      type: ProblemType.unsupportedMediaType,
      headers: { "accept-post": "application/json" },
    }),
  );
}

function malformedBody(detail: string, extras: Record<string, unknown> = {}): HttpProblem {
  return new HttpProblem(problem(400, "Malformed request", detail, { type: ProblemType.malformedRequest, ...extras }));
}

/**
 * Reads the body as JSON and validates it with `schema`.
 * - content type not JSON (or not UTF-8) → 415;
 * - empty body, bytes that are not UTF-8, or text that is not JSON → 400, the latter saying where it broke
 *   (`position: { line, column, offset }` and one `errors` entry for the whole body);
 * - schema failures → 400/422 naming each bad member by JSON Pointer.
 * Async refinements are supported. The body stream is consumed; use `request.clone()` first to read it twice.
 */
export async function parseJson<S extends z.ZodType>(request: HttpRequest, schema: S): Promise<z.output<S>> {
  if (!isJsonContentType(request.headers.get("content-type"))) throw unsupportedMediaType();

  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(await request.arrayBuffer());
  } catch {
    throw malformedBody("The request body is not valid UTF-8.");
  }
  if (text.trim() === "") throw malformedBody("The request body is empty; a JSON document is expected.");

  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const where = locateJsonSyntaxError(text);
    if (where === undefined) throw malformedBody("The request body is not valid JSON.");
    const detail = `The request body is not valid JSON: ${where.reason} at line ${String(where.line)}, column ${String(where.column)}.`;
    throw malformedBody(detail, {
      position: { line: where.line, column: where.column, offset: where.offset },
      errors: [{ pointer: "", detail, code: "INVALID_JSON" }],
    });
  }

  const result = await schema.safeParseAsync(value);
  if (!result.success) throw new RequestValidationError("body", result.error, value);
  return result.data;
}

/**
 * The query string as an object for zod: a name given once is a string, a name given more than once an array of
 * strings (so a schema expecting one value rejects repeats). Numbers and booleans need `z.coerce` / `z.stringbool`.
 */
export function queryObject(request: HttpRequest): Record<string, string | string[]> {
  const input: Record<string, string | string[]> = {};
  for (const name of new Set(request.query.keys())) {
    const values = request.query.getAll(name);
    input[name] = values.length === 1 ? (values[0] ?? "") : values;
  }
  return input;
}

/** Validates the query string (see `queryObject`); failures → 400 with `#/query/<name>` pointers. */
export function parseQuery<S extends z.ZodType>(request: HttpRequest, schema: S): z.output<S> {
  const input = queryObject(request);
  const result = schema.safeParse(input);
  if (!result.success) throw new RequestValidationError("query", result.error, input);
  return result.data;
}

/** Validates the route parameters (`{caseId}` in the route template); failures → 400 with `#/path/<name>`. */
export function parseParams<S extends z.ZodType>(request: HttpRequest, schema: S): z.output<S> {
  const input = { ...request.params };
  const result = schema.safeParse(input);
  if (!result.success) throw new RequestValidationError("path", result.error, input);
  return result.data;
}

/**
 * Validates one request header with `schema` (`undefined` when absent, so `.optional()` makes it optional);
 * failures → 400 with the pointer `#/header/<name>` (the name as given here).
 */
export function parseHeader<S extends z.ZodType>(request: HttpRequest, name: string, schema: S): z.output<S> {
  const value = request.headers.get(name) ?? undefined;
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => ({ ...issue, path: [name, ...issue.path] }));
    const input = value === undefined ? {} : { [name]: value };
    throw new RequestValidationError("header", new ZodError(issues), input);
  }
  return result.data;
}

export type HttpFunction = (
  request: HttpRequest,
  context: InvocationContext,
) => Promise<HttpResponseInit | HttpResponse>;

/**
 * Wraps an HTTP function so that anything it throws becomes a problem response through `toProblem` — including
 * unexpected errors (500, logged with the invocation id, message withheld).
 */
export function handler(fn: HttpFunction): HttpHandler {
  return async (request, context) => {
    try {
      return await fn(request, context);
    } catch (error) {
      return toProblem(error, context);
    }
  };
}
