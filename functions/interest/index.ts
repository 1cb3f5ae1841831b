/**
 * Late interest (forsinkelsesrente): the operators' rate table (list, enter a half-year's rate) and the daily check
 * that alerts before a half-year without a rate.
 */
import type { InterestDeps } from "./deps";
import { registerInterestRateOpsFunctions } from "./http-ops-interest-rates";
import { registerCheckInterestRatesFunction } from "./timer-check-interest-rates";

export type { InterestDeps } from "./deps";

export function registerInterest(deps: () => InterestDeps): void {
  registerInterestRateOpsFunctions(deps);
  registerCheckInterestRatesFunction(deps);
}
