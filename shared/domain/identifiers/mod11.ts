/** Shared digit arithmetic for the Norwegian MOD10 / MOD11 check digits. Internal to identifiers/. */

export function digitsOf(s: string): number[] {
  return [...s].map((c) => c.charCodeAt(0) - 48);
}

export function weightedSum(digits: readonly number[], weights: readonly number[]): number {
  let total = 0;
  digits.forEach((d, i) => {
    total += d * (weights[i] ?? 0);
  });
  return total;
}

/**
 * The classic MOD11 check digit for a weighted sum: 11 − (sum mod 11), 0 when the remainder is 0, and null when the
 * remainder is 1 (check digit would be 10: the number cannot exist, or for KID is written "-").
 */
export function mod11CheckDigit(sum: number): number | null {
  const remainder = sum % 11;
  if (remainder === 0) return 0;
  if (remainder === 1) return null;
  return 11 - remainder;
}

export const ONLY_DIGITS = /^[0-9]+$/;
