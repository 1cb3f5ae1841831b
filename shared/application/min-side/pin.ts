/**
 * KID + PIN (issue 15): every letter prints "Min side: logg inn med KID {KID} og PIN {pin}" (the sign-in form asks
 * for the KID by that name; "case number" in this code means it, not the letter's short "Saksnummer"). It is the
 * case's KID (unique, already on every letter and giro); the PIN is derived, never stored: the first 48 bits of
 * HMAC-SHA256(`MINSIDE_PIN_SECRET`, [tenantId, caseId]) as 8 decimal digits. Signing in with both gives access to
 * that one case. Wrong PINs are counted and locked out by the HTTP layer (per case number and per client); an
 * unknown case number and a wrong PIN get the same answer.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { CaseStore } from "../../ports/case-store";

export const PIN_DIGITS = 8;

export function minSidePin(secret: string, tenantId: string, caseId: string): string {
  const digest = createHmac("sha256", secret)
    .update(JSON.stringify([tenantId, caseId]), "utf8")
    .digest();
  return (digest.readUIntBE(0, 6) % 10 ** PIN_DIGITS).toString().padStart(PIN_DIGITS, "0");
}

/** What the debtor typed as the case number: digits only (spaces, dots and dashes dropped); undefined if not plausible. */
export function normaliseCaseNumber(input: string | undefined): string | undefined {
  const digits = (input ?? "").replace(/[\s.\-\u00a0]/gu, "");
  return /^[0-9]{2,25}$/u.test(digits) ? digits : undefined;
}

export function normalisePin(input: string | undefined): string | undefined {
  const digits = (input ?? "").replace(/[\s\u00a0]/gu, "");
  return /^[0-9]{1,12}$/u.test(digits) ? digits : undefined;
}

export type PinSignInResult = { kind: "ok"; tenantId: string; caseId: string } | { kind: "refused" };

/** Checks a case number and PIN. The PIN is compared in constant time; an unknown case number costs the same HMAC. */
export function makeCheckCasePin(deps: { cases: Pick<CaseStore, "findByKid"> }, config: { pinSecret: string }) {
  return async (caseNumber: string, pin: string): Promise<PinSignInResult> => {
    const record = await deps.cases.findByKid(caseNumber);
    const expected = minSidePin(config.pinSecret, record?.tenantId ?? "-", record?.caseId ?? caseNumber);
    const a = Buffer.from(expected, "utf8");
    const b = Buffer.from(pin.padStart(PIN_DIGITS, "x").slice(-PIN_DIGITS), "utf8");
    const same = a.length === b.length && timingSafeEqual(a, b) && pin.length === PIN_DIGITS;
    return record && same ? { kind: "ok", tenantId: record.tenantId, caseId: record.caseId } : { kind: "refused" };
  };
}
