/** Small helpers shared by the Cosmos DB stores: status codes of SDK errors, the etag retry loop, decoding documents. */
import type { z } from "zod";
import { InvalidContinuationToken } from "../../ports/errors";

/** The HTTP status of an @azure/cosmos error (ErrorResponse carries it as `code`), or undefined. */
export function statusOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { code, statusCode } = error as { code?: unknown; statusCode?: unknown };
  if (typeof code === "number") return code;
  if (typeof statusCode === "number") return statusCode;
  return undefined;
}

export interface EtagRetryOptions {
  /** Attempts in all (the first included) before giving up on a document that keeps changing. Default 25. */
  maxAttempts?: number;
  /** Backoff base in ms; attempt n waits a random time in [0, min(base·2ⁿ, 200)] ms. Default 5. */
  backoffMs?: number;
}

/**
 * Runs `attempt` until it does not fail with 412 Precondition Failed (someone replaced the document after we read
 * it), waiting a small jittered backoff in between. `exhausted` makes the error thrown after the last attempt.
 */
export async function retryOnPreconditionFailed<T>(
  attempt: () => Promise<T>,
  options: EtagRetryOptions,
  exhausted: () => Error,
): Promise<T> {
  const maxAttempts = options.maxAttempts ?? 25;
  const base = options.backoffMs ?? 5;
  for (let n = 1; ; n += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (statusOf(error) !== 412) throw error;
      if (n >= maxAttempts) throw exhausted();
      const ceiling = Math.min(base * 2 ** n, 200);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
    }
  }
}

const SYSTEM_PROPERTIES = ["_rid", "_self", "_etag", "_ts", "_attachments", "_lsn"];

/** Refuses documents written by a newer (or unknown) schema instead of misreading them. */
export function assertSchemaVersion(doc: { schemaVersion?: unknown }, container: string): void {
  if (doc.schemaVersion !== 1) {
    throw new Error(`Unknown schemaVersion ${String(doc.schemaVersion)} in a ${container} document`);
  }
}

/**
 * A stored document that does not have the shape its port promises (a hand edit, a bug in a writer, a migration that
 * was missed). The message names the container, the document id and each failing path with what was wrong there —
 * never a value: documents hold personal data (names, phone numbers, national ids) and secrets.
 */
export class UndecodableDocument extends Error {
  constructor(
    readonly container: string,
    readonly documentId: string,
    readonly problems: readonly string[],
  ) {
    super(`A ${container} document (id ${documentId}) does not decode: ${problems.join("; ")}`);
    this.name = "UndecodableDocument";
  }
}

/**
 * Decodes a stored document with the port's schema: refuses an unknown `schemaVersion` (assertSchemaVersion), drops
 * Cosmos's system properties and the adapter's storage-only fields, then parses; a document that does not decode
 * throws UndecodableDocument. Zod strips keys the schema does not know, so what comes back is exactly the record.
 */
export function decodeDocument<S extends z.ZodType>(
  schema: S,
  doc: Record<string, unknown>,
  where: { container: string; storageOnly: readonly string[] },
): z.output<S> {
  assertSchemaVersion(doc, where.container);
  const copy: Record<string, unknown> = { ...doc };
  for (const key of [...SYSTEM_PROPERTIES, ...where.storageOnly]) delete copy[key];
  const parsed = schema.safeParse(copy);
  if (parsed.success) return parsed.data;
  const id = typeof doc.id === "string" ? doc.id : "unknown";
  throw new UndecodableDocument(where.container, id, parsed.error.issues.map(describeIssue));
}

/** "case.ledger.0.amount.value: expected int" — the path and the kind of problem, never the value found there. */
function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.length === 0 ? "(document)" : issue.path.map(String).join(".");
  switch (issue.code) {
    case "invalid_type":
      return `${path}: expected ${issue.expected}`;
    case "invalid_value":
      return `${path}: not one of the allowed values`;
    case "invalid_format":
      return `${path}: not a valid ${issue.format}`;
    case "invalid_union":
      return `${path}: matches none of the allowed shapes`;
    case "too_small":
      return `${path}: ${issue.origin} below its minimum`;
    case "too_big":
      return `${path}: ${issue.origin} above its maximum`;
    case "custom":
      return `${path}: fails its check`;
    default:
      return `${path}: ${issue.code}`;
  }
}

/** Continuation tokens leave the store base64url-encoded: opaque and safe in a query string. */
export function encodeContinuation(token: string | undefined): string | undefined {
  return token === undefined ? undefined : Buffer.from(token, "utf8").toString("base64url");
}

export function decodeContinuation(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  const decoded = Buffer.from(token, "base64url").toString("utf8");
  if (decoded === "" || Buffer.from(decoded, "utf8").toString("base64url") !== token)
    throw new InvalidContinuationToken();
  return decoded;
}

/** Runs a query page; a continuation token the service cannot use becomes InvalidContinuationToken. */
export async function withContinuation<T>(token: string | undefined, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (token !== undefined && (statusOf(error) === 400 || error instanceof SyntaxError))
      throw new InvalidContinuationToken();
    throw error;
  }
}

/** Page sizes are kept between 1 and 1 000. */
export function clampLimit(limit: number): number {
  return Math.min(1000, Math.max(1, Math.floor(Number.isFinite(limit) ? limit : 1)));
}
