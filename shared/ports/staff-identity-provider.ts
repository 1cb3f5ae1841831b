/**
 * Signing staff in (issue 16) through the agency's OpenID Connect provider — Microsoft Entra ID in production, the dev
 * host's local provider on this machine: authorization code flow with PKCE, state and nonce, as for Min side
 * (`IdentityProvider`), but the answer is a staff identity: the provider's subject, the app roles of the ID token's
 * `roles` claim and, for a creditor role, the creditor tenant it is scoped to.
 */
import type { SignInTransaction } from "./identity-provider";

/** The app roles (Entra app roles' values). */
export const STAFF_ROLES = ["creditor.viewer", "creditor.editor", "service.agent", "operator"] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export interface StaffIdentity {
  /** The provider's stable subject (`sub`; at Entra pairwise per app). Logged and audited instead of any name. */
  subject: string;
  /** For the page header only (never logged). */
  displayName: string;
  /** Known roles only; unknown values in the claim are dropped. */
  roles: StaffRole[];
  /** The creditor tenant a creditor role is scoped to; absent when the token names none. */
  creditorTenantId?: string;
}

export interface StaffIdentityProvider {
  begin(options: { lang: "nb" | "en" }): Promise<{ url: string; transaction: SignInTransaction }>;
  /** Throws `SignInRefused` when the callback is not good. */
  finish(callbackQuery: string, transaction: SignInTransaction): Promise<StaffIdentity>;
}
