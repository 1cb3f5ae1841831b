/**
 * The OpenID Connect authorization code flow with `openid-client` (v6, certified), shared by Min side's BankID broker
 * and the portal's staff provider: discovery from the issuer's `/.well-known/openid-configuration` (kept for the
 * process's life once read, tried again after a failure); PKCE (S256), state and nonce; the client authenticates with
 * its secret (client_secret_basic). Each sign-in adapter reads what it needs from the verified ID token's claims.
 *
 * Plain `http://` is accepted only for an issuer on this machine (127.0.0.1, localhost, ::1): a local provider.
 */
import * as client from "openid-client";
import { SignInRefused, type SignInTransaction } from "../../ports/identity-provider";

export interface OidcCodeFlowConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** Space-separated scopes. */
  scope: string;
  /** Send the page's language as `ui_locales` (default yes). */
  uiLocales?: boolean;
  /** The setting naming the issuer, for the error an insecure issuer gets (e.g. `MINSIDE_OIDC_ISSUER`). */
  issuerSetting: string;
}

function isLoopback(url: URL): boolean {
  return ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
}

export class OidcCodeFlow {
  #configuration: Promise<client.Configuration> | undefined;

  constructor(private readonly config: OidcCodeFlowConfig) {}

  #discover(): Promise<client.Configuration> {
    this.#configuration ??= (async () => {
      const issuer = new URL(this.config.issuer);
      const insecure = issuer.protocol === "http:";
      if (insecure && !isLoopback(issuer))
        throw new Error(`${this.config.issuerSetting} must be https (http only on this machine)`);
      return client.discovery(
        issuer,
        this.config.clientId,
        { client_secret: this.config.clientSecret, redirect_uris: [this.config.redirectUri], response_types: ["code"] },
        client.ClientSecretBasic(this.config.clientSecret),
        { timeout: 10, ...(insecure ? { execute: [client.allowInsecureRequests] } : {}) },
      );
    })().catch((error: unknown) => {
      this.#configuration = undefined; // try discovery again on the next sign-in
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
      ...(this.config.uiLocales !== false ? { ui_locales: options.lang === "nb" ? "nb" : "en" } : {}),
    });
    return { url: url.href, transaction };
  }

  /** The callback's verified ID token claims; SignInRefused when the provider said no or the answer does not hold. */
  async claims(callbackQuery: string, transaction: SignInTransaction): Promise<client.IDToken | undefined> {
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
    return tokens.claims();
  }
}
