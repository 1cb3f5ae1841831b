/** The creditor portal and customer-service console (issue 16): staff sign-in, sessions, audit, the first pages. */
import type { PortalDeps } from "./deps";
import { registerPortalFunctions } from "./http-portal";
import { registerPortalCaseListFunctions } from "./http-portal-cases";
import { registerPortalConsoleFunctions } from "./http-portal-console";

export type { PortalDeps, PortalWiring } from "./deps";

export function registerPortal(deps: () => PortalDeps): void {
  registerPortalFunctions(deps);
  registerPortalCaseListFunctions(deps);
  registerPortalConsoleFunctions(deps);
}
