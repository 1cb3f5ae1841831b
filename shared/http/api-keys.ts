/**
 * API keys for the partner API: generation, hashing, and authentication of the `x-api-key` header.
 *
 * KEY FORMAT: `pfu_<environment>_<keyId>_<secret>`, e.g. `pfu_live_3f9c0a7d51e2b846_Qm…` (69 characters):
 * - `environment`: `live` or `test`, so a leaked key is recognisable (and secret scanners can match the prefix);
 * - `keyId`: 16 lowercase hex characters (64 random bits), NOT secret: it is how the key record is found (a point
 *   read) without storing or searching by the secret;
 * - `secret`: 32 random bytes (256 bits) in base64url without padding (43 characters).
 * Only `hashApiKey(apiKey)` is stored; the key itself is shown once, at creation.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { HttpRequest } from "@azure/functions";
import { HttpProblem, ProblemType, problem } from "./problem";

export const API_KEY_HEADER = "x-api-key";

export type ApiKeyEnvironment = "live" | "test";

export interface GeneratedApiKey {
  /** The full key, to hand to the creditor once. Never store or log it. */
  apiKey: string;
  /** Non-secret lookup id (also embedded in `apiKey`). */
  keyId: string;
  /** What to store: `hashApiKey(apiKey)`. */
  keyHash: string;
  environment: ApiKeyEnvironment;
}

const API_KEY_PATTERN = /^pfu_(live|test)_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/u;

export function generateApiKey(environment: ApiKeyEnvironment = "live"): GeneratedApiKey {
  const keyId = randomBytes(8).toString("hex");
  const secret = randomBytes(32).toString("base64url");
  const apiKey = `pfu_${environment}_${keyId}_${secret}`;
  return { apiKey, keyId, keyHash: hashApiKey(apiKey), environment };
}

/** The environment and key id of a well-formed key; undefined for anything else. */
export function parseApiKey(apiKey: string): { environment: ApiKeyEnvironment; keyId: string } | undefined {
  const match = API_KEY_PATTERN.exec(apiKey);
  if (!match) return undefined;
  return { environment: match[1] as ApiKeyEnvironment, keyId: match[2] as string };
}

/**
 * SHA-256 of the whole key, hex. A fast hash is the right tool HERE: the secret is 256 random bits, so there is no
 * dictionary to try and brute force is out of reach whatever the hash speed; slow password hashes (scrypt, Argon2,
 * bcrypt) exist to stretch LOW-entropy human passwords and would only add latency to every API call.
 */
export function hashApiKey(apiKey: string): string {
  return createHash("sha256").update(apiKey, "utf8").digest("hex");
}

/** Constant-time comparison of two hex SHA-256 digests (false for anything that is not one). */
function digestsEqual(aHex: string, bHex: string): boolean {
  const a = Buffer.from(aHex, "hex");
  const b = Buffer.from(bHex, "hex");
  if (a.length !== 32 || b.length !== 32) return false;
  return timingSafeEqual(a, b);
}

/** Does `apiKey` hash to `keyHash`? Constant time in the compared bytes. */
export function apiKeyMatches(apiKey: string, keyHash: string): boolean {
  return digestsEqual(hashApiKey(apiKey), keyHash);
}

/** What the key store answers for a key id. */
export interface ApiKeyRecord {
  tenantId: string;
  keyHash: string;
}

export type ApiKeyLookup = (keyId: string) => Promise<ApiKeyRecord | undefined>;

export interface AuthenticatedTenant {
  tenantId: string;
  keyId: string;
}

/**
 * The one 401 for every authentication failure — missing header, malformed key, unknown key id, wrong secret,
 * operator key not configured: the response never says which, so it cannot be used to probe for valid key ids.
 */
export function unauthorized(): HttpProblem {
  return new HttpProblem(
    problem(401, "Unauthorized", `A valid API key is required in the ${API_KEY_HEADER} header.`, {
      type: ProblemType.unauthorized,
      // RFC 9110 §15.5.2: a 401 carries WWW-Authenticate. There is no registered scheme for header API keys.
      headers: { "www-authenticate": `ApiKey header="${API_KEY_HEADER}"` },
    }),
  );
}

/** A digest no key hashes to in practice; compared against when the key id is unknown, to keep the work the same. */
const UNKNOWN_KEY_DIGEST = hashApiKey("pfu_live_0000000000000000_no-such-key");

/**
 * Authenticates the creditor calling the partner API by its `x-api-key`. Returns the tenant, or throws the 401
 * problem (`HttpProblem`, which `handler`/`toProblem` pass through). Failures of `lookup` itself propagate (→ 500):
 * an unavailable key store is not the caller's fault.
 */
export async function authenticate(request: HttpRequest, lookup: ApiKeyLookup): Promise<AuthenticatedTenant> {
  const apiKey = request.headers.get(API_KEY_HEADER);
  const parsed = apiKey === null ? undefined : parseApiKey(apiKey.trim());
  if (apiKey === null || parsed === undefined) throw unauthorized();
  const record = await lookup(parsed.keyId);
  const matches = digestsEqual(hashApiKey(apiKey.trim()), record?.keyHash ?? UNKNOWN_KEY_DIGEST);
  if (record === undefined || !matches) throw unauthorized();
  return { tenantId: record.tenantId, keyId: parsed.keyId };
}

/**
 * Checks the operator key (setting `OPERATOR_API_KEY`) in `x-api-key`, in constant time: both values are hashed
 * first, so the comparison neither depends on where they differ nor leaks the configured key's length. An unset or
 * empty setting rejects every request (fail closed). Throws the same 401 as `authenticate`.
 */
export function authenticateOperator(request: HttpRequest, operatorKey: string | undefined): void {
  const given = request.headers.get(API_KEY_HEADER)?.trim() ?? "";
  const configured = operatorKey ?? "";
  const matches = digestsEqual(hashApiKey(given), hashApiKey(configured));
  if (configured === "" || given === "" || !matches) throw unauthorized();
}
