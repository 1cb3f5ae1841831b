/**
 * Norwegian national identity numbers: fødselsnummer, D-number (day + 40) and H-number (month + 40).
 * 11 digits: DDMMYY III K1 K2 (date of birth, individual number, two check digits).
 *
 * Check digits, classic rule (all numbers issued before 2032-01-01):
 *   s1 = Σ d[i]·[3,7,6,1,8,9,4,5,2][i] over digits 1–9;  k1 = 11 − (s1 mod 11), 0 when the remainder is 0
 *   s2 = Σ d[i]·[5,4,3,2,7,6,5,4,3,2][i] over digits 1–10; k2 = 11 − (s2 mod 11), 0 when the remainder is 0
 *   a computed 10 means the number cannot exist.
 *   Equivalently: (s1 + k1) mod 11 = 0 and (s2 + k2) mod 11 = 0.
 *
 * Rule for numbers issued from 2032-01-01 (Skatteetaten, "Nytt fødselsnummer fra 2032",
 * github.com/Skatteetaten/folkeregisteret-api-dokumentasjon src/om-tjenestene/nyttfnr2032.md, also
 * skatteetaten.no/deling/opplysninger/folkeregisteropplysninger/pid/): "k1 = {11,12,13,14} − (s1 mod 11)", i.e. the
 * remainder of the k1 check, (s1 + k1) mod 11, may be 0, 1, 2 or 3 (k1 a digit 0–9, k1 = 10 still rejected);
 * k2 is computed exactly as before over digits 1–10 (including k1). Both rules are accepted in parallel.
 * CONFIRMED against Skatteetaten's published description and its worked examples (02013299997, 30108299920,
 * 30108299939), but the exact mapping when s1 mod 11 = 0 under offsets 12–14 (→ k1 1, 2, 3) is our reading of
 * "remainder 0, 1, 2 and 3 are accepted", not spelled out as a formula there.
 * The new numbers no longer encode sex, and the individual number no longer encodes the century: for a number
 * that only passes the 2032 rule the century below is a best guess (`birthDateCertain: false`); the Folkeregister is
 * the source of truth.
 */
import { z } from "zod";
import { ONLY_DIGITS, digitsOf, weightedSum } from "./mod11";

const K1_WEIGHTS = [3, 7, 6, 1, 8, 9, 4, 5, 2] as const;
const K2_WEIGHTS = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2] as const;

export type NationalIdKind = "fodselsnummer" | "d-number" | "h-number";
export type NationalIdCheckRule = "classic" | "2032";

export type NationalIdInvalidReason =
  "NOT_11_DIGITS" | "CHECK_DIGIT_MISMATCH" | "INVALID_DATE" | "INDIVIDUAL_NUMBER_OUT_OF_RANGE";

export type ParsedNationalId =
  | {
      ok: true;
      kind: NationalIdKind;
      /** "YYYY-MM-DD" */
      birthDate: string;
      /** which check-digit rule the number satisfies ("classic" wins when both do) */
      checkRule: NationalIdCheckRule;
      /** false when the century could not be derived with certainty (2032-rule numbers) */
      birthDateCertain: boolean;
    }
  | { ok: false; reason: NationalIdInvalidReason };

/** Which check rule the 11 digits satisfy, or null. */
export function nationalIdCheckRule(id: string): NationalIdCheckRule | null {
  if (id.length !== 11 || !ONLY_DIGITS.test(id)) return null;
  const d = digitsOf(id);
  const k1 = d[9] ?? -1;
  const k2 = d[10] ?? -1;
  const r1 = (weightedSum(d.slice(0, 9), K1_WEIGHTS) + k1) % 11;
  const r2 = (weightedSum(d.slice(0, 10), K2_WEIGHTS) + k2) % 11;
  if (r2 !== 0) return null;
  if (r1 === 0) return "classic";
  if (r1 >= 1 && r1 <= 3) return "2032";
  return null;
}

/** Century from the individual number and two-digit year, classic allocation table (Skatteetaten). */
function centuryOf(individual: number, yy: number): number | null {
  if (individual <= 499) return 1900;
  if (individual <= 749 && yy >= 54) return 1800;
  if (individual >= 500 && yy <= 39) return 2000;
  if (individual >= 900 && yy >= 40) return 1900;
  return null;
}

function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return day <= (lengths[month - 1] ?? 0);
}

export function parseNorwegianNationalId(input: string): ParsedNationalId {
  if (input.length !== 11 || !ONLY_DIGITS.test(input)) return { ok: false, reason: "NOT_11_DIGITS" };
  const checkRule = nationalIdCheckRule(input);
  if (checkRule === null) return { ok: false, reason: "CHECK_DIGIT_MISMATCH" };

  let day = Number(input.slice(0, 2));
  let month = Number(input.slice(2, 4));
  const yy = Number(input.slice(4, 6));
  const individual = Number(input.slice(6, 9));
  let kind: NationalIdKind = "fodselsnummer";
  if (day > 40) {
    kind = "d-number";
    day -= 40;
  } else if (month > 40) {
    kind = "h-number";
    month -= 40;
  }

  let century = centuryOf(individual, yy);
  let birthDateCertain = checkRule === "classic";
  if (century === null) {
    if (checkRule === "classic") return { ok: false, reason: "INDIVIDUAL_NUMBER_OUT_OF_RANGE" };
    // 2032 numbers: the individual number no longer encodes the century; guess the most recent past-ish century
    century = yy <= 39 ? 2000 : 1900;
    birthDateCertain = false;
  }
  const year = century + yy;
  if (!isRealDate(year, month, day)) return { ok: false, reason: "INVALID_DATE" };
  const pad = (n: number) => String(n).padStart(2, "0");
  return { ok: true, kind, birthDate: `${year}-${pad(month)}-${pad(day)}`, checkRule, birthDateCertain };
}

export function isValidNorwegianNationalId(input: string): boolean {
  return parseNorwegianNationalId(input).ok;
}

/** Fødselsnummer, D-number or H-number, either check rule. */
export const NorwegianNationalId = z
  .string()
  .refine(isValidNorwegianNationalId, { message: "Not a valid Norwegian national identity number" });
export type NorwegianNationalId = z.infer<typeof NorwegianNationalId>;
