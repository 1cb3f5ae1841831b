/**
 * IdentityProvider with `openid-client` (v6, certified): any OpenID Connect broker that signs people in with BankID
 * (ID-porten, Criipto Verify, Signicat). Discovery from the issuer's `/.well-known/openid-configuration` (kept for
 * the process's life once read); authorization code flow with PKCE (S256), state and nonce; the client
 * authenticates with its secret (client_secret_basic, or client_secret_post when the broker only offers that).
 *
 * The national id is the ID token's claim named by `nationalIdClaim` — `pid` at ID-porten and at Criipto for
 * Norwegian BankID ("personal identification number"); Signicat's is `nin`. It is checked as a valid Norwegian
 * fødselsnummer or D-number and never logged.
 *
 * Plain `http://` is accepted only for an issuer on this machine (127.0.0.1, localhost, ::1): a local provider.
 */
import * as client from "openid-client";
import { isValidNorwegianNationalId } from "../../domain/identifiers/national-id";
import { SignInRefused, type IdentityProvider, type SignInTransaction } from "../../ports/identity-provider";

export interface OpenIdClientConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** The ID token claim carrying the national id (default `pid`). */
  nationalIdClaim: string;
  /** Space-separated scopes (default `openid`). */
  scope: string;
  /** Sent as `ui_locales` (ID-porten and Criipto honour it). */
  uiLocales?: boolean;
}

function isLoopback(url: URL): boolean {
  return ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
}

export class OpenIdClientIdentityProvider implements IdentityProvider {
  #configuration: Promise<client.Configuration> | undefined;

  constructor(private readonly config: OpenIdClientConfig) {}

  #discover(): Promise<client.Configuration> {
    this.#configuration ??= (async () => {
      const issuer = new URL(this.config.issuer);
      const insecure = issuer.protocol === "http:";
      if (insecure && !isLoopback(issuer))
        throw new Error("MINSIDE_OIDC_ISSUER must be https (http only on this machine)");
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

  async finish(callbackQuery: string, transaction: SignInTransaction): Promise<{ nationalId: string }> {
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
    const value = claims?.[this.config.nationalIdClaim];
    if (typeof value !== "string" || !isValidNorwegianNationalId(value))
      throw new SignInRefused(`the ID token has no valid national id in claim ${this.config.nationalIdClaim}`);
    return { nationalId: value };
  }
}
