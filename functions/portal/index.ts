/** The creditor portal and customer-service console (issue 16): staff sign-in, sessions, audit, the first pages. */
import type { PortalDeps } from "./deps";
import { registerPortalFunctions } from "./http-portal";
import { registerPortalSettingsFunctions } from "./http-portal-settings";

export type { PortalDeps, PortalSettingsWiring, PortalWiring } from "./deps";

export function registerPortal(deps: () => PortalDeps): void {
  registerPortalFunctions(deps);
  registerPortalSettingsFunctions(deps);
}
