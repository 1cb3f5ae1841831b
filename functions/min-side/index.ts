/** Min side (issue 15): sign-in (BankID through OIDC, case number + PIN), sessions, the overview and claim pages. */
import type { MinSideDeps } from "./deps";
import { registerMinSideFunctions } from "./http-min-side";
import { registerPowerOfAttorneyFunctions } from "./http-power-of-attorney";

export type { MinSideDeps, MinSideWiring } from "./deps";

export function registerMinSide(deps: () => MinSideDeps): void {
  registerMinSideFunctions(deps);
  registerPowerOfAttorneyFunctions(deps);
}
