import { describe, expect, it } from "vitest";
import { letterheadFrom } from "../../../shared/config/letterhead";

describe("the letterhead setting", () => {
  const valid = {
    address: { lines: ["Postboks 1"], postalCode: "0101", city: "Oslo" },
    accountNumber: "12345678903",
    contact: { email: "post@example.test" },
  };

  it("is absent when LETTERHEAD is not set", () => {
    expect(letterheadFrom(undefined)).toBeUndefined();
    expect(letterheadFrom("  ")).toBeUndefined();
  });

  it("parses the JSON value", () => {
    expect(letterheadFrom(JSON.stringify(valid))).toEqual(valid);
  });

  it("fails naming the setting and the bad member, never echoing the value", () => {
    const bad = JSON.stringify({ ...valid, accountNumber: "12345678900" });
    expect(() => letterheadFrom(bad)).toThrow(/LETTERHEAD: accountNumber/);
    expect(() => letterheadFrom("{nope")).toThrow(/^Invalid settings: LETTERHEAD is not valid JSON$/);
  });
});
