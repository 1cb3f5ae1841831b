/**
 * The planner: given a case, the creditor's ladder policy, the legal rule set and the current instant, what happens
 * next, when, for how much, and why. Pure and deterministic (time is the `now` parameter).
 *
 * - `act`: the next step is due (its day has come, or it was missed — e.g. the system was down — and is planned now,
 *   never skipped). `action.at` is the instant to carry it out: now or later the same/next days when a message to the
 *   debtor (the Let's pay SMS, any letter and its alert: `contactsDebtor`) must wait for contact hours or a suspension
 *   for an allowed day.
 * - `wait`: the next step lies in the future; `until` is when it falls due, `next` previews it (amounts as of that day).
 * - `paused`: nothing happens until an event (dispute resolved, case resumed, a letter delivered, new contact data).
 * - An agreed instalment plan plans its own actions while it runs: each instalment's reminder and, when one is missed,
 *   the plan's end (`instalment-reminder`, `instalment-missed`; no ladder step, no fee). The ladder then resumes.
 * - `done`: nothing more to do (paid, cancelled, handed off, ladder complete).
 *
 * CATCH-UP WITHOUT BURSTS: a case that comes in (or resumes, or is let off hold) after several steps' days have passed
 * gets the ONE step that fits it now, not every missed one. Among the debtor's messages before collection — the Let's
 * pay SMS, reminders (purring) and the collection notice (inkassovarsel) — a step whose day has come is passed over
 * when a later one of them is due now too (the Let's pay SMS also when any later letter is due now): the later letter
 * says everything the earlier one would have, and only it may carry a fee (inkassoforskriften § 1-2: a fee only for a
 * letter that went out; § 1-3: a notice sent ≥ 14 days after the due date without a reminder before it is the
 * combined "purring med inkassovarsel", one fee). Once a later one of them has been carried out, the earlier ones stay
 * passed over. The action lists what it passes over (`passesOver`, with the reason) so the step's record puts each on
 * the timeline as skipped; nothing is skipped silently. Payment demands, suspension notices, suspensions and the
 * hand-off are never passed over this way (each is a precondition of what follows it).
 *
 * Steps run in the policy's order; a step already executed is never planned again. A step's day is the later of its
 * offset from the (possibly deferred) due date and what the law requires given the letters ACTUALLY sent (e.g. a
 * notice only after the reminder's deadline, a payment demand only after the notice's deadline, a suspension only after
 * the notice period). A fee is added only when `mayChargeFee` allows it on that day; otherwise the letter goes without
 * a fee and `noFeeReason` says why.
 */
import {
  atLocalTime,
  isWithinContactHours,
  nextContactTime,
  suspensionAllowedDayOnOrAfter,
  timeZoneOf,
  toLocalDate,
  type LocalDate,
} from "./calendar";
import { addDays } from "./calendar";
import {
  balanceOn,
  feeHistoryOf,
  interestThrough,
  type InterestThrough,
  type ProvisionalInterest,
  ladderAnchor,
  type Balance,
  type Case,
  type CaseService,
} from "./case";
import { DomainError } from "./errors";
import { effectiveDeadline, firstFeeEarliest, mayChargeFee, nextFeeEarliest, type SentLetter } from "./fees";
import { add, formatMoney, money, type Money } from "./money";
import {
  describeStep,
  isFeeKind,
  requiredSuspensionNoticeDays,
  stepDeadlineDays,
  type Channel,
  type ActionKind,
  type InstalmentActionKind,
  type LadderPolicy,
  type LadderStep,
  type StepKind,
} from "./policy";
import type { RuleSet } from "./rules/rule-set";
import { suspensionAllowed } from "./suspension-gate";
import { openInstalment } from "./instalment-plans";
import { experimentFor, type ExperimentAssignment } from "./experiments";

export interface PlannedAmounts {
  principal: Money;
  fees: Money;
  interest: Money;
  /** Owed on the action's day before the new fee. */
  total: Money;
  /** The fee this step adds (zero when none). */
  feeToAdd: Money;
  /** What the letter asks for: total + feeToAdd. */
  totalWithFee: Money;
  credit: Money;
  /** Interest is computed only up to the day before this one: no late-interest rate is known for it (null = complete). */
  interestRatesMissingFrom: LocalDate | null;
  /** Days from `from` accrued at the last known rate: the half-year's rate is not entered yet (null = none). */
  interestProvisional: ProvisionalInterest | null;
}

/**
 * What the planner may ask for: a ladder step, or — while an instalment plan runs — an instalment's reminder or the
 * plan's end when an instalment is missed (`instalment` says which; `stepIndex` is null).
 */
export type { ActionKind, InstalmentActionKind } from "./policy";

export function isInstalmentActionKind(kind: string): kind is InstalmentActionKind {
  return kind === "instalment-reminder" || kind === "instalment-missed";
}

export interface PlannedAction {
  kind: ActionKind;
  /** Index of the ladder step. */
  stepIndex: number | null;
  /** Instant to carry it out (inside contact hours for a step that contacts the debtor, on an allowed day for a suspension). */
  at: Date;
  /** The local day of `at` in the case's country. */
  on: LocalDate;
  channels: Channel[];
  amounts: PlannedAmounts;
  fee?: { amount: Money; legalBasis: string };
  /** When the step would have carried a fee but may not: why. */
  noFeeReason?: string;
  legalBasis: string;
  deadline?: LocalDate;
  serviceIds?: string[];
  /** Earlier steps this one makes redundant now (catch-up, see above): recorded on the timeline as skipped. */
  passesOver?: PassedOverStep[];
  /** An instalment action: the instalment (its due date, amount and what of it is still to pay). */
  instalment?: { dueDate: LocalDate; amount: Money; left: Money };
  /**
   * The A/B experiment running for this step's kind on the day it goes, and the case's variant (experiments.ts): its
   * send hour is already in `at`; its text is the message's.
   */
  experiment?: ExperimentAssignment;
}

/** A ladder step passed over because a later step that says the same is due now. */
export interface PassedOverStep {
  stepIndex: number;
  kind: StepKind;
  /** Why, in words a case handler reads on the timeline. */
  reason: string;
}

export type Plan =
  | { kind: "act"; action: PlannedAction }
  | { kind: "wait"; until: Date; reason: string; next: PlannedAction }
  | {
      kind: "paused";
      reason: string;
      legalBasis?: string;
      resumesOn: "dispute-resolved" | "resume" | "instalment-missed" | "letter-delivered" | "contact-updated";
    }
  | { kind: "done"; reason: string };

export class PlanMismatch extends DomainError {
  readonly code = "PLAN_MISMATCH";
}

interface LawNames {
  reminder: string;
  "collection-notice": string;
  "payment-demand": string;
  "legal-handoff": string;
  dispute: string;
}

const LAW: Readonly<Record<RuleSet["country"], LawNames>> = {
  NO: {
    reminder: "inkassoforskriften § 1-2",
    "collection-notice": "inkassoloven § 9",
    "payment-demand": "inkassoloven § 10",
    "legal-handoff": "inkassoloven § 11",
    dispute: "inkassoloven § 17",
  },
  DK: {
    reminder: "renteloven § 9 b",
    "collection-notice": "inkassoloven § 10",
    "payment-demand": "inkassoloven § 10 (påkrav)",
    "legal-handoff": "inkassoloven § 10",
    dispute: "inkassoloven § 10",
  },
  SE: {
    reminder: "lag (1981:739) om ersättning för inkassokostnader m.m.",
    "collection-notice": "inkassolagen (1974:182)",
    "payment-demand": "inkassolagen (1974:182) 5 § (inkassokrav)",
    "legal-handoff": "inkassolagen (1974:182)",
    dispute: "inkassolagen (1974:182) 6 §",
  },
};

const maxDate = (a: LocalDate, b: LocalDate): LocalDate => (a > b ? a : b);

function lettersOf(c: Case): SentLetter[] {
  return feeHistoryOf(c).letters as SentLetter[];
}

function lastFeeLetter(c: Case): SentLetter | undefined {
  return lettersOf(c)
    .filter((l) => l.fee !== null && l.fee.value > 0)
    .sort((a, b) => (a.sentOn < b.sentOn ? -1 : a.sentOn > b.sentOn ? 1 : 0))
    .at(-1);
}

function interestFlags(t: InterestThrough): Pick<PlannedAmounts, "interestRatesMissingFrom" | "interestProvisional"> {
  return { interestRatesMissingFrom: t.ratesMissingFrom, interestProvisional: t.provisional };
}

/** What the case owes on `on`, and with `fee` added (a letter's amounts). */
export function amountsOn(c: Case, on: LocalDate, rules: RuleSet, fee: Money): PlannedAmounts {
  const b: Balance = balanceOn(c, on, rules);
  return {
    principal: b.principal,
    fees: b.fees,
    interest: b.interest,
    total: b.total,
    feeToAdd: fee,
    totalWithFee: add(b.total, fee),
    credit: b.credit,
    ...interestFlags(interestThrough(c, on, rules)),
  };
}

function targetServices(c: Case, step: LadderStep): CaseService[] {
  const kinds = step.services;
  return c.services.filter((s) => kinds === undefined || kinds.includes(s.kind));
}

/** What a step needs, in dates and facts, before it may go; undefined when it cannot lawfully go at all. */
interface Draft {
  earliest: LocalDate;
  serviceIds?: string[];
  blocked?: string;
  skip?: string;
}

function draftStep(c: Case, step: LadderStep, rules: RuleSet, policy: LadderPolicy, today: LocalDate): Draft {
  const anchor = ladderAnchor(c);
  let earliest = addDays(anchor, step.offsetDays);
  const timing = rules.timing;
  const letters = lettersOf(c);

  switch (step.kind) {
    case "lets-pay-sms": {
      const b = balanceOn(c, maxDate(today, earliest), rules);
      if (b.total.value < policy.minimumPayLinkAmount.value) {
        return { earliest, skip: `the outstanding ${formatMoney(b.total, "en")} is below the minimum pay-link amount` };
      }
      return { earliest };
    }
    case "reminder":
      return { earliest: maxDate(earliest, addDays(anchor, 1)) };
    case "collection-notice":
      return { earliest: maxDate(earliest, addDays(anchor, Math.max(1, timing.noticeEarliestDaysAfterDue.value))) };
    case "payment-demand": {
      if (timing.paymentDemandRequiresExpiredNotice.value) {
        const notices = letters.filter((l) => l.kind === "collection-notice");
        if (notices.length === 0) return { earliest, blocked: "no collection notice has been sent" };
        const first = notices.map((n) => effectiveDeadline(rules, n)).sort()[0]!;
        earliest = maxDate(earliest, addDays(first, 1));
      }
      return { earliest };
    }
    case "legal-handoff": {
      if (timing.legalStepsRequireExpiredDemand.value) {
        const demand = c.steps.filter((s) => s.kind === "payment-demand").at(-1);
        if (!demand) return { earliest, blocked: "no payment demand has been sent" };
        const deadline = demand.deadline ?? addDays(demand.on, timing.minDeadlineDays.value["payment-demand"]);
        earliest = maxDate(earliest, addDays(deadline, 1));
      }
      return { earliest };
    }
    case "suspension-notice": {
      const services = targetServices(c, step).filter((s) => s.state === "active");
      if (services.length === 0) return { earliest, skip: "the case has no active service of this kind" };
      return { earliest, serviceIds: services.map((s) => s.serviceId) };
    }
    case "suspension": {
      const ready: string[] = [];
      let latest = earliest;
      for (const s of targetServices(c, step).filter((x) => x.state === "active")) {
        const required = requiredSuspensionNoticeDays(rules, s.kind, c.debtor.kind);
        const notice = c.steps
          .filter((x) => x.kind === "suspension-notice" && x.serviceIds.includes(s.serviceId))
          .at(-1);
        if (!notice) {
          if (required > 0) continue; // cannot lawfully suspend this service without notice
          ready.push(s.serviceId);
          continue;
        }
        const noticeEnd = maxDate(addDays(notice.on, required), notice.deadline ?? notice.on);
        latest = maxDate(latest, addDays(noticeEnd, 1));
        ready.push(s.serviceId);
      }
      if (ready.length === 0) return { earliest, skip: "no active service of this kind has had the required notice" };
      if (rules.suspension.onlyOnAllowedDays.value) latest = suspensionAllowedDayOnOrAfter(latest, c.country);
      return { earliest: latest, serviceIds: ready };
    }
  }
}

/**
 * Whether carrying out a step of this kind sends the debtor a message: the Let's pay SMS, and every letter — whatever
 * channel it goes by (an SMS alert with a pay link, e-mail, a digital mailbox; the power notice's personal alert; on
 * paper it is at least dated and dispatched then). Such a step is planned into the debtor's contact hours (the rule
 * table's `contactHours`, e.g. Norway: weekdays 08:00–21:00, Saturdays 09:00–15:00, never on Sundays or public
 * holidays): its local day, and so its deadline, is that of the contact window it goes in. A suspension (a command to
 * the partner's system, on its own allowed days) and the hand-off to legal steps send the debtor nothing.
 */
export function contactsDebtor(kind: ActionKind): boolean {
  switch (kind) {
    case "instalment-reminder":
    case "instalment-missed":
    case "lets-pay-sms":
    case "reminder":
    case "collection-notice":
    case "payment-demand":
    case "suspension-notice":
      return true;
    case "suspension":
    case "legal-handoff":
      return false;
  }
}

/** The legal basis of a step without its fee. */
function stepLegalBasis(c: Case, step: LadderStep, rules: RuleSet, deadlineDays: number | undefined): string {
  const law = LAW[c.country];
  switch (step.kind) {
    case "lets-pay-sms":
      return `Friendly payment reminder by SMS with a pay link, no fee; sent within contact hours (${rules.contactHours.source}${rules.contactHours.confirmed ? "" : " — unconfirmed"})`;
    case "reminder":
      return `${law.reminder}: written reminder with a ${deadlineDays}-day deadline`;
    case "collection-notice":
      return `${law["collection-notice"]}: ${deadlineDays}-day deadline (at least ${rules.timing.minDeadlineDays.value["collection-notice"]} days from sending), stating that the claim goes to collection otherwise`;
    case "payment-demand":
      return `${law["payment-demand"]}: ${deadlineDays} days to pay or object (at least ${rules.timing.minDeadlineDays.value["payment-demand"]})`;
    case "legal-handoff":
      return `${law["legal-handoff"]}: the payment demand's deadline has expired${rules.timing.newDemandAfterMonths ? `; legal steps must start within ${rules.timing.newDemandAfterMonths.value} months or a new payment demand is needed` : ""}`;
    case "suspension-notice": {
      const kinds = [...new Set(targetServices(c, step).map((s) => s.kind))];
      return (
        kinds.map((k) => `${rules.suspension.noticeDays[k].source}`).join("; ") + ` (${deadlineDays} days' notice)`
      );
    }
    case "suspension": {
      const kinds = [...new Set(targetServices(c, step).map((s) => s.kind))];
      const days = rules.suspension.onlyOnAllowedDays.value ? `; ${rules.suspension.onlyOnAllowedDays.source}` : "";
      return `Notice period has run out (${kinds.map((k) => rules.suspension.noticeDays[k].source).join("; ")})${days}`;
    }
  }
}

function instantFor(
  c: Case,
  step: LadderStep,
  date: LocalDate,
  today: LocalDate,
  now: Date,
  policy: LadderPolicy,
  rules: RuleSet,
  sendAt: string = policy.sendAt,
): Date {
  const zone = timeZoneOf(c.country);
  const time = step.kind === "suspension" ? policy.suspendAt : sendAt;
  let candidate: Date;
  if (date < today) candidate = now;
  else {
    const planned = atLocalTime(date, time, zone);
    candidate = planned.getTime() < now.getTime() ? now : planned;
  }
  if (step.kind === "suspension") {
    // within [suspendAt, suspendLatest] local time on an allowed day — never late in the evening before a closed day
    let day = toLocalDate(candidate, zone);
    if (candidate.getTime() < atLocalTime(day, policy.suspendAt, zone).getTime())
      candidate = atLocalTime(day, policy.suspendAt, zone);
    if (candidate.getTime() > atLocalTime(day, policy.suspendLatest, zone).getTime()) {
      day = addDays(day, 1);
      candidate = atLocalTime(day, policy.suspendAt, zone);
    }
    // an allowed day (never a Friday, weekend, holiday or holiday eve) outside the step's seasonal blackout
    const gate = suspensionAllowed({
      on: day,
      country: c.country,
      rules,
      paymentAuthorizedNotApplied: false,
      disputeOpen: false,
      ...(step.blackout ? { seasonalBlackout: step.blackout } : {}),
      customer: c.debtor.kind === "business" ? "business" : "household",
    });
    if (!gate.ok && gate.resumeOn !== undefined) candidate = atLocalTime(gate.resumeOn, policy.suspendAt, zone);
  }
  if (contactsDebtor(step.kind)) candidate = nextContactTime(candidate, c.country, rules.contactHours.value);
  return candidate;
}

function buildAction(
  c: Case,
  stepIndex: number,
  step: LadderStep,
  draft: Draft,
  rules: RuleSet,
  policy: LadderPolicy,
  today: LocalDate,
  now: Date,
): { action: PlannedAction; plannedDay: LocalDate } {
  let date = draft.earliest;
  let fee: PlannedAction["fee"];
  let noFeeReason: string | undefined;

  if (step.chargesFee && isFeeKind(step.kind)) {
    const previous = lastFeeLetter(c);
    let feeDate = maxDate(date, firstFeeEarliest(rules, ladderAnchor(c)));
    if (previous) feeDate = maxDate(feeDate, nextFeeEarliest(rules, previous));
    // A missed step goes today at the earliest: judge the fee on the day it will really be sent.
    const decision = mayChargeFee(feeHistoryOf(c), step.kind, maxDate(feeDate, today), rules);
    if (decision.allowed) {
      date = feeDate;
      fee = { amount: decision.amount, legalBasis: decision.legalBasis };
    } else {
      noFeeReason = decision.reason;
    }
  }

  // An A/B experiment on this step's kind, running on the day the step goes: the case's variant may bring its own hour.
  const experiment = contactsDebtor(step.kind)
    ? experimentFor(policy.experiments, step.kind, c.id, maxDate(date, today))
    : undefined;
  const at = instantFor(c, step, date, today, now, policy, rules, experiment?.treatment.sendAt ?? policy.sendAt);
  const on = toLocalDate(at, timeZoneOf(c.country));
  let deadlineDays: number | undefined;
  if (isFeeKind(step.kind))
    deadlineDays = Math.max(stepDeadlineDays(step, rules), rules.timing.minDeadlineDays.value[step.kind]);
  if (step.kind === "suspension-notice") {
    const required = Math.max(
      0,
      ...targetServices(c, step).map((s) => requiredSuspensionNoticeDays(rules, s.kind, c.debtor.kind)),
    );
    deadlineDays = Math.max(step.deadlineDays ?? 0, required);
  }
  const feeAmount = fee?.amount ?? money(0, c.currency);
  const action: PlannedAction = {
    kind: step.kind,
    stepIndex,
    at,
    on,
    channels: [...step.channels],
    amounts: amountsOn(c, on, rules, feeAmount),
    ...(fee ? { fee } : {}),
    ...(noFeeReason ? { noFeeReason } : {}),
    legalBasis: stepLegalBasis(c, step, rules, deadlineDays),
    ...(deadlineDays !== undefined ? { deadline: addDays(on, deadlineDays) } : {}),
    ...(draft.serviceIds ? { serviceIds: draft.serviceIds } : {}),
    ...(experiment ? { experiment: { id: experiment.id, variant: experiment.variant } } : {}),
  };
  return { action, plannedDay: date };
}

/**
 * An instalment's reminder or its "missed": planned for the policy's `sendAt` on `day` (now when that has passed),
 * inside contact hours (both tell the debtor something). No fee: the rule sets hold none for either.
 */
function instalmentAction(
  c: Case,
  kind: InstalmentActionKind,
  open: { dueDate: LocalDate; amount: Money; left: Money },
  day: LocalDate,
  today: LocalDate,
  now: Date,
  policy: LadderPolicy,
  rules: RuleSet,
): PlannedAction {
  const zone = timeZoneOf(c.country);
  const hours = rules.contactHours.value;
  if (kind === "instalment-reminder") {
    // A reminder day without contact hours at the send time (a Sunday, a public holiday) moves to the contact day
    // before it, so the debtor still has the days the policy promises — never to before today.
    let earlier = day;
    while (earlier > today && !isWithinContactHours(atLocalTime(earlier, policy.sendAt, zone), c.country, hours))
      earlier = addDays(earlier, -1);
    if (earlier >= today) day = earlier;
  }
  let at = day <= today ? now : atLocalTime(day, policy.sendAt, zone);
  if (day === today && atLocalTime(day, policy.sendAt, zone).getTime() > now.getTime())
    at = atLocalTime(day, policy.sendAt, zone);
  at = nextContactTime(at, c.country, hours);
  const on = toLocalDate(at, zone);
  const legalBasis =
    kind === "instalment-reminder"
      ? `Agreed instalment plan: reminder ${policy.instalmentReminderDaysBefore} days before the instalment due ${open.dueDate} (ladder policy instalmentReminderDaysBefore), no fee; sent within contact hours (${rules.contactHours.source})`
      : `Agreed instalment plan: the instalment due ${open.dueDate} is unpaid ${policy.instalmentGraceDays} days after its due date (ladder policy instalmentGraceDays); the plan ends and the ladder resumes where it stood — no letter already sent is sent or charged again (inkassoforskriften § 1-2: a fee only for a letter that goes out)`;
  return {
    kind,
    stepIndex: null,
    at,
    on,
    channels: [],
    amounts: amountsOn(c, on, rules, money(0, c.currency)),
    legalBasis,
    instalment: { dueDate: open.dueDate, amount: open.amount, left: open.left },
  };
}

/** What happens next on the case, when and why. */
export function plan(c: Case, policy: LadderPolicy, rules: RuleSet, now: Date): Plan {
  if (policy.country !== c.country || rules.country !== c.country) {
    throw new PlanMismatch(`Case in ${c.country}, policy for ${policy.country}, rules for ${rules.country}`);
  }
  const zone = timeZoneOf(c.country);
  const today = toLocalDate(now, zone);

  switch (c.status) {
    case "paid":
      return { kind: "done", reason: "The claim is paid in full; nothing more is sent." };
    case "cancelled":
      return {
        kind: "done",
        reason: `The case was cancelled${c.closedReason ? `: ${c.closedReason}` : ""}; nothing more is sent.`,
      };
    case "handed-off":
      return { kind: "done", reason: "The claim has been handed off to legal steps; the ladder is complete." };
    case "disputed":
      return {
        kind: "paused",
        reason: `The debtor disputes the claim (since ${c.dispute?.openedOn ?? "unknown"}): collection and fees are stopped until the dispute is resolved.`,
        legalBasis: `${LAW[c.country].dispute}: a reasonable objection stops collection and collection costs`,
        resumesOn: "dispute-resolved",
      };
    case "on-hold":
      return {
        kind: "paused",
        reason: `The case is on hold${c.hold ? ` since ${c.hold.since} (${c.hold.reason})${c.hold.until ? `, planned until ${c.hold.until}` : ""}` : ""}.`,
        resumesOn: "resume",
      };
    case "open":
      break;
  }

  const balanceToday = balanceOn(c, today, rules);
  if (balanceToday.total.value <= 0) return { kind: "done", reason: "Nothing is owed; nothing more is sent." };

  // An agreed instalment plan runs the case while it is active: each instalment's reminder, then — if it is still
  // unpaid after the grace days — the plan's end (instalment-missed), after which the ladder resumes below. Before a
  // letter on its way or undelivered: the plan's own messages do not wait for the ladder's letters.
  const open = openInstalment(c, today, policy);
  if (open) {
    const action = (kind: InstalmentActionKind, day: LocalDate) =>
      instalmentAction(c, kind, open, day, today, now, policy, rules);
    const pending = (next: PlannedAction, reason: string): Plan =>
      next.on <= today && next.at.getTime() <= now.getTime()
        ? { kind: "act", action: next }
        : { kind: "wait", until: next.at, reason, next };
    const amount = formatMoney(open.left, "en");
    if (today >= open.missedOn)
      return pending(
        action("instalment-missed", open.missedOn),
        `The instalment due ${open.dueDate} is unpaid (${amount} left) after ${policy.instalmentGraceDays} grace days: the plan ends and the ladder resumes.`,
      );
    if (!open.reminded && today <= open.dueDate) {
      const reminder = action("instalment-reminder", maxDate(open.reminderOn, today));
      if (reminder.on <= open.dueDate)
        return pending(
          reminder,
          `An instalment plan is active: the debtor is reminded on ${reminder.on} of the instalment of ${amount} due ${open.dueDate}.`,
        );
    }
    return {
      kind: "wait",
      until: action("instalment-missed", open.missedOn).at,
      reason: `An instalment plan is active: the next instalment of ${amount} is due ${open.dueDate}; the ladder waits (unpaid ${policy.instalmentGraceDays} days after that, the plan ends).`,
      next: action("instalment-missed", open.missedOn),
    };
  }

  // A letter on its way decides what comes next (its deadline runs from the day it reaches the debtor); one that
  // reached nobody stops the ladder until the debtor's contact data changes.
  const undelivered = c.steps.find((s) => s.delivery === "undelivered");
  if (undelivered) {
    return {
      kind: "paused",
      reason: `The ${describeStep(undelivered.kind)} (step ${undelivered.stepIndex + 1}) could not be delivered through any channel; the ladder waits until the customer's contact details are updated.`,
      resumesOn: "contact-updated",
    };
  }
  const pending = c.steps.find((s) => s.delivery === "pending");
  if (pending) {
    return {
      kind: "paused",
      reason: `The ${describeStep(pending.kind)} (step ${pending.stepIndex + 1}) is on its way${pending.channel ? ` (${pending.channel})` : ""}; the next step waits until it has reached the debtor.`,
      resumesOn: "letter-delivered",
    };
  }

  // The debtor reported a payment (Min side, with a receipt): the next step waits until the pause ends, planned as of
  // that day, while customer service checks.
  if (c.pausedUntil !== undefined && c.pausedUntil > today) {
    const resumeAt = atLocalTime(c.pausedUntil, policy.sendAt, zone);
    const step = firstOpenStep(c, policy, rules, c.pausedUntil, resumeAt);
    const reason = `The debtor reports having paid; the ladder waits until ${c.pausedUntil} while the payment is checked.`;
    if (step) {
      const until = step.action.at > resumeAt ? step.action.at : resumeAt;
      return { kind: "wait", until, reason, next: step.action };
    }
  }

  const next = firstOpenStep(c, policy, rules, today, now);
  if (!next) {
    const notes = passedOver(c, policy, rules, today);
    return {
      kind: "done",
      reason: `Every step of the ladder has been carried out or does not apply to this case${notes.length ? ` (${notes.join("; ")})` : ""}.`,
    };
  }
  if (next.dueNow) return { kind: "act", action: next.action };
  return {
    kind: "wait",
    until: next.action.at,
    reason: `Next: ${describeStep(next.action.kind)} (step ${next.action.stepIndex! + 1}) on ${next.action.on}.`,
    next: next.action,
  };
}

/** Steps passed over (not applicable, or not lawful yet) with why — for the "done" reason. */
function passedOver(c: Case, policy: LadderPolicy, rules: RuleSet, today: LocalDate): string[] {
  const notes: string[] = [];
  for (const [index, step] of policy.steps.entries()) {
    if (c.steps.some((s) => s.stepIndex === index && s.kind === step.kind)) continue;
    const draft = draftStep(c, step, rules, policy, today);
    const why = draft.blocked ?? draft.skip;
    if (why) notes.push(`step ${index + 1} (${describeStep(step.kind)}): ${why}`);
  }
  return notes;
}

/** The debtor's messages before collection: of these, only the latest due one goes when several are due at once. */
const CATCH_UP_KINDS: ReadonlySet<StepKind> = new Set<StepKind>(["lets-pay-sms", "reminder", "collection-notice"]);

/** Whether a later step of `later`'s kind makes a step of `earlier`'s kind redundant (see CATCH-UP above). */
function supersedes(earlier: StepKind, later: StepKind): boolean {
  if (!CATCH_UP_KINDS.has(earlier)) return false;
  return earlier === "lets-pay-sms" ? contactsDebtor(later) && later !== "lets-pay-sms" : CATCH_UP_KINDS.has(later);
}

function executed(c: Case, index: number, step: LadderStep): boolean {
  return c.steps.some((s) => s.stepIndex === index && s.kind === step.kind);
}

function firstOpenStep(
  c: Case,
  policy: LadderPolicy,
  rules: RuleSet,
  today: LocalDate,
  now: Date,
): { action: PlannedAction; dueNow: boolean } | undefined {
  const passesOver: PassedOverStep[] = [];
  /** The step at `index` if it is open, applies, and its day has come (built as things stand now). */
  const dueNow = (index: number, step: LadderStep) => {
    if (executed(c, index, step)) return undefined;
    const draft = draftStep(c, step, rules, policy, today);
    if (draft.skip || draft.blocked) return undefined;
    const built = buildAction(c, index, step, draft, rules, policy, today, now);
    return built.plannedDay <= today ? built : undefined;
  };
  for (const [index, step] of policy.steps.entries()) {
    if (executed(c, index, step)) continue;
    // A later message that makes this one redundant has already gone: this one stays passed over.
    const laterDone = policy.steps.findIndex(
      (later, j) => j > index && supersedes(step.kind, later.kind) && executed(c, j, later),
    );
    if (laterDone >= 0) {
      passesOver.push({
        stepIndex: index,
        kind: step.kind,
        reason: `passed over: the ${describeStep(policy.steps[laterDone]!.kind)} (step ${laterDone + 1}) has already been sent`,
      });
      continue;
    }
    const draft = draftStep(c, step, rules, policy, today);
    if (draft.skip || draft.blocked) continue;
    const { action, plannedDay } = buildAction(c, index, step, draft, rules, policy, today, now);
    if (plannedDay > today) return { action, dueNow: false };
    // Catch-up: a later message that says the same is due now too — this one's moment has passed.
    let replacedBy: { index: number; kind: StepKind } | undefined;
    for (let j = index + 1; j < policy.steps.length && CATCH_UP_KINDS.has(step.kind); j++) {
      const later = policy.steps[j]!;
      if (supersedes(step.kind, later.kind) && dueNow(j, later)) replacedBy = { index: j, kind: later.kind };
    }
    if (replacedBy) {
      const fee = step.chargesFee ? ", so it adds no fee" : "";
      passesOver.push({
        stepIndex: index,
        kind: step.kind,
        reason: `skipped: its day (${plannedDay}) had passed when the case could act on ${today}, and the ${describeStep(replacedBy.kind)} (step ${replacedBy.index + 1}) is due now and says the same; one message instead of several${fee}`,
      });
      continue;
    }
    return { action: passesOver.length > 0 ? { ...action, passesOver } : action, dueNow: true };
  }
  return undefined;
}

/**
 * Whether the case still holds its services closed (the overdue blocker, service-lifecycle.ts): false once the claim
 * is paid or cancelled, an instalment plan is running, a deferral's new due date has not passed, or the outstanding
 * balance is at or below the creditor's reopen minimum (what the pay page offers as "pay X to reopen today").
 */
export function overdueForServices(c: Case, policy: LadderPolicy, rules: RuleSet, now: Date): boolean {
  if (c.status === "paid" || c.status === "cancelled") return false;
  if (c.instalmentPlan?.state === "active") return false;
  const today = toLocalDate(now, timeZoneOf(c.country));
  if (c.deferredDueDate !== null && c.deferredDueDate >= today) return false;
  return balanceOn(c, today, rules).total.value > policy.reopenMinimum.value;
}
