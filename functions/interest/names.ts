/** Names of the late-interest rate functions (operators' rate table and the missing-rate check). */
export const OPS_INTEREST_RATES_FUNCTION = "listInterestRates";
export const OPS_PUT_INTEREST_RATE_FUNCTION = "putInterestRate";
/** `GET /api/v1/ops/interest-rates` (operator key). */
export const OPS_INTEREST_RATES_ROUTE = "api/v1/ops/interest-rates";
/** `PUT /api/v1/ops/interest-rates/{country}/{validFrom}` (operator key). */
export const OPS_PUT_INTEREST_RATE_ROUTE = "api/v1/ops/interest-rates/{country}/{validFrom}";

/** Daily at 06:00 UTC: logs `interest_rate.missing` for a half-year without a rate from 30 days before it starts. */
export const CHECK_INTEREST_RATES_FUNCTION = "checkInterestRates";
export const CHECK_INTEREST_RATES_SCHEDULE = "0 0 6 * * *";
/** The warning trace the Bicep alert rule watches. */
export const INTEREST_RATE_MISSING_EVENT = "interest_rate.missing";
