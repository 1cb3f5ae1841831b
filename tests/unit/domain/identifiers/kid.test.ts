import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  InvalidKidBase,
  Kid,
  KidMod10,
  KidMod11,
  checkDigitMod10,
  checkDigitMod11,
  generateKid,
  isValidKid,
} from "../../../../shared/domain/identifiers";

describe("KID", () => {
  it.each([
    ["1234", "12344"],
    ["234567", "2345676"],
    ["1000012345", "10000123454"],
    ["0000123456789", "00001234567897"],
  ])("generates the MOD10 KID of %s as %s", (base, kid) => {
    expect(generateKid(base, "MOD10")).toBe(kid);
    expect(isValidKid(kid, "MOD10")).toBe(true);
  });

  it.each([
    ["1234", "12343"],
    ["1234567890", "12345678903"],
    ["31", "310"],
    ["40", "40-"],
    ["1000012345", "10000123450"],
  ])("generates the MOD11 KID of %s as %s", (base, kid) => {
    expect(generateKid(base, "MOD11")).toBe(kid);
    expect(isValidKid(kid, "MOD11")).toBe(true);
  });

  it("writes the MOD11 remainder-1 check digit as a dash", () => {
    expect(checkDigitMod11("40")).toBe("-");
    expect(checkDigitMod11("31")).toBe(0);
    expect(checkDigitMod10("1234")).toBe(4);
  });

  it("rejects 12345 as a MOD10 KID and 12344 as a MOD11 KID", () => {
    expect(isValidKid("12345", "MOD10")).toBe(false);
    expect(isValidKid("12344", "MOD11")).toBe(false);
  });

  it("rejects a dash check digit under MOD10 and a dash anywhere but last", () => {
    expect(isValidKid("40-", "MOD10")).toBe(false);
    expect(isValidKid("4-0", "MOD11")).toBe(false);
  });

  it("enforces 2 to 25 characters including the check digit", () => {
    expect(isValidKid("0", "MOD10")).toBe(false);
    expect(isValidKid("00", "MOD10")).toBe(true);
    expect(generateKid("0".repeat(24), "MOD11")).toHaveLength(25);
    expect(isValidKid("0".repeat(26), "MOD10")).toBe(false);
    expect(() => generateKid("", "MOD10")).toThrow(InvalidKidBase);
    expect(() => generateKid("0".repeat(25), "MOD10")).toThrow(InvalidKidBase);
    expect(() => generateKid("12a4", "MOD11")).toThrow(InvalidKidBase);
    expect(isValidKid("12 344", "MOD10")).toBe(false);
  });

  it("offers zod schemas for HTTP edges", () => {
    expect(KidMod10.safeParse("12344").success).toBe(true);
    expect(KidMod10.safeParse("12343").success).toBe(false);
    expect(KidMod11.safeParse("40-").success).toBe(true);
    expect(Kid.safeParse("12343").success).toBe(true);
    expect(Kid.safeParse("12340").success).toBe(false);
  });

  it("validates every KID it generates, for random bases of both algorithms", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-9]{1,24}$/),
        fc.constantFrom("MOD10" as const, "MOD11" as const),
        (base, algorithm) => {
          const kid = generateKid(base, algorithm);
          expect(kid.startsWith(base)).toBe(true);
          expect(kid).toHaveLength(base.length + 1);
          expect(isValidKid(kid, algorithm)).toBe(true);
        },
      ),
    );
  });

  it("detects every single-digit change of a MOD10 KID", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{1,24}$/), fc.nat(), fc.integer({ min: 1, max: 9 }), (base, pos, delta) => {
        const kid = generateKid(base, "MOD10");
        const i = pos % kid.length;
        const changed = kid.slice(0, i) + String((Number(kid[i]) + delta) % 10) + kid.slice(i + 1);
        expect(isValidKid(changed, "MOD10")).toBe(false);
      }),
    );
  });
});
