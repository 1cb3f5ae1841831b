/**
 * How a payment is applied to a claim (dekningsrekkefølge). No statute: for a voluntary payment the debtor may choose
 * what it covers; otherwise the creditor chooses, and the industry default is costs (fees) → interest → principal.
 * Whatever is left after every part is covered becomes a CREDIT for the debtor — money is never lost.
 */
import { z } from "zod";
import { DomainError } from "./errors";
import { add, min, money, subtract, type Money } from "./money";

export const AllocationPart = z.enum(["fees", "interest", "principal"]);
export type AllocationPart = z.infer<typeof AllocationPart>;

/** An order of the three parts; the parts not named are covered afterwards in the default order. */
export const AllocationOrder = z
  .array(AllocationPart)
  .max(3)
  .refine((parts) => new Set(parts).size === parts.length, { message: "each part may appear only once" });
export type AllocationOrder = z.infer<typeof AllocationOrder>;

/** The industry default: costs → interest → principal. Configurable per creditor (policy) and per payment (debtor). */
export const DEFAULT_ALLOCATION_ORDER: readonly AllocationPart[] = ["fees", "interest", "principal"];

export interface Outstanding {
  fees: Money;
  interest: Money;
  principal: Money;
}

export interface Allocation {
  fees: Money;
  interest: Money;
  principal: Money;
  /** The part of the payment that covered nothing: kept as the debtor's credit (to refund or set off). */
  credit: Money;
  /** The order actually used. */
  order: AllocationPart[];
}

export class InvalidAllocation extends DomainError {
  readonly code = "INVALID_ALLOCATION";
}

/** The full order: the chosen parts first, then the rest in `fallback` order. */
export function completeOrder(
  chosen: readonly AllocationPart[] | undefined,
  fallback: readonly AllocationPart[] = DEFAULT_ALLOCATION_ORDER,
): AllocationPart[] {
  const parsed = AllocationOrder.safeParse(chosen ?? []);
  if (!parsed.success) throw new InvalidAllocation("The allocation order names a part twice", { chosen });
  const fb = AllocationOrder.safeParse(fallback);
  if (!fb.success) throw new InvalidAllocation("The default allocation order names a part twice", { fallback });
  const order = [...parsed.data];
  for (const p of [...fb.data, ...DEFAULT_ALLOCATION_ORDER]) if (!order.includes(p)) order.push(p);
  return order;
}

/**
 * Splits `payment` over the outstanding parts in `order` (the debtor's choice), falling back to `defaultOrder` for parts
 * not chosen. Each part gets at most what is outstanding on it; the remainder is credit. Invariant:
 * fees + interest + principal + credit = payment, every share ≥ 0.
 */
export function allocatePayment(
  payment: Money,
  outstanding: Outstanding,
  order?: readonly AllocationPart[],
  defaultOrder: readonly AllocationPart[] = DEFAULT_ALLOCATION_ORDER,
): Allocation {
  const currency = payment.currency;
  if (payment.value <= 0) throw new InvalidAllocation("A payment must be a positive amount", { payment });
  for (const part of AllocationPart.options) {
    const o = outstanding[part];
    if (o.currency !== currency) {
      throw new InvalidAllocation(`Outstanding ${part} is in ${o.currency}, the payment in ${currency}`);
    }
    if (o.value < 0) throw new InvalidAllocation(`Outstanding ${part} is negative`, { part, value: o.value });
  }
  const used = completeOrder(order, defaultOrder);
  const shares: Record<AllocationPart, Money> = {
    fees: money(0, currency),
    interest: money(0, currency),
    principal: money(0, currency),
  };
  let left = payment;
  for (const part of used) {
    const take = min(left, outstanding[part]);
    shares[part] = add(shares[part], take);
    left = subtract(left, take);
  }
  return { ...shares, credit: left, order: used };
}
