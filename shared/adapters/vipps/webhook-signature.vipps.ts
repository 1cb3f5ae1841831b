/**
 * The Vipps MobilePay webhook signature (webhooks-api, "request authentication"):
 *
 *   x-ms-content-sha256 = base64(SHA-256(raw body))
 *   string to sign      = `POST\n{path and query}\n{x-ms-date};{host};{x-ms-content-sha256}`
 *   Authorization       = `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature={base64 HMAC}`
 *
 * where the HMAC-SHA256 key is the webhook secret Vipps returned at registration, taken as its UTF-8 bytes (NOT
 * base64-decoded — the published test vector only reproduces that way). Comparisons are constant-time.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

export const VIPPS_SIGNED_HEADERS = "x-ms-date;host;x-ms-content-sha256";

export interface VippsSignatureInput {
  secret: string;
  /** Always POST for webhooks; part of the string to sign. */
  method?: string;
  /** Path and query of the callback URL, exactly as the receiver sees it (e.g. "/api/callbacks/vipps"). */
  pathAndQuery: string;
  /** The Host header (host[:port]) of the callback URL. */
  host: string;
  /** The x-ms-date value (RFC 7231 date, e.g. "Thu, 30 Mar 2023 08:38:32 GMT"). */
  date: string;
  /** The raw body, exactly as sent. */
  body: string | Buffer;
}

export interface VippsSignedHeaders {
  "x-ms-date": string;
  "x-ms-content-sha256": string;
  authorization: string;
  host: string;
}

export function vippsContentHash(body: string | Buffer): string {
  return createHash("sha256").update(body).digest("base64");
}

function stringToSign(method: string, pathAndQuery: string, date: string, host: string, contentHash: string): string {
  return `${method.toUpperCase()}\n${pathAndQuery}\n${date};${host};${contentHash}`;
}

function hmac(secret: string, text: string): Buffer {
  return createHmac("sha256", Buffer.from(secret, "utf8")).update(text, "utf8").digest();
}

/** The headers Vipps sends with a webhook delivery. */
export function signVippsWebhook(input: VippsSignatureInput): VippsSignedHeaders {
  const contentHash = vippsContentHash(input.body);
  const signature = hmac(
    input.secret,
    stringToSign(input.method ?? "POST", input.pathAndQuery, input.date, input.host, contentHash),
  );
  return {
    "x-ms-date": input.date,
    "x-ms-content-sha256": contentHash,
    authorization: `HMAC-SHA256 SignedHeaders=${VIPPS_SIGNED_HEADERS}&Signature=${signature.toString("base64")}`,
    host: input.host,
  };
}

export interface VippsVerificationInput {
  secret: string;
  method?: string;
  pathAndQuery: string;
  host: string;
  date: string;
  contentHash: string;
  authorization: string;
  body: string | Buffer;
}

export type VippsSignatureCheck =
  { ok: true; signature: string } | { ok: false; reason: "bad-content-hash" | "bad-signature"; detail: string };

/** The signature in an Authorization header, or undefined when the header is not Vipps' HMAC-SHA256 form. */
export function parseVippsAuthorization(
  authorization: string,
): { signedHeaders: string; signature: string } | undefined {
  const match = /^HMAC-SHA256 SignedHeaders=([^&\s]+)&Signature=(\S+)$/u.exec(authorization.trim());
  if (!match?.[1] || !match[2]) return undefined;
  return { signedHeaders: match[1], signature: match[2] };
}

function equalBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Checks the content hash against the raw body, then the signature; constant-time comparisons. */
export function verifyVippsWebhookSignature(input: VippsVerificationInput): VippsSignatureCheck {
  const expectedHash = createHash("sha256").update(input.body).digest();
  if (
    !equalBytes(Buffer.from(input.contentHash, "base64"), expectedHash) ||
    expectedHash.toString("base64") !== input.contentHash.trim()
  ) {
    return { ok: false, reason: "bad-content-hash", detail: "x-ms-content-sha256 does not match the body" };
  }
  const parsed = parseVippsAuthorization(input.authorization);
  if (!parsed || parsed.signedHeaders.toLowerCase() !== VIPPS_SIGNED_HEADERS) {
    return {
      ok: false,
      reason: "bad-signature",
      detail: "Authorization is not HMAC-SHA256 over x-ms-date;host;x-ms-content-sha256",
    };
  }
  const expected = hmac(
    input.secret,
    stringToSign(input.method ?? "POST", input.pathAndQuery, input.date, input.host, input.contentHash.trim()),
  );
  if (!equalBytes(Buffer.from(parsed.signature, "base64"), expected)) {
    return { ok: false, reason: "bad-signature", detail: "the signature does not match" };
  }
  return { ok: true, signature: parsed.signature };
}
