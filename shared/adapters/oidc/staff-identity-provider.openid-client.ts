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
import { SignInRefused, type SignInTransaction } from "../../ports/identity-provider";
import {
  STAFF_ROLES,
  type StaffIdentity,
  type StaffIdentityProvider,
  type StaffRole,
} from "../../ports/staff-identity-provider";
import { OidcCodeFlow } from "./code-flow.openid-client";

export interface StaffOpenIdClientConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** The ID token claim with the creditor tenant of a creditor role. */
  tenantClaim: string;
  scope: string;
}

export class StaffOpenIdClientIdentityProvider implements StaffIdentityProvider {
  readonly #flow: OidcCodeFlow;

  constructor(private readonly config: StaffOpenIdClientConfig) {
    this.#flow = new OidcCodeFlow({ ...config, issuerSetting: "PORTAL_OIDC_ISSUER" });
  }

  begin(options: { lang: "nb" | "en" }): Promise<{ url: string; transaction: SignInTransaction }> {
    return this.#flow.begin(options);
  }

  async finish(callbackQuery: string, transaction: SignInTransaction): Promise<StaffIdentity> {
    const claims = await this.#flow.claims(callbackQuery, transaction);
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
