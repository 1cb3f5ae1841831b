/**
 * The HMAC-SHA256 request signature Azure Communication Services checks on every data-plane request (SMS and Email
 * alike): `Authorization: HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=<base64>` over
 * `<METHOD>\n<path?query>\n<x-ms-date>;<host>;<x-ms-content-sha256>` with the base64-decoded access key, and the
 * content hash checked against the body (the hash of an empty body for a GET).
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { header } from "./dev-routes";

const DENIED = "Denied by the resource provider.";

/** The reason a request is refused, or undefined when it is correctly signed with `key`. */
export function acsHmacRefusal(req: IncomingMessage, body: Buffer, key: Buffer): string | undefined {
  const authorization = header(req, "authorization");
  const date = header(req, "x-ms-date") ?? header(req, "date");
  const contentHash = header(req, "x-ms-content-sha256");
  const host = header(req, "host");
  if (!authorization || !date || !contentHash || !host) return DENIED;
  const match = /^HMAC-SHA256 SignedHeaders=([^&]+)&Signature=(.+)$/.exec(authorization);
  if (!match?.[1] || !match[2]) return DENIED;
  const signed = match[1].toLowerCase().split(";");
  if (
    signed.length !== 3 ||
    !["x-ms-date", "date"].includes(signed[0]!) ||
    signed[1] !== "host" ||
    signed[2] !== "x-ms-content-sha256"
  ) {
    return DENIED;
  }
  if (sha256Base64(body) !== contentHash) return "Request 'x-ms-content-sha256' differs from generated content hash.";
  const stringToSign = `${req.method ?? "POST"}\n${req.url ?? "/"}\n${date};${host};${contentHash}`;
  const expected = createHmac("sha256", key).update(stringToSign, "utf8").digest();
  const given = Buffer.from(match[2], "base64");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return DENIED;
  return undefined;
}

export function sha256Base64(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("base64");
}
