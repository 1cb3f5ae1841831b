/**
 * RFC 9457 problem details (`application/problem+json`) and THE one mapping from thrown errors to HTTP responses.
 *
 * PROBLEM TYPE URIS: `https://payment-follow-up.dev/problems/<kebab-case-name>`. They are stable identifiers that
 * clients may switch on (the human-readable documentation of each type will live at the same address; clients must
 * not need to fetch it). Problems raised by the HTTP edge itself use the fixed names in `ProblemType`; problems for a
 * `DomainError` use the kebab-cased error code (`CASE_NOT_FOUND` → `…/problems/case-not-found`), and carry the code
 * itself as the extension member `code`. `ProblemType` names are reserved: no domain error code may kebab-case to one.
 *
 * POINTERS (`errors[].pointer`), one convention for every validation problem:
 * - request body: an RFC 6901 JSON Pointer into the JSON body, in plain string form: `/customer/phone`,
 *   `/lines/0/amount/value`; the whole body is `""`.
 * - elsewhere: a URI fragment naming the part of the request, then the name and any further segments:
 *   `#/query/limit`, `#/path/caseId`, `#/header/Idempotency-Key`.
 * A pointer starting with `#` is therefore never about the body. Segments are escaped per RFC 6901 (`~` → `~0`,
 * `/` → `~1`); fragment pointers are also percent-encoded where RFC 3986 requires it.
 *
 * 400 OR 422 FOR A ZOD ERROR — the rule: 422 ("Unprocessable Content") is about the request CONTENT only, so
 * - query, path and header problems are always 400 `malformed-request`;
 * - in the body, an issue about its SHAPE (a JSON type is wrong — including a fraction where an integer is
 *   expected — a required member is missing, an unknown member is present where the schema is strict, or no
 *   variant of a union matches) makes the request malformed → 400 `malformed-request`;
 * - when every body issue is about a VALUE in an otherwise well-shaped body (length, range, pattern/format, enum,
 *   check digits, cross-field refinements) the body is well-formed but semantically invalid → 422 `validation`.
 * Both list every issue in `errors`. A shape issue anywhere wins: the client has to fix the structure before its
 * values can even be judged. Invalid JSON is a 400 too, and a wrong content type a 415.
 */
import type { HttpResponseInit } from "@azure/functions";
import { ZodError, type z } from "zod";
import { DomainError } from "../domain/errors";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";
export const PROBLEM_TYPE_BASE = "https://payment-follow-up.dev/problems/";

/** The problem types raised by the HTTP edge itself. */
export const ProblemType = {
  /** 400: invalid JSON, or input whose shape does not match the schema (see the rule above). */
  malformedRequest: `${PROBLEM_TYPE_BASE}malformed-request`,
  /** 422: well-shaped input with values that are not acceptable. */
  validation: `${PROBLEM_TYPE_BASE}validation`,
  /** 415: a body that is not `application/json` (or not UTF-8). */
  unsupportedMediaType: `${PROBLEM_TYPE_BASE}unsupported-media-type`,
  /** 401: missing, unknown or wrong API key — deliberately one type for all three. */
  unauthorized: `${PROBLEM_TYPE_BASE}unauthorized`,
  /** 409: an `Idempotency-Key` reused with a different request. */
  idempotencyKeyReused: `${PROBLEM_TYPE_BASE}idempotency-key-reused`,
  /** 409: the first request with this `Idempotency-Key` is still being processed. */
  requestInProgress: `${PROBLEM_TYPE_BASE}request-in-progress`,
  /** 429: too many requests from one client; `retry-after` says when to try again. */
  tooManyRequests: `${PROBLEM_TYPE_BASE}too-many-requests`,
  /** 500: anything unexpected. Never carries the internal message. */
  internal: `${PROBLEM_TYPE_BASE}internal`,
} as const;
export type ProblemType = (typeof ProblemType)[keyof typeof ProblemType];

/** One bad field of a validation problem. `code` is stable and machine-readable; `detail` is for people. */
export interface ProblemFieldError {
  pointer: string;
  detail: string;
  code: string;
}

/** The problem document (RFC 9457 §3) plus the extension members this API uses. */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  /** Stable machine-readable code of a domain problem: the DomainError's `code`. */
  code?: string;
  errors?: ProblemFieldError[];
  [extension: string]: unknown;
}

export interface ProblemExtras {
  /** Defaults to `about:blank` (RFC 9457 §4.2.1: no semantics beyond the status code). */
  type?: string;
  instance?: string;
  /** Extra response headers (e.g. `retry-after`, `www-authenticate`). */
  headers?: Record<string, string>;
  [extension: string]: unknown;
}

/**
 * A problem+json response: `{ type, title, status, detail?, instance?, ...extensions }` with
 * `content-type: application/problem+json` and `cache-control: no-store`.
 */
export function problem(status: number, title: string, detail?: string, extras: ProblemExtras = {}): HttpResponseInit {
  const { type, instance, headers, ...extensions } = extras;
  const body: ProblemDocument = { type: type ?? "about:blank", title, status };
  if (detail !== undefined) body.detail = detail;
  if (instance !== undefined) body.instance = instance;
  for (const [name, value] of Object.entries(extensions)) {
    if (value !== undefined && !Object.hasOwn(body, name)) body[name] = value;
  }
  return {
    status,
    headers: { "content-type": PROBLEM_CONTENT_TYPE, "cache-control": "no-store", ...headers },
    jsonBody: body,
  };
}

/**
 * An error that already is an HTTP problem (thrown by parsing, authentication, idempotency, …). `toProblem` returns
 * its response unchanged, so helpers can throw and function files stay linear.
 */
export class HttpProblem extends Error {
  constructor(readonly response: HttpResponseInit) {
    super(`HTTP ${String(response.status)} problem`);
    this.name = "HttpProblem";
    Object.setPrototypeOf(this, new.target.prototype);
  }
}

/** Where in the request an input came from; decides the pointer form. */
export type RequestPart = "body" | "query" | "path" | "header";

/**
 * A zod validation failure of one part of the request. The parse helpers throw this (not the bare ZodError) so that
 * pointers name the right part; `input` lets a missing member be reported as `REQUIRED` rather than a type error.
 */
export class RequestValidationError extends Error {
  constructor(
    readonly part: RequestPart,
    readonly zodError: ZodError,
    readonly input: unknown,
  ) {
    super(`Invalid request ${part}`);
    this.name = "RequestValidationError";
    Object.setPrototypeOf(this, new.target.prototype);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Pointers

/** RFC 6901 escaping of one reference token. */
function escapeToken(token: PropertyKey): string {
  return String(token).replaceAll("~", "~0").replaceAll("/", "~1");
}

/** Percent-encodes what RFC 3986 does not allow in a fragment (RFC 6901 §6). */
function encodeFragment(pointer: string): string {
  return pointer.replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@/?]/gu, (ch) => encodeURIComponent(ch));
}

/** The pointer to `path` inside `part`, following the convention in the header comment. */
export function pointerTo(part: RequestPart, path: readonly PropertyKey[]): string {
  const plain = path.map((segment) => `/${escapeToken(segment)}`).join("");
  return part === "body" ? plain : `#${encodeFragment(`/${part}${plain}`)}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Zod issues → field errors

type ZodIssue = z.core.$ZodIssue;

/** Issue codes that say the input's SHAPE is wrong (→ 400); every other code is about a value (→ 422). */
const SHAPE_ISSUE_CODES: ReadonlySet<string> = new Set([
  "invalid_type",
  "unrecognized_keys",
  "invalid_union",
  "invalid_key",
  "invalid_element",
]);

/** Stable field error codes (zod's own codes are an implementation detail and stay out of the API). */
const FIELD_ERROR_CODES: Readonly<Record<ZodIssue["code"], string>> = {
  invalid_type: "INVALID_TYPE",
  unrecognized_keys: "UNKNOWN_FIELD",
  invalid_union: "NO_MATCHING_VARIANT",
  invalid_key: "INVALID_KEY",
  invalid_element: "INVALID_ELEMENT",
  too_small: "TOO_SMALL",
  too_big: "TOO_BIG",
  invalid_format: "INVALID_FORMAT",
  not_multiple_of: "NOT_MULTIPLE_OF",
  invalid_value: "INVALID_VALUE",
  custom: "INVALID",
};

const MISSING = Symbol("missing");

/** The value at `path` inside `input`, or MISSING when some member on the way is absent. */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const segment of path) {
    if (current === null || typeof current !== "object") return MISSING;
    const record = current as Record<PropertyKey, unknown>;
    if (!Object.prototype.hasOwnProperty.call(record, segment)) return MISSING;
    current = record[segment];
  }
  return current === undefined ? MISSING : current;
}

function fieldErrors(part: RequestPart, issue: ZodIssue, input: unknown, hasInput: boolean): ProblemFieldError[] {
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => ({
      pointer: pointerTo(part, [...issue.path, key]),
      detail: "Unknown field.",
      code: FIELD_ERROR_CODES.unrecognized_keys,
    }));
  }
  const pointer = pointerTo(part, issue.path);
  if (issue.code === "invalid_type" && hasInput && valueAt(input, issue.path) === MISSING) {
    return [{ pointer, detail: "Required.", code: "REQUIRED" }];
  }
  if (issue.code === "custom") {
    // A refinement may name its own stable code: `.refine(check, { message, params: { code: "INVALID_KID" } })`.
    const own: unknown = issue.params?.["code"];
    return [{ pointer, detail: issue.message, code: typeof own === "string" ? own : FIELD_ERROR_CODES.custom }];
  }
  return [{ pointer, detail: issue.message, code: FIELD_ERROR_CODES[issue.code] }];
}

/**
 * The validation problem for a zod error about one part of the request (400 or 422 by the rule in the header
 * comment).
 * Pass `{ input }` (what was validated) when available so missing members read as `REQUIRED`.
 */
export function validationProblem(part: RequestPart, error: ZodError, source?: { input: unknown }): HttpResponseInit {
  const errors = error.issues.flatMap((issue) => fieldErrors(part, issue, source?.input, source !== undefined));
  const malformed = error.issues.some((issue) => SHAPE_ISSUE_CODES.has(issue.code));
  if (part !== "body") {
    const what = { query: "query parameters", path: "path parameters", header: "request headers" }[part];
    return problem(400, "Malformed request", `Some ${what} are not valid.`, {
      type: ProblemType.malformedRequest,
      errors,
    });
  }
  return malformed
    ? problem(400, "Malformed request", "The request body does not have the expected shape.", {
        type: ProblemType.malformedRequest,
        errors,
      })
    : problem(422, "Validation failed", "The request body contains values that are not acceptable.", {
        type: ProblemType.validation,
        errors,
      });
}

// ---------------------------------------------------------------------------------------------------------------
// Domain errors → status, through ONE table

/** One rule of the table: the codes it matches, their status, the default title and any response headers. */
export interface DomainErrorRule {
  readonly match: RegExp;
  readonly status: number;
  readonly title: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Domain error code → HTTP status. Rules are matched in order against the error's `code`; a code that matches none
 * is a broken business rule → 422. New domain errors get the right status by naming:
 * - `…_MALFORMED` (400: input that is not what it must be, e.g. a provider's callback payload), and
 *   `INVALID_CONTINUATION_TOKEN` (400: a query parameter, and query problems are always 400 — see the rule above);
 * - `…_NOT_AUTHENTICATED` (401: an unsigned or wrongly signed request; the error names the reason in `errors`);
 * - `…_NOT_FOUND` (404);
 * - `…_ALREADY_EXISTS` / `DUPLICATE_…` / `…_CONFLICT` (409), `…_REPLAYED` (409: the same signed request again),
 *   `…_NOT_ALLOWED` (409: the resource's state forbids the action, e.g. putting a paid case on hold);
 * - `…_EXPIRED` (410, e.g. a pay-link token);
 * - `…_REJECTED` (502: a provider we called refused the request — its status goes in the error's problem details);
 * - `…_NOT_CONFIGURED` (503: this installation lacks the settings; no retry-after, retrying soon will not help),
 *   `…_UNAVAILABLE` (503 with `retry-after: 60`: a provider we depend on is down; try again later).
 * A domain error may name its own `title` (one per kind) and add field errors and extension members
 * (`problemDetails`); the status always comes from here.
 *
 * There is deliberately no 403 rule: a key must never learn that another tenant's resource exists (404, not 403).
 */
export const DOMAIN_ERROR_STATUS: ReadonlyArray<DomainErrorRule> = [
  { match: /(_MALFORMED$|^INVALID_CONTINUATION_TOKEN$)/u, status: 400, title: "Malformed request" },
  { match: /_NOT_AUTHENTICATED$/u, status: 401, title: "Not authenticated" },
  { match: /_NOT_FOUND$/u, status: 404, title: "Not found" },
  { match: /(^DUPLICATE_|_ALREADY_EXISTS$|_CONFLICT$)/u, status: 409, title: "Conflict" },
  { match: /_REPLAYED$/u, status: 409, title: "Already received" },
  { match: /_NOT_ALLOWED$/u, status: 409, title: "Not allowed in the current state" },
  { match: /_EXPIRED$/u, status: 410, title: "Expired" },
  { match: /_REJECTED$/u, status: 502, title: "Refused by the provider" },
  { match: /_NOT_CONFIGURED$/u, status: 503, title: "Not configured" },
  { match: /_UNAVAILABLE$/u, status: 503, title: "Temporarily unavailable", headers: { "retry-after": "60" } },
];

/** The status (with default title and any headers) a domain error code maps to (422 when no rule matches). */
export function statusForDomainCode(code: string): {
  status: number;
  title: string;
  headers?: Readonly<Record<string, string>>;
} {
  const rule = DOMAIN_ERROR_STATUS.find((candidate) => candidate.match.test(code));
  if (!rule) return { status: 422, title: "Business rule violated" };
  return rule.headers
    ? { status: rule.status, title: rule.title, headers: rule.headers }
    : { status: rule.status, title: rule.title };
}

/** `CASE_NOT_FOUND` → `https://payment-follow-up.dev/problems/case-not-found`. */
export function problemTypeForDomainCode(code: string): string {
  return `${PROBLEM_TYPE_BASE}${code.toLowerCase().replaceAll("_", "-")}`;
}

const RESERVED_MEMBERS: ReadonlySet<string> = new Set([
  "type",
  "title",
  "status",
  "detail",
  "instance",
  "code",
  "errors",
  "context",
  "headers",
]);

function domainProblem(error: DomainError): HttpResponseInit {
  const { status, title, headers } = statusForDomainCode(error.code);
  const own = error.problemDetails;
  // DomainError.details, title and problemDetails are documented as safe to return to the caller (no secrets, no
  // third-party data). Extension members never replace a standard member or a header.
  const members = Object.fromEntries(
    Object.entries(own?.members ?? {}).filter(([name]) => !RESERVED_MEMBERS.has(name)),
  );
  return problem(status, error.title ?? title, error.message, {
    ...members,
    type: problemTypeForDomainCode(error.code),
    code: error.code,
    context: error.details,
    errors: own?.errors?.map((field) => ({ pointer: field.pointer, detail: field.detail, code: field.code })),
    headers: headers ? { ...headers } : undefined,
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Unexpected errors

/** Where `toProblem` logs unexpected errors; an `InvocationContext` fits. */
export interface ProblemLog {
  readonly invocationId: string;
  error(...args: unknown[]): void;
}

/**
 * What is logged about an unexpected error: its class name, a `code`/`statusCode` when it has one, and the stack
 * FRAMES. Not its message: messages of SDK and library errors often echo input (names, phone numbers, national
 * ids), and logs must never hold personal data. The frames and the name are enough to find the failing line.
 */
export function describeForLog(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { kind: typeof error };
  const description: Record<string, unknown> = { name: error.name };
  const withCode = error as Error & { code?: unknown; statusCode?: unknown };
  if (typeof withCode.code === "string" || typeof withCode.code === "number") description["code"] = withCode.code;
  if (typeof withCode.statusCode === "number") description["statusCode"] = withCode.statusCode;
  const frames = (error.stack ?? "")
    .split("\n")
    .filter((line) => /^\s+at /u.test(line))
    .map((line) => line.trim());
  if (frames.length > 0) description["stack"] = frames;
  return description;
}

function internalProblem(error: unknown, log: ProblemLog | undefined): HttpResponseInit {
  log?.error("Unhandled error in HTTP function", { invocationId: log.invocationId, error: describeForLog(error) });
  return problem(
    500,
    "Internal server error",
    "The request could not be processed. Quote the invocation id when reporting this.",
    {
      type: ProblemType.internal,
      invocationId: log?.invocationId,
    },
  );
}

// ---------------------------------------------------------------------------------------------------------------
// THE mapping

/**
 * Every thrown thing → one problem response:
 * - `HttpProblem` → its response, unchanged;
 * - `RequestValidationError` → 400/422 with pointers into the named part of the request;
 * - a bare `ZodError` → 400/422 with body pointers (use cases validating their input throw these; an adapter that
 *   parses STORED data must wrap its failures in its own error, so a corrupt document becomes a 500, not a 422);
 * - `DomainError` → the status (and headers) from `DOMAIN_ERROR_STATUS` by `code`, with the error's message as
 *   `detail`, its `title` when it names one, and its `problemDetails` (field errors, extension members);
 * - anything else → 500 with a generic title and detail, the internal message withheld, logged via `log`.
 */
export function toProblem(error: unknown, log?: ProblemLog): HttpResponseInit {
  if (error instanceof HttpProblem) return error.response;
  if (error instanceof RequestValidationError) {
    return validationProblem(error.part, error.zodError, { input: error.input });
  }
  if (error instanceof ZodError) return validationProblem("body", error);
  if (error instanceof DomainError) return domainProblem(error);
  return internalProblem(error, log);
}
