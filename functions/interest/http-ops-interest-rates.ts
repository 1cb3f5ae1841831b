/**
 * Operators (operator key in `x-api-key`) maintain the late-interest rate table (forsinkelsesrente):
 * - `GET /api/v1/ops/interest-rates` → 200 `{ countries: [{ country, missing, rates }] }`: per country the effective
 *   table (the code's seed with every entered rate laid over it, each with its source and origin) and the half-years
 *   that need a rate now.
 * - `PUT /api/v1/ops/interest-rates/{country}/{validFrom}` `{ rateBasisPoints, source, policyRateBasisPoints?,
 *   confirmed? }` → 201 (new) / 200 (replaced) with the stored rate. `validFrom` is a half-year's first day (01-01 or
 *   07-01); the rate is integer basis points (12.25 % → 1225); when the policy rate is given, the rate must be it
 *   + 800 (policy rate + 8 percentage points). Balances are computed from the table, so provisional interest is
 *   re-priced from the next read on.
 */
import { app } from "@azure/functions";
import { z } from "zod";
import { makeListInterestRates, makePutInterestRate } from "../../shared/application/interest-rates";
import { CountryCode } from "../../shared/domain/calendar";
import { HalfYearStart, MARGIN_BASIS_POINTS, RateBasisPoints } from "../../shared/domain/interest-rates";
import { authenticateOperator } from "../../shared/http/api-keys";
import { handler, parseJson, parseParams } from "../../shared/http/parse";
import type { InterestDeps } from "./deps";
import {
  OPS_INTEREST_RATES_FUNCTION,
  OPS_INTEREST_RATES_ROUTE,
  OPS_PUT_INTEREST_RATE_FUNCTION,
  OPS_PUT_INTEREST_RATE_ROUTE,
} from "./names";

export const InterestRateParams = z.object({ country: CountryCode, validFrom: HalfYearStart });

export const InterestRateBody = z
  .strictObject({
    rateBasisPoints: RateBasisPoints,
    policyRateBasisPoints: z.number().int().min(-1_000).max(10_000).optional(),
    source: z.string().trim().min(1).max(500),
    confirmed: z.boolean().default(true),
  })
  .refine(
    (b) => b.policyRateBasisPoints === undefined || b.rateBasisPoints === b.policyRateBasisPoints + MARGIN_BASIS_POINTS,
    {
      message: "rateBasisPoints must be policyRateBasisPoints + 800 (the policy rate + 8 percentage points)",
      path: ["rateBasisPoints"],
    },
  );

export function makeInterestRateOpsFunctions(deps: () => InterestDeps) {
  return {
    list: handler(async (request) => {
      const d = deps();
      authenticateOperator(request, d.operatorApiKey);
      const countries = await makeListInterestRates(d)();
      return { status: 200, headers: { "cache-control": "no-store" }, jsonBody: { countries } };
    }),
    put: handler(async (request, context) => {
      const d = deps();
      authenticateOperator(request, d.operatorApiKey);
      const params = parseParams(request, InterestRateParams);
      const body = await parseJson(request, InterestRateBody);
      const { created, rate } = await makePutInterestRate(d)({ ...params, ...body });
      context.info("interest rate entered by an operator", {
        country: rate.country,
        validFrom: rate.validFrom,
        rateBasisPoints: rate.rateBasisPoints,
        created,
      });
      const { schemaVersion: _version, ...view } = rate;
      return { status: created ? 201 : 200, headers: { "cache-control": "no-store" }, jsonBody: view };
    }),
  };
}

export function registerInterestRateOpsFunctions(deps: () => InterestDeps): void {
  const functions = makeInterestRateOpsFunctions(deps);
  app.http(OPS_INTEREST_RATES_FUNCTION, {
    route: OPS_INTEREST_RATES_ROUTE,
    methods: ["GET"],
    authLevel: "anonymous",
    handler: functions.list,
  });
  app.http(OPS_PUT_INTEREST_RATE_FUNCTION, {
    route: OPS_PUT_INTEREST_RATE_ROUTE,
    methods: ["PUT"],
    authLevel: "anonymous",
    handler: functions.put,
  });
}
