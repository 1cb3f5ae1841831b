/**
 * A local App Service managed identity endpoint: what `IDENTITY_ENDPOINT` + `IDENTITY_HEADER` name inside an Azure
 * Functions app, and what `ManagedIdentityCredential` (msal-node's App Service source) asks for tokens.
 *
 * `GET {endpoint}?resource=…&api-version=2019-08-01` with the header `X-IDENTITY-HEADER: {IDENTITY_HEADER}` answers
 * `{ access_token, expires_on, resource, token_type: "Bearer", client_id }` (expires_on in seconds since the epoch, as a
 * string, like App Service). A wrong or missing header is 401, a missing resource or api version 400.
 *
 * The tokens are opaque to the app and checkable by the dev host's other stand-ins (`verify`): an HMAC over the
 * resource and the expiry with a key made at start, so a token from anywhere else is refused. Real time throughout:
 * the SDKs compare expiry with `Date`, not with the virtual clock.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { closeServer, listen } from "../listen";
import type { DevLogger } from "../logger";

export const MSI_API_VERSION = "2019-08-01";
const TOKEN_PATH = "/msi/token";
const TOKEN_LIFETIME_SECONDS = 3600;
/** The principal the tokens name (the Function App's system-assigned identity, here). */
const CLIENT_ID = "00000000-0000-0000-0000-00000000d0e1";

export interface ManagedIdentityEndpointOptions {
  logger: DevLogger;
}

export class ManagedIdentityEndpoint {
  readonly #key = randomBytes(32);
  /** The value of IDENTITY_HEADER: the app's proof that it is the app (a secret shared through the environment). */
  readonly identityHeader = randomBytes(24).toString("hex");
  #server: Server | undefined;

  constructor(private readonly options: ManagedIdentityEndpointOptions) {}

  /** Starts on 127.0.0.1 (port 0: any free port); returns IDENTITY_ENDPOINT. */
  async start(port = 0): Promise<{ identityEndpoint: string; identityHeader: string }> {
    const server = createServer((req, res) => this.#handle(req, res));
    const bound = await listen(server, port);
    this.#server = server;
    return { identityEndpoint: `http://127.0.0.1:${String(bound)}${TOKEN_PATH}`, identityHeader: this.identityHeader };
  }

  async stop(): Promise<void> {
    if (this.#server) await closeServer(this.#server);
    this.#server = undefined;
  }

  /** The resource a token issued here was for, when it is one of ours and not expired; otherwise undefined. */
  verify(token: string): { resource: string } | undefined {
    const [prefix, payload, signature] = token.split(".");
    if (prefix !== "devhost-msi" || payload === undefined || signature === undefined) return undefined;
    const expected = this.#sign(payload);
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { resource: string; exp: number };
    if (claims.exp * 1000 <= Date.now()) return undefined;
    return { resource: claims.resource };
  }

  #sign(payload: string): Buffer {
    return Buffer.from(createHmac("sha256", this.#key).update(payload).digest("base64url"));
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.method !== "GET" || url.pathname !== TOKEN_PATH) return send(404, { error: "not_found" });
    const header = req.headers["x-identity-header"];
    if (header !== this.identityHeader) {
      this.options.logger.warn("managed identity: token request without the identity header refused");
      return send(401, { error: "unauthorized", error_description: "X-IDENTITY-HEADER is missing or wrong" });
    }
    const resource = url.searchParams.get("resource");
    if (url.searchParams.get("api-version") !== MSI_API_VERSION || !resource)
      return send(400, { error: "invalid_request", error_description: `resource and api-version=${MSI_API_VERSION}` });
    const exp = Math.floor(Date.now() / 1000) + TOKEN_LIFETIME_SECONDS;
    const payload = Buffer.from(JSON.stringify({ resource, exp })).toString("base64url");
    send(200, {
      access_token: `devhost-msi.${payload}.${this.#sign(payload).toString()}`,
      expires_on: String(exp),
      resource,
      token_type: "Bearer",
      client_id: CLIENT_ID,
    });
  }
}
