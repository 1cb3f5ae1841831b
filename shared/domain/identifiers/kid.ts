/**
 * KID (kundeidentifikasjon): the payment reference on Norwegian giros and OCR files.
 *
 * A KID is 2–25 characters: 1–24 digits of base plus one check digit.
 * - MOD10 (Luhn): weights 2,1,2,1,… from the right of the base; products above 9 contribute the sum of their digits;
 *   check = (10 − sum mod 10) mod 10.
 * - MOD11: weights 2,3,4,5,6,7 repeating from the right of the base; check = 11 − (sum mod 11), 0 when the
 *   remainder is 0. When the remainder is 1 (check would be 10) the check "digit" is written "-" (KID only).
 * Source: reference/nordic-collection-rules.md (Nets/Mastercard Payment Services KID specification).
 */
import { z } from "zod";
import { DomainError } from "../errors";
import { ONLY_DIGITS, digitsOf } from "./mod11";

export const KidAlgorithm = z.enum(["MOD10", "MOD11"]);
export type KidAlgorithm = z.infer<typeof KidAlgorithm>;

export const KID_MIN_LENGTH = 2;
export const KID_MAX_LENGTH = 25;

export class InvalidKidBase extends DomainError {
  readonly code = "INVALID_KID_BASE";
}

/** Luhn check digit for a digit string (the base, without check digit). */
export function checkDigitMod10(base: string): number {
  assertDigits(base);
  let sum = 0;
  const digits = digitsOf(base);
  for (let i = 0; i < digits.length; i++) {
    const fromRight = digits.length - 1 - i;
    const product = (digits[i] ?? 0) * (fromRight % 2 === 0 ? 2 : 1);
    sum += product > 9 ? product - 9 : product;
  }
  return (10 - (sum % 10)) % 10;
}

/** MOD11 check "digit" for a KID base: 0–9, or "-" when the remainder is 1. */
export function checkDigitMod11(base: string): number | "-" {
  assertDigits(base);
  let sum = 0;
  const digits = digitsOf(base);
  for (let i = 0; i < digits.length; i++) {
    const fromRight = digits.length - 1 - i;
    sum += (digits[i] ?? 0) * (2 + (fromRight % 6));
  }
  const remainder = sum % 11;
  if (remainder === 0) return 0;
  if (remainder === 1) return "-";
  return 11 - remainder;
}

function assertDigits(base: string): void {
  if (!ONLY_DIGITS.test(base)) throw new InvalidKidBase("A KID base must consist of digits only", { base });
}

/** Appends the check digit to `base` (1–24 digits). Throws InvalidKidBase otherwise. */
export function generateKid(base: string, algorithm: KidAlgorithm): string {
  assertDigits(base);
  if (base.length < KID_MIN_LENGTH - 1 || base.length > KID_MAX_LENGTH - 1) {
    throw new InvalidKidBase(`A KID base must have ${KID_MIN_LENGTH - 1}–${KID_MAX_LENGTH - 1} digits`, {
      base,
      length: base.length,
    });
  }
  const check = algorithm === "MOD10" ? checkDigitMod10(base) : checkDigitMod11(base);
  return `${base}${String(check)}`;
}

/** True when `kid` is 2–25 characters, all digits except possibly a final "-" (MOD11 only), with a correct check. */
export function isValidKid(kid: string, algorithm: KidAlgorithm): boolean {
  if (kid.length < KID_MIN_LENGTH || kid.length > KID_MAX_LENGTH) return false;
  const base = kid.slice(0, -1);
  const check = kid.slice(-1);
  if (!ONLY_DIGITS.test(base)) return false;
  if (algorithm === "MOD10") return ONLY_DIGITS.test(check) && String(checkDigitMod10(base)) === check;
  return String(checkDigitMod11(base)) === check;
}

/** A KID valid under MOD10 or MOD11 (which one a creditor uses is part of its bank agreement). */
export const Kid = z
  .string()
  .refine((s) => isValidKid(s, "MOD10") || isValidKid(s, "MOD11"), { message: "Not a valid KID" });
export type Kid = z.infer<typeof Kid>;

export const KidMod10 = z.string().refine((s) => isValidKid(s, "MOD10"), { message: "Not a valid MOD10 KID" });
export const KidMod11 = z.string().refine((s) => isValidKid(s, "MOD11"), { message: "Not a valid MOD11 KID" });

/** Schema for a KID of one specific algorithm. */
export function kidSchema(algorithm: KidAlgorithm) {
  return algorithm === "MOD10" ? KidMod10 : KidMod11;
}
