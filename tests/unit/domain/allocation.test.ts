import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allocatePayment, InvalidAllocation, type AllocationPart } from "../../../shared/domain/allocation";

const nok = (ore: number) => ({ value: ore, currency: "NOK" as const });
const outstanding = { fees: nok(35_00), interest: nok(12_34), principal: nok(1_000_00) };

describe("applying a payment", () => {
  it("covers costs, then interest, then principal by default", () => {
    const a = allocatePayment(nok(100_00), outstanding);
    expect(a).toMatchObject({ fees: nok(35_00), interest: nok(12_34), principal: nok(52_66), credit: nok(0) });
  });

  it("follows the debtor's chosen order and covers the parts not chosen afterwards", () => {
    const a = allocatePayment(nok(1_010_00), outstanding, ["principal"]);
    expect(a).toMatchObject({ principal: nok(1_000_00), fees: nok(10_00), interest: nok(0), credit: nok(0) });
    expect(a.order).toEqual(["principal", "fees", "interest"]);
  });

  it("uses a creditor's configured default order", () => {
    const a = allocatePayment(nok(20_00), outstanding, undefined, ["interest", "principal", "fees"]);
    expect(a).toMatchObject({ interest: nok(12_34), principal: nok(7_66), fees: nok(0) });
  });

  it("keeps an overpayment as credit instead of losing it", () => {
    const a = allocatePayment(nok(2_000_00), outstanding);
    expect(a.credit).toEqual(nok(952_66));
  });

  it("refuses a zero payment and an order naming a part twice", () => {
    expect(() => allocatePayment(nok(0), outstanding)).toThrow(InvalidAllocation);
    expect(() => allocatePayment(nok(1), outstanding, ["fees", "fees"])).toThrow(InvalidAllocation);
  });

  it("never creates or loses money and never covers more than is outstanding (property)", () => {
    const amount = fc.integer({ min: 0, max: 10_000_000 });
    const order = fc.shuffledSubarray<AllocationPart>(["fees", "interest", "principal"]);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20_000_000 }), amount, amount, amount, order, (pay, f, i, p, chosen) => {
        const o = { fees: nok(f), interest: nok(i), principal: nok(p) };
        const a = allocatePayment(nok(pay), o, chosen);
        expect(a.fees.value + a.interest.value + a.principal.value + a.credit.value).toBe(pay);
        for (const part of ["fees", "interest", "principal"] as const) {
          expect(a[part].value).toBeGreaterThanOrEqual(0);
          expect(a[part].value).toBeLessThanOrEqual(o[part].value);
        }
        expect(a.credit.value).toBe(Math.max(0, pay - f - i - p));
      }),
    );
  });
});
