/**
 * Daily: a half-year without a late-interest rate, from 30 days before it starts (and while it runs), is logged as a
 * warning trace `interest_rate.missing` (country and half-year only) that the Bicep alert rule watches. Meanwhile
 * interest accrues at the last known rate, marked provisional on the case, never silently zero.
 */
import { app, type InvocationContext, type Timer } from "@azure/functions";
import { makeCheckInterestRates } from "../../shared/application/interest-rates";
import type { InterestDeps } from "./deps";
import { CHECK_INTEREST_RATES_FUNCTION, CHECK_INTEREST_RATES_SCHEDULE, INTEREST_RATE_MISSING_EVENT } from "./names";

export function makeCheckInterestRatesFunction(deps: () => InterestDeps) {
  return async (_timer: Timer, context: InvocationContext): Promise<void> => {
    const missing = await makeCheckInterestRates(deps())();
    for (const m of missing)
      context.warn(INTEREST_RATE_MISSING_EVENT, {
        event: INTEREST_RATE_MISSING_EVENT,
        country: m.country,
        validFrom: m.validFrom,
        daysUntil: m.daysUntil,
      });
  };
}

export function registerCheckInterestRatesFunction(deps: () => InterestDeps): void {
  app.timer(CHECK_INTEREST_RATES_FUNCTION, {
    schedule: CHECK_INTEREST_RATES_SCHEDULE,
    handler: makeCheckInterestRatesFunction(deps),
  });
}
