import { describe, expect, it } from "vitest";
import {
  NorwegianNationalId,
  isValidNorwegianNationalId,
  nationalIdCheckRule,
  parseNorwegianNationalId,
} from "../../../../shared/domain/identifiers";

describe("Norwegian national identity number", () => {
  it("accepts the fødselsnummer 31129956715 born on the last day of 1899", () => {
    expect(parseNorwegianNationalId("31129956715")).toEqual({
      ok: true,
      kind: "fodselsnummer",
      birthDate: "1899-12-31",
      checkRule: "classic",
      birthDateCertain: true,
    });
  });

  it("accepts the fødselsnummer 01010750160 born in 2007", () => {
    const parsed = parseNorwegianNationalId("01010750160");
    expect(parsed).toMatchObject({ ok: true, kind: "fodselsnummer", birthDate: "2007-01-01" });
  });

  it("recognises 41010199946 as a D-number with the day plus 40", () => {
    expect(parseNorwegianNationalId("41010199946")).toMatchObject({
      ok: true,
      kind: "d-number",
      birthDate: "2001-01-01",
    });
  });

  it("recognises an H-number with the month plus 40", () => {
    // 01 41 01 000 + check digits: an H-number born 1901-01-01 with individual number 000
    const base = "014101000";
    const id = withClassicCheckDigits(base);
    expect(parseNorwegianNationalId(id)).toMatchObject({ ok: true, kind: "h-number", birthDate: "1901-01-01" });
  });

  it("rejects 31129956716 because of its check digit", () => {
    expect(parseNorwegianNationalId("31129956716")).toEqual({ ok: false, reason: "CHECK_DIGIT_MISMATCH" });
    expect(isValidNorwegianNationalId("31129956716")).toBe(false);
    expect(NorwegianNationalId.safeParse("31129956716").success).toBe(false);
  });

  it("rejects input that is not 11 digits", () => {
    for (const bad of ["3112995671", "311299567150", "3112995671a", "311299 56715", ""]) {
      expect(parseNorwegianNationalId(bad)).toEqual({ ok: false, reason: "NOT_11_DIGITS" });
    }
  });

  it("rejects an impossible date even when the check digits match", () => {
    expect(parseNorwegianNationalId(withClassicCheckDigits("300299123"))).toEqual({
      ok: false,
      reason: "INVALID_DATE",
    });
    // 29 Feb 2000 exists (individual 500–999, yy 00 → 2000), 29 Feb 1900 does not
    expect(parseNorwegianNationalId(withClassicCheckDigits("290200510"))).toMatchObject({
      ok: true,
      birthDate: "2000-02-29",
    });
    expect(parseNorwegianNationalId(withClassicCheckDigits("290200123"))).toEqual({
      ok: false,
      reason: "INVALID_DATE",
    });
  });

  it("rejects an individual number outside the classic allocation table", () => {
    // individual 800 with year 50: no century is assigned
    expect(parseNorwegianNationalId(withClassicCheckDigits("010150800"))).toEqual({
      ok: false,
      reason: "INDIVIDUAL_NUMBER_OUT_OF_RANGE",
    });
  });

  it("accepts Skatteetaten's worked examples for numbers issued from 2032", () => {
    expect(parseNorwegianNationalId("02013299997")).toMatchObject({
      ok: true,
      birthDate: "2032-01-02",
      checkRule: "classic",
    });
    expect(parseNorwegianNationalId("30108299920")).toMatchObject({
      ok: true,
      birthDate: "1982-10-30",
      checkRule: "classic",
    });
    expect(parseNorwegianNationalId("30108299939")).toMatchObject({
      ok: true,
      birthDate: "1982-10-30",
      checkRule: "2032",
      birthDateCertain: false,
    });
  });

  it("accepts a first-check remainder of 0 to 3 but not 4", () => {
    const base = "301082999";
    const remainders = [0, 1, 2, 3, 4].map((r) => withCheckDigits(base, r));
    expect(remainders.map((id) => (id === null ? null : nationalIdCheckRule(id)))).toEqual([
      "classic",
      "2032",
      "2032",
      "2032",
      null,
    ]);
  });
});

const K1 = [3, 7, 6, 1, 8, 9, 4, 5, 2];
const K2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

/** Test helper: appends k1 so that (s1 + k1) mod 11 = remainder, and the classic k2; null when a digit would be 10. */
function withCheckDigits(nine: string, remainder: number): string | null {
  const d = [...nine].map(Number);
  const s1 = d.reduce((s, x, i) => s + x * (K1[i] ?? 0), 0);
  const k1 = (((remainder - s1) % 11) + 11) % 11;
  if (k1 === 10) return null;
  const s2 = [...d, k1].reduce((s, x, i) => s + x * (K2[i] ?? 0), 0);
  const k2 = (11 - (s2 % 11)) % 11;
  if (k2 === 10) return null;
  return `${nine}${k1}${k2}`;
}

function withClassicCheckDigits(nine: string): string {
  const id = withCheckDigits(nine, 0);
  if (id === null) throw new Error(`test fixture ${nine} has no valid check digits; pick another`);
  return id;
}
