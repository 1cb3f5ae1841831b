/**
 * Serves the app's HTTP triggers on 127.0.0.1 like the Functions host: route templates, methods, route parameters,
 * query, headers and raw bodies (JSON, form, binary), `authLevel` with keys from the local settings, and the
 * handler's response (status, headers, cookies, body). Dev-only endpoints are tried first.
 */
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import { listen, closeServer } from "./listen";
import { HttpRequest, HttpResponse, type Cookie } from "@azure/functions";
import type { FunctionRegistry } from "./functions-core";
import { compileRoute, matchRoute, sortRoutes, type CompiledRoute } from "./http-routes";
import type { Invoker } from "./invoker";
import type { DevLogger } from "./logger";
import { type DevRouteHandler, readBody, sendProblem } from "./dev-routes";

export interface HttpKeys {
  /** Accepted for authLevel "function" (the master key is accepted too). */
  functionKey?: string;
  /** Accepted for every authLevel; the only key accepted for "admin". */
  masterKey?: string;
}

export interface DevHttpServerOptions {
  registry: FunctionRegistry;
  invoker: Invoker;
  logger: DevLogger;
  keys: HttpKeys;
  devRoutes: DevRouteHandler[];
}

export class DevHttpServer {
  private readonly routes: CompiledRoute[];
  private server: http.Server | undefined;

  constructor(private readonly options: DevHttpServerOptions) {
    this.routes = sortRoutes(options.registry.byTrigger("httpTrigger").map(compileRoute));
  }

  get compiledRoutes(): readonly CompiledRoute[] {
    return this.routes;
  }

  async listen(port: number, host = "127.0.0.1"): Promise<number> {
    const server = http.createServer((req, res) => {
      this.handle(req, res).catch((err) => {
        this.options.logger.error("request handling failed", {
          error: err instanceof Error ? err.message : String(err),
        });
        if (!res.headersSent) sendProblem(res, 500, "Internal Server Error");
        else res.end();
      });
    });
    server.keepAliveTimeout = 65_000;
    this.server = server;
    return listen(server, port, host);
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await closeServer(server);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "127.0.0.1"}`);
    for (const devRoute of this.options.devRoutes) {
      if (await devRoute(req, res, url)) return;
    }
    const method = (req.method ?? "GET").toUpperCase();
    const path = url.pathname.replace(/^\/+|\/+$/g, "");
    let allowed: string[] = [];
    for (const route of this.routes) {
      const params = matchRoute(route, path);
      if (!params) continue;
      if (!route.methods.has(method)) {
        allowed = [...allowed, ...route.methods];
        continue;
      }
      if (!this.authorised(route, req, url)) {
        res.writeHead(401, { "content-type": "application/problem+json" });
        res.end(
          JSON.stringify({
            type: "about:blank",
            title: "Unauthorized",
            status: 401,
            detail: "A valid function key is required (header x-functions-key or query parameter code).",
          }),
        );
        return;
      }
      await this.invoke(route, params, req, res, url, method);
      return;
    }
    const detail = allowed.length
      ? `No function answers ${method} ${url.pathname} (it answers ${[...new Set(allowed)].join(", ")}).`
      : `No function is registered for ${url.pathname}.`;
    sendProblem(res, 404, "Not Found", detail);
  }

  private authorised(route: CompiledRoute, req: IncomingMessage, url: URL): boolean {
    if (route.authLevel === "anonymous") return true;
    const given = (req.headers["x-functions-key"] as string | undefined) ?? url.searchParams.get("code") ?? undefined;
    if (!given) return false;
    const { functionKey, masterKey } = this.options.keys;
    if (masterKey && given === masterKey) return true;
    return route.authLevel === "function" && Boolean(functionKey) && given === functionKey;
  }

  private async invoke(
    route: CompiledRoute,
    params: Record<string, string>,
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    method: string,
  ): Promise<void> {
    const body = await readBody(req);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
    }
    // Like Azure's front end: the client's address (ip:port) is appended to x-forwarded-for.
    const peer = req.socket.remoteAddress;
    if (peer) {
      const client = `${peer.includes(":") ? `[${peer}]` : peer}:${String(req.socket.remotePort ?? 0)}`;
      headers["x-forwarded-for"] = headers["x-forwarded-for"] ? `${headers["x-forwarded-for"]}, ${client}` : client;
    }
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) query[k] = v;
    const request = new HttpRequest({
      method,
      url: url.toString(),
      headers,
      query,
      params,
      ...(body.length > 0 && method !== "GET" && method !== "HEAD" ? { body: { bytes: new Uint8Array(body) } } : {}),
    });
    let result: unknown;
    try {
      ({ result } = await this.options.invoker.invoke(route.registration, request));
    } catch {
      // Like the Functions host: an unhandled error is a 500 without details (the invocation log has them).
      sendProblem(res, 500, "Internal Server Error");
      return;
    }
    const response = result instanceof HttpResponse ? result : new HttpResponse(result ?? {});
    const outHeaders: Record<string, string | string[]> = {};
    response.headers.forEach((value, name) => {
      outHeaders[name] = value;
    });
    if (response.cookies.length) outHeaders["set-cookie"] = response.cookies.map(serializeCookie);
    const payload = method === "HEAD" ? Buffer.alloc(0) : Buffer.from(await response.arrayBuffer());
    if (!("content-length" in outHeaders) && method !== "HEAD") outHeaders["content-length"] = String(payload.length);
    res.writeHead(response.status, outHeaders);
    res.end(payload);
  }
}

function serializeCookie(c: Cookie): string {
  const parts = [`${c.name}=${encodeURIComponent(c.value)}`];
  if (c.domain) parts.push(`Domain=${c.domain}`);
  if (c.path) parts.push(`Path=${c.path}`);
  if (c.expires !== undefined) parts.push(`Expires=${new Date(c.expires).toUTCString()}`);
  if (c.maxAge !== undefined) parts.push(`Max-Age=${c.maxAge}`);
  if (c.secure) parts.push("Secure");
  if (c.httpOnly) parts.push("HttpOnly");
  if (c.sameSite) parts.push(`SameSite=${c.sameSite}`);
  return parts.join("; ");
}
