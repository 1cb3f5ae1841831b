/**
 * StaffIdentityProvider with `openid-client` (v6): staff sign in at the agency's OpenID Connect provider — Microsoft
 * Entra ID in production (issuer `https://login.microsoftonline.com/{directory}/v2.0`), the dev host's local provider
 * on this machine. Discovery, authorization code flow with PKCE (S256), state and nonce, client_secret_basic, as
 * Min side's BankID adapter.
 *
 * From the ID token: `sub` (the subject: at Entra pairwise per app, never an e-mail), `name` (shown on the page only),
 * `roles` (Entra app roles: `creditor.viewer`, `creditor.editor`, `service.agent`, `operator`; other values ignored)
 * and the creditor tenant of a creditor role from the claim named by `PORTAL_OIDC_TENANT_CLAIM` (default
 * `creditor_tenant`; at Entra a directory extension attribute emitted as an optional claim, e.g.
 * `extn.creditorTenant`, set on each creditor user). Plain `http://` only for an issuer on this machine.
 */
import * as client from "openid-client";
import { SignInRefused, type SignInTransaction } from "../../ports/identity-provider";
import {
  STAFF_ROLES,
  type StaffIdentity,
  type StaffIdentityProvider,
  type StaffRole,
} from "../../ports/staff-identity-provider";

export interface StaffOpenIdClientConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** The ID token claim with the creditor tenant of a creditor role. */
  tenantClaim: string;
  scope: string;
}

function isLoopback(url: URL): boolean {
  return ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
}

export class StaffOpenIdClientIdentityProvider implements StaffIdentityProvider {
  #configuration: Promise<client.Configuration> | undefined;

  constructor(private readonly config: StaffOpenIdClientConfig) {}

  #discover(): Promise<client.Configuration> {
    this.#configuration ??= (async () => {
      const issuer = new URL(this.config.issuer);
      const insecure = issuer.protocol === "http:";
      if (insecure && !isLoopback(issuer))
        throw new Error("PORTAL_OIDC_ISSUER must be https (http only on this machine)");
      return client.discovery(
        issuer,
        this.config.clientId,
        { client_secret: this.config.clientSecret, redirect_uris: [this.config.redirectUri], response_types: ["code"] },
        client.ClientSecretBasic(this.config.clientSecret),
        { timeout: 10, ...(insecure ? { execute: [client.allowInsecureRequests] } : {}) },
      );
    })().catch((error: unknown) => {
      this.#configuration = undefined;
      throw error;
    });
    return this.#configuration;
  }

  async begin(options: { lang: "nb" | "en" }): Promise<{ url: string; transaction: SignInTransaction }> {
    const configuration = await this.#discover();
    const codeVerifier = client.randomPKCECodeVerifier();
    const transaction = { state: client.randomState(), nonce: client.randomNonce(), codeVerifier };
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: this.config.redirectUri,
      scope: this.config.scope,
      response_type: "code",
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: "S256",
      state: transaction.state,
      nonce: transaction.nonce,
      ui_locales: options.lang,
    });
    return { url: url.href, transaction };
  }

  async finish(callbackQuery: string, transaction: SignInTransaction): Promise<StaffIdentity> {
    const configuration = await this.#discover();
    const query = new URLSearchParams(callbackQuery);
    if (query.has("error")) throw new SignInRefused(`provider answered ${query.get("error")?.slice(0, 40) ?? ""}`);
    const current = new URL(this.config.redirectUri);
    current.search = query.toString();
    let tokens;
    try {
      tokens = await client.authorizationCodeGrant(configuration, current, {
        pkceCodeVerifier: transaction.codeVerifier,
        expectedState: transaction.state,
        expectedNonce: transaction.nonce,
        idTokenExpected: true,
      });
    } catch (error) {
      if (error instanceof client.AuthorizationResponseError || error instanceof client.ResponseBodyError)
        throw new SignInRefused(error.error);
      if (error instanceof Error && (error as { code?: string }).code?.startsWith("OAUTH_"))
        throw new SignInRefused((error as { code?: string }).code ?? "invalid response");
      throw error;
    }
    const claims = tokens.claims();
    const sub = claims?.sub;
    if (typeof sub !== "string" || sub.length === 0 || sub.length > 200) throw new SignInRefused("no subject");
    const rawRoles = Array.isArray(claims?.roles) ? claims.roles : [];
    const roles = rawRoles.filter((r): r is StaffRole => STAFF_ROLES.includes(r as StaffRole));
    const tenant = claims?.[this.config.tenantClaim];
    const name = typeof claims?.name === "string" ? claims.name.slice(0, 200) : "";
    return {
      subject: sub,
      displayName: name,
      roles: [...new Set(roles)],
      ...(typeof tenant === "string" && /^[A-Za-z0-9_-]{1,100}$/u.test(tenant) ? { creditorTenantId: tenant } : {}),
    };
  }
}
