import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  InterestRateMissing,
  InterestRatePeriod,
  InvalidInterestInput,
  lateInterest,
  lateInterestOnBalances,
  percentToBasisPoints,
} from "../../../shared/domain/interest";
import { addDays, fromEpochDay, toEpochDay } from "../../../shared/domain/calendar";
import { CurrencyMismatch, money } from "../../../shared/domain/money";

const period = (from: string, to: string, annualRatePercent: number, confirmed = true): InterestRatePeriod => ({
  from,
  to,
  annualRatePercent,
  confirmed,
  source: "reference/nordic-collection-rules.md",
});

/** The reference's rate table (forsinkelsesrente), defined inline: production rates live in the rule tables. */
const rates: InterestRatePeriod[] = [
  period("2023-01-01", "2023-06-30", 10.75),
  period("2023-07-01", "2023-12-31", 11.75),
  period("2024-01-01", "2024-06-30", 12.5),
  period("2024-07-01", "2024-12-31", 12.5, false),
  period("2025-01-01", "2025-06-30", 12.5),
  period("2025-07-01", "2025-12-31", 12.25, false),
  period("2026-01-01", "2026-06-30", 12.0, false),
];

const nok = (v: number) => money(v, "NOK");
const tenThousandKroner = nok(1_000_000);

describe("late-payment interest", () => {
  it("charges 641.99 NOK on 10 000 NOK due 2025-03-10 and paid 2025-09-15", () => {
    const result = lateInterest({ principal: tenThousandKroner, dueDate: "2025-03-10", until: "2025-09-15", rates });
    expect(result.interest).toEqual(nok(64199));
    expect(result.days).toBe(189);
    expect(result.breakdown).toEqual([
      {
        from: "2025-03-11",
        to: "2025-06-30",
        days: 112,
        annualRatePercent: 12.5,
        daysInYear: 365,
        rateConfirmed: true,
      },
      {
        from: "2025-07-01",
        to: "2025-09-15",
        days: 77,
        annualRatePercent: 12.25,
        daysInYear: 365,
        rateConfirmed: false,
      },
    ]);
    expect(result.allRatesConfirmed).toBe(false);
  });

  it("charges 102.46 NOK on 10 000 NOK due 2024-01-31 and paid 2024-03-01 in a leap year", () => {
    const result = lateInterest({ principal: tenThousandKroner, dueDate: "2024-01-31", until: "2024-03-01", rates });
    expect(result.interest).toEqual(nok(10246));
    expect(result.days).toBe(30);
    expect(result.breakdown).toEqual([
      { from: "2024-02-01", to: "2024-03-01", days: 30, annualRatePercent: 12.5, daysInYear: 366, rateConfirmed: true },
    ]);
    expect(result.allRatesConfirmed).toBe(true);
  });

  it("splits a period that crosses a year boundary into 366-day and 365-day parts", () => {
    const result = lateInterest({ principal: tenThousandKroner, dueDate: "2024-12-30", until: "2025-01-02", rates });
    expect(result.breakdown.map((l) => [l.from, l.to, l.days, l.daysInYear])).toEqual([
      ["2024-12-31", "2024-12-31", 1, 366],
      ["2025-01-01", "2025-01-02", 2, 365],
    ]);
    // 1e6 × 0.125 × (1/366 + 2/365) = 341.53… + 684.93… = 1026.46… øre → 1026 øre
    expect(result.interest).toEqual(nok(1026));
  });

  it("is zero when paid on or before the due date", () => {
    for (const until of ["2025-03-10", "2025-03-01"]) {
      const result = lateInterest({ principal: tenThousandKroner, dueDate: "2025-03-10", until, rates });
      expect(result).toEqual({ interest: nok(0), days: 0, breakdown: [], allRatesConfirmed: true });
    }
  });

  it("accrues one day of interest when paid the day after the due date", () => {
    const result = lateInterest({ principal: tenThousandKroner, dueDate: "2025-03-10", until: "2025-03-11", rates });
    // 1e6 × 0.125 / 365 = 342.47 øre → 342 øre
    expect(result).toMatchObject({ interest: nok(342), days: 1 });
  });

  it("rounds the exact sum once, half away from zero", () => {
    const flat = [period("2021-01-01", "2030-12-31", 10)];
    // 73 000 øre × 10 % / 365 × 1 day = 20 øre exactly
    expect(
      lateInterest({ principal: nok(73_000), dueDate: "2025-03-10", until: "2025-03-11", rates: flat }).interest,
    ).toEqual(nok(20));
    // a whole year 2025: 5 øre × 10 % = 0.5 → 1; 15 øre × 10 % = 1.5 → 2
    expect(
      lateInterest({ principal: nok(5), dueDate: "2024-12-31", until: "2025-12-31", rates: flat }).interest,
    ).toEqual(nok(1));
    expect(
      lateInterest({ principal: nok(15), dueDate: "2024-12-31", until: "2025-12-31", rates: flat }).interest,
    ).toEqual(nok(2));
    // the leap year 2028 counts as one whole year too: 5 øre × 10 % × 366/366 = 0.5 → 1
    expect(
      lateInterest({ principal: nok(5), dueDate: "2027-12-31", until: "2028-12-31", rates: flat }).interest,
    ).toEqual(nok(1));
    const oneOre = lateInterest({
      principal: nok(1),
      dueDate: "2025-01-01",
      until: addDays("2025-01-01", 1825),
      rates: flat,
    });
    // 1825 days from 2025-01-02 include 2028 (leap): the exact value is just under 0.5 øre
    expect(oneOre.interest.value).toBe(0);
    const fiveOre = lateInterest({ principal: nok(5), dueDate: "2025-01-01", until: "2025-12-31", rates: flat });
    // 5 × 0.10 × 364/365 = 0.4986… → 0
    expect(fiveOre.interest.value).toBe(0);
    const sixOre = lateInterest({ principal: nok(6), dueDate: "2025-01-01", until: "2025-12-31", rates: flat });
    // 6 × 0.10 × 364/365 = 0.598… → 1
    expect(sixOre.interest.value).toBe(1);
  });

  it("names the first day without a rate", () => {
    const attempt = () =>
      lateInterest({ principal: tenThousandKroner, dueDate: "2026-06-01", until: "2026-07-15", rates });
    expect(attempt).toThrow(InterestRateMissing);
    try {
      attempt();
    } catch (e) {
      expect((e as InterestRateMissing).code).toBe("INTEREST_RATE_MISSING");
      expect((e as InterestRateMissing).details).toEqual({ day: "2026-07-01" });
    }
    expect(() =>
      lateInterest({ principal: tenThousandKroner, dueDate: "2022-12-30", until: "2023-01-05", rates }),
    ).toThrow(/2022-12-31/);
  });

  it("refuses overlapping rate periods and rates with more than two decimals", () => {
    const overlapping = [period("2025-01-01", "2025-06-30", 12.5), period("2025-06-30", "2025-12-31", 12.25)];
    expect(() =>
      lateInterest({ principal: tenThousandKroner, dueDate: "2025-03-10", until: "2025-09-15", rates: overlapping }),
    ).toThrow(InvalidInterestInput);
    expect(percentToBasisPoints(12.25)).toBe(1225);
    expect(percentToBasisPoints(10.75)).toBe(1075);
    expect(() => percentToBasisPoints(12.125)).toThrow(InvalidInterestInput);
    expect(() => percentToBasisPoints(-1)).toThrow(InvalidInterestInput);
  });

  it("validates rate periods with the zod schema", () => {
    expect(InterestRatePeriod.safeParse(rates[0]).success).toBe(true);
    expect(InterestRatePeriod.safeParse({ ...rates[0], from: "2023-07-01" }).success).toBe(false);
  });

  it("never decreases as the payment day moves later", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000_000 }),
        fc.integer({ min: toEpochDay("2023-01-01"), max: toEpochDay("2026-06-30") }),
        fc.integer({ min: -30, max: 600 }),
        fc.integer({ min: 0, max: 60 }),
        (principal, dueDay, offset, extra) => {
          const dueDate = fromEpochDay(dueDay);
          const lastRateDay = toEpochDay("2026-06-30");
          const earlier = fromEpochDay(Math.min(dueDay + offset, lastRateDay));
          const later = fromEpochDay(Math.min(dueDay + offset + extra, lastRateDay));
          const a = lateInterest({ principal: nok(principal), dueDate, until: earlier, rates });
          const b = lateInterest({ principal: nok(principal), dueDate, until: later, rates });
          expect(b.interest.value).toBeGreaterThanOrEqual(a.interest.value);
        },
      ),
    );
  });

  it("is zero for any payment up to the due date", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000_000 }),
        fc.integer({ min: toEpochDay("2023-01-01"), max: toEpochDay("2026-06-30") }),
        fc.integer({ min: 0, max: 3_000 }),
        (principal, dueDay, before) => {
          const result = lateInterest({
            principal: nok(principal),
            dueDate: fromEpochDay(dueDay),
            until: fromEpochDay(dueDay - before),
            rates,
          });
          expect(result.interest.value).toBe(0);
          expect(result.days).toBe(0);
        },
      ),
    );
  });

  it("adds up its breakdown to the number of interest days", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: toEpochDay("2023-01-01"), max: toEpochDay("2026-06-29") }),
        fc.integer({ min: 1, max: 1_300 }),
        (dueDay, length) => {
          const until = fromEpochDay(Math.min(dueDay + length, toEpochDay("2026-06-30")));
          const result = lateInterest({ principal: tenThousandKroner, dueDate: fromEpochDay(dueDay), until, rates });
          expect(result.breakdown.reduce((s, l) => s + l.days, 0)).toBe(result.days);
        },
      ),
    );
  });
});

describe("late-payment interest on a changing balance", () => {
  it("matches the fixed-principal result when the balance never changes", () => {
    const fixed = lateInterest({ principal: tenThousandKroner, dueDate: "2025-03-10", until: "2025-09-15", rates });
    const stepped = lateInterestOnBalances({
      balances: [{ from: "2025-03-10", principal: tenThousandKroner }],
      dueDate: "2025-03-10",
      until: "2025-09-15",
      rates,
    });
    expect(stepped.interest).toEqual(fixed.interest);
    expect(stepped.days).toBe(fixed.days);
  });

  it("charges the old balance on the day of a partial payment and the new one from the day after", () => {
    // 10 000 NOK due 2025-03-10; 4 000 NOK paid on 2025-05-31, so 6 000 NOK from 2025-06-01
    const result = lateInterestOnBalances({
      balances: [
        { from: "2025-03-11", principal: tenThousandKroner },
        { from: "2025-06-01", principal: nok(600_000) },
      ],
      dueDate: "2025-03-10",
      until: "2025-09-15",
      rates,
    });
    expect(result.breakdown.map((l) => [l.from, l.to, l.days, l.principal.value, l.annualRatePercent])).toEqual([
      ["2025-03-11", "2025-05-31", 82, 1_000_000, 12.5],
      ["2025-06-01", "2025-06-30", 30, 600_000, 12.5],
      ["2025-07-01", "2025-09-15", 77, 600_000, 12.25],
    ]);
    // exact: (1e6×1250×82 + 6e5×1250×30 + 6e5×1225×77) / (10 000 × 365) = 49 752.05… øre → 497.52 NOK
    expect(result.interest).toEqual(nok(49752));
  });

  it("stops accruing once the balance is paid in full", () => {
    const result = lateInterestOnBalances({
      balances: [
        { from: "2025-03-11", principal: tenThousandKroner },
        { from: "2025-03-12", principal: nok(0) },
      ],
      dueDate: "2025-03-10",
      until: "2025-09-15",
      rates,
    });
    expect(result.interest).toEqual(nok(342));
  });

  it("refuses unordered, negative, mixed-currency or late-starting balances", () => {
    const base = { dueDate: "2025-03-10", until: "2025-09-15", rates };
    expect(() =>
      lateInterestOnBalances({
        ...base,
        balances: [
          { from: "2025-05-01", principal: nok(1) },
          { from: "2025-04-01", principal: nok(1) },
        ],
      }),
    ).toThrow(InvalidInterestInput);
    expect(() => lateInterestOnBalances({ ...base, balances: [{ from: "2025-03-11", principal: nok(-1) }] })).toThrow(
      InvalidInterestInput,
    );
    expect(() =>
      lateInterestOnBalances({
        ...base,
        balances: [
          { from: "2025-03-11", principal: nok(1) },
          { from: "2025-04-11", principal: money(1, "SEK") },
        ],
      }),
    ).toThrow(CurrencyMismatch);
    expect(() => lateInterestOnBalances({ ...base, balances: [{ from: "2025-03-12", principal: nok(1) }] })).toThrow(
      InvalidInterestInput,
    );
    expect(() => lateInterestOnBalances({ ...base, balances: [] })).toThrow(InvalidInterestInput);
  });

  it("never charges more than the same days on the highest balance", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 10_000_000 }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 400 }),
        (principals, length) => {
          const dueDate = "2024-06-15";
          const until = addDays(dueDate, length);
          const balances = principals.map((p, i) => ({ from: addDays(dueDate, 1 + i * 20), principal: nok(p) }));
          const stepped = lateInterestOnBalances({ balances, dueDate, until, rates });
          const highest = lateInterest({ principal: nok(Math.max(...principals)), dueDate, until, rates });
          expect(stepped.interest.value).toBeLessThanOrEqual(highest.interest.value);
          expect(stepped.interest.value).toBeGreaterThanOrEqual(0);
        },
      ),
    );
  });
});
