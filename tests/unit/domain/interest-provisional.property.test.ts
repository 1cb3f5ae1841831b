import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { accrueInterest, balanceOf, interestThrough } from "../../../shared/domain/case";
import { addDays } from "../../../shared/domain/calendar";
import { norwegianRules as rules, withOverrides } from "../../../shared/domain/rules";
import { aCase, nok } from "./case-fixtures";

/** The seed table ends 2026-12-31 at 12 %; 2027 H1 has no rate until an operator enters it. */
const FIRST_DAY_WITHOUT_RATE = "2027-01-01";
const day = (from: string, maxDays: number) => fc.integer({ min: 0, max: maxDays }).map((n) => addDays(from, n));
const withRate2027H1 = (annualRatePercent: number) =>
  withOverrides(rules, {
    lateInterestRates: [
      { from: "2027-01-01", to: "2027-06-30", annualRatePercent, confirmed: true, source: "regjeringen.no" },
    ],
  });

describe("late interest across the end of the rate table (property)", () => {
  it("keeps accruing every day across 2027-01-01, provisional at the last known rate", () => {
    fc.assert(
      fc.property(
        day("2026-06-01", 213),
        day("2027-01-01", 170),
        fc.integer({ min: 100_00, max: 500_000_00 }),
        (due, until, principal) => {
          const c = aCase({
            issueDate: addDays(due, -14),
            dueDate: due,
            lines: [{ description: "x", amount: nok(principal) }],
          });
          const r = interestThrough(c, until, rules);
          const dayBefore = interestThrough(c, addDays(until, -1), rules);
          expect(r.provisional).not.toBeNull();
          expect(r.provisional?.annualRatePercent).toBe(12);
          expect(r.ratesMissingFrom).toBeNull();
          // never silently zero: interest grows with the days, and is what the last known rate (12 %) gives
          if (until > addDays(due, 1)) expect(r.interest.value).toBeGreaterThanOrEqual(dayBefore.interest.value);
          expect(r.interest).toEqual(interestThrough(c, until, withRate2027H1(12)).interest);
          if (addDays(due, 1) <= FIRST_DAY_WITHOUT_RATE && until >= addDays(FIRST_DAY_WITHOUT_RATE, 30))
            expect(r.interest.value).toBeGreaterThan(interestThrough(c, "2026-12-31", rules).interest.value);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("re-computes to exactly the entered rate's interest once the rate is entered", () => {
    fc.assert(
      fc.property(
        day("2026-06-01", 300),
        day("2027-01-01", 170),
        fc.integer({ min: 0, max: 2000 }).map((bp) => bp / 100),
        (due, until, rate) => {
          const c = aCase({ issueDate: addDays(due, -14), dueDate: due });
          if (until <= due) return;
          const provisional = accrueInterest(c, until, rules);
          const entered = withRate2027H1(rate);
          const repriced = accrueInterest(provisional, addDays(until, 1), entered);
          expect(balanceOf(repriced).interest).toEqual(interestThrough(c, addDays(until, 1), entered).interest);
          expect(interestThrough(c, addDays(until, 1), entered).provisional).toBeNull();
        },
      ),
      { numRuns: 200 },
    );
  });

  it("fills a gap in the middle of the table with the rate before it, and uses the real rates after it", () => {
    const gappy = {
      ...rules,
      lateInterest: { ...rules.lateInterest, rates: rules.lateInterest.rates.filter((r) => r.from !== "2025-07-01") },
    };
    const c = aCase({ dueDate: "2025-03-10" });
    const r = interestThrough(c, "2026-03-01", gappy);
    expect(r.provisional).toEqual({ from: "2025-07-01", annualRatePercent: 12.5 });
    const filled = withOverrides(rules, {
      lateInterestRates: [
        { from: "2025-07-01", to: "2025-12-31", annualRatePercent: 12.5, confirmed: true, source: "x" },
      ],
    });
    expect(r.interest).toEqual(interestThrough(c, "2026-03-01", filled).interest);
  });
});
