/**
 * Norwegian organisation number (organisasjonsnummer, Enhetsregisteret): 9 digits, MOD11 with weights
 * 3,2,7,6,5,4,3,2 over digits 1–8; check = 11 − (sum mod 11), 0 when the remainder is 0; remainder 1 → invalid.
 */
import { z } from "zod";
import { ONLY_DIGITS, digitsOf, mod11CheckDigit, weightedSum } from "./mod11";

const ORG_WEIGHTS = [3, 2, 7, 6, 5, 4, 3, 2] as const;

/** Strips spaces people write ("123 456 785") and an optional "MVA" suffix / "NO" prefix; does not validate. */
export function normalizeOrgNumber(input: string): string {
  return input.replace(/\s/g, "").replace(/^NO/i, "").replace(/MVA$/i, "");
}

export function isValidOrgNumber(orgNumber: string): boolean {
  if (orgNumber.length !== 9 || !ONLY_DIGITS.test(orgNumber)) return false;
  const digits = digitsOf(orgNumber);
  return mod11CheckDigit(weightedSum(digits.slice(0, 8), ORG_WEIGHTS)) === digits[8];
}

export const OrgNumber = z.string().refine(isValidOrgNumber, { message: "Not a valid Norwegian organisation number" });
export type OrgNumber = z.infer<typeof OrgNumber>;
