/**
 * The suspension gate: may a service be suspended on a given day? Pure. Asked when the ladder plans a suspension
 * AND again immediately before the command is sent (issue 11: "re-checked immediately before it is sent").
 *
 * A suspension is held while a payment on the case is authorized but not yet applied, while a dispute is open, in the
 * tenant's seasonal blackout (e.g. households' power 15 Nov–31 Mar, a span across the year end), and on a day the
 * country's rules do not allow (never a Friday, weekend, public holiday or the day before one — calendar.ts
 * `isSuspensionAllowedDay`, when the rule set's `suspension.onlyOnAllowedDays` is on). A calendar hold says when the
 * suspension may go ahead (`resumeOn`: the first later day outside the blackout that is an allowed day); a payment or
 * dispute hold has no date — it lifts when the payment is applied or the dispute is settled.
 */
import { z } from "zod";
import {
  addDays,
  InvalidCalendarValue,
  isSuspensionAllowedDay,
  isValidLocalDate,
  type CountryCode,
  type LocalDate,
} from "./calendar";
import { DomainError } from "./errors";
import type { RuleSet } from "./rules/rule-set";

const MONTH_LENGTHS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/** "MM-DD", a day that exists in some year ("02-29" included). */
export const MonthDay = z
  .string()
  .regex(/^\d{2}-\d{2}$/u, { message: "Expected a day of the year MM-DD" })
  .refine(
    (s) => {
      const month = Number(s.slice(0, 2));
      const day = Number(s.slice(3, 5));
      return month >= 1 && month <= 12 && day >= 1 && day <= (MONTH_LENGTHS[month - 1] ?? 0);
    },
    { message: "Expected a day of the year MM-DD" },
  );
export type MonthDay = z.infer<typeof MonthDay>;

export const SuspensionCustomer = z.enum(["household", "business"]);
export type SuspensionCustomer = z.infer<typeof SuspensionCustomer>;

/**
 * Days on which the tenant does not suspend, both ends included; `from` after `to` spans the year end
 * (15 Nov–31 Mar is `{ from: "11-15", to: "03-31" }`). Applies to households unless `customers` says otherwise.
 */
export const SeasonalBlackout = z.object({
  from: MonthDay,
  to: MonthDay,
  customers: z.array(SuspensionCustomer).min(1).default(["household"]),
});
export type SeasonalBlackout = z.infer<typeof SeasonalBlackout>;

export const SuspensionHoldReason = z.enum([
  "payment-authorized-not-applied",
  "dispute-open",
  "seasonal-blackout",
  "not-an-allowed-day",
]);
export type SuspensionHoldReason = z.infer<typeof SuspensionHoldReason>;

export type SuspensionGate = { ok: true } | { ok: false; reason: SuspensionHoldReason; resumeOn?: LocalDate };

export interface SuspensionGateInput {
  /** The local day the suspension would happen. */
  on: LocalDate;
  country: CountryCode;
  rules: Pick<RuleSet, "suspension">;
  /** A payment on the case is authorized (e.g. Vipps reserved) but not yet applied to the ledger. */
  paymentAuthorizedNotApplied: boolean;
  disputeOpen: boolean;
  seasonalBlackout?: z.input<typeof SeasonalBlackout>;
  customer: SuspensionCustomer;
}

export class SeasonalBlackoutMalformed extends DomainError {
  readonly code = "SEASONAL_BLACKOUT_MALFORMED";
}

/** Whether `date`'s day of the year lies in the blackout (both ends included, across the year end when from > to). */
export function inSeasonalBlackout(date: LocalDate, blackout: Pick<SeasonalBlackout, "from" | "to">): boolean {
  const monthDay = date.slice(5);
  return blackout.from <= blackout.to
    ? monthDay >= blackout.from && monthDay <= blackout.to
    : monthDay >= blackout.from || monthDay <= blackout.to;
}

/** Far enough to leave any blackout shorter than a year and reach an allowed day after it. */
const SEARCH_DAYS = 400;

export function suspensionAllowed(input: SuspensionGateInput): SuspensionGate {
  const on = input.on;
  if (!isValidLocalDate(on)) throw new InvalidCalendarValue(`"${on}" is not a calendar date YYYY-MM-DD`, { date: on });
  let blackout: SeasonalBlackout | undefined;
  if (input.seasonalBlackout !== undefined) {
    const parsed = SeasonalBlackout.safeParse(input.seasonalBlackout);
    if (!parsed.success) {
      throw new SeasonalBlackoutMalformed("The seasonal blackout must be { from: MM-DD, to: MM-DD }", {
        field: parsed.error.issues[0]?.path.join(".") ?? "seasonalBlackout",
      });
    }
    blackout = parsed.data.customers.includes(input.customer) ? parsed.data : undefined;
  }

  if (input.paymentAuthorizedNotApplied) return { ok: false, reason: "payment-authorized-not-applied" };
  if (input.disputeOpen) return { ok: false, reason: "dispute-open" };

  const dayRule = input.rules.suspension.onlyOnAllowedDays.value;
  const outsideBlackout = (d: LocalDate) => blackout === undefined || !inSeasonalBlackout(d, blackout);
  const allowedDay = (d: LocalDate) => !dayRule || isSuspensionAllowedDay(d, input.country);

  const reason: SuspensionHoldReason | null = !outsideBlackout(on)
    ? "seasonal-blackout"
    : !allowedDay(on)
      ? "not-an-allowed-day"
      : null;
  if (reason === null) return { ok: true };

  for (let i = 1; i <= SEARCH_DAYS; i++) {
    const d = addDays(on, i);
    if (outsideBlackout(d) && allowedDay(d)) return { ok: false, reason, resumeOn: d };
  }
  return { ok: false, reason };
}
