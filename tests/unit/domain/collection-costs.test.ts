import { describe, expect, it } from "vitest";
import { salaer, salaerSeverity } from "../../../shared/domain/collection-costs";
import { norwegianRules } from "../../../shared/domain/rules";

const nok = (ore: number) => ({ value: ore, currency: "NOK" as const });
const at700 = "2025-06-01";
const claims = [400_00, 1_000_00, 2_000_00, 10_000_00, 50_000_00, 250_000_00, 250_000_01];
const light = [175_00, 245_00, 280_00, 560_00, 1_120_00, 2_520_00, 5_040_00];

describe("collection agency fees (salær)", () => {
  it("matches the reference light consumer amounts at an inkassosats of 700", () => {
    claims.forEach((claim, i) => {
      const r = salaer({
        claim: nok(claim),
        severity: "light",
        business: false,
        creditorWithoutVatDeduction: false,
        ruleSet: norwegianRules,
        on: at700,
      });
      expect(r.amount).toEqual(nok(light[i]!));
    });
  });

  it("doubles every amount for heavy salær", () => {
    claims.forEach((claim, i) => {
      const r = salaer({
        claim: nok(claim),
        severity: "heavy",
        business: false,
        creditorWithoutVatDeduction: false,
        ruleSet: norwegianRules,
        on: at700,
      });
      expect(r.amount).toEqual(nok(light[i]! * 2));
    });
  });

  it("multiplies by 1.5 for a business debtor and by 1.25 for a creditor without VAT deduction", () => {
    const base = { claim: nok(400_00), severity: "light" as const, ruleSet: norwegianRules, on: at700 };
    expect(salaer({ ...base, business: true, creditorWithoutVatDeduction: false }).amount).toEqual(nok(262_50));
    expect(salaer({ ...base, business: false, creditorWithoutVatDeduction: true }).amount).toEqual(nok(218_75));
    expect(salaer({ ...base, business: true, creditorWithoutVatDeduction: true }).amount).toEqual(nok(328_13));
  });

  it("states its legal basis", () => {
    const r = salaer({
      claim: nok(400_00),
      severity: "light",
      business: false,
      creditorWithoutVatDeduction: false,
      ruleSet: norwegianRules,
      on: at700,
    });
    expect(r.legalBasis).toContain("inkassoforskriften");
  });

  it("becomes heavy only when the payment-demand deadline is overrun by more than 28 days", () => {
    expect(salaerSeverity(norwegianRules, "2025-05-01", "2025-05-29")).toBe("light");
    expect(salaerSeverity(norwegianRules, "2025-05-01", "2025-05-30")).toBe("heavy");
  });
});
