/**
 * `Idempotency-Key` for POST requests: a retried request with the same key and the same request gets the FIRST
 * response again (status, headers, body bytes), without executing twice.
 *
 * - no header → `fn` simply runs, its errors propagate (unless `required`: then 400);
 * - a key that is not 1–255 visible ASCII characters (0x21–0x7E) → 400 naming `#/header/Idempotency-Key`;
 * - same key, same request, completed → the stored response, plus `idempotent-replayed: true`;
 * - same key, other request (method, path or body differ) → 409 `idempotency-key-reused`;
 * - same key, the first request still running → 409 `request-in-progress` with `retry-after`;
 * - a remembered key expires (`IDEMPOTENCY_RETENTION_MS` after completion) and is then new again.
 * Outcomes are remembered for 2xx, 3xx and 4xx responses (deterministic answers: replaying a 422 is right). A 5xx or
 * an unexpected error releases the key instead, so that the client's retry is executed again.
 *
 * Keys are scoped (the tenant), so two creditors can use the same key without meeting.
 *
 * What is replayed: the status, every response header except those describing the connection or the moment
 * (`UNSTORED_HEADERS`; cookies are never stored — this API sets none), and the exact body bytes.
 * Typical use, after authentication (the scope is the tenant):
 *
 *   return withIdempotency(request, tenant.tenantId, async () => {
 *     const body = await parseJson(request, RegisterInvoiceBody);
 *     return { status: 201, jsonBody: await deps.registerInvoice(tenant.tenantId, body) };
 *   }, { store: deps.idempotencyStore, clock: deps.clock, log: context });
 */
import { createHash } from "node:crypto";
import { HttpResponse, type HttpRequest, type HttpResponseInit } from "@azure/functions";
import type { IdempotencyStore, StoredResponse } from "../ports/idempotency-store";
import { canonicalJson } from "./json-text";
import { HttpProblem, ProblemType, describeForLog, problem, toProblem, type ProblemLog } from "./problem";

export const IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";
export const IDEMPOTENCY_KEY_POINTER = "#/header/Idempotency-Key";
/** Added to replayed responses (the only difference to the first response). */
export const IDEMPOTENT_REPLAYED_HEADER = "idempotent-replayed";
/** Seconds a client is asked to wait before retrying while the first request is still in progress. */
export const IN_PROGRESS_RETRY_AFTER_SECONDS = 1;

const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/u;

/** Response headers that describe the connection or the moment, not the response: not stored, not replayed. */
const UNSTORED_HEADERS: ReadonlySet<string> = new Set([
  "date",
  "set-cookie",
  "connection",
  "keep-alive",
  "transfer-encoding",
  "content-length",
]);

export interface IdempotencyDeps {
  store: IdempotencyStore;
  /** The clock port: anything with `now()`. */
  clock: { now(): Date };
  /** Where unexpected errors are logged (an `InvocationContext` fits). */
  log?: ProblemLog;
  /** Reject requests without the header (400). Default: false — the key is honoured, not demanded. */
  required?: boolean;
}

/**
 * The request's identity for idempotency: SHA-256 (hex) over the method, the URL path and the body. A body that
 * is JSON is taken in its canonical form (RFC 8785 — member order and whitespace do not matter); any other body
 * as its exact bytes. The query string is not part of it (POST semantics are in the path and body).
 */
export function requestHash(method: string, path: string, body: string | Uint8Array): string {
  const bytes = typeof body === "string" ? Buffer.from(body, "utf8") : Buffer.from(body);
  const hash = createHash("sha256").update(`${method.toUpperCase()}\n${path}\n`, "utf8");
  const canonical = canonicalBody(bytes);
  if (canonical !== undefined) hash.update("json\n", "utf8").update(canonical, "utf8");
  else hash.update("raw\n", "utf8").update(bytes);
  return hash.digest("hex");
}

function canonicalBody(bytes: Buffer): string | undefined {
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    if (text.trim() === "") return undefined;
    return canonicalJson(JSON.parse(text));
  } catch {
    return undefined;
  }
}

function keyProblem(
  status: number,
  title: string,
  detail: string,
  type: string,
  code: string,
  headers?: Record<string, string>,
): HttpProblem {
  return new HttpProblem(
    problem(status, title, detail, {
      type,
      headers,
      errors: [{ pointer: IDEMPOTENCY_KEY_POINTER, detail, code }],
    }),
  );
}

/** The stored form of a response: exact status, headers worth replaying, exact body bytes. */
export async function storeResponse(response: HttpResponseInit | HttpResponse): Promise<StoredResponse> {
  const normalised = response instanceof HttpResponse ? response : new HttpResponse(response);
  const body = Buffer.from(await normalised.arrayBuffer());
  const headers: Array<[string, string]> = [];
  normalised.headers.forEach((value, name) => {
    if (!UNSTORED_HEADERS.has(name.toLowerCase())) headers.push([name.toLowerCase(), value]);
  });
  return { status: normalised.status, headers, bodyBase64: body.toString("base64") };
}

/** A stored response as a response again, optionally with extra headers. */
export function storedToResponse(stored: StoredResponse, extraHeaders: Array<[string, string]> = []): HttpResponseInit {
  const body = Buffer.from(stored.bodyBase64, "base64");
  return {
    status: stored.status,
    headers: [...stored.headers, ...extraHeaders],
    ...(body.length > 0 ? { body: new Uint8Array(body) } : {}),
  };
}

/**
 * Runs `fn` at most once per (scope, Idempotency-Key, request) — see the header comment for every outcome.
 * Errors thrown by `fn` become problems here (via `toProblem`), so that 4xx outcomes are remembered too. The first
 * response is returned in its stored form, so the first answer and every replay are the same bytes.
 */
export async function withIdempotency(
  request: HttpRequest,
  scope: string,
  fn: () => Promise<HttpResponseInit | HttpResponse>,
  deps: IdempotencyDeps,
): Promise<HttpResponseInit | HttpResponse> {
  const key = request.headers.get(IDEMPOTENCY_KEY_HEADER);
  if (key === null) {
    if (deps.required) {
      throw keyProblem(
        400,
        "Malformed request",
        `The ${IDEMPOTENCY_KEY_HEADER} header is required.`,
        ProblemType.malformedRequest,
        "REQUIRED",
      );
    }
    return fn();
  }
  if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
    throw keyProblem(
      400,
      "Malformed request",
      `The ${IDEMPOTENCY_KEY_HEADER} header must be 1 to 255 visible ASCII characters.`,
      ProblemType.malformedRequest,
      "INVALID_IDEMPOTENCY_KEY",
    );
  }

  const body = new Uint8Array(await request.clone().arrayBuffer());
  const hash = requestHash(request.method, new URL(request.url).pathname, body);
  const outcome = await deps.store.begin(scope, key, hash, deps.clock.now());
  switch (outcome.kind) {
    case "replay":
      return storedToResponse(outcome.response, [[IDEMPOTENT_REPLAYED_HEADER, "true"]]);
    case "conflict":
      throw keyProblem(
        409,
        "Idempotency key reused",
        `This ${IDEMPOTENCY_KEY_HEADER} was already used for a different request; use a new key for a new request.`,
        ProblemType.idempotencyKeyReused,
        "IDEMPOTENCY_KEY_REUSED",
      );
    case "in-progress":
      throw keyProblem(
        409,
        "Request in progress",
        `A request with this ${IDEMPOTENCY_KEY_HEADER} is still being processed; retry shortly.`,
        ProblemType.requestInProgress,
        "REQUEST_IN_PROGRESS",
        { "retry-after": String(IN_PROGRESS_RETRY_AFTER_SECONDS) },
      );
    case "new":
      break;
  }

  let stored: StoredResponse;
  try {
    stored = await storeResponse(await run(fn, deps.log));
  } catch (error) {
    // Reading the response failed (e.g. a broken body stream): release the key and answer 500.
    await deps.store.abandon(scope, key, deps.clock.now());
    return freeze(toProblem(error, deps.log));
  }
  if (stored.status >= 500) {
    await deps.store.abandon(scope, key, deps.clock.now());
  } else {
    try {
      await deps.store.complete(scope, key, stored, deps.clock.now());
    } catch (error) {
      // The request WAS executed: answer truthfully. The key stays in progress until its lock lapses.
      deps.log?.error("Idempotency record could not be completed", {
        invocationId: deps.log.invocationId,
        error: describeForLog(error),
      });
    }
  }
  return storedToResponse(stored);
}

async function run(
  fn: () => Promise<HttpResponseInit | HttpResponse>,
  log: ProblemLog | undefined,
): Promise<HttpResponseInit | HttpResponse> {
  try {
    return await fn();
  } catch (error) {
    return toProblem(error, log);
  }
}

async function freeze(response: HttpResponseInit | HttpResponse): Promise<HttpResponseInit> {
  return storedToResponse(await storeResponse(response));
}
