/**
 * Dev-only HTTP endpoints the dev host serves beside the app's own routes (the clock, the SMS outbox, the durable
 * extension's client endpoints, …). They exist only in the dev host, never in the deployed app.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";

/** Handles the request and returns true, or returns false to let the next handler (finally the app) try. */
export type DevRouteHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  res.end(text);
}

/** RFC 9457 problem details for the dev endpoints' own errors. */
export function sendProblem(
  res: ServerResponse,
  status: number,
  title: string,
  detail?: string,
  extra: Record<string, unknown> = {},
): void {
  res.writeHead(status, { "content-type": "application/problem+json; charset=utf-8" });
  res.end(JSON.stringify({ type: "about:blank", title, status, ...(detail ? { detail } : {}), ...extra }));
}

/** A request header's first value. */
export function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** A dev endpoint's JSON body checked against `schema`; on a problem it answers 415/400/422 itself and gives undefined. */
export async function readDevJson<T>(
  req: IncomingMessage,
  res: ServerResponse,
  schema: z.ZodType<T>,
): Promise<T | undefined> {
  // JSON only: a cross-site HTML form cannot send application/json without a CORS preflight.
  if (!/^application\/json\b/iu.test(header(req, "content-type") ?? "")) {
    sendProblem(res, 415, "Unsupported media type", "Send the body as application/json.");
    return undefined;
  }
  let json: unknown;
  try {
    json = JSON.parse((await readBody(req)).toString("utf8") || "{}");
  } catch {
    sendProblem(res, 400, "Malformed JSON");
    return undefined;
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    sendProblem(res, 422, "Invalid body", z.prettifyError(parsed.error));
    return undefined;
  }
  return parsed.data;
}

/** Text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/gu, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}
