/** The creditor portal and customer-service console (issue 16): staff sign-in, sessions, audit, the first pages. */
import type { PortalDeps } from "./deps";
import { registerPortalFunctions } from "./http-portal";
import { registerPortalKpis, type PortalKpisDeps } from "./http-portal-kpis";

export type { PortalDeps, PortalWiring } from "./deps";

export function registerPortal(deps: () => PortalDeps & PortalKpisDeps): void {
  registerPortalFunctions(deps);
  registerPortalKpis(deps);
}
