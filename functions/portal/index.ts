/** The creditor portal and customer-service console (issue 16): staff sign-in, sessions, audit, the first pages. */
import type { PortalCaseDeps } from "./case-deps";
import type { PortalDeps } from "./deps";
import { registerPortalFunctions } from "./http-portal";
import { registerPortalCaseFunctions } from "./http-portal-case";

export type { PortalDeps, PortalWiring } from "./deps";
export type { PortalCaseDeps } from "./case-deps";

export function registerPortal(deps: () => PortalDeps & PortalCaseDeps): void {
  registerPortalFunctions(deps);
  registerPortalCaseFunctions(deps);
}
