/**
 * Search keys stored with a case (issue 16, the portal's case list and the customer-service console): a debtor's name
 * folded for case- and diacritics-insensitive matching, and a phone number's lookup key (a SHA-256 of its E.164 form,
 * so the phone itself is never an index value). Pure: no I/O, no clock.
 */
import { createHash } from "node:crypto";
import { normalizePhone, type PhoneCountry } from "./identifiers/phone";

/** Letters that do not decompose into a base letter and a mark (NFKD leaves them as they are). */
const FOLD: Record<string, string> = { ø: "o", æ: "ae", œ: "oe", ß: "ss", đ: "d", ð: "d", ł: "l", þ: "th", ı: "i" };

/**
 * A name as the search compares it: lower case, diacritics removed ("Ærlige Bjørn Ås" → "aerlige bjorn as"), every
 * run of anything but letters and digits one space, trimmed. The empty string when nothing is left.
 */
export function normalizeName(input: string): string {
  return input
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[øæœßđðłþı]/gu, (c) => FOLD[c] ?? c)
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** The lookup key of an E.164 phone number: SHA-256, hex, of the number. */
export function phoneKeyOf(e164: string): string {
  return createHash("sha256").update(`phone:${e164}`).digest("hex");
}

/**
 * The lookup key of a phone number as a person types it ("+47 912 34 567", "91234567", "0047 91234567"), or
 * undefined when it is not a valid phone number.
 */
export function phoneKeyFromInput(input: string, defaultCountry: PhoneCountry = "NO"): string | undefined {
  const normalized = normalizePhone(input, defaultCountry);
  return normalized.ok ? phoneKeyOf(normalized.e164) : undefined;
}
