/**
 * Digipost REST API v8 on the wire, as the adapter speaks it (sources: github.com/digipost/digipost-api-client-java
 * `api_v8.xsd`, `RequestMessageSignatureUtil`, `MessageDeliverer`; github.com/digipost/digipost-data-types
 * `datatypes.xsd`; github.com/digipost/digipost-docs `security.rst`).
 *
 * - Media type `application/vnd.digipost-v8+xml`; a message and its documents go in ONE request, a multipart body of
 *   type `multipart/vnd.digipost-v8+xml` (since API v6 a message is sent in a single request).
 * - Every request is signed: `X-Digipost-UserId`, `Date` (RFC 1123), `X-Content-SHA256` (base64 SHA-256 of the body,
 *   only when there is one) and `X-Digipost-Signature` = base64(SHA256withRSA(canonical string)).
 * - v8 has no `<invoice>` document type any more (removed 2022-03-09): payment details travel as a Digipost data type
 *   in the document's `<data-type>` (`invoice`, or `inkasso` for debt collection) in the datatypes namespace.
 */
import { createHash, createSign, type KeyObject } from "node:crypto";
import { DateTime } from "luxon";

export const DIGIPOST_MEDIA_TYPE = "application/vnd.digipost-v8+xml";
export const DIGIPOST_MULTIPART_TYPE = "multipart/vnd.digipost-v8+xml";
export const DIGIPOST_NS = "http://api.digipost.no/schema/v8";
export const DATATYPES_NS = "http://api.digipost.no/schema/datatypes";
/** Digipost's rule: a debt-collection document's subject starts with this. */
export const INKASSO_PREFIX = "[INKASSO] ";

export interface RequestToSign {
  method: string;
  /** The URL path, without the query. */
  path: string;
  /** The raw query string after `?`, or "". */
  query: string;
  date: string;
  userId: string;
  /** Absent for requests without a body. */
  contentSha256?: string;
}

/**
 * The string Digipost verifies (RequestMessageSignatureUtil): upper-case method, lower-case path, the signed headers
 * in alphabetical order as `name: value` with lower-case names (date, x-content-sha256, x-digipost-userid), then the
 * lower-cased query string — every line ending in `\n`, the query line too even when it is empty.
 */
export function canonicalRequestString(request: RequestToSign): string {
  return (
    `${request.method.toUpperCase()}\n` +
    `${request.path.toLowerCase()}\n` +
    `date: ${request.date}\n` +
    (request.contentSha256 !== undefined ? `x-content-sha256: ${request.contentSha256}\n` : "") +
    `x-digipost-userid: ${request.userId}\n` +
    `${request.query.toLowerCase()}\n`
  );
}

export function contentSha256(body: Buffer | string): string {
  return createHash("sha256").update(body).digest("base64");
}

/** base64(SHA256withRSA(canonical string)) — the `X-Digipost-Signature` header. */
export function signCanonical(canonical: string, privateKey: KeyObject): string {
  return createSign("RSA-SHA256").update(canonical, "utf8").sign(privateKey, "base64");
}

/** Minor units (øre) as Digipost's decimal kroner: 12345 → "123.45", 5 → "0.05". Exact; no floating point. */
export function kronerFromMinorUnits(minor: number): string {
  if (!Number.isSafeInteger(minor) || minor < 0) throw new RangeError("amount must be a non-negative integer of øre");
  const kroner = Math.floor(minor / 100);
  const ore = minor % 100;
  return `${kroner}.${String(ore).padStart(2, "0")}`;
}

/** `YYYY-MM-DD` as the data types' ZonedDateTime: midnight in Oslo, e.g. `2026-12-20T00:00:00+01:00`. */
export function osloMidnight(date: string): string {
  const at = DateTime.fromISO(date, { zone: "Europe/Oslo" });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !at.isValid) throw new RangeError("due date must be YYYY-MM-DD");
  return at.startOf("day").toISO({ suppressMilliseconds: true });
}

/** XML text and attribute escaping. Characters XML 1.0 cannot carry at all are dropped. */
export function escapeXml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** A tiny element tree; `undefined` children are left out, so optional elements read naturally. */
export type XmlNode = { name: string; attrs?: Record<string, string>; children: Array<XmlNode | string> };

export function el(
  name: string,
  ...children: Array<XmlNode | string | undefined | Array<XmlNode | undefined>>
): XmlNode {
  const flat: Array<XmlNode | string> = [];
  for (const c of children) {
    if (c === undefined) continue;
    if (Array.isArray(c)) {
      for (const x of c) if (x !== undefined) flat.push(x);
    } else {
      flat.push(c);
    }
  }
  return { name, children: flat };
}

export function withAttrs(node: XmlNode, attrs: Record<string, string>): XmlNode {
  return { ...node, attrs: { ...node.attrs, ...attrs } };
}

export function renderXml(root: XmlNode): string {
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n${render(root)}`;
}

function render(node: XmlNode): string {
  const attrs = Object.entries(node.attrs ?? {})
    .map(([k, v]) => ` ${k}="${escapeXml(v)}"`)
    .join("");
  if (node.children.length === 0) return `<${node.name}${attrs}/>`;
  const inner = node.children.map((c) => (typeof c === "string" ? escapeXml(c) : render(c))).join("");
  return `<${node.name}${attrs}>${inner}</${node.name}>`;
}
