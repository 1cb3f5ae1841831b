/**
 * Authentication as Vipps does it: `POST /accesstoken/get` checks the configured client id/secret, subscription key
 * and Merchant-Serial-Number and issues an hour-long bearer token; every API call must then carry the subscription
 * key, an unexpired token and the MSN (401/403 problems otherwise). Tokens live in memory only.
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { header, sendJson } from "../dev-routes";
import type { DevLogger } from "../logger";
import { ApiProblem } from "./api-problem";

const TOKEN_LIFETIME_SECONDS = 3600;

export interface VippsCredentials {
  clientId: string;
  clientSecret: string;
  subscriptionKey: string;
  merchantSerialNumber: string;
}

export class AccessTokens {
  /** Token → when it expires (ms since the epoch). */
  private readonly tokens = new Map<string, number>();

  constructor(
    private readonly credentials: VippsCredentials,
    private readonly now: () => Date,
    private readonly logger: DevLogger,
  ) {}

  /** Answers `POST /accesstoken/get` with a new token, or throws a 401 problem. */
  issue(req: IncomingMessage, res: ServerResponse): void {
    const c = this.credentials;
    const ok =
      header(req, "client_id") === c.clientId &&
      header(req, "client_secret") === c.clientSecret &&
      header(req, "ocp-apim-subscription-key") === c.subscriptionKey &&
      header(req, "merchant-serial-number") === c.merchantSerialNumber;
    if (!ok) {
      this.logger.warn("vipps simulator refused an access token request");
      throw new ApiProblem(
        401,
        "Unauthorized",
        "Invalid client_id, client_secret, subscription key or Merchant-Serial-Number.",
      );
    }
    const token = `sim.${randomBytes(24).toString("base64url")}`;
    const now = this.now().getTime();
    const expiresOn = Math.floor(now / 1000) + TOKEN_LIFETIME_SECONDS;
    this.tokens.set(token, expiresOn * 1000);
    // Every time is a STRING of seconds, as the Access Token API gives them (its OpenAPI `AuthorizationTokenResponse`
    // types expires_in, ext_expires_in, expires_on and not_before as strings; its example: "expires_in": "86398").
    sendJson(res, 200, {
      token_type: "Bearer",
      expires_in: String(TOKEN_LIFETIME_SECONDS),
      ext_expires_in: String(TOKEN_LIFETIME_SECONDS),
      expires_on: String(expiresOn),
      not_before: String(Math.floor(now / 1000)),
      resource: "00000002-0000-0000-c000-000000000000",
      access_token: token,
    });
  }

  /** Throws a 401/403 problem unless the request carries the subscription key, a live token and the MSN. */
  authorize(req: IncomingMessage): void {
    if (header(req, "ocp-apim-subscription-key") !== this.credentials.subscriptionKey) {
      throw new ApiProblem(401, "Unauthorized", "Access denied due to a missing or invalid subscription key.");
    }
    const bearer = /^Bearer (\S+)$/u.exec(header(req, "authorization") ?? "")?.[1];
    const expiresAt = bearer ? this.tokens.get(bearer) : undefined;
    if (expiresAt === undefined || expiresAt <= this.now().getTime()) {
      throw new ApiProblem(401, "Unauthorized", "The access token is missing, unknown or expired.");
    }
    if (header(req, "merchant-serial-number") !== this.credentials.merchantSerialNumber) {
      throw new ApiProblem(403, "Forbidden", "The Merchant-Serial-Number is not allowed for this access token.");
    }
  }
}
