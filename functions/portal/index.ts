/** The creditor portal and customer-service console (issue 16): staff sign-in, sessions, audit, the first pages. */
import type { PortalDeps } from "./deps";
import { registerPortalFunctions } from "./http-portal";
import { registerPortalExperimentsFunctions } from "./http-portal-experiments";
import { registerPortalSettingsFunctions } from "./http-portal-settings";
import { registerPortalCaseListFunctions } from "./http-portal-cases";
import { registerPortalConsoleFunctions } from "./http-portal-console";

export type { PortalDeps, PortalSettingsWiring, PortalWiring } from "./deps";

export function registerPortal(deps: () => PortalDeps): void {
  registerPortalFunctions(deps);
  registerPortalExperimentsFunctions(deps);
  registerPortalSettingsFunctions(deps);
  registerPortalCaseListFunctions(deps);
  registerPortalConsoleFunctions(deps);
}
