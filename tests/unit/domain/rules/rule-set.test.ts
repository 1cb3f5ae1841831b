import { describe, expect, it } from "vitest";
import {
  collectionRateOn,
  InvalidRuleOverride,
  lateInterestRateOn,
  norwegianRules,
  RuleNotInForce,
  ruleSetFor,
  unconfirmedValues,
  withOverrides,
} from "../../../../shared/domain/rules";
import { requiredSuspensionNoticeDays } from "../../../../shared/domain/policy";

describe("the Norwegian rule set", () => {
  it("uses an inkassosats of NOK 700 from 2017 to 2025, confirmed", () => {
    for (const day of ["2017-01-01", "2020-10-01", "2025-12-31"]) {
      const rate = collectionRateOn(norwegianRules, day);
      expect(rate.value).toEqual({ value: 700_00, currency: "NOK" });
      expect(rate.confirmed).toBe(true);
    }
  });

  it("uses NOK 750 for 2026 but marks it unconfirmed", () => {
    const rate = collectionRateOn(norwegianRules, "2026-03-01");
    expect(rate.value.value).toBe(750_00);
    expect(rate.confirmed).toBe(false);
  });

  it("picks the values in force on a day and says which", () => {
    const rules = ruleSetFor("NO", "2025-05-01");
    expect(rules.asOf).toBe("2025-05-01");
    expect(rules.inForce.collectionRate?.value.value).toBe(700_00);
    expect(rules.inForce.lateInterestRate?.annualRatePercent).toBe(12.5);
    expect(rules.inForce.feeSchedule?.reminder).toEqual({
      basis: "fraction-of-collection-rate",
      fraction: { numerator: 1, denominator: 20 },
    });
  });

  it("uses 1/10 fee fractions for claims that fell due before 2020-10-01", () => {
    const rules = ruleSetFor("NO", "2020-09-30");
    expect(rules.inForce.feeSchedule?.reminder).toEqual({
      basis: "fraction-of-collection-rate",
      fraction: { numerator: 1, denominator: 10 },
    });
  });

  it("refuses a day with no inkassosats in force", () => {
    expect(() => ruleSetFor("NO", "2016-06-01")).toThrow(RuleNotInForce);
  });

  it("lists the unconfirmed values an operator should check, with their sources", () => {
    const paths = unconfirmedValues(norwegianRules).map((u) => u.path);
    expect(paths).toContain("collectionRate[1]");
    expect(paths).toContain("contactHours");
    expect(paths).not.toContain("collectionRate[0]");
    for (const u of unconfirmedValues(norwegianRules)) expect(u.source.length).toBeGreaterThan(0);
  });

  it("gives 4 weeks' notice before a power disconnection for a consumer and 2 weeks for a business, from § 48 a", () => {
    const power = norwegianRules.suspension.noticeDays["power-meter"];
    expect(power.value).toEqual({ consumer: 28, business: 14 });
    expect(power.confirmed).toBe(true);
    expect(power.source).toMatch(/^forbrukerkjøpsloven § 48 a: .*4 weeks.*business customers.*2 weeks$/);
    expect(requiredSuspensionNoticeDays(norwegianRules, "power-meter", "business")).toBe(14);
    expect(requiredSuspensionNoticeDays(norwegianRules, "power-meter", "consumer")).toBe(28);
    // broadband has no statutory period: the contract decides, and the value says it is not confirmed
    expect(requiredSuspensionNoticeDays(norwegianRules, "broadband", "consumer")).toBe(0);
    expect(norwegianRules.suspension.noticeDays.broadband.confirmed).toBe(false);
  });

  it("carries the half-year late-interest rates of the reference", () => {
    expect(lateInterestRateOn(norwegianRules, "2023-03-01")?.annualRatePercent).toBe(10.75);
    expect(lateInterestRateOn(norwegianRules, "2023-09-01")?.annualRatePercent).toBe(11.75);
    expect(lateInterestRateOn(norwegianRules, "2025-09-01")?.annualRatePercent).toBe(12.25);
    expect(lateInterestRateOn(norwegianRules, "2026-02-01")?.annualRatePercent).toBe(12);
  });
});

describe("overriding rule values per deployment", () => {
  it("replaces the unconfirmed 2026 inkassosats with a confirmed value", () => {
    const rules = withOverrides(norwegianRules, {
      collectionRate: [
        {
          from: "2026-01-01",
          to: null,
          value: { value: 760_00, currency: "NOK" },
          source: "Regulation of 2025-12-xx",
          confirmed: true,
        },
      ],
    });
    expect(collectionRateOn(rules, "2026-01-01").value.value).toBe(760_00);
    expect(collectionRateOn(rules, "2026-01-01").confirmed).toBe(true);
    expect(collectionRateOn(rules, "2025-12-31").value.value).toBe(700_00);
  });

  it("cuts an overridden period out of a longer built-in period and keeps the rest", () => {
    const rules = withOverrides(norwegianRules, {
      collectionRate: [
        {
          from: "2019-01-01",
          to: "2019-12-31",
          value: { value: 650_00, currency: "NOK" },
          source: "test",
          confirmed: true,
        },
      ],
    });
    expect(collectionRateOn(rules, "2018-12-31").value.value).toBe(700_00);
    expect(collectionRateOn(rules, "2019-06-01").value.value).toBe(650_00);
    expect(collectionRateOn(rules, "2020-01-01").value.value).toBe(700_00);
  });

  it("confirms the proposed contact hours when a deployment decides to", () => {
    const rules = withOverrides(norwegianRules, {
      contactHours: { ...norwegianRules.contactHours, source: "decided by the operator", confirmed: true },
    });
    expect(rules.contactHours.confirmed).toBe(true);
  });

  it("refuses an override without a source", () => {
    expect(() =>
      withOverrides(norwegianRules, {
        collectionRate: [{ from: "2026-01-01", to: null, value: { value: 1, currency: "NOK" }, confirmed: true }],
      }),
    ).toThrow(InvalidRuleOverride);
  });

  it("refuses an override in the wrong currency", () => {
    expect(() =>
      withOverrides(norwegianRules, {
        collectionRate: [
          { from: "2026-01-01", to: null, value: { value: 750_00, currency: "SEK" }, source: "x", confirmed: true },
        ],
      }),
    ).toThrow(InvalidRuleOverride);
  });

  it("refuses unknown override keys", () => {
    expect(() => withOverrides(norwegianRules, { inkassosats: 800 })).toThrow(InvalidRuleOverride);
  });

  it("supplies late-interest rates Denmark does not ship", () => {
    const dk = ruleSetFor("DK", "2025-05-01", {
      lateInterestRates: [
        { from: "2025-01-01", to: "2025-06-30", annualRatePercent: 10.6, confirmed: true, source: "Nationalbanken" },
      ],
    });
    expect(dk.inForce.lateInterestRate?.annualRatePercent).toBe(10.6);
  });
});
