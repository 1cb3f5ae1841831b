/**
 * The portal's wiring (issue 16), built by the composition root when PORTAL_SESSION_SECRET and all of
 * PORTAL_OIDC_ISSUER, _CLIENT_ID and _CLIENT_SECRET are set: staff sessions and the audit log in Cosmos, the tenants
 * from the tenants container, and the staff sign-in at the OpenID Connect provider (Entra ID in production).
 */
import type { Database } from "@azure/cosmos";
import { cryptoRandom } from "../shared/adapters/node/random.crypto";
import { CosmosStaffAuditLog } from "../shared/adapters/cosmos/staff-audit-log.cosmos";
import { CosmosStaffSessionStore } from "../shared/adapters/cosmos/staff-session-store.cosmos";
import { CosmosTenantDirectory } from "../shared/adapters/cosmos/tenant-directory.cosmos";
import { StaffOpenIdClientIdentityProvider } from "../shared/adapters/oidc/staff-identity-provider.openid-client";
import { makeRecordStaffAction } from "../shared/application/portal/audit";
import { makeStaffSessions } from "../shared/application/portal/staff-sessions";
import type { Settings } from "../shared/config/settings";
import type { Clock } from "../shared/ports/clock";
import type { PortalWiring } from "./portal";

export function portalFrom(s: Settings, deps: { database: Database; clock: Clock }): PortalWiring | undefined {
  if (!s.PORTAL_SESSION_SECRET || !s.PORTAL_OIDC_ISSUER || !s.PORTAL_OIDC_CLIENT_ID || !s.PORTAL_OIDC_CLIENT_SECRET)
    return undefined;
  const staffAudit = new CosmosStaffAuditLog({ database: deps.database });
  return {
    sessions: makeStaffSessions(
      { sessions: new CosmosStaffSessionStore({ database: deps.database }), clock: deps.clock, random: cryptoRandom },
      {
        secret: s.PORTAL_SESSION_SECRET,
        idleSeconds: s.PORTAL_SESSION_IDLE_MINUTES * 60,
        absoluteSeconds: s.PORTAL_SESSION_MAX_HOURS * 3600,
      },
    ),
    identityProvider: new StaffOpenIdClientIdentityProvider({
      issuer: s.PORTAL_OIDC_ISSUER,
      clientId: s.PORTAL_OIDC_CLIENT_ID,
      clientSecret: s.PORTAL_OIDC_CLIENT_SECRET,
      redirectUri: s.PORTAL_OIDC_REDIRECT_URI ?? `${s.PUBLIC_BASE_URL.replace(/\/+$/u, "")}/portal/logg-inn/callback`,
      tenantClaim: s.PORTAL_OIDC_TENANT_CLAIM,
      scope: s.PORTAL_OIDC_SCOPE,
    }),
    recordStaffAction: makeRecordStaffAction({
      audit: staffAudit,
      clock: deps.clock,
      random: cryptoRandom,
    }),
    tenantDirectory: new CosmosTenantDirectory({ database: deps.database }),
    staffAudit,
  };
}
