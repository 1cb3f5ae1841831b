/**
 * Dev-only HTTP endpoints the dev host serves beside the app's own routes (the clock, the SMS outbox, the durable
 * extension's client endpoints, …). They exist only in the dev host, never in the deployed app.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

/** Handles the request and returns true, or returns false to let the next handler (finally the app) try. */
export type DevRouteHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  res.end(text);
}

/** RFC 9457 problem details for the dev endpoints' own errors. */
export function sendProblem(res: ServerResponse, status: number, title: string, detail?: string, extra: Record<string, unknown> = {}): void {
  res.writeHead(status, { "content-type": "application/problem+json; charset=utf-8" });
  res.end(JSON.stringify({ type: "about:blank", title, status, ...(detail ? { detail } : {}), ...extra }));
}
