/**
 * The dev host's stand-in for a BankID broker (ID-porten, Criipto, Signicat): a real OpenID Connect provider
 * (`oidc-provider` 8, certified) on its own port, with discovery, JWKS, authorization code + PKCE, and an ID token
 * carrying the national id in `pid`. Instead of BankID its sign-in page lists the test persons (test-persons.ts) to
 * pick from; no JavaScript, no network beyond this machine, so `npm start` works offline.
 *
 * It starts when `MINSIDE_OIDC_ISSUER` points at this machine, registers the app's client (`MINSIDE_OIDC_CLIENT_ID`,
 * `MINSIDE_OIDC_CLIENT_SECRET`) with the app's redirect URI, and the dev host hands the app its address through the
 * same setting: the app talks to it exactly as to a broker in production. Signing keys are made at each start (the
 * tokens it issues live for minutes).
 *
 * The same provider stands in for Microsoft Entra ID for staff (issue 16): a second client (the portal's,
 * `PORTAL_OIDC_CLIENT_ID`) whose sign-in page lists the test staff users (test-staff.ts), whose ID tokens carry
 * `name`, the app roles in `roles` and a creditor role's tenant in `creditor_tenant`.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import Provider, { type Configuration } from "oidc-provider";
import type { DevLogger } from "../logger";
import { closeServer, listen } from "../listen";
import { TEST_PERSONS } from "./test-persons";
import { TEST_STAFF } from "./test-staff";

export interface OidcStandInOptions {
  clientId: string;
  clientSecret: string;
  /** The app's redirect URIs, read when the provider is first used (the app's port is known only after start). */
  redirectUris: () => string[];
  logger: DevLogger;
  /** The staff portal's client (issue 16), when the portal signs in here too. */
  staffClient?: { clientId: string; clientSecret: string; redirectUris: () => string[] };
}

const escape = (s: string) =>
  s.replace(/[&<>"']/gu, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

export class OidcProviderStandIn {
  private server: Server | undefined;
  private provider: Provider | undefined;
  private issuer = "";

  constructor(private readonly options: OidcStandInOptions) {}

  async start(port = 0): Promise<{ issuer: string }> {
    const server = createServer((req, res) => {
      void this.route(req, res).catch((error: unknown) => {
        this.options.logger.error("oidc stand-in request failed", {
          error: error instanceof Error ? error.message : String(error),
        });
        if (!res.headersSent) {
          res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
          res.end("The local sign-in failed. Start again from Min side.");
        } else res.end();
      });
    });
    const bound = await listen(server, port);
    this.server = server;
    this.issuer = `http://127.0.0.1:${bound}`;
    this.options.logger.info("oidc stand-in listening", { issuer: this.issuer, persons: TEST_PERSONS.length });
    return { issuer: this.issuer };
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await closeServer(server);
  }

  private providerNow(): Provider {
    if (this.provider) return this.provider;
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const jwk = { ...privateKey.export({ format: "jwk" }), kid: "devhost-oidc-1", use: "sig", alg: "RS256" };
    const configuration: Configuration = {
      clients: [
        {
          client_id: this.options.clientId,
          client_secret: this.options.clientSecret,
          redirect_uris: this.options.redirectUris(),
          grant_types: ["authorization_code"],
          response_types: ["code"],
          token_endpoint_auth_method: "client_secret_basic",
          id_token_signed_response_alg: "RS256",
        },
        ...(this.options.staffClient
          ? [
              {
                client_id: this.options.staffClient.clientId,
                client_secret: this.options.staffClient.clientSecret,
                redirect_uris: this.options.staffClient.redirectUris(),
                grant_types: ["authorization_code"],
                response_types: ["code" as const],
                token_endpoint_auth_method: "client_secret_basic" as const,
                id_token_signed_response_alg: "RS256" as const,
              },
            ]
          : []),
      ],
      jwks: { keys: [jwk] },
      cookies: { keys: [randomBytes(32).toString("base64url")] },
      claims: { openid: ["sub", "pid", "roles", "creditor_tenant"], profile: ["name"] },
      conformIdTokenClaims: false,
      pkce: { required: () => true },
      features: { devInteractions: { enabled: false } },
      interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
      findAccount: (_ctx, sub) => {
        const staff = TEST_STAFF.find((p) => p.sub === sub);
        if (staff)
          return {
            accountId: sub,
            claims: () => ({
              sub,
              name: staff.name,
              roles: staff.roles,
              ...(staff.creditorTenant ? { creditor_tenant: staff.creditorTenant } : {}),
            }),
          };
        const person = TEST_PERSONS.find((p) => p.sub === sub);
        if (!person) return undefined;
        return { accountId: sub, claims: () => ({ sub, pid: person.nationalId, name: person.name }) };
      },
      ttl: { AccessToken: 300, AuthorizationCode: 60, IdToken: 300, Interaction: 600, Session: 600, Grant: 600 },
    };
    this.provider = new Provider(this.issuer, configuration);
    this.provider.on("server_error", (_ctx, error: Error) =>
      this.options.logger.error("oidc stand-in server error", { error: error.message }),
    );
    return this.provider;
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const provider = this.providerNow();
    const url = new URL(req.url ?? "/", this.issuer);
    const match = /^\/interaction\/([A-Za-z0-9_-]+)(\/login|\/abort)?$/u.exec(url.pathname);
    if (!match) return provider.callback()(req, res);
    const details = await provider.interactionDetails(req, res);
    const forStaff =
      this.options.staffClient !== undefined && details.params.client_id === this.options.staffClient.clientId;
    if (req.method === "GET" && !match[2])
      return forStaff
        ? this.staffPage(res, match[1]!, details.params.ui_locales === "en")
        : this.page(res, match[1]!, details.params.ui_locales === "en");
    if (req.method !== "POST") {
      res.writeHead(405).end();
      return;
    }
    if (match[2] === "/abort") {
      await provider.interactionFinished(
        req,
        res,
        { error: "access_denied", error_description: "The person cancelled" },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    const form = new URLSearchParams(await body(req));
    const person = forStaff
      ? TEST_STAFF.find((p) => p.sub === form.get("person"))
      : TEST_PERSONS.find((p) => p.sub === form.get("person"));
    if (!person)
      return forStaff
        ? this.staffPage(res, match[1]!, details.params.ui_locales === "en")
        : this.page(res, match[1]!, details.params.ui_locales === "en");
    const clientId = String(details.params.client_id);
    const grant = new provider.Grant({ accountId: person.sub, clientId });
    const scope = details.params.scope;
    grant.addOIDCScope(typeof scope === "string" ? scope : "openid");
    const grantId = await grant.save();
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: person.sub }, consent: { grantId } },
      { mergeWithLastSubmission: false },
    );
  }

  /** The "Entra ID" page for staff: pick a test staff user (buttons in a form, no JavaScript). */
  private staffPage(res: ServerResponse, uid: string, english: boolean): void {
    const t = english
      ? { title: "Local staff sign-in (dev host)", intro: "Choose a test staff user to sign in as.", cancel: "Cancel" }
      : {
          title: "Lokal innlogging for ansatte (dev host)",
          intro: "Velg en testbruker å logge inn som.",
          cancel: "Avbryt",
        };
    const buttons = TEST_STAFF.map(
      (p) =>
        `<li><button type="submit" name="person" value="${escape(p.sub)}">${escape(p.name)}</button> <span>${escape(p.roles.join(", "))} · ${escape(p.note)}</span></li>`,
    ).join("\n");
    this.sendPage(res, uid, english, t, buttons);
  }

  /** The "BankID" page: pick a test person (buttons in a form, no JavaScript). */
  private page(res: ServerResponse, uid: string, english: boolean): void {
    const t = english
      ? { title: "Local BankID (dev host)", intro: "Choose a test person to sign in as.", cancel: "Cancel" }
      : { title: "Lokal BankID (dev host)", intro: "Velg en testperson å logge inn som.", cancel: "Avbryt" };
    const buttons = TEST_PERSONS.map(
      (p) =>
        `<li><button type="submit" name="person" value="${escape(p.sub)}">${escape(p.name)}</button> <span>${escape(p.nationalId)} · ${escape(p.note)}</span></li>`,
    ).join("\n");
    this.sendPage(res, uid, english, t, buttons);
  }

  private sendPage(
    res: ServerResponse,
    uid: string,
    english: boolean,
    t: { title: string; intro: string; cancel: string },
    buttons: string,
  ): void {
    const html = `<!doctype html>
<html lang="${english ? "en" : "nb"}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${t.title}</title>
<style>body{font:1.05rem/1.5 system-ui,sans-serif;max-width:36rem;margin:1rem auto;padding:0 .75rem}ul{list-style:none;padding:0}li{margin:.75rem 0}button{font:inherit;min-height:48px;padding:.5rem 1rem;border:2px solid #1a1a1a;border-radius:.5rem;background:#fff;cursor:pointer}span{display:block;color:#4a5257}</style>
</head><body><main><h1>${t.title}</h1><p>${t.intro}</p>
<form method="post" action="/interaction/${escape(uid)}/login"><ul>
${buttons}
</ul></form>
<form method="post" action="/interaction/${escape(uid)}/abort"><button type="submit">${t.cancel}</button></form>
</main></body></html>`;
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
    res.end(html);
  }
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      text += chunk;
      if (text.length > 10_000) req.destroy();
    });
    req.on("end", () => resolve(text));
    req.on("error", reject);
  });
}
