/**
 * Money: an integer count of minor units (øre / öre / cent) plus a currency. Never a float.
 *
 * ROUNDING RULE (the one rule used everywhere in the domain): when an exact rational amount of minor units has to
 * become a whole number of minor units, round HALF AWAY FROM ZERO (0.5 → 1, −0.5 → −1, 2.4999… → 2).
 * `roundHalfAwayFromZero` below is its single implementation; `multiplyRatio`, interest and fee calculations all
 * go through it. Splitting an amount into parts (`allocateProportionally`) instead uses largest-remainder so
 * that the parts always add up to the total.
 */
import { z } from "zod";
import { DomainError } from "./errors";

export const Currency = z.enum(["NOK", "DKK", "SEK", "EUR"]);
export type Currency = z.infer<typeof Currency>;

export const Money = z.object({
  value: z.number().int().refine(Number.isSafeInteger, { message: "value must be a safe integer" }),
  currency: Currency,
});
export type Money = z.infer<typeof Money>;

export type MoneyLocale = "nb-NO" | "da-DK" | "sv-SE" | "en";

export class CurrencyMismatch extends DomainError {
  readonly code = "CURRENCY_MISMATCH";
  constructor(a: Currency, b: Currency) {
    super(`Cannot combine ${a} with ${b}`, { left: a, right: b });
  }
}

export class InvalidMoney extends DomainError {
  readonly code = "INVALID_MONEY";
}

/** Minor units per major unit. All supported currencies have two decimals. */
export const MINOR_UNITS_PER_MAJOR: Readonly<Record<Currency, number>> = { NOK: 100, DKK: 100, SEK: 100, EUR: 100 };

function checkedInteger(value: number, what: string): number {
  if (!Number.isSafeInteger(value)) {
    throw new InvalidMoney(`${what} must be a safe integer number of minor units, got ${String(value)}`, { value });
  }
  // normalise -0 to 0 so equality checks and JSON stay boring
  return value === 0 ? 0 : value;
}

function fromBigInt(value: bigint, currency: Currency): Money {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new InvalidMoney(`Amount ${value.toString()} is outside the safe integer range`, { currency });
  }
  return { value: checkedInteger(Number(value), "value"), currency };
}

export function money(value: number, currency: Currency): Money {
  const parsedCurrency = Currency.safeParse(currency);
  if (!parsedCurrency.success) throw new InvalidMoney(`Unknown currency ${String(currency)}`, { currency });
  return { value: checkedInteger(value, "value"), currency };
}

export function zero(currency: Currency): Money {
  return { value: 0, currency };
}

function sameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) throw new CurrencyMismatch(a.currency, b.currency);
}

export function add(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return money(a.value + b.value, a.currency);
}

export function subtract(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return money(a.value - b.value, a.currency);
}

export function negate(a: Money): Money {
  return money(-a.value, a.currency);
}

/** Sum of `items`, all of which must be in `currency` (an empty list sums to zero). */
export function sum(items: readonly Money[], currency: Currency): Money {
  let total = zero(currency);
  for (const item of items) total = add(total, item);
  return total;
}

export function compare(a: Money, b: Money): -1 | 0 | 1 {
  sameCurrency(a, b);
  return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}

export function equals(a: Money, b: Money): boolean {
  return a.currency === b.currency && a.value === b.value;
}

export function isZero(a: Money): boolean {
  return a.value === 0;
}

export function isNegative(a: Money): boolean {
  return a.value < 0;
}

export function isPositive(a: Money): boolean {
  return a.value > 0;
}

export function min(a: Money, b: Money): Money {
  return compare(a, b) <= 0 ? a : b;
}

export function max(a: Money, b: Money): Money {
  return compare(a, b) >= 0 ? a : b;
}

function toBigInt(n: bigint | number, what: string): bigint {
  if (typeof n === "bigint") return n;
  if (!Number.isSafeInteger(n)) throw new InvalidMoney(`${what} must be an integer, got ${String(n)}`, { [what]: n });
  return BigInt(n);
}

/**
 * numerator / denominator rounded to an integer with THE rounding rule: half away from zero.
 * Exact for any bigint inputs.
 */
export function roundHalfAwayFromZero(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new InvalidMoney("Division by zero");
  if (denominator < 0n) {
    numerator = -numerator;
    denominator = -denominator;
  }
  const negative = numerator < 0n;
  const abs = negative ? -numerator : numerator;
  const quotient = (2n * abs + denominator) / (2n * denominator); // floor((abs/denominator) + 1/2)
  return negative ? -quotient : quotient;
}

/** a × numerator / denominator, rounded half away from zero to whole minor units. */
export function multiplyRatio(a: Money, numerator: bigint | number, denominator: bigint | number): Money {
  const n = toBigInt(numerator, "numerator");
  const d = toBigInt(denominator, "denominator");
  return fromBigInt(roundHalfAwayFromZero(BigInt(a.value) * n, d), a.currency);
}

/**
 * Splits `total` into parts proportional to `weights` (non-negative numbers, at least one positive) with the
 * largest-remainder method: every part gets the floor of its exact share (towards zero for a negative total), then
 * the leftover minor units go one each to the largest remainders (ties: earliest index). The parts always sum to
 * `total` exactly.
 */
export function allocateProportionally(total: Money, weights: readonly number[]): Money[] {
  if (weights.length === 0) throw new InvalidMoney("allocateProportionally needs at least one weight");
  for (const w of weights) {
    if (!Number.isFinite(w) || w < 0)
      throw new InvalidMoney(`Weights must be finite and non-negative, got ${String(w)}`);
  }
  // Weights may be fractional; scale them to exact bigints (same ratios as the doubles given).
  const scaled = toExactIntegers(weights);
  const weightSum = scaled.reduce((s, w) => s + w, 0n);
  if (weightSum === 0n) throw new InvalidMoney("allocateProportionally needs at least one positive weight");

  const negative = total.value < 0;
  const absTotal = BigInt(Math.abs(total.value));
  const shares = scaled.map((w, index) => {
    const exact = absTotal * w;
    return { index, floor: exact / weightSum, remainder: exact % weightSum };
  });
  let leftover = absTotal - shares.reduce((s, p) => s + p.floor, 0n);
  const order = [...shares].sort((x, y) =>
    x.remainder === y.remainder ? x.index - y.index : x.remainder > y.remainder ? -1 : 1,
  );
  const parts = shares.map((s) => s.floor);
  for (const s of order) {
    if (leftover === 0n) break;
    parts[s.index] = (parts[s.index] ?? 0n) + 1n;
    leftover -= 1n;
  }
  return parts.map((p) => fromBigInt(negative ? -p : p, total.currency));
}

/**
 * Turns finite non-negative numbers into bigints with exactly the same ratios: every double is m × 2^e with integer
 * m, so scaling all of them by 2^(−smallest e) is exact, whatever their magnitude.
 */
function toExactIntegers(values: readonly number[]): bigint[] {
  const parts = values.map(decomposeDouble);
  const nonZero = parts.filter((p) => p.mantissa !== 0n);
  const minExponent = nonZero.length === 0 ? 0 : Math.min(...nonZero.map((p) => p.exponent));
  return parts.map((p) => (p.mantissa === 0n ? 0n : p.mantissa << BigInt(p.exponent - minExponent)));
}

/** v = mantissa × 2^exponent exactly (v finite and non-negative). */
function decomposeDouble(v: number): { mantissa: bigint; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, v);
  const bits = view.getBigUint64(0);
  const exponentBits = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  if (exponentBits === 0) return { mantissa: fraction, exponent: -1074 };
  return { mantissa: fraction | (1n << 52n), exponent: exponentBits - 1075 };
}

/** The amount as a plain decimal string in major units: 123450 → "1234.50", -5 → "-0.05". */
export function toMajorUnitsString(m: Money): string {
  const per = BigInt(MINOR_UNITS_PER_MAJOR[m.currency]);
  const digits = MINOR_UNITS_PER_MAJOR[m.currency].toString().length - 1;
  const abs = BigInt(Math.abs(m.value));
  const major = abs / per;
  const minor = (abs % per).toString().padStart(digits, "0");
  return `${m.value < 0 ? "-" : ""}${major.toString()}.${minor}`;
}

/**
 * Human formatting with Intl, exact (the decimal string is formatted, never a float).
 * Intl's own spacing is kept: nb-NO and sv-SE use U+00A0 between digit groups and before "kr" and U+2212 as the minus
 * sign, so amounts never wrap across lines. E.g. nb-NO 123450 NOK → "1 234,50 kr", da-DK → "1.234,50 kr.",
 * en → "NOK 1,234.50".
 */
const FORMATTERS = new Map<string, Intl.NumberFormat>();

export function formatMoney(m: Money, locale: MoneyLocale): string {
  const key = `${locale}:${m.currency}`;
  let formatter = FORMATTERS.get(key);
  if (!formatter) {
    formatter = new Intl.NumberFormat(locale, {
      style: "currency",
      currency: m.currency,
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
    });
    FORMATTERS.set(key, formatter);
  }
  // Intl.NumberFormat accepts decimal strings (exact) since ES2023; the typings still say number.
  return formatter.format(toMajorUnitsString(m) as unknown as number);
}

export class InvalidAmount extends DomainError {
  readonly code = "INVALID_AMOUNT";
}

const MAJOR_UNITS_PATTERN = /^(-)?(0|[1-9][0-9]*)(?:[.,]([0-9]{1,2}))?$/;

/**
 * Parses an amount typed by a person in major units: "123", "123.4", "123.45", "123,45", "-5.00".
 * Strict: no thousands separators, no spaces, no signs other than a leading "-", at most 2 decimals, no leading
 * zeros. Throws InvalidAmount otherwise. Returns exact minor units.
 */
export function parseMajorUnits(input: string, currency: Currency): Money {
  const match = MAJOR_UNITS_PATTERN.exec(input);
  if (!match) throw new InvalidAmount(`"${input}" is not an amount with at most two decimals`, { input });
  const [, sign, whole = "0", frac = ""] = match;
  const minor = BigInt(whole) * BigInt(MINOR_UNITS_PER_MAJOR[currency]) + BigInt(frac.padEnd(2, "0"));
  try {
    return fromBigInt(sign ? -minor : minor, currency);
  } catch {
    throw new InvalidAmount(`"${input}" is too large`, { input });
  }
}
