/**
 * OpenAPI 3.1 from the same zod schemas the endpoints validate with (`@asteasolutions/zod-to-openapi`).
 *
 * Each endpoint module registers itself on a registry made by `createApiRegistry()`:
 *
 *   registerEndpoint(registry, {
 *     method: "post", path: "/v1/invoices", operationId: "registerInvoice", summary: "Register an invoice",
 *     auth: "tenant", request: { body: RegisterInvoiceBody },
 *     responses: { 201: { description: "The case was created", schema: InvoiceRegistered } },
 *     problems: [409],
 *   });
 *
 * and `GET /api/openapi.json` serves `buildOpenApiDocument(registry, { version, servers })`. `registerEndpoint`
 * adds what every endpoint shares, so no module can forget it: the security requirement, the `Idempotency-Key`
 * header on POST, and the problem responses its parts can produce (400/415/422 for a body, 400 for query/path,
 * 401 for authentication, 409 for idempotency, 500 always) — all `application/problem+json` with the `Problem`
 * schema.
 */
import { OpenAPIRegistry, OpenApiGeneratorV31, extendZodWithOpenApi } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import { Currency } from "../domain/money";
import { API_KEY_HEADER } from "./api-keys";
import { IDEMPOTENCY_KEY_HEADER } from "./idempotency";
import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_BASE } from "./problem";

// Adds `.openapi()` to zod schemas created from here on (endpoint modules need it for parameter metadata such as
// `.openapi({ param: { description } })`); idempotent. Shared shapes below use zod's own `.meta()`, which the
// generator reads the same way and which also works on schemas created before this call (like the domain's).
extendZodWithOpenApi(z);

// ---------------------------------------------------------------------------------------------------------------
// Shared shapes

/** An amount on the wire: integer minor units plus currency (the domain's `Money`, documented). */
export const MoneyDto = z
  .object({
    value: z
      .int()
      .meta({ description: "Integer number of minor units (øre/öre/cent), never a fraction.", example: 129900 }),
    currency: Currency.meta({ description: "ISO 4217 currency code.", example: "NOK" }),
  })
  .meta({ id: "Money", description: "An amount: integer minor units plus currency. 129900 NOK is kr 1 299,00." });
export type MoneyDto = z.infer<typeof MoneyDto>;

export const ProblemFieldError = z
  .object({
    pointer: z.string().meta({
      description:
        'Where the problem is: a JSON Pointer into the request body ("/customer/phone", "" for the whole body), ' +
        'or "#/query/<name>", "#/path/<name>", "#/header/<name>" for the other parts of the request.',
      example: "/customer/phone",
    }),
    detail: z
      .string()
      .meta({ description: "What is wrong, for people.", example: "Invalid string: must match pattern" }),
    code: z.string().meta({
      description: "Stable machine-readable code, e.g. REQUIRED, INVALID_TYPE, TOO_BIG, INVALID_FORMAT.",
      example: "INVALID_FORMAT",
    }),
  })
  .meta({ id: "ProblemFieldError" });
export type ProblemFieldError = z.infer<typeof ProblemFieldError>;

/** RFC 9457 problem details as this API sends them (extension members allowed). */
export const Problem = z
  .looseObject({
    type: z.string().meta({
      description: `Problem type URI: ${PROBLEM_TYPE_BASE}<name>, or about:blank.`,
      example: `${PROBLEM_TYPE_BASE}validation`,
    }),
    title: z.string().meta({ example: "Validation failed" }),
    status: z.int().meta({ example: 422 }),
    detail: z.string().optional(),
    instance: z.string().optional(),
    code: z
      .string()
      .optional()
      .meta({ description: "The domain error code, for domain problems (e.g. CASE_NOT_FOUND)." }),
    errors: z.array(ProblemFieldError).optional().meta({ description: "Every bad field, for validation problems." }),
    invocationId: z.string().optional().meta({ description: "For 500s: quote it when reporting the problem." }),
  })
  .meta({ id: "Problem", description: "RFC 9457 problem details (application/problem+json)." });
export type Problem = z.infer<typeof Problem>;

/** A page of a list: `continuationToken` is null on the last page; pass it back to get the next one. */
export function Page<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    continuationToken: z.string().nullable().meta({ description: "Opaque; null when there are no more items." }),
  });
}

/** The query parameters of every list endpoint (merge endpoint-specific filters into it with `.extend`). */
export const PageQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .optional()
    .meta({ description: "Page size, 1–100 (default 25).", example: 25 }),
  continuationToken: z.string().min(1).optional().meta({ description: "From the previous page." }),
});

export const IdempotencyKey = z
  .string()
  .regex(/^[\x21-\x7e]{1,255}$/u)
  .meta({
    description: "1–255 visible ASCII characters, e.g. a UUID.",
    example: "5f0c7e2a-8d1b-4c3e-9f6a-1b2c3d4e5f60",
  });

// ---------------------------------------------------------------------------------------------------------------
// Registry

export const SECURITY_SCHEME_TENANT = "ApiKey";
export const SECURITY_SCHEME_OPERATOR = "OperatorKey";
const IDEMPOTENCY_PARAMETER = "IdempotencyKey";

const PROBLEM_RESPONSES: Readonly<Record<number, { name: string; description: string }>> = {
  400: {
    name: "MalformedRequest",
    description: "Malformed request: invalid JSON, a body of the wrong shape, or invalid query, path or header values.",
  },
  401: { name: "Unauthorized", description: "Missing, unknown or wrong API key." },
  404: { name: "NotFound", description: "No such resource for this API key." },
  409: {
    name: "Conflict",
    description:
      "Conflict with the resource's state, a duplicate, or an Idempotency-Key reused for another request or still in progress.",
  },
  410: { name: "Gone", description: "The resource has expired." },
  415: { name: "UnsupportedMediaType", description: "The body is not application/json in UTF-8." },
  422: {
    name: "ValidationFailed",
    description: "Well-formed input with unacceptable values, or a broken business rule.",
  },
  500: { name: "InternalError", description: "Unexpected error; the response carries an invocationId to quote." },
};

/** A registry with the shared components: security schemes, the Idempotency-Key parameter, Problem and Money. */
export function createApiRegistry(): OpenAPIRegistry {
  const registry = new OpenAPIRegistry();
  registry.registerComponent("securitySchemes", SECURITY_SCHEME_TENANT, {
    type: "apiKey",
    in: "header",
    name: API_KEY_HEADER,
    description: "The creditor's API key (pfu_live_… or pfu_test_…).",
  });
  registry.registerComponent("securitySchemes", SECURITY_SCHEME_OPERATOR, {
    type: "apiKey",
    in: "header",
    name: API_KEY_HEADER,
    description: "The platform operator's key (setting OPERATOR_API_KEY).",
  });
  registry.register("Problem", Problem);
  registry.register("ProblemFieldError", ProblemFieldError);
  registry.register("Money", MoneyDto);
  registry.registerComponent("parameters", IDEMPOTENCY_PARAMETER, {
    name: IDEMPOTENCY_KEY_HEADER,
    in: "header",
    required: false,
    description:
      "Makes the POST safe to retry: the same key with the same request returns the first response (with " +
      "`idempotent-replayed: true`); the same key with another request → 409. Keys are remembered for 24 hours.",
    schema: { type: "string", minLength: 1, maxLength: 255, pattern: "^[\\x21-\\x7e]+$" },
  });
  for (const { name, description } of Object.values(PROBLEM_RESPONSES)) {
    registry.registerComponent("responses", name, {
      description,
      content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: "#/components/schemas/Problem" } } },
    });
  }
  return registry;
}

type Method = "get" | "post" | "put" | "patch" | "delete";

export interface EndpointResponse {
  description: string;
  /** Absent for responses without a body (e.g. 204). */
  schema?: z.ZodType;
  /** Default `application/json`. */
  contentType?: string;
  headers?: z.ZodObject;
}

export interface EndpointDefinition {
  method: Method;
  /** OpenAPI path template relative to the server URL, e.g. `/v1/cases/{caseId}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags?: string[];
  /** Who may call: a creditor's key, the operator key, or anyone. */
  auth: "tenant" | "operator" | "none";
  /** Accepts `Idempotency-Key`. Default: true for POST. */
  idempotent?: boolean;
  request?: {
    params?: z.ZodObject;
    query?: z.ZodObject;
    body?: z.ZodType;
    /** A body that is not JSON (e.g. a PDF upload): its media type, documented as binary. */
    binaryBody?: { contentType: string; description: string };
  };
  /** Success responses by status. */
  responses: Record<number, EndpointResponse>;
  /** Problem statuses beyond the automatic ones (e.g. 404, 409, 410). */
  problems?: number[];
}

/** The problem statuses an endpoint can answer with, from what it declares. */
export function problemStatusesFor(endpoint: EndpointDefinition): number[] {
  const statuses = new Set<number>([500, ...(endpoint.problems ?? [])]);
  if (endpoint.auth !== "none") statuses.add(401);
  if (endpoint.request?.body) [400, 415, 422].forEach((status) => statuses.add(status));
  if (endpoint.request?.query || endpoint.request?.params) statuses.add(400);
  if (endpoint.idempotent ?? endpoint.method === "post") [400, 409].forEach((status) => statuses.add(status));
  return [...statuses].sort((a, b) => a - b);
}

export function registerEndpoint(registry: OpenAPIRegistry, endpoint: EndpointDefinition): void {
  const responses: Record<
    string,
    { description: string; content?: Record<string, { schema: z.ZodType }>; headers?: z.ZodObject } | { $ref: string }
  > = {};
  for (const [status, response] of Object.entries(endpoint.responses)) {
    responses[status] = {
      description: response.description,
      ...(response.schema
        ? { content: { [response.contentType ?? "application/json"]: { schema: response.schema } } }
        : {}),
      ...(response.headers ? { headers: response.headers } : {}),
    };
  }
  for (const status of problemStatusesFor(endpoint)) {
    const shared = PROBLEM_RESPONSES[status];
    responses[String(status)] = shared
      ? { $ref: `#/components/responses/${shared.name}` }
      : { description: `Problem (HTTP ${String(status)}).`, content: { [PROBLEM_CONTENT_TYPE]: { schema: Problem } } };
  }
  const security =
    endpoint.auth === "tenant"
      ? [{ [SECURITY_SCHEME_TENANT]: [] }]
      : endpoint.auth === "operator"
        ? [{ [SECURITY_SCHEME_OPERATOR]: [] }]
        : [];
  registry.registerPath({
    method: endpoint.method,
    path: endpoint.path,
    operationId: endpoint.operationId,
    summary: endpoint.summary,
    ...(endpoint.description ? { description: endpoint.description } : {}),
    ...(endpoint.tags ? { tags: endpoint.tags } : {}),
    security,
    ...((endpoint.idempotent ?? endpoint.method === "post")
      ? { parameters: [{ $ref: `#/components/parameters/${IDEMPOTENCY_PARAMETER}` }] }
      : {}),
    request: {
      ...(endpoint.request?.params ? { params: endpoint.request.params } : {}),
      ...(endpoint.request?.query ? { query: endpoint.request.query } : {}),
      ...(endpoint.request?.body
        ? { body: { required: true, content: { "application/json": { schema: endpoint.request.body } } } }
        : endpoint.request?.binaryBody
          ? {
              body: {
                required: true,
                description: endpoint.request.binaryBody.description,
                content: {
                  [endpoint.request.binaryBody.contentType]: { schema: z.string().meta({ format: "binary" }) },
                },
              },
            }
          : {}),
    },
    responses,
  });
}

export interface OpenApiDocumentOptions {
  /** The API's version (e.g. the app version from package.json). */
  version: string;
  servers: Array<{ url: string; description?: string }>;
  title?: string;
  description?: string;
}

/**
 * A zod regex with flags comes out of the generator as `source/flags` (`^[A-Z]{2}$/u`), which a JSON Schema validator
 * reads as part of the pattern — it then matches nothing valid. JSON Schema patterns are ECMA-262 regexes already
 * evaluated with Unicode semantics, so `u` / `v` are dropped (the pattern is the regex's source); a flag that changes
 * what matches (`i`, `m`, `s`…) cannot be said in JSON Schema and is refused when the document is built.
 */
function withPlainPatterns<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => withPlainPatterns(v)) as T;
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const flagged = key === "pattern" && typeof v === "string" ? /^(.*)\/([dgimsuvy]+)$/su.exec(v) : null;
    if (flagged && compiles(flagged[1]!, flagged[2]!) && /[gimsy]/u.test(flagged[2]!))
      // i, m, s change what a pattern matches and JSON Schema has no way to say them: refuse rather than drift.
      throw new Error(
        `An API pattern uses the regex flag(s) "${flagged[2]}", which JSON Schema cannot express: ${String(v)}`,
      );
    out[key] = flagged && compiles(flagged[1]!, flagged[2]!) ? flagged[1] : withPlainPatterns(v);
  }
  return out as T;
}

function compiles(source: string, flags: string): boolean {
  try {
    new RegExp(source, flags);
    return true;
  } catch {
    return false;
  }
}

/**
 * A nullable reference (`Letterhead.nullable()`) comes out of the generator as
 * `allOf: [{ $ref }, { type: ["object", "null"] }]`, which no null satisfies (the first branch wants an object): the
 * document would refuse the `null` the API sends. It is said as `anyOf: [{ $ref }, { type: "null" }]` instead.
 */
function withNullableRefs<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => withNullableRefs(v)) as T;
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  const allOf = record.allOf;
  if (Array.isArray(allOf) && allOf.length === 2) {
    const [ref, nullable] = allOf as Array<Record<string, unknown>>;
    const type = nullable?.type;
    if (
      typeof ref?.$ref === "string" &&
      Object.keys(ref).length === 1 &&
      Object.keys(nullable ?? {}).length === 1 &&
      Array.isArray(type) &&
      type.includes("null")
    ) {
      const { allOf: _, ...rest } = record;
      return { ...withNullableRefs(rest), anyOf: [ref, { type: "null" }] } as T;
    }
  }
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, withNullableRefs(v)])) as T;
}

/** The OpenAPI 3.1 document for everything registered. */
export function buildOpenApiDocument(registry: OpenAPIRegistry, options: OpenApiDocumentOptions) {
  return withNullableRefs(withPlainPatterns(generate(registry, options)));
}

function generate(registry: OpenAPIRegistry, options: OpenApiDocumentOptions) {
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: {
      title: options.title ?? "Payment follow-up Partner API",
      version: options.version,
      description:
        options.description ??
        "Hand over invoices and follow each case from due date to paid. Errors are RFC 9457 problem details " +
          "(application/problem+json); amounts are integer minor units with a currency.",
    },
    servers: options.servers,
  });
}
