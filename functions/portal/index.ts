/** The creditor portal and customer-service console (issue 16): staff sign-in, sessions, audit, the first pages. */
import type { PortalCaseDeps } from "./case-deps";
import type { PortalDeps } from "./deps";
import { registerPortalFunctions } from "./http-portal";
import { registerPortalExperimentsFunctions } from "./http-portal-experiments";
import { registerPortalSettingsFunctions } from "./http-portal-settings";
import { registerPortalCaseListFunctions } from "./http-portal-cases";
import { registerPortalConsoleFunctions } from "./http-portal-console";
import { registerPortalKpis, type PortalKpisDeps } from "./http-portal-kpis";
import { registerPortalPostOnlyFunctions } from "./http-portal-post-only";

import { registerPortalCaseFunctions } from "./http-portal-case";

export type { PortalDeps, PortalSettingsWiring, PortalWiring } from "./deps";
export type { PortalCaseDeps } from "./case-deps";

export function registerPortal(deps: () => PortalDeps & PortalCaseDeps & PortalKpisDeps): void {
  registerPortalFunctions(deps);
  registerPortalExperimentsFunctions(deps);
  registerPortalSettingsFunctions(deps);
  registerPortalCaseListFunctions(deps);
  registerPortalConsoleFunctions(deps);
  registerPortalCaseFunctions(deps);
  registerPortalKpis(deps);
  registerPortalPostOnlyFunctions();
}
