/**
 * Norwegian bank account number (kontonummer): 11 digits = 4 bank code + 2 account group + 4 account + 1 check digit.
 * Check: MOD11 with weights 5,4,3,2,7,6,5,4,3,2 over digits 1–10; check = 11 − (sum mod 11), 0 when the remainder
 * is 0; remainder 1 means the number is invalid.
 * IBAN (ISO 13616): "NO" + 2 check digits + 11-digit BBAN; check digits = 98 − (BBAN + "2324" + "00") mod 97.
 */
import { z } from "zod";
import { DomainError } from "../errors";
import { ONLY_DIGITS, digitsOf, mod11CheckDigit, weightedSum } from "./mod11";

const ACCOUNT_WEIGHTS = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2] as const;

export class InvalidBankAccount extends DomainError {
  readonly code = "INVALID_BANK_ACCOUNT";
}

/** Strips the separators people write ("1234.56.78903", "1234 56 78903") to 11 digits; does not validate. */
export function normalizeAccount(input: string): string {
  return input.replace(/[\s.]/g, "");
}

/** True for exactly 11 digits with a correct MOD11 check digit (use normalizeAccount first for written forms). */
export function isValidNorwegianAccount(account: string): boolean {
  if (account.length !== 11 || !ONLY_DIGITS.test(account)) return false;
  const digits = digitsOf(account);
  return mod11CheckDigit(weightedSum(digits.slice(0, 10), ACCOUNT_WEIGHTS)) === digits[10];
}

function assertAccount(account: string): void {
  if (!isValidNorwegianAccount(account)) {
    throw new InvalidBankAccount("Not a valid Norwegian bank account number", { account });
  }
}

/** "12345678903" → "1234.56.78903". Throws InvalidBankAccount for an invalid number. */
export function formatAccount(account: string): string {
  assertAccount(account);
  return `${account.slice(0, 4)}.${account.slice(4, 6)}.${account.slice(6)}`;
}

/** Country letters to digits (A=10 … Z=35) and mod 97 on the resulting digit string. */
function ibanMod97(s: string): number {
  let remainder = 0;
  for (const ch of s) {
    const code = ch.charCodeAt(0);
    const chunk = code >= 65 && code <= 90 ? String(code - 55) : ch;
    for (const d of chunk) remainder = (remainder * 10 + (d.charCodeAt(0) - 48)) % 97;
  }
  return remainder;
}

/** "12345678903" → "NO7112345678903" (electronic format, no spaces). Throws InvalidBankAccount. */
export function toIban(account: string): string {
  assertAccount(account);
  const check = 98 - ibanMod97(`${account}NO00`);
  return `NO${String(check).padStart(2, "0")}${account}`;
}

/** Validates any IBAN's ISO 7064 mod-97 checksum, and for NO also the embedded account's MOD11. */
export function isValidIban(iban: string): boolean {
  const compact = iban.replace(/\s/g, "").toUpperCase();
  if (!/^[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}$/.test(compact)) return false;
  if (ibanMod97(compact.slice(4) + compact.slice(0, 4)) !== 1) return false;
  if (compact.startsWith("NO")) return compact.length === 15 && isValidNorwegianAccount(compact.slice(4));
  return true;
}

export const NorwegianAccount = z
  .string()
  .refine(isValidNorwegianAccount, { message: "Not a valid Norwegian bank account number (11 digits)" });
export type NorwegianAccount = z.infer<typeof NorwegianAccount>;

export const Iban = z.string().refine(isValidIban, { message: "Not a valid IBAN" });
export type Iban = z.infer<typeof Iban>;
