/**
 * Signing a person in with BankID through an OpenID Connect broker (ID-porten, Criipto, Signicat, …): authorization
 * code flow with PKCE, state and nonce. The port hides the protocol; the use case keeps the transaction between the
 * two halves (server side) and starts a session with the national id the ID token gave.
 */
export interface SignInTransaction {
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface IdentityProvider {
  /** Where to send the browser, and what the callback must be checked against. */
  begin(options: { lang: "nb" | "en" }): Promise<{ url: string; transaction: SignInTransaction }>;
  /**
   * Redeems the callback's code (checking state, nonce, PKCE and the ID token's signature, issuer, audience and
   * times) and returns the national id from the ID token. Throws `SignInRefused` when the callback is not good.
   */
  finish(callbackQuery: string, transaction: SignInTransaction): Promise<{ nationalId: string }>;
}

/** The provider said no, the user cancelled, or the answer did not check out. Never carries personal data. */
export class SignInRefused extends Error {
  readonly code = "SIGN_IN_REFUSED";
  constructor(readonly reason: string) {
    super(`Sign-in refused: ${reason}`);
  }
}
