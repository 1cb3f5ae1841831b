import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays, isoWeekday, type LocalDate } from "../../../shared/domain/calendar";
import { norwegianRules, withOverrides } from "../../../shared/domain/rules";
import { SeasonalBlackout, suspensionAllowed, type SuspensionGateInput } from "../../../shared/domain/suspension-gate";

const WINTER = { from: "11-15", to: "03-31" };

const gate = (on: LocalDate, extra: Partial<SuspensionGateInput> = {}) =>
  suspensionAllowed({
    on,
    country: "NO",
    rules: norwegianRules,
    paymentAuthorizedNotApplied: false,
    disputeOpen: false,
    customer: "household",
    ...extra,
  });

describe("the suspension gate on ordinary days", () => {
  it("lets a suspension go ahead on an ordinary Thursday", () => {
    expect(isoWeekday("2026-11-26")).toBe(4);
    expect(gate("2026-11-26")).toEqual({ ok: true });
  });

  it("moves a Friday suspension to the Monday after", () => {
    expect(isoWeekday("2026-11-27")).toBe(5);
    expect(gate("2026-11-27")).toEqual({ ok: false, reason: "not-an-allowed-day", resumeOn: "2026-11-30" });
  });

  it("moves a suspension on the eve of Ascension Day past the holiday, the Friday and the weekend", () => {
    // 2026: Ascension Day is Thursday 14 May; 13 May is its eve.
    expect(gate("2026-05-13")).toEqual({ ok: false, reason: "not-an-allowed-day", resumeOn: "2026-05-18" });
  });

  it("suspends on a Friday when the rule set does not restrict the days", () => {
    const anyDay = withOverrides(norwegianRules, {
      suspension: { onlyOnAllowedDays: { value: false, source: "tenant contract", confirmed: true } },
    });
    expect(gate("2026-11-27", { rules: anyDay })).toEqual({ ok: true });
  });
});

describe("what holds a suspension", () => {
  it("holds it while a dispute is open, with no date to resume", () => {
    expect(gate("2026-11-26", { disputeOpen: true })).toEqual({ ok: false, reason: "dispute-open" });
  });

  it("holds it while a payment is authorized but not yet applied", () => {
    expect(gate("2026-11-26", { paymentAuthorizedNotApplied: true })).toEqual({
      ok: false,
      reason: "payment-authorized-not-applied",
    });
  });
});

describe("a seasonal blackout across the year end (15 November – 31 March)", () => {
  it("does not suspend a household on the first day of the blackout and resumes on the first allowed day of April", () => {
    expect(gate("2026-11-16", { seasonalBlackout: WINTER })).toEqual({
      ok: false,
      reason: "seasonal-blackout",
      resumeOn: "2027-04-01",
    });
  });

  it("covers New Year's Day and the last day of March", () => {
    expect(gate("2027-01-01", { seasonalBlackout: WINTER })).toMatchObject({ ok: false, reason: "seasonal-blackout" });
    expect(gate("2027-03-31", { seasonalBlackout: WINTER })).toMatchObject({ ok: false, reason: "seasonal-blackout" });
  });

  it("lets a suspension through on the day before the blackout begins and in summer", () => {
    expect(gate("2026-11-12", { seasonalBlackout: WINTER })).toEqual({ ok: true });
    expect(gate("2026-06-10", { seasonalBlackout: WINTER })).toEqual({ ok: true });
  });

  it("skips a resume day that would land inside the blackout", () => {
    // Friday 13 November: the Monday after is 16 November, inside the blackout.
    expect(gate("2026-11-13", { seasonalBlackout: WINTER })).toEqual({
      ok: false,
      reason: "not-an-allowed-day",
      resumeOn: "2027-04-01",
    });
  });

  it("does not apply a households' blackout to a business customer", () => {
    expect(gate("2026-11-26", { seasonalBlackout: WINTER, customer: "business" })).toEqual({ ok: true });
  });

  it("applies to business customers too when the tenant says so", () => {
    expect(
      gate("2026-11-26", {
        seasonalBlackout: { ...WINTER, customers: ["household", "business"] },
        customer: "business",
      }),
    ).toMatchObject({ ok: false, reason: "seasonal-blackout" });
  });

  it("refuses a blackout day that does not exist", () => {
    expect(() => gate("2026-11-26", { seasonalBlackout: { from: "11-31", to: "03-31" } })).toThrow(
      expect.objectContaining({ code: "SEASONAL_BLACKOUT_MALFORMED" }),
    );
    expect(SeasonalBlackout.safeParse({ from: "02-29", to: "03-31" }).success).toBe(true);
  });

  it("refuses a day that does not exist even when every day is allowed", () => {
    const anyDay = withOverrides(norwegianRules, {
      suspension: { onlyOnAllowedDays: { value: false, source: "tenant contract", confirmed: true } },
    });
    expect(() => gate("2026-02-30", { rules: anyDay })).toThrow(
      expect.objectContaining({ code: "INVALID_CALENDAR_VALUE" }),
    );
  });

  it("never lets a suspension through inside the blackout or on a disallowed day, and its resume day always passes", () => {
    const day = fc.integer({ min: 0, max: 4 * 366 }).map((n) => addDays("2025-01-01", n));
    fc.assert(
      fc.property(day, (on) => {
        const result = gate(on, { seasonalBlackout: WINTER });
        const monthDay = on.slice(5);
        const inWinter = monthDay >= "11-15" || monthDay <= "03-31";
        if (result.ok) {
          expect(inWinter).toBe(false);
          expect(isoWeekday(on)).toBeLessThanOrEqual(4);
        } else {
          expect(result.resumeOn).toBeDefined();
          expect(result.resumeOn! > on).toBe(true);
          expect(gate(result.resumeOn!, { seasonalBlackout: WINTER })).toEqual({ ok: true });
        }
      }),
      { numRuns: 300 },
    );
  });
});
