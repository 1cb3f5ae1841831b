/**
 * Phone numbers normalised to E.164 with libphonenumber-js (full "max" metadata, so the number type is known).
 * Numbers written with "+" or "00" and another country code are accepted as that country's numbers.
 */
import { z } from "zod";
import { parsePhoneNumberFromString } from "libphonenumber-js/max";

export type PhoneCountry = "NO" | "DK" | "SE";

export type PhoneInvalidReason = "EMPTY" | "NOT_A_NUMBER" | "INVALID_NUMBER";

export type NormalizedPhone =
  { ok: true; e164: string; country: string | undefined } | { ok: false; reason: PhoneInvalidReason };

export function normalizePhone(input: string, defaultCountry: PhoneCountry): NormalizedPhone {
  const trimmed = input.trim();
  if (trimmed === "") return { ok: false, reason: "EMPTY" };
  if (!/^[+0-9()\-.\s/]+$/.test(trimmed)) return { ok: false, reason: "NOT_A_NUMBER" };
  const withPlus = trimmed.startsWith("00") ? `+${trimmed.slice(2)}` : trimmed;
  const parsed = parsePhoneNumberFromString(withPlus, defaultCountry);
  if (!parsed) return { ok: false, reason: "NOT_A_NUMBER" };
  if (!parsed.isValid()) return { ok: false, reason: "INVALID_NUMBER" };
  return { ok: true, e164: parsed.number, country: parsed.country };
}

/**
 * true for a mobile number, false for a number the library knows is not mobile (fixed line, voicemail, …), and
 * undefined when it cannot tell (e.g. Danish numbers are FIXED_LINE_OR_MOBILE) or the number is invalid.
 */
export function isMobile(e164: string): boolean | undefined {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed || !parsed.isValid()) return undefined;
  const type = parsed.getType();
  if (type === "MOBILE") return true;
  if (type === undefined || type === "FIXED_LINE_OR_MOBILE") return undefined;
  return false;
}

/** A phone number already in valid E.164 form ("+4741234567"). */
export const E164Phone = z
  .string()
  .regex(/^\+[1-9][0-9]{6,14}$/, { message: "Phone number must be in E.164 form" })
  .refine(
    (s) => {
      const p = parsePhoneNumberFromString(s);
      return p !== undefined && p.isValid() && p.number === s;
    },
    { message: "Not a valid phone number" },
  );
export type E164Phone = z.infer<typeof E164Phone>;
