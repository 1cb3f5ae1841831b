import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  CurrencyMismatch,
  InvalidAmount,
  InvalidMoney,
  Money,
  add,
  allocateProportionally,
  compare,
  formatMoney,
  isNegative,
  isPositive,
  isZero,
  max,
  min,
  money,
  multiplyRatio,
  negate,
  parseMajorUnits,
  roundHalfAwayFromZero,
  subtract,
  sum,
  zero,
} from "../../../shared/domain/money";
import { DomainError } from "../../../shared/domain/errors";

const nok = (v: number) => money(v, "NOK");
/** Intl uses U+00A0 / U+202F spaces and U+2212 minus; compare against plain ASCII. */
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, " ").replace(/\u2212/g, "-");
const safeAmount = fc.integer({ min: -1_000_000_000_000, max: 1_000_000_000_000 });

describe("money", () => {
  it("builds an amount from integer minor units", () => {
    expect(money(12345, "NOK")).toEqual({ value: 12345, currency: "NOK" });
    expect(zero("SEK")).toEqual({ value: 0, currency: "SEK" });
  });

  it("refuses fractional, unsafe and non-finite minor units", () => {
    expect(() => money(1.5, "NOK")).toThrow(InvalidMoney);
    expect(() => money(Number.MAX_SAFE_INTEGER + 1, "NOK")).toThrow(InvalidMoney);
    expect(() => money(Number.NaN, "NOK")).toThrow(InvalidMoney);
    expect(() => money(Number.POSITIVE_INFINITY, "NOK")).toThrow(InvalidMoney);
  });

  it("validates with the zod schema", () => {
    expect(Money.safeParse({ value: 100, currency: "DKK" }).success).toBe(true);
    expect(Money.safeParse({ value: 1.1, currency: "DKK" }).success).toBe(false);
    expect(Money.safeParse({ value: 100, currency: "USD" }).success).toBe(false);
  });

  it("adds, subtracts, negates and sums within one currency", () => {
    expect(add(nok(150), nok(250))).toEqual(nok(400));
    expect(subtract(nok(150), nok(250))).toEqual(nok(-100));
    expect(negate(nok(5))).toEqual(nok(-5));
    expect(negate(nok(0)).value).toBe(0);
    expect(Object.is(negate(nok(0)).value, -0)).toBe(false);
    expect(sum([nok(1), nok(2), nok(3)], "NOK")).toEqual(nok(6));
    expect(sum([], "EUR")).toEqual(zero("EUR"));
  });

  it("throws a CURRENCY_MISMATCH domain error when currencies are mixed", () => {
    const attempt = () => add(nok(1), money(1, "SEK"));
    expect(attempt).toThrow(CurrencyMismatch);
    try {
      attempt();
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as CurrencyMismatch).code).toBe("CURRENCY_MISMATCH");
      expect((e as CurrencyMismatch).name).toBe("CurrencyMismatch");
      expect((e as CurrencyMismatch).details).toEqual({ left: "NOK", right: "SEK" });
    }
    expect(() => sum([nok(1), money(1, "EUR")], "NOK")).toThrow(CurrencyMismatch);
    expect(() => compare(nok(1), money(1, "DKK"))).toThrow(CurrencyMismatch);
  });

  it("compares and answers sign questions", () => {
    expect(compare(nok(1), nok(2))).toBe(-1);
    expect(compare(nok(2), nok(2))).toBe(0);
    expect(compare(nok(3), nok(2))).toBe(1);
    expect(min(nok(1), nok(2))).toEqual(nok(1));
    expect(max(nok(1), nok(2))).toEqual(nok(2));
    expect([isZero(nok(0)), isNegative(nok(-1)), isPositive(nok(1)), isPositive(nok(0))]).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });

  it("rounds half away from zero in every direction", () => {
    expect(roundHalfAwayFromZero(5n, 2n)).toBe(3n);
    expect(roundHalfAwayFromZero(-5n, 2n)).toBe(-3n);
    expect(roundHalfAwayFromZero(5n, -2n)).toBe(-3n);
    expect(roundHalfAwayFromZero(7n, 3n)).toBe(2n);
    expect(roundHalfAwayFromZero(-7n, 3n)).toBe(-2n);
    expect(roundHalfAwayFromZero(8n, 3n)).toBe(3n);
    expect(roundHalfAwayFromZero(0n, 7n)).toBe(0n);
  });

  it("multiplies by a ratio with the documented rounding rule", () => {
    expect(multiplyRatio(nok(70000), 1, 20)).toEqual(nok(3500));
    expect(multiplyRatio(nok(75000), 1, 20)).toEqual(nok(3750));
    expect(multiplyRatio(nok(1), 1, 2)).toEqual(nok(1));
    expect(multiplyRatio(nok(-1), 1, 2)).toEqual(nok(-1));
    expect(multiplyRatio(nok(100), 1n, 3n)).toEqual(nok(33));
    expect(multiplyRatio(nok(200), 1n, 3n)).toEqual(nok(67));
    expect(() => multiplyRatio(nok(1), 1, 0)).toThrow(InvalidMoney);
    expect(() => multiplyRatio(nok(1), 0.5, 1)).toThrow(InvalidMoney);
  });

  it("keeps add and subtract inverse of each other for any amounts", () => {
    fc.assert(
      fc.property(safeAmount, safeAmount, (a, b) => {
        expect(subtract(add(nok(a), nok(b)), nok(b))).toEqual(nok(a));
        expect(add(subtract(nok(a), nok(b)), nok(b))).toEqual(nok(a));
      }),
    );
  });

  it("splits an amount by weights with largest remainders", () => {
    expect(allocateProportionally(nok(100), [1, 1, 1]).map((m) => m.value)).toEqual([34, 33, 33]);
    expect(allocateProportionally(nok(-100), [1, 1, 1]).map((m) => m.value)).toEqual([-34, -33, -33]);
    expect(allocateProportionally(nok(1000), [0.5, 0.25, 0.25]).map((m) => m.value)).toEqual([500, 250, 250]);
    expect(allocateProportionally(nok(5), [0, 3, 1]).map((m) => m.value)).toEqual([0, 4, 1]);
    expect(allocateProportionally(nok(10), [1e21, 1e21]).map((m) => m.value)).toEqual([5, 5]);
    expect(allocateProportionally(nok(10), [1e-7, 3e-7]).map((m) => m.value)).toEqual([3, 7]);
    expect(allocateProportionally(nok(100), [0.1, 0.2]).map((m) => m.value)).toEqual([33, 67]);
    expect(allocateProportionally(nok(10), [5e-324, 0]).map((m) => m.value)).toEqual([10, 0]);
    expect(() => allocateProportionally(nok(5), [0, 0])).toThrow(InvalidMoney);
    expect(() => allocateProportionally(nok(5), [])).toThrow(InvalidMoney);
    expect(() => allocateProportionally(nok(5), [-1, 2])).toThrow(InvalidMoney);
  });

  it("never creates or loses an øre when allocating proportionally", () => {
    fc.assert(
      fc.property(
        safeAmount,
        fc
          .array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 12 })
          .filter((w) => w.some((x) => x > 0)),
        (total, weights) => {
          const parts = allocateProportionally(nok(total), weights);
          expect(parts).toHaveLength(weights.length);
          expect(sum(parts, "NOK")).toEqual(nok(total));
          const weightSum = weights.reduce((s, w) => s + w, 0);
          parts.forEach((p, i) => {
            // each part is within one øre of its exact share, and zero weights get nothing
            const exact = (total * (weights[i] ?? 0)) / weightSum;
            expect(Math.abs(p.value - exact)).toBeLessThan(1 + 1e-6 * Math.abs(total));
            if (weights[i] === 0) expect(p.value).toBe(0);
          });
        },
      ),
    );
  });

  it("never creates or loses an øre when allocating by fractional weights", () => {
    fc.assert(
      fc.property(
        safeAmount,
        fc
          .array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 8 })
          .filter((w) => w.some((x) => x > 0)),
        (total, weights) => {
          expect(sum(allocateProportionally(nok(total), weights), "NOK")).toEqual(nok(total));
        },
      ),
    );
  });

  it("formats amounts the way each locale writes them", () => {
    expect(plain(formatMoney(nok(123450), "nb-NO"))).toBe("1 234,50 kr");
    expect(plain(formatMoney(money(123450, "DKK"), "da-DK"))).toBe("1.234,50 kr.");
    expect(plain(formatMoney(money(123450, "SEK"), "sv-SE"))).toBe("1 234,50 kr");
    expect(plain(formatMoney(nok(123450), "en"))).toBe("NOK 1,234.50");
    expect(plain(formatMoney(money(-5, "EUR"), "nb-NO"))).toBe("-0,05 €");
    expect(plain(formatMoney(nok(900719925474099), "nb-NO"))).toBe("9 007 199 254 740,99 kr");
  });

  it("keeps no-break spaces in formatted amounts so they never wrap", () => {
    expect(formatMoney(nok(123450), "nb-NO")).toMatch(/^1[\u00a0\u202f]234,50[\u00a0\u202f]kr$/);
  });

  it("parses amounts people type, strictly", () => {
    expect(parseMajorUnits("123.45", "NOK")).toEqual(nok(12345));
    expect(parseMajorUnits("123,4", "NOK")).toEqual(nok(12340));
    expect(parseMajorUnits("123", "NOK")).toEqual(nok(12300));
    expect(parseMajorUnits("0.05", "NOK")).toEqual(nok(5));
    expect(parseMajorUnits("-5.00", "NOK")).toEqual(nok(-500));
    for (const bad of [
      "",
      "1.234",
      "1 234",
      "1,234.50",
      "01.00",
      "+5",
      ".5",
      "5.",
      "abc",
      "1e3",
      " 5",
      "NaN",
      "99999999999999999999",
    ]) {
      expect(() => parseMajorUnits(bad, "NOK"), bad).toThrow(InvalidAmount);
    }
  });
});
