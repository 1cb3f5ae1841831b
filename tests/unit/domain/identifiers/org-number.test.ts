import { describe, expect, it } from "vitest";
import { OrgNumber, isValidOrgNumber, normalizeOrgNumber } from "../../../../shared/domain/identifiers";

describe("organisation number", () => {
  it.each(["123456785", "998447356"])("accepts %s", (org) => {
    expect(isValidOrgNumber(org)).toBe(true);
    expect(OrgNumber.safeParse(org).success).toBe(true);
  });

  it("rejects 123456789 and malformed input", () => {
    for (const bad of ["123456789", "12345678", "1234567850", "12345678a", ""]) {
      expect(isValidOrgNumber(bad), bad).toBe(false);
    }
    expect(OrgNumber.safeParse("123456789").success).toBe(false);
  });

  it("normalises the VAT-register way of writing it", () => {
    expect(normalizeOrgNumber("NO 998 447 356 MVA")).toBe("998447356");
    expect(normalizeOrgNumber("998 447 356")).toBe("998447356");
  });
});
