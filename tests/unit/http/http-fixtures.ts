/** Helpers for host-free tests of the HTTP edge: requests in, responses read back the way the host would. */
import { HttpRequest, HttpResponse, InvocationContext, type HttpResponseInit } from "@azure/functions";

/**
 * Serialises a handler's result exactly as the Functions host (and the dev host) does, then reads it: status, headers,
 * the body's text and `json`, the body as `JSON.parse` gives it (undefined when the body is empty) for assertions.
 */
export async function read(result: HttpResponseInit | HttpResponse) {
  const response = result instanceof HttpResponse ? result : new HttpResponse(result);
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: text === "" ? undefined : JSON.parse(text) };
}

export type ReadResponse = Awaited<ReturnType<typeof read>>;

export function jsonRequest(
  body: unknown,
  options: { method?: string; url?: string; headers?: Record<string, string>; raw?: string } = {},
): HttpRequest {
  return new HttpRequest({
    method: options.method ?? "POST",
    url: options.url ?? "http://localhost/api/v1/invoices",
    headers: { "content-type": "application/json", ...options.headers },
    body: { string: options.raw ?? JSON.stringify(body) },
  });
}

export function getRequest(
  url: string,
  options: { headers?: Record<string, string>; params?: Record<string, string> } = {},
): HttpRequest {
  return new HttpRequest({ method: "GET", url, headers: options.headers ?? {}, params: options.params ?? {} });
}

/** An InvocationContext whose log lines are kept for assertions. */
export function contextWithLog(invocationId = "0f6a1c2e-1111-4222-8333-944455556666"): {
  context: InvocationContext;
  logged: unknown[][];
} {
  const logged: unknown[][] = [];
  const context = new InvocationContext({
    invocationId,
    functionName: "test",
    logHandler: (level, ...args) => logged.push([level, ...args]),
  });
  return { context, logged };
}
