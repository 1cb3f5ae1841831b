/**
 * IdentityProvider with `openid-client` (v6, certified): any OpenID Connect broker that signs people in with BankID
 * (ID-porten, Criipto Verify, Signicat). Discovery from the issuer's `/.well-known/openid-configuration` (kept for
 * the process's life once read); authorization code flow with PKCE (S256), state and nonce; the client
 * authenticates with its secret (client_secret_basic) — the flow itself is `OidcCodeFlow` (code-flow.openid-client.ts).
 *
 * The national id is the ID token's claim named by `nationalIdClaim` — `pid` at ID-porten and at Criipto for
 * Norwegian BankID ("personal identification number"); Signicat's is `nin`. It is checked as a valid Norwegian
 * fødselsnummer or D-number and never logged.
 *
 * Plain `http://` is accepted only for an issuer on this machine (127.0.0.1, localhost, ::1): a local provider.
 */
import { isValidNorwegianNationalId } from "../../domain/identifiers/national-id";
import { SignInRefused, type IdentityProvider, type SignInTransaction } from "../../ports/identity-provider";
import { OidcCodeFlow } from "./code-flow.openid-client";

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

export class OpenIdClientIdentityProvider implements IdentityProvider {
  readonly #flow: OidcCodeFlow;

  constructor(private readonly config: OpenIdClientConfig) {
    this.#flow = new OidcCodeFlow({ ...config, issuerSetting: "MINSIDE_OIDC_ISSUER" });
  }

  begin(options: { lang: "nb" | "en" }): Promise<{ url: string; transaction: SignInTransaction }> {
    return this.#flow.begin(options);
  }

  async finish(callbackQuery: string, transaction: SignInTransaction): Promise<{ nationalId: string }> {
    const claims = await this.#flow.claims(callbackQuery, transaction);
    const value = claims?.[this.config.nationalIdClaim];
    if (typeof value !== "string" || !isValidNorwegianNationalId(value))
      throw new SignInRefused(`the ID token has no valid national id in claim ${this.config.nationalIdClaim}`);
    return { nationalId: value };
  }
}
