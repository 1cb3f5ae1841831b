/**
 * The partner API's errors: `PartnerApiError` is thrown anywhere below a route and answered once, as a TMF630 Error
 * document (`code`, `reason`, `message`, `status`), with `field` naming the part of the body at fault on a 400.
 */
import type { ServerResponse } from "node:http";

export class PartnerApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    readonly detail: string,
    readonly field?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(reason);
  }
}

export function sendPartnerError(res: ServerResponse, error: PartnerApiError): void {
  res.writeHead(error.status, { "content-type": "application/json; charset=utf-8", ...error.headers });
  res.end(
    JSON.stringify({
      "@type": "Error",
      code: String(error.status),
      reason: error.reason,
      message: error.detail,
      status: String(error.status),
      ...(error.field !== undefined ? { field: error.field } : {}),
    }),
  );
}
