/**
 * The case: one invoice handed over for follow-up, with its ledger, its executed ladder steps and its state.
 *
 * The BALANCE IS NEVER STORED: it is derived from the ledger (`balanceOf`). Every change is an event applied by
 * `applyEvent(case, event, rules)`, a pure function returning a new case (the input is never mutated).
 *
 * Interest (forsinkelsesrente) runs on the principal only, from the day after the ORIGINAL due date (a deferral moves
 * the ladder, not the start of interest), and is posted to the ledger as accrual entries whenever money moves
 * (payment, credit note, write-off) or when `accrueInterest` is called. The accrued total through a day is always
 * recomputed from the whole principal history and rounded once (interest.ts), so accruals never drift by rounding.
 * An event dated before the last accrual is applied, for interest, as of the last accrual day (interest already
 * posted is never reversed; apply payments in value-date order to avoid that). The one exception is the rate: days
 * after the rate table ends accrue at the last known rate (provisional, see `interestThrough`), and when the real rate
 * is entered the next accrual posts the difference — a negative correction entry if the rate went down.
 */
import { z } from "zod";
import { addDays, compareLocalDates, CountryCode, daysBetween, LocalDate } from "./calendar";
import { DomainError } from "./errors";
import { allocatePayment, AllocationOrder, type AllocationPart, DEFAULT_ALLOCATION_ORDER } from "./allocation";
import { mayChargeFee, type FeeHistory, type SentLetter } from "./fees";
import { lateInterestOnBalances, type BalanceStep } from "./interest";
import { add, Currency, formatMoney, min, money, Money, subtract, sum } from "./money";
import { Channel, isFeeKind, StepKind } from "./policy";
import { DebtorKind, FeeKind, ServiceKind, type RuleSet } from "./rules/rule-set";
import { legacyService, ManagedService, newService } from "./service-lifecycle";

// ---------------------------------------------------------------------------------------------------------------
// Schemas
// ---------------------------------------------------------------------------------------------------------------

export const CaseStatus = z.enum(["open", "on-hold", "disputed", "paid", "cancelled", "handed-off"]);
export type CaseStatus = z.infer<typeof CaseStatus>;

const LegacyService = z.object({
  serviceId: z.string().min(1),
  kind: ServiceKind,
  state: z.enum(["active", "suspended"]),
});
/** When a legacy suspended service's overdue blocker began is unknown: the epoch says so. */
const LEGACY_SINCE = new Date(0);

/**
 * A service on the case (a broadband line, a power meter): its lifecycle state, what blocks it and its last command
 * to the partner's system (service-lifecycle.ts). A service stored before services had a lifecycle
 * (`{ serviceId, kind, state: "active" | "suspended" }`) is read as `legacyService` makes it: a suspended one blocked
 * as overdue, with no command on record.
 */
export const CaseService = z.preprocess((raw) => {
  if (typeof raw !== "object" || raw === null || "blockers" in raw) return raw;
  const legacy = LegacyService.safeParse(raw);
  return legacy.success ? legacyService(legacy.data, LEGACY_SINCE) : raw;
}, ManagedService);
export type CaseService = ManagedService;

/** Only a reference to the debtor (personal data lives elsewhere) and what the rules need: consumer or business. */
export const DebtorRef = z.object({ ref: z.string().min(1), kind: DebtorKind });
export type DebtorRef = z.infer<typeof DebtorRef>;

const PositiveMoney = Money.refine((m) => m.value > 0, { message: "amount must be positive" });
const NonNegativeMoney = Money.refine((m) => m.value >= 0, { message: "amount may not be negative" });

export const InvoiceLine = z.object({ description: z.string().min(1), amount: PositiveMoney });
export type InvoiceLine = z.infer<typeof InvoiceLine>;

export const ExecutedStep = z.object({
  /** Index of the step in the creditor's ladder policy. */
  stepIndex: z.number().int().nonnegative(),
  kind: StepKind,
  /** Local day the step was carried out (letter sent, SMS sent, suspension command issued). */
  on: LocalDate,
  /** The instant, ISO 8601. */
  at: z.string().min(1),
  channel: Channel.optional(),
  /** Payment deadline stated in the letter. */
  deadline: LocalDate.nullable(),
  fee: Money.nullable(),
  /** Services the step concerned (suspension notice, suspension). */
  serviceIds: z.array(z.string()),
  /**
   * A letter's way to the debtor: `pending` while it is on its way (e-mail handed over, print batch), `sent` once a
   * written channel confirmed it (e-mail delivered, digital mailbox, letter posted), `undelivered` when every channel
   * failed. Absent for steps that are done when recorded (SMS, partner system, letters recorded before delivery was
   * tracked). A letter's fee is charged only when it is sent (`pendingFee` until then), and its `on` and `deadline`
   * then run from the day it was sent.
   */
  delivery: z.enum(["pending", "sent", "undelivered"]).optional(),
  /** The fee a pending letter will carry once sent (checked against the rules on that day). */
  pendingFee: Money.nullable().optional(),
  /** Days from sending to the deadline (a letter sent later than produced keeps the full period). */
  deadlineDays: z.number().int().positive().optional(),
});
export type ExecutedStep = z.infer<typeof ExecutedStep>;

const Split = z.object({ fees: NonNegativeMoney, interest: NonNegativeMoney, principal: NonNegativeMoney });
const SplitWithCredit = Split.extend({ credit: NonNegativeMoney });

export const LedgerEntry = z.discriminatedUnion("type", [
  z.object({ type: z.literal("principal"), on: LocalDate, amount: PositiveMoney, description: z.string() }),
  z.object({
    type: z.literal("fee"),
    on: LocalDate,
    feeKind: FeeKind,
    amount: PositiveMoney,
    stepIndex: z.number().int().nonnegative(),
    legalBasis: z.string(),
  }),
  z.object({
    type: z.literal("interest"),
    from: LocalDate,
    to: LocalDate,
    /** Negative only for a correction: provisional interest re-priced once the half-year's rate was entered. */
    amount: Money,
    allRatesConfirmed: z.boolean(),
  }),
  z.object({
    type: z.literal("payment"),
    /** Value date as received. */
    on: LocalDate,
    /** Day used for interest (the value date, or the last accrual day if the payment came in late). */
    appliedOn: LocalDate,
    reference: z.string().min(1),
    amount: PositiveMoney,
    allocation: SplitWithCredit,
  }),
  z.object({
    type: z.literal("credit-note"),
    on: LocalDate,
    appliedOn: LocalDate,
    reference: z.string().min(1),
    amount: PositiveMoney,
    allocation: SplitWithCredit,
  }),
  z.object({ type: z.literal("write-off"), on: LocalDate, reason: z.string(), allocation: Split }),
  /**
   * Credit paid back to the debtor: through the payment provider (a refund of `paymentReference`, the ledger reference
   * of the payment it came from) or by the creditor's own bank transfer. Reduces the credit only.
   */
  z.object({
    type: z.literal("refund"),
    on: LocalDate,
    reference: z.string().min(1),
    amount: PositiveMoney,
    via: z.enum(["provider", "bank-transfer"]),
    paymentReference: z.string().min(1).nullable(),
  }),
]);
export type LedgerEntry = z.infer<typeof LedgerEntry>;

export const Instalment = z.object({ dueDate: LocalDate, amount: PositiveMoney });
export type Instalment = z.infer<typeof Instalment>;

export const InstalmentPlan = z.object({
  agreedOn: LocalDate,
  instalments: z.array(Instalment).min(1),
  state: z.enum(["active", "broken", "completed"]),
  /** What had been paid on the case before the plan (so plan progress counts only later payments). */
  paidBefore: NonNegativeMoney,
  /** The due dates of the instalments the debtor has been reminded of (once each). Absent: none yet. */
  reminded: z.array(LocalDate).optional(),
  /** The broken plan: the due date of the instalment that was missed, and the day that was recorded. */
  missed: z.object({ dueDate: LocalDate, on: LocalDate }).optional(),
});
export type InstalmentPlan = z.infer<typeof InstalmentPlan>;

export const Case = z.object({
  id: z.string().min(1),
  tenantId: z.string().min(1),
  creditorId: z.string().min(1),
  invoiceNumber: z.string().min(1),
  country: CountryCode,
  currency: Currency,
  debtor: DebtorRef,
  lines: z.array(InvoiceLine).min(1),
  issueDate: LocalDate,
  /** The original due date; late interest runs from the day after it. */
  dueDate: LocalDate,
  /** Set by a deferral: the ladder runs from this date instead. */
  deferredDueDate: LocalDate.nullable(),
  services: z.array(CaseService),
  status: CaseStatus,
  /** The last ladder step carried out, or "invoiced". */
  stage: z.union([z.literal("invoiced"), StepKind]),
  steps: z.array(ExecutedStep),
  ledger: z.array(LedgerEntry).min(1),
  /** Interest is posted through this day (the due date when none has run yet). */
  interestAccruedUntil: LocalDate,
  dispute: z.object({ openedOn: LocalDate, reason: z.string(), statusBefore: CaseStatus }).nullable(),
  hold: z.object({ since: LocalDate, reason: z.string(), until: LocalDate.nullable() }).nullable(),
  instalmentPlan: InstalmentPlan.nullable(),
  /**
   * The debtor says the claim is paid (Min side "Jeg har betalt", with a receipt): the ladder's next step waits until
   * this day while customer service checks. Nothing else changes (status, balance, interest). Absent: no such pause.
   */
  pausedUntil: LocalDate.optional(),
  closedReason: z.string().nullable(),
  /**
   * The creditor's choice for an overpayment: `keep` it as the debtor's credit (set off against a later invoice, paid
   * out on request) instead of refunding it now. Absent: no choice made; an overpayment is listed until there is one.
   */
  creditDecision: z.object({ kind: z.literal("keep"), on: LocalDate, amount: Money }).optional(),
});
export type Case = z.infer<typeof Case>;

// ---------------------------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------------------------

export const CaseEvent = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("payment"),
    reference: z.string().min(1),
    amount: PositiveMoney,
    receivedOn: LocalDate,
    /** The debtor's choice of what the payment covers (dekningsrekkefølge); the creditor's default otherwise. */
    allocationOrder: AllocationOrder.optional(),
  }),
  z.object({
    type: z.literal("credit-note"),
    reference: z.string().min(1),
    amount: PositiveMoney,
    on: LocalDate,
    /** Costs the creditor also drops with the credit note. */
    alsoWaive: z.array(z.enum(["fees", "interest"])).default([]),
  }),
  z.object({ type: z.literal("dispute-opened"), on: LocalDate, reason: z.string().min(1) }),
  z.object({
    type: z.literal("dispute-resolved"),
    on: LocalDate,
    outcome: z.enum(["claim-upheld", "claim-withdrawn"]),
  }),
  z.object({ type: z.literal("deferral-granted"), on: LocalDate, newDueDate: LocalDate }),
  z.object({ type: z.literal("instalment-plan-agreed"), on: LocalDate, instalments: z.array(Instalment).min(1) }),
  z.object({ type: z.literal("instalment-missed"), on: LocalDate, dueDate: LocalDate }),
  /** The debtor was reminded of the plan's instalment due `dueDate` (once per instalment). */
  z.object({ type: z.literal("instalment-reminded"), on: LocalDate, dueDate: LocalDate }),
  z.object({
    type: z.literal("hold"),
    on: LocalDate,
    reason: z.string().min(1),
    until: LocalDate.nullable().default(null),
  }),
  z.object({ type: z.literal("resume"), on: LocalDate }),
  /** The debtor says the claim is paid: the next ladder step waits until `until` (a later day than `on`). */
  z.object({ type: z.literal("payment-claimed"), on: LocalDate, until: LocalDate }),
  z.object({ type: z.literal("cancellation"), on: LocalDate, reason: z.string().min(1) }),
  z.object({
    type: z.literal("step-executed"),
    stepIndex: z.number().int().nonnegative(),
    kind: StepKind,
    on: LocalDate,
    at: z.string().min(1),
    channel: Channel.optional(),
    deadline: LocalDate.nullable().default(null),
    /** The fee the letter carried (as planned); checked again against the rules here. */
    fee: Money.nullable().default(null),
    serviceIds: z.array(z.string()).default([]),
    /**
     * `true` for a letter still on its way: the fee waits (pendingFee) until `letter-sent`. Omitted/false: the step is
     * done as recorded (an SMS, a suspension, a letter whose alert went out at once).
     */
    awaitingDelivery: z.boolean().default(false),
    /**
     * The days the law gives from sending to the deadline, when `deadline` (as printed) counts from a later expected
     * arrival than `on`; default the days from `on` to `deadline`.
     */
    deadlineDays: z.number().int().positive().optional(),
  }),
  /** A written channel confirmed the letter of step `stepIndex` reached the debtor on `on` (the fee counts now). */
  z.object({
    type: z.literal("letter-sent"),
    stepIndex: z.number().int().nonnegative(),
    kind: StepKind,
    on: LocalDate,
    at: z.string().min(1),
    channel: Channel,
  }),
  /** Every channel failed for the letter of step `stepIndex`: no fee, and the ladder waits for new contact data. */
  z.object({
    type: z.literal("letter-undelivered"),
    stepIndex: z.number().int().nonnegative(),
    kind: StepKind,
    on: LocalDate,
    reason: z.string().min(1),
  }),
  /** Credit paid back (see the ledger's `refund`); refused above the credit the case holds. */
  z.object({
    type: z.literal("refund"),
    reference: z.string().min(1),
    amount: PositiveMoney,
    on: LocalDate,
    via: z.enum(["provider", "bank-transfer"]),
    paymentReference: z.string().min(1).nullable().default(null),
  }),
  /** The creditor keeps the case's current credit for the debtor instead of refunding it. */
  z.object({ type: z.literal("credit-kept"), on: LocalDate }),
  /** A letter that could not be delivered goes out again (new contact data): pending once more. */
  z.object({
    type: z.literal("letter-retried"),
    stepIndex: z.number().int().nonnegative(),
    kind: StepKind,
    on: LocalDate,
    /** The deadline printed on the letter sent again (a new version): the step's deadline is never earlier. */
    deadline: LocalDate.optional(),
  }),
]);
export type CaseEvent = z.input<typeof CaseEvent>;
type ParsedEvent = z.infer<typeof CaseEvent>;

// ---------------------------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------------------------

export class InvalidCase extends DomainError {
  readonly code = "INVALID_CASE";
}

export class InvalidCaseEvent extends DomainError {
  readonly code = "INVALID_CASE_EVENT";
}

/** A refund larger than the credit the case holds (what was paid beyond what was owed) → 422. */
export class RefundExceedsCredit extends DomainError {
  readonly code = "REFUND_EXCEEDS_CREDIT";
}

export class CaseClosed extends DomainError {
  readonly code = "CASE_CLOSED";
}

export class FeeNotAllowed extends DomainError {
  readonly code = "FEE_NOT_ALLOWED";
}

// ---------------------------------------------------------------------------------------------------------------
// Opening a case and reading it
// ---------------------------------------------------------------------------------------------------------------

export const OpenCaseInput = Case.pick({
  id: true,
  tenantId: true,
  creditorId: true,
  invoiceNumber: true,
  country: true,
  currency: true,
  debtor: true,
  lines: true,
  issueDate: true,
  dueDate: true,
}).extend({
  services: z.array(z.object({ serviceId: z.string().min(1), kind: ServiceKind })).default([]),
});
export type OpenCaseInput = z.input<typeof OpenCaseInput>;

/** A new case: one principal ledger entry per invoice line, dated the issue date. */
export function openCase(input: OpenCaseInput): Case {
  const parsed = OpenCaseInput.safeParse(input);
  if (!parsed.success) throw new InvalidCase(`Invalid case: ${z.prettifyError(parsed.error)}`);
  const i = parsed.data;
  if (i.dueDate < i.issueDate)
    throw new InvalidCase("The due date is before the issue date", { issueDate: i.issueDate, dueDate: i.dueDate });
  for (const line of i.lines) {
    if (line.amount.currency !== i.currency)
      throw new InvalidCase(`Line "${line.description}" is in ${line.amount.currency}, the case in ${i.currency}`);
  }
  const ids = new Set(i.services.map((s) => s.serviceId));
  if (ids.size !== i.services.length) throw new InvalidCase("Service ids must be unique");
  return {
    ...i,
    services: i.services.map((s) => newService(s.serviceId, s.kind)),
    deferredDueDate: null,
    status: "open",
    stage: "invoiced",
    steps: [],
    ledger: i.lines.map((l) => ({
      type: "principal" as const,
      on: i.issueDate,
      amount: l.amount,
      description: l.description,
    })),
    interestAccruedUntil: i.dueDate,
    dispute: null,
    hold: null,
    instalmentPlan: null,
    closedReason: null,
  };
}

export interface Balance {
  principal: Money;
  fees: Money;
  interest: Money;
  /** principal + fees + interest still owed. */
  total: Money;
  /** Money the debtor has paid beyond what was owed (to refund or set off). */
  credit: Money;
}

/** The balance, derived from the ledger. */
export function balanceOf(c: Case): Balance {
  const z0 = money(0, c.currency);
  let principal = z0;
  let fees = z0;
  let interest = z0;
  let credit = z0;
  for (const e of c.ledger) {
    switch (e.type) {
      case "principal":
        principal = add(principal, e.amount);
        break;
      case "fee":
        fees = add(fees, e.amount);
        break;
      case "interest":
        interest = add(interest, e.amount);
        break;
      case "refund":
        credit = subtract(credit, e.amount);
        break;
      case "payment":
      case "credit-note":
      case "write-off":
        if (e.type !== "write-off") credit = add(credit, e.allocation.credit);
        principal = subtract(principal, e.allocation.principal);
        fees = subtract(fees, e.allocation.fees);
        interest = subtract(interest, e.allocation.interest);
        break;
    }
  }
  return { principal, fees, interest, total: add(add(principal, fees), interest), credit };
}

/** The due date the ladder runs from: the deferred one if a deferral was granted. */
export function ladderAnchor(c: Case): LocalDate {
  return c.deferredDueDate ?? c.dueDate;
}

/** Everything the debtor has paid (payments only, including any overpayment). */
export function totalPaid(c: Case): Money {
  return sum(
    c.ledger.flatMap((e) => (e.type === "payment" ? [e.amount] : [])),
    c.currency,
  );
}

/** The letters sent so far, as the fee rules see them. */
export function feeHistoryOf(c: Case): FeeHistory {
  const letters: SentLetter[] = c.steps.flatMap((s) =>
    isFeeKind(s.kind) && (s.delivery === undefined || s.delivery === "sent")
      ? [{ kind: s.kind, sentOn: s.on, deadline: s.deadline, fee: s.fee }]
      : [],
  );
  return { dueDate: ladderAnchor(c), letters, disputed: c.status === "disputed" };
}

// ---------------------------------------------------------------------------------------------------------------
// Interest
// ---------------------------------------------------------------------------------------------------------------

/** The principal over time: each change takes effect the day AFTER the day it happened (interest.ts day rule). */
function principalSteps(c: Case): BalanceStep[] {
  const firstDay = addDays(c.dueDate, 1);
  const deltas = new Map<string, number>();
  const bump = (day: string, delta: number) => deltas.set(day, (deltas.get(day) ?? 0) + delta);
  for (const e of c.ledger) {
    if (e.type === "principal") bump(maxDate(addDays(e.on, 1), firstDay), e.amount.value);
    else if (e.type === "payment" || e.type === "credit-note")
      bump(maxDate(addDays(e.appliedOn, 1), firstDay), -e.allocation.principal.value);
    else if (e.type === "write-off") bump(maxDate(addDays(e.on, 1), firstDay), -e.allocation.principal.value);
  }
  const days = [...deltas.keys()].sort();
  const steps: BalanceStep[] = [];
  let running = 0;
  for (const day of days) {
    running += deltas.get(day) ?? 0;
    if (day < firstDay) continue;
    steps.push({ from: day, principal: money(Math.max(0, running), c.currency) });
  }
  // everything dated before the first interest day is folded into the first step
  if (steps.length === 0 || steps[0]!.from !== firstDay) {
    const before = days.filter((d) => d <= firstDay).reduce((s, d) => s + (deltas.get(d) ?? 0), 0);
    steps.unshift({ from: firstDay, principal: money(Math.max(0, before), c.currency) });
  }
  return steps;
}

function maxDate(a: LocalDate, b: LocalDate): LocalDate {
  return a > b ? a : b;
}

function sortedRates(rules: RuleSet): RuleSet["lateInterest"]["rates"] {
  return [...rules.lateInterest.rates].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
}

/**
 * The rate table with every day from `firstDay` through `until` that has no rate of its own filled at the last rate
 * known before it (provisional). Days before the table's first rate stay unfilled (nothing is known for them).
 */
function withProvisionalRates(
  rules: RuleSet,
  firstDay: LocalDate,
  until: LocalDate,
): { rates: RuleSet["lateInterest"]["rates"]; provisional: ProvisionalInterest | null } {
  const periods = sortedRates(rules);
  const filled = [...periods];
  let provisional: ProvisionalInterest | null = null;
  let day = firstDay;
  let previous: (typeof periods)[number] | undefined = periods.filter((p) => p.to < firstDay).at(-1);
  for (const p of [...periods, undefined]) {
    if (day > until) break;
    if (p && p.to < day) continue;
    const gapEnd = p ? addDays(p.from, -1) : until;
    if (gapEnd >= day && previous) {
      const to = gapEnd < until ? gapEnd : until;
      filled.push({
        from: day,
        to,
        annualRatePercent: previous.annualRatePercent,
        confirmed: false,
        source: "provisional: the last known rate, until the rate for this half-year is entered",
      });
      provisional ??= { from: day, annualRatePercent: previous.annualRatePercent };
    }
    if (!p) break;
    previous = p;
    day = addDays(p.to, 1);
  }
  return { rates: filled, provisional };
}

/** Interest accrued at the last known rate for days that have no rate of their own yet. */
export interface ProvisionalInterest {
  /** First day computed at a provisional rate (no rate is configured for it). */
  from: LocalDate;
  /** The last known rate, used until the real one is entered. */
  annualRatePercent: number;
}

export interface InterestThrough {
  interest: Money;
  allRatesConfirmed: boolean;
  /**
   * Set when the rate table ends before `until`: the days from `provisional.from` accrued at the last known rate
   * (forsinkelsesrente never silently stops). Once the rate is configured the next computation uses it, because the
   * accrued total is always recomputed from the due date (accrueInterest posts the difference, either way).
   */
  provisional: ProvisionalInterest | null;
  /**
   * First day no late-interest rate at all is known for — only when the due date lies before the rate table begins
   * (interest for those days is NOT included), else null.
   */
  ratesMissingFrom: LocalDate | null;
}

/**
 * Total late interest from the day after the due date through `until`, on the principal history of the ledger.
 * Days after the rate table ends accrue at the last known rate, marked `provisional`.
 */
export function interestThrough(c: Case, until: LocalDate, rules: RuleSet): InterestThrough {
  const firstDay = addDays(c.dueDate, 1);
  const none = { interest: money(0, c.currency), allRatesConfirmed: true, provisional: null };
  if (until < firstDay) return { ...none, ratesMissingFrom: null };
  // nothing is known for the first interest day: the due date lies before the rate table begins (or it is empty)
  if (!rules.lateInterest.rates.some((p) => p.from <= firstDay)) return { ...none, ratesMissingFrom: firstDay };
  const { rates, provisional } = withProvisionalRates(rules, firstDay, until);
  const r = lateInterestOnBalances({ balances: principalSteps(c), dueDate: c.dueDate, until, rates });
  return { interest: r.interest, allRatesConfirmed: r.allRatesConfirmed, provisional, ratesMissingFrom: null };
}

/** Posts interest through `until` (no-op if already posted that far). */
export function accrueInterest(c: Case, until: LocalDate, rules: RuleSet): Case {
  if (until < c.interestAccruedUntil) return c;
  const { interest, allRatesConfirmed } = interestThrough(c, until, rules);
  const posted = sum(
    c.ledger.flatMap((e) => (e.type === "interest" ? [e.amount] : [])),
    c.currency,
  );
  // A provisional accrual later priced at a lower rate is corrected downwards, but never below what is still owed.
  const owed = balanceOf(c).interest;
  const delta = subtract(interest, posted);
  const correction = delta.value < 0 ? money(-Math.min(-delta.value, Math.max(0, owed.value)), c.currency) : delta;
  const ledger: LedgerEntry[] =
    correction.value !== 0
      ? [
          ...c.ledger,
          {
            type: "interest",
            from: until === c.interestAccruedUntil ? until : addDays(c.interestAccruedUntil, 1),
            to: until,
            amount: correction,
            allRatesConfirmed,
          },
        ]
      : c.ledger;
  if (ledger === c.ledger && until === c.interestAccruedUntil) return c;
  return { ...c, ledger, interestAccruedUntil: until };
}

/** The balance as it will stand on `on` (interest through that day), without changing the case. */
export function balanceOn(c: Case, on: LocalDate, rules: RuleSet): Balance {
  return balanceOf(accrueInterest(c, on, rules));
}

// ---------------------------------------------------------------------------------------------------------------
// Applying events
// ---------------------------------------------------------------------------------------------------------------

export interface ApplyOptions {
  /** The creditor's default payment order (policy.allocationOrder); costs → interest → principal otherwise. */
  allocationOrder?: readonly AllocationPart[];
}

const CLOSED: readonly CaseStatus[] = ["paid", "cancelled"];

function requireOpenFor(c: Case, what: string, allowed: readonly CaseStatus[]): void {
  if (!allowed.includes(c.status)) {
    const Err = CLOSED.includes(c.status) ? CaseClosed : InvalidCaseEvent;
    throw new Err(`Cannot ${what}: the case is ${c.status}`, { caseId: c.id, status: c.status });
  }
}

function requireCurrency(c: Case, m: Money): void {
  if (m.currency !== c.currency) throw new InvalidCaseEvent(`Amount in ${m.currency}, the case is in ${c.currency}`);
}

/** After money moved: paid when nothing is owed any more; instalment plan completed when its sum is paid. */
function settle(c: Case): Case {
  const b = balanceOf(c);
  let next = c;
  if (c.instalmentPlan?.state === "active") {
    const planTotal = sum(
      c.instalmentPlan.instalments.map((i) => i.amount),
      c.currency,
    );
    const paidSince = subtract(totalPaid(c), c.instalmentPlan.paidBefore);
    if (b.total.value === 0 || paidSince.value >= planTotal.value) {
      next = { ...next, instalmentPlan: { ...c.instalmentPlan, state: "completed" } };
    }
  }
  if (
    b.total.value === 0 &&
    (c.status === "open" || c.status === "on-hold" || c.status === "disputed" || c.status === "handed-off")
  ) {
    next = { ...next, status: "paid", hold: null, dispute: null, closedReason: "paid in full" };
  }
  return next;
}

function writeOff(
  c: Case,
  on: LocalDate,
  reason: string,
  parts: readonly ("fees" | "interest" | "principal")[],
  rules: RuleSet,
): Case {
  const accrued = accrueInterest(c, maxDate(on, c.interestAccruedUntil), rules);
  const b = balanceOf(accrued);
  const z0 = money(0, c.currency);
  const allocation = {
    fees: parts.includes("fees") ? b.fees : z0,
    interest: parts.includes("interest") ? b.interest : z0,
    principal: parts.includes("principal") ? b.principal : z0,
  };
  if (allocation.fees.value + allocation.interest.value + allocation.principal.value === 0) return accrued;
  return { ...accrued, ledger: [...accrued.ledger, { type: "write-off", on, reason, allocation }] };
}

/**
 * Applies one event and returns the new case. Throws InvalidCaseEvent / CaseClosed for an event that does not fit the
 * case's state, FeeNotAllowed when a step would add a fee the rules forbid. Idempotent where events can be
 * redelivered: a payment or credit note with a reference already on the ledger, and a step already executed, return
 * the case unchanged.
 */
export function applyEvent(c: Case, event: CaseEvent, rules: RuleSet, options: ApplyOptions = {}): Case {
  const parsed = CaseEvent.safeParse(event);
  if (!parsed.success) throw new InvalidCaseEvent(`Invalid event: ${z.prettifyError(parsed.error)}`);
  const e: ParsedEvent = parsed.data;
  if (rules.country !== c.country) throw new InvalidCaseEvent(`Rule set for ${rules.country}, case in ${c.country}`);

  switch (e.type) {
    case "payment": {
      requireCurrency(c, e.amount);
      if (c.ledger.some((l) => l.type === "payment" && l.reference === e.reference)) return c;
      const appliedOn = maxDate(e.receivedOn, c.interestAccruedUntil);
      const accrued = accrueInterest(c, appliedOn, rules);
      const b = balanceOf(accrued);
      // On a cancelled case nothing is owed: the whole payment is kept as credit.
      const allocation = allocatePayment(
        e.amount,
        b,
        e.allocationOrder,
        options.allocationOrder ?? DEFAULT_ALLOCATION_ORDER,
      );
      const { order: _order, ...split } = allocation;
      return settle({
        ...accrued,
        ledger: [
          ...accrued.ledger,
          { type: "payment", on: e.receivedOn, appliedOn, reference: e.reference, amount: e.amount, allocation: split },
        ],
      });
    }

    case "credit-note": {
      requireCurrency(c, e.amount);
      if (c.ledger.some((l) => l.type === "credit-note" && l.reference === e.reference)) return c;
      requireOpenFor(c, "credit the invoice", ["open", "on-hold", "disputed", "handed-off"]);
      const appliedOn = maxDate(e.on, c.interestAccruedUntil);
      const accrued = accrueInterest(c, appliedOn, rules);
      const b = balanceOf(accrued);
      // A credit note reduces the invoice amount (principal); any excess is the debtor's credit.
      const toPrincipal = min(e.amount, b.principal);
      const z0 = money(0, c.currency);
      const allocation = { fees: z0, interest: z0, principal: toPrincipal, credit: subtract(e.amount, toPrincipal) };
      let next: Case = {
        ...accrued,
        ledger: [
          ...accrued.ledger,
          { type: "credit-note", on: e.on, appliedOn, reference: e.reference, amount: e.amount, allocation },
        ],
      };
      if (e.alsoWaive.length > 0)
        next = writeOff(next, appliedOn, `waived with credit note ${e.reference}`, e.alsoWaive, rules);
      return settle(next);
    }

    case "dispute-opened":
      requireOpenFor(c, "open a dispute", ["open", "on-hold", "handed-off"]);
      return { ...c, status: "disputed", dispute: { openedOn: e.on, reason: e.reason, statusBefore: c.status } };

    case "dispute-resolved": {
      if (c.status !== "disputed" || !c.dispute)
        throw new InvalidCaseEvent("There is no open dispute to resolve", { caseId: c.id });
      if (e.outcome === "claim-withdrawn") {
        const written = writeOff(c, e.on, "claim withdrawn after dispute", ["fees", "interest", "principal"], rules);
        return { ...written, status: "cancelled", dispute: null, closedReason: "claim withdrawn after dispute" };
      }
      return settle({ ...c, status: c.dispute.statusBefore, dispute: null });
    }

    case "deferral-granted": {
      requireOpenFor(c, "grant a deferral", ["open", "on-hold", "disputed"]);
      if (e.newDueDate <= ladderAnchor(c)) {
        throw new InvalidCaseEvent(`A deferral must move the due date later than ${ladderAnchor(c)}`, {
          newDueDate: e.newDueDate,
        });
      }
      return { ...c, deferredDueDate: e.newDueDate };
    }

    case "instalment-plan-agreed": {
      requireOpenFor(c, "agree an instalment plan", ["open", "on-hold", "handed-off"]);
      const dates = e.instalments.map((i) => i.dueDate);
      for (let i = 1; i < dates.length; i++) {
        if (dates[i]! <= dates[i - 1]!) throw new InvalidCaseEvent("Instalment dates must be strictly increasing");
      }
      for (const i of e.instalments) requireCurrency(c, i.amount);
      return {
        ...c,
        instalmentPlan: { agreedOn: e.on, instalments: e.instalments, state: "active", paidBefore: totalPaid(c) },
      };
    }

    case "instalment-missed": {
      if (c.instalmentPlan?.state !== "active")
        throw new InvalidCaseEvent("There is no active instalment plan", { caseId: c.id });
      return {
        ...c,
        instalmentPlan: { ...c.instalmentPlan, state: "broken", missed: { dueDate: e.dueDate, on: e.on } },
      };
    }

    case "instalment-reminded": {
      const p = c.instalmentPlan;
      if (p?.state !== "active") throw new InvalidCaseEvent("There is no active instalment plan", { caseId: c.id });
      if (!p.instalments.some((i) => i.dueDate === e.dueDate))
        throw new InvalidCaseEvent(`The plan has no instalment due ${e.dueDate}`, { dueDate: e.dueDate });
      if (p.reminded?.includes(e.dueDate)) return c;
      return { ...c, instalmentPlan: { ...p, reminded: [...(p.reminded ?? []), e.dueDate] } };
    }

    case "hold":
      requireOpenFor(c, "put the case on hold", ["open", "on-hold"]);
      return { ...c, status: "on-hold", hold: { since: e.on, reason: e.reason, until: e.until } };

    case "payment-claimed": {
      requireOpenFor(c, "pause the ladder for a payment the debtor reports", ["open", "on-hold", "disputed"]);
      if (e.until <= e.on) throw new InvalidCaseEvent(`The pause must end after ${e.on}`, { until: e.until });
      if (c.pausedUntil !== undefined && c.pausedUntil >= e.until) return c;
      return { ...c, pausedUntil: e.until };
    }

    case "resume":
      if (c.status !== "on-hold")
        throw new InvalidCaseEvent("The case is not on hold", { caseId: c.id, status: c.status });
      return settle({ ...c, status: "open", hold: null });

    case "cancellation": {
      requireOpenFor(c, "cancel the case", ["open", "on-hold", "disputed", "handed-off"]);
      const written = writeOff(c, e.on, `cancelled: ${e.reason}`, ["fees", "interest", "principal"], rules);
      return { ...written, status: "cancelled", dispute: null, hold: null, closedReason: e.reason };
    }

    case "refund": {
      requireCurrency(c, e.amount);
      if (c.ledger.some((l) => l.type === "refund" && l.reference === e.reference)) return c;
      const credit = balanceOf(c).credit;
      if (e.amount.value > credit.value) {
        throw new RefundExceedsCredit(
          `A refund of ${String(e.amount.value)} is more than the case's credit of ${String(credit.value)}`,
          { amount: e.amount, credit },
        );
      }
      const { creditDecision: _kept, ...rest } = c;
      const next: Case = {
        ...rest,
        ledger: [
          ...c.ledger,
          {
            type: "refund",
            on: e.on,
            reference: e.reference,
            amount: e.amount,
            via: e.via,
            paymentReference: e.paymentReference,
          },
        ],
      };
      // What is still kept after a partial refund stays kept.
      const left = balanceOf(next).credit;
      return c.creditDecision !== undefined && left.value > 0
        ? { ...next, creditDecision: { ...c.creditDecision, amount: left } }
        : next;
    }

    case "credit-kept": {
      const credit = balanceOf(c).credit;
      if (credit.value <= 0) throw new InvalidCaseEvent("The case holds no credit to keep", { caseId: c.id });
      if (c.creditDecision?.amount.value === credit.value) return c;
      return { ...c, creditDecision: { kind: "keep", on: e.on, amount: credit } };
    }

    case "step-executed":
      return executeStep(c, e, rules);
    case "letter-sent":
      return letterSent(c, e, rules);
    case "letter-undelivered":
      return withLetterStep(c, e, (s) => (s.delivery === "pending" ? { ...s, delivery: "undelivered" } : s));
    case "letter-retried":
      // Sent again (after new contact details) or through the next channel (after a bounce): pending once more, and
      // the deadline printed on the new version when it is later.
      return withLetterStep(c, e, (s) => {
        if (s.delivery !== "undelivered" && s.delivery !== "pending") return s;
        const later =
          e.deadline !== undefined && (s.deadline === null || compareLocalDates(e.deadline, s.deadline) > 0);
        return { ...s, delivery: "pending", ...(later ? { deadline: e.deadline! } : {}) };
      });
  }
}

function withLetterStep(
  c: Case,
  e: { stepIndex: number; kind: StepKind },
  change: (s: ExecutedStep) => ExecutedStep,
): Case {
  const step = c.steps.find((s) => s.stepIndex === e.stepIndex && s.kind === e.kind);
  if (!step) throw new InvalidCaseEvent(`No ${e.kind} at step ${e.stepIndex} on the case`, { stepIndex: e.stepIndex });
  return { ...c, steps: c.steps.map((s) => (s === step ? change(s) : s)) };
}

/**
 * The letter reached the debtor: it counts from `on` (its deadline at least `deadlineDays` later, never earlier than
 * the one printed), and its pending fee is charged if the rules still allow it on that day (a paid, disputed or
 * closed case gets none). Idempotent: a letter already sent is left as it is.
 */
function letterSent(c: Case, e: Extract<ParsedEvent, { type: "letter-sent" }>, rules: RuleSet): Case {
  const step = c.steps.find((s) => s.stepIndex === e.stepIndex && s.kind === e.kind);
  if (!step) throw new InvalidCaseEvent(`No ${e.kind} at step ${e.stepIndex} on the case`, { stepIndex: e.stepIndex });
  if (step.delivery === undefined || step.delivery === "sent") return c;
  const fromSending = step.deadlineDays !== undefined ? addDays(e.on, step.deadlineDays) : null;
  const deadline =
    step.deadline === null
      ? fromSending
      : fromSending === null
        ? step.deadline
        : compareLocalDates(step.deadline, fromSending) >= 0
          ? step.deadline
          : fromSending;
  const sent: ExecutedStep = { ...step, on: e.on, at: e.at, channel: e.channel, deadline, delivery: "sent" };
  let ledger = c.ledger;
  let fee: Money | null = null;
  const pending = step.pendingFee ?? null;
  if (pending !== null && pending.value > 0 && c.status === "open" && isFeeKind(step.kind)) {
    const others: Case = { ...c, steps: c.steps.filter((s) => s !== step) };
    const decision = mayChargeFee(feeHistoryOf(others), step.kind, e.on, rules);
    if (decision.allowed) {
      fee = pending.value > decision.amount.value ? decision.amount : pending;
      ledger = [
        ...ledger,
        {
          type: "fee",
          on: e.on,
          feeKind: step.kind,
          amount: fee,
          stepIndex: step.stepIndex,
          legalBasis: decision.legalBasis,
        },
      ];
    }
  }
  const { pendingFee: _pending, ...rest } = sent;
  return { ...c, ledger, steps: c.steps.map((s) => (s === step ? { ...rest, fee } : s)) };
}

function executeStep(c: Case, e: Extract<ParsedEvent, { type: "step-executed" }>, rules: RuleSet): Case {
  if (c.steps.some((s) => s.stepIndex === e.stepIndex && s.kind === e.kind)) return c;
  requireOpenFor(c, `carry out a ${e.kind}`, ["open"]);
  for (const id of e.serviceIds) {
    if (!c.services.some((s) => s.serviceId === id))
      throw new InvalidCaseEvent(`Unknown service ${id}`, { serviceId: id });
  }

  let ledger = c.ledger;
  let fee: Money | null = null;
  if (e.awaitingDelivery) {
    if (e.fee !== null) {
      requireCurrency(c, e.fee);
      if (!isFeeKind(e.kind)) throw new FeeNotAllowed(`A ${e.kind} cannot carry a fee`, { kind: e.kind });
    }
    const deadlineDays = e.deadlineDays ?? (e.deadline !== null ? daysBetween(e.on, e.deadline) : undefined);
    const step: ExecutedStep = {
      stepIndex: e.stepIndex,
      kind: e.kind,
      on: e.on,
      at: e.at,
      ...(e.channel ? { channel: e.channel } : {}),
      deadline: e.deadline,
      fee: null,
      serviceIds: e.serviceIds,
      delivery: "pending",
      pendingFee: e.fee !== null && e.fee.value !== 0 ? e.fee : null,
      ...(deadlineDays !== undefined && deadlineDays > 0 ? { deadlineDays } : {}),
    };
    return { ...c, steps: [...c.steps, step], stage: e.kind };
  }
  if (e.fee !== null && e.fee.value !== 0) {
    requireCurrency(c, e.fee);
    if (!isFeeKind(e.kind)) throw new FeeNotAllowed(`A ${e.kind} cannot carry a fee`, { kind: e.kind });
    const decision = mayChargeFee(feeHistoryOf(c), e.kind, e.on, rules);
    if (!decision.allowed)
      throw new FeeNotAllowed(decision.reason, { kind: e.kind, on: e.on, legalBasis: decision.legalBasis });
    if (e.fee.value < 0 || e.fee.value > decision.amount.value) {
      throw new FeeNotAllowed(
        `A ${e.kind} fee of ${formatMoney(e.fee, "en")} exceeds the cap of ${formatMoney(decision.amount, "en")}`,
        {
          legalBasis: decision.legalBasis,
        },
      );
    }
    fee = e.fee;
    ledger = [
      ...ledger,
      {
        type: "fee",
        on: e.on,
        feeKind: e.kind,
        amount: e.fee,
        stepIndex: e.stepIndex,
        legalBasis: decision.legalBasis,
      },
    ];
  }

  const step: ExecutedStep = {
    stepIndex: e.stepIndex,
    kind: e.kind,
    on: e.on,
    at: e.at,
    ...(e.channel ? { channel: e.channel } : {}),
    deadline: e.deadline,
    fee,
    serviceIds: e.serviceIds,
  };
  // A suspension's services are not changed here: the application suspends each one by a command to the partner's
  // system (service-lifecycle.ts `suspend`) in the same write, and only the partner's confirmation makes it suspended.
  return {
    ...c,
    ledger,
    steps: [...c.steps, step],
    stage: e.kind,
    status: e.kind === "legal-handoff" ? "handed-off" : c.status,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Services
// ---------------------------------------------------------------------------------------------------------------

/** The case with one service replaced (by id); throws InvalidCaseEvent for a service the case does not have. */
export function withService(c: Case, service: CaseService): Case {
  if (!c.services.some((s) => s.serviceId === service.serviceId))
    throw new InvalidCaseEvent(`Unknown service ${service.serviceId}`, { serviceId: service.serviceId });
  return { ...c, services: c.services.map((s) => (s.serviceId === service.serviceId ? service : s)) };
}
