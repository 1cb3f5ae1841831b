/**
 * How the partner simulator knows its client, the two ways the wire contract allows:
 *
 * - `hmac`: Standard Webhooks headers on the request (`webhook-id`, `webhook-timestamp`, `webhook-signature` over
 *   `{id}.{timestamp}.{body}`, body "" for a GET) with the configured `whsec_…` secret. The timestamp may be 5 minutes
 *   off the simulator's clock (the dev host's virtual clock, which the app signs with) or off real time.
 * - `oauth2`: `POST /oauth2/token` with client credentials (form fields or HTTP Basic) issues an hour-long bearer
 *   token (on the simulator's clock); requests then carry `Authorization: Bearer …`. Only token hashes are kept.
 *
 * Nothing here logs a secret, a token or a signature.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { Webhook } from "standardwebhooks";
import { header, sendJson } from "../dev-routes";
import { PartnerApiError } from "./api-error";
import type { PartnerStore } from "./partner-store";

const TOKEN_LIFETIME_SECONDS = 3600;
const TIMESTAMP_TOLERANCE_MS = 5 * 60_000;

export interface PartnerCredentials {
  /** The shared `whsec_…` secret: request signatures in, callback signatures out. */
  secret: string;
  /** OAuth2 client credentials the token endpoint accepts. */
  clientId: string;
  clientSecret: string;
}

export class PartnerAuth {
  private readonly webhook: Webhook;

  constructor(
    private readonly credentials: PartnerCredentials,
    private readonly store: PartnerStore,
    private readonly now: () => number,
  ) {
    this.webhook = new Webhook(credentials.secret);
  }

  /** Answers `POST /oauth2/token` (client credentials grant), or throws a 400/401 error. */
  async issueToken(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    const form = new URLSearchParams(body.toString("utf8"));
    if (form.get("grant_type") !== "client_credentials") {
      sendJson(res, 400, { error: "unsupported_grant_type" }, { "cache-control": "no-store" });
      return;
    }
    const basic = /^Basic (\S+)$/u.exec(header(req, "authorization") ?? "")?.[1];
    let clientId = form.get("client_id") ?? undefined;
    let clientSecret = form.get("client_secret") ?? undefined;
    if (basic) {
      const decoded = Buffer.from(basic, "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      if (colon > 0) {
        clientId = decodeURIComponent(decoded.slice(0, colon));
        clientSecret = decodeURIComponent(decoded.slice(colon + 1));
      }
    }
    if (!sameText(clientId, this.credentials.clientId) || !sameText(clientSecret, this.credentials.clientSecret)) {
      sendJson(res, 401, { error: "invalid_client" }, { "cache-control": "no-store", "www-authenticate": "Basic" });
      return;
    }
    const token = `psim.${randomBytes(24).toString("base64url")}`;
    const now = this.now();
    this.store.addToken({ hash: tokenHash(token), expiresAt: now + TOKEN_LIFETIME_SECONDS * 1000 }, now);
    await this.store.save();
    const scope = form.get("scope");
    sendJson(
      res,
      200,
      {
        access_token: token,
        token_type: "Bearer",
        expires_in: TOKEN_LIFETIME_SECONDS,
        ...(scope ? { scope } : {}),
      },
      { "cache-control": "no-store" },
    );
  }

  /** Throws a 401 error unless the request is signed with the secret or carries a live token this simulator issued. */
  authorize(req: IncomingMessage, body: Buffer): "hmac" | "oauth2" {
    const bearer = /^Bearer (\S+)$/u.exec(header(req, "authorization") ?? "")?.[1];
    if (bearer !== undefined) {
      const expiresAt = this.store.tokenExpiry(tokenHash(bearer));
      if (expiresAt !== undefined && expiresAt > this.now()) return "oauth2";
      throw unauthorized("The access token is unknown or expired.");
    }
    if (this.signatureIsValid(req, body)) return "hmac";
    throw unauthorized("The request carries no valid signature or access token.");
  }

  private signatureIsValid(req: IncomingMessage, body: Buffer): boolean {
    const id = header(req, "webhook-id");
    const timestamp = header(req, "webhook-timestamp");
    const signatures = header(req, "webhook-signature");
    if (!id || !timestamp || !signatures || !/^\d{1,12}$/u.test(timestamp)) return false;
    const at = Number(timestamp) * 1000;
    const near = (now: number) => Math.abs(now - at) <= TIMESTAMP_TOLERANCE_MS;
    if (!near(this.now()) && !near(Date.now())) return false;
    const expected = Buffer.from(this.webhook.sign(id, new Date(at), body.toString("utf8")));
    return signatures
      .split(" ")
      .map((s) => Buffer.from(s))
      .some((given) => given.length === expected.length && timingSafeEqual(given, expected));
  }
}

function unauthorized(detail: string): PartnerApiError {
  return new PartnerApiError(401, "Unauthorized", detail, undefined, { "www-authenticate": "Bearer" });
}

function tokenHash(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}

function sameText(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}
