/**
 * The creditor's ladder policy: which steps a case walks through, when, by which channel, and which carry a fee —
 * and its validation against the country's legal rule set, with a readable reason and a legal basis per problem.
 *
 * OFFSETS ARE COUNTED FROM THE DUE DATE (a deferral moves that date, and so the whole ladder). An offset is the
 * EARLIEST day a step is planned: the planner may place it later when the law requires (e.g. a collection notice
 * after the reminder's deadline when the reminder itself went out late), never earlier. Counting from the due date
 * keeps validation simple and makes "reminder fee no earlier than due + 14 days" a direct comparison.
 *
 * Validation assumes the strictest debtor (a consumer) for suspension notice periods.
 */
import { z } from "zod";
import { CountryCode, LocalTime } from "./calendar";
import { DEFAULT_ALLOCATION_ORDER, AllocationOrder } from "./allocation";
import { fitsFeeCombination } from "./fees";
import { Money, money } from "./money";
import type { FeeKind } from "./rules/rule-set";
import { ServiceKind, type RuleSet } from "./rules/rule-set";
import { SeasonalBlackout } from "./suspension-gate";
import { Experiment, experimentProblems } from "./experiments";

export const StepKind = z.enum([
  "lets-pay-sms",
  "reminder", // purring
  "collection-notice", // inkassovarsel, inkassoloven § 9
  "payment-demand", // betalingsoppfordring, inkassoloven § 10
  "suspension-notice", // stengevarsel
  "suspension", // stenging
  "legal-handoff", // rettslige skritt / overlevering, inkassoloven § 11
]);
export type StepKind = z.infer<typeof StepKind>;

/**
 * What an agreed instalment plan does on its own while it runs (planner.ts): remind the debtor of an instalment, and
 * end the plan when one is missed. Not ladder steps: they have no index and carry no fee.
 */
export const InstalmentActionKind = z.enum(["instalment-reminder", "instalment-missed"]);
export type InstalmentActionKind = z.infer<typeof InstalmentActionKind>;
/** What the planner may ask the case to do next. */
export const ActionKind = z.union([StepKind, InstalmentActionKind]);
export type ActionKind = z.infer<typeof ActionKind>;

/** Delivery channels. Only the written ones can carry a legal letter; SMS alone is an alert (Prop. 6 L (2016–2017)). */
export const Channel = z.enum([
  "sms",
  "email",
  "digital-mailbox",
  "efaktura",
  "ehf",
  "letter",
  "portal-with-alert",
  "partner-system",
]);
export type Channel = z.infer<typeof Channel>;

export const WRITTEN_CHANNELS: readonly Channel[] = [
  "email",
  "digital-mailbox",
  "efaktura",
  "ehf",
  "letter",
  "portal-with-alert",
];

export const LadderStep = z.object({
  kind: StepKind,
  /** Earliest day of the step, in days after the (possibly deferred) due date. */
  offsetDays: z.number().int().nonnegative().max(3650),
  /** Channels in order of preference. */
  channels: z.array(Channel).min(1),
  chargesFee: z.boolean().default(false),
  /** Payment deadline stated in the letter, in days from sending (defaults to the legal minimum for the kind). */
  deadlineDays: z.number().int().positive().max(365).optional(),
  /** Suspension steps: which service kinds they apply to (default: all). */
  services: z.array(ServiceKind).min(1).optional(),
  /**
   * Suspension steps: days of the year the creditor does not suspend (both ends included; `from` after `to` spans the
   * year end), e.g. households' power in winter `{ "from": "11-15", "to": "03-31" }`. The suspension then waits for the
   * first allowed day after it. Applies to households unless `customers` says otherwise.
   */
  blackout: SeasonalBlackout.optional(),
});
export type LadderStep = z.infer<typeof LadderStep>;

export const LadderPolicy = z.object({
  country: CountryCode,
  /** Shown as the SMS sender and on letters. Alphanumeric SMS senders are limited to 11 characters. */
  senderName: z.string().trim().min(1).max(11),
  steps: z.array(LadderStep).min(1),
  /** No Let's pay SMS with a pay link for an outstanding amount below this. */
  minimumPayLinkAmount: Money,
  /** A suspended service is reopened once the outstanding total is at most this amount (0 = paid in full). */
  reopenMinimum: Money,
  /** The creditor's order for payments where the debtor chose none. */
  allocationOrder: AllocationOrder.default([...DEFAULT_ALLOCATION_ORDER]),
  /**
   * At most one SMS from this creditor's ladder to one debtor (the same national id, else the same phone) in this many
   * hours: what falls due meanwhile for the debtor's other invoices goes in that one SMS, or waits for the next one
   * (always in contact hours). Default 24: one SMS a day.
   */
  minSmsIntervalHours: z.number().int().min(1).max(168).default(24),
  /**
   * Min side (the debtor's own pages): the most days a debtor may move the due date by a deferral granted at once,
   * without asking the creditor (0: every request goes to the creditor for a decision). 0–90, default 14.
   */
  maxDeferralDays: z.number().int().min(0).max(90).default(14),
  /**
   * Min side: the smallest instalment of a plan the debtor may choose there; absent: `DEFAULT_MINIMUM_INSTALMENT` in
   * the country's currency (see `instalmentLimitsOf`).
   */
  minimumInstalment: Money.optional(),
  /** Min side: the most monthly instalments a plan chosen there may have (0: no plans are offered). 0–36, default 6. */
  maxInstalmentMonths: z.number().int().min(0).max(36).default(6),
  /**
   * An agreed instalment plan (Min side): the debtor is reminded this many days before each instalment's due date (by
   * SMS with SMS consent, else by e-mail with e-mail consent), with a pay link for that instalment. 1–14, default 3.
   */
  instalmentReminderDaysBefore: z.number().int().min(1).max(14).default(3),
  /**
   * An instalment still unpaid this many days after its due date is missed: the plan ends, the debtor is told and the
   * ladder resumes where it stood (no letter already sent is sent or charged again). 1–30, default 7 — room for a bank
   * transfer made on the due day (1–3 banking days) and a weekend.
   */
  instalmentGraceDays: z.number().int().min(1).max(30).default(7),
  /** Local time letters and SMS are planned for on their day (SMS is then moved into contact hours). */
  sendAt: LocalTime.default("09:00"),
  /** Local time of a suspension on an allowed day. */
  suspendAt: LocalTime.default("10:00"),
  /** A suspension that would start later than this local time waits for the next allowed day (never late in the day). */
  suspendLatest: LocalTime.default("14:00"),
  /**
   * A/B experiments on the messages of one step kind: two variants of the SMS text and/or send hour, cases assigned by
   * case id (experiments.ts). Absent or empty: none.
   */
  experiments: z.array(Experiment).max(20).optional(),
});
export type LadderPolicy = z.infer<typeof LadderPolicy>;

export interface PolicyProblem {
  /** Index of the step in `policy.steps`, or null for the policy as a whole. */
  step: number | null;
  kind: StepKind | "policy";
  reason: string;
  legalBasis: string;
  /** A problem of an A/B experiment (`step` is then null): which one, and which variant when it is the variant's. */
  experiment?: { id: string; variant?: "A" | "B" };
}

export type PolicyValidation = { ok: true } | { ok: false; problems: PolicyProblem[] };

/**
 * What the tenant is, which decides which service actions are lawful: only a power GRID company may disconnect a
 * meter; a power retailer may end the contract but never disconnect (forbrukerkjøpsloven § 48 a).
 */
export const TenantRole = z.enum(["broadband-provider", "power-grid-company", "power-retailer"]);
export type TenantRole = z.infer<typeof TenantRole>;

/** What the validation knows about the tenant besides the rule set (everything optional: callers may know nothing). */
export interface PolicyContext {
  role?: TenantRole;
}

const RETAILER_CANNOT_DISCONNECT =
  "forbrukerkjøpsloven § 48 a; Ot.prp. nr. 114 (2004–2005) ch. 13: only the grid company (nettselskap) may disconnect a meter; a power retailer may end the contract, after which the grid company supplies (leveringspliktig kraft)";

const FEE_KINDS: readonly StepKind[] = ["reminder", "collection-notice", "payment-demand"];

export function isFeeKind(kind: StepKind): kind is FeeKind {
  return FEE_KINDS.includes(kind);
}

const STEP_WORDS: Readonly<Record<ActionKind, string>> = {
  "instalment-reminder": "instalment reminder",
  "instalment-missed": "end of the instalment plan (instalment missed)",
  "lets-pay-sms": "Let's pay SMS",
  reminder: "reminder",
  "collection-notice": "collection notice",
  "payment-demand": "payment demand",
  "suspension-notice": "suspension notice",
  suspension: "suspension",
  "legal-handoff": "hand-off to legal steps",
};

export function describeStep(kind: ActionKind): string {
  return STEP_WORDS[kind];
}

/** The deadline (days from sending) a step's letter gives: its own, or the legal minimum. */
export function stepDeadlineDays(step: LadderStep, rules: RuleSet, required = 0): number {
  if (step.deadlineDays !== undefined) return step.deadlineDays;
  if (isFeeKind(step.kind)) return rules.timing.minDeadlineDays.value[step.kind];
  return required;
}

/** The written notice a suspension of `service` needs, in days, for a debtor of `debtorKind`. */
export function requiredSuspensionNoticeDays(
  rules: RuleSet,
  service: ServiceKind,
  debtorKind: "consumer" | "business",
): number {
  return rules.suspension.noticeDays[service].value[debtorKind];
}

const ELECTRONIC_DELIVERY =
  "inkassoloven § 3a and Prop. 6 L (2016–2017) ch. 3: a letter must be delivered in writing (letter, digital mailbox, portal with alert, recently used e-mail); SMS alone is an alert, not the letter";

/**
 * Checks a ladder against the rule set; every problem names its step, a readable reason and the legal basis. With the
 * tenant's `role` in `context`, a power retailer's ladder may not announce or carry out a disconnection of a power
 * meter.
 */
export function validatePolicy(policy: LadderPolicy, rules: RuleSet, context: PolicyContext = {}): PolicyValidation {
  const problems: PolicyProblem[] = [];
  const add = (step: number | null, kind: StepKind | "policy", reason: string, legalBasis: string) =>
    problems.push({ step, kind, reason, legalBasis });

  if (policy.suspendLatest < policy.suspendAt) {
    add(
      null,
      "policy",
      `suspendLatest (${policy.suspendLatest}) is earlier than suspendAt (${policy.suspendAt}).`,
      "policy",
    );
  }
  if (policy.country !== rules.country) {
    add(
      null,
      "policy",
      `The policy is for ${policy.country} but the rule set is for ${rules.country}.`,
      "rule set selection",
    );
  }
  for (const [name, m] of [
    ["minimumPayLinkAmount", policy.minimumPayLinkAmount],
    ["reopenMinimum", policy.reopenMinimum],
    ...(policy.minimumInstalment ? [["minimumInstalment", policy.minimumInstalment] as const] : []),
  ] as const) {
    if (m.currency !== rules.currency)
      add(null, "policy", `${name} is in ${m.currency}, the country's currency is ${rules.currency}.`, "policy");
    if (m.value < 0) add(null, "policy", `${name} may not be negative.`, "policy");
  }
  if (policy.minimumInstalment && policy.minimumInstalment.value === 0)
    add(null, "policy", "minimumInstalment must be more than 0.", "policy");

  const timing = rules.timing;
  const schedule = rules.feeSchedules[rules.feeSchedules.length - 1];
  const charged: FeeKind[] = [];
  let lastFee: { index: number; kind: FeeKind; offset: number; deadline: number } | undefined;
  let lastNotice: { offset: number; deadline: number } | undefined;
  let lastDemand: { offset: number; deadline: number } | undefined;
  const suspensionNotices: { offset: number; services: ServiceKind[]; deadline: number }[] = [];

  policy.steps.forEach((step, i) => {
    const what = STEP_WORDS[step.kind];
    const previous = policy.steps[i - 1];
    if (previous && step.offsetDays < previous.offsetDays) {
      add(
        i,
        step.kind,
        `The ${what} (day ${step.offsetDays}) comes before the previous step (day ${previous.offsetDays}); steps must be in date order.`,
        "ladder order",
      );
    }

    // Channels
    const written = step.channels.some((c) => WRITTEN_CHANNELS.includes(c));
    if (step.kind === "lets-pay-sms" && !step.channels.includes("sms")) {
      add(i, step.kind, "A Let's pay SMS must be sent by SMS.", "policy");
    }
    if (
      (step.kind === "collection-notice" ||
        step.kind === "payment-demand" ||
        step.kind === "suspension-notice" ||
        (step.kind === "reminder" && step.chargesFee)) &&
      !written
    ) {
      add(
        i,
        step.kind,
        `The ${what} must be sent in writing; SMS alone is only an alert.`,
        step.kind === "suspension-notice" ? "forbrukerkjøpsloven § 48 a: written notice" : ELECTRONIC_DELIVERY,
      );
    }

    // Fees
    if (step.chargesFee && !isFeeKind(step.kind)) {
      add(
        i,
        step.kind,
        `A ${what} cannot carry a fee; only reminders, collection notices and payment demands can.`,
        "inkassoforskriften §§ 1-2, 1-3",
      );
    }
    if (isFeeKind(step.kind)) {
      const minDeadline = timing.minDeadlineDays.value[step.kind];
      const deadline = stepDeadlineDays(step, rules);
      if (deadline < minDeadline) {
        add(
          i,
          step.kind,
          `The ${what} gives ${deadline} days to pay; the law requires at least ${minDeadline} days from sending.`,
          timing.minDeadlineDays.source,
        );
      }
      if (step.kind === "collection-notice" && step.offsetDays < timing.noticeEarliestDaysAfterDue.value) {
        add(
          i,
          step.kind,
          `A collection notice may be sent no earlier than ${timing.noticeEarliestDaysAfterDue.value} day(s) after the due date.`,
          timing.noticeEarliestDaysAfterDue.source,
        );
      }
      if (step.kind === "payment-demand" && timing.paymentDemandRequiresExpiredNotice.value) {
        if (!lastNotice) {
          add(
            i,
            step.kind,
            "A payment demand needs an earlier collection notice in the ladder.",
            timing.paymentDemandRequiresExpiredNotice.source,
          );
        } else if (step.offsetDays <= lastNotice.offset + lastNotice.deadline) {
          add(
            i,
            step.kind,
            `The payment demand (day ${step.offsetDays}) comes before the collection notice's deadline has expired (day ${lastNotice.offset + lastNotice.deadline}); the earliest day is ${lastNotice.offset + lastNotice.deadline + 1}.`,
            timing.paymentDemandRequiresExpiredNotice.source,
          );
        }
      }
      if (step.chargesFee) {
        const cap = schedule?.[step.kind];
        if (!cap || cap.basis === "not-chargeable") {
          add(i, step.kind, `A ${what} may not carry a fee in ${rules.country}.`, schedule?.source ?? rules.version);
        } else {
          if (step.offsetDays < timing.firstFeeMinDaysAfterDue.value) {
            add(
              i,
              step.kind,
              `A ${what} fee is charged ${step.offsetDays} days after the due date; a fee is only allowed at least ${timing.firstFeeMinDaysAfterDue.value} days after the due date.`,
              timing.firstFeeMinDaysAfterDue.source,
            );
          }
          if (lastFee) {
            const rule = timing.nextFee.value;
            const earliest =
              rule.mode === "after-previous-deadline"
                ? lastFee.offset + lastFee.deadline + 1
                : lastFee.offset + rule.days;
            if (step.offsetDays < earliest) {
              const why =
                rule.mode === "after-previous-deadline"
                  ? `before the deadline of the previous fee-bearing ${STEP_WORDS[lastFee.kind]} (step ${lastFee.index + 1}, deadline day ${lastFee.offset + lastFee.deadline}) has passed`
                  : `less than ${rule.days} days after the previous fee-bearing ${STEP_WORDS[lastFee.kind]} (step ${lastFee.index + 1})`;
              add(
                i,
                step.kind,
                `The ${what} fee (day ${step.offsetDays}) comes ${why}; the earliest day is ${earliest}.`,
                timing.nextFee.source,
              );
            }
          }
          if (!fitsFeeCombination(rules, [...charged, step.kind])) {
            add(
              i,
              step.kind,
              `This ${what} fee would be one fee too many: with ${charged.length} earlier fee(s) (${charged.map((k) => STEP_WORDS[k as StepKind]).join(", ")}) the claim would exceed every allowed combination.`,
              rules.feeCombinations.source,
            );
          } else {
            charged.push(step.kind);
          }
          lastFee = { index: i, kind: step.kind, offset: step.offsetDays, deadline: deadline };
        }
      }
      if (step.kind === "collection-notice") lastNotice = { offset: step.offsetDays, deadline };
      if (step.kind === "payment-demand") lastDemand = { offset: step.offsetDays, deadline };
    }

    // Suspension
    const services = step.services ?? [...ServiceKind.options];
    if (
      context.role === "power-retailer" &&
      (step.kind === "suspension" || step.kind === "suspension-notice") &&
      services.includes("power-meter")
    ) {
      add(
        i,
        step.kind,
        step.kind === "suspension"
          ? "A power retailer cannot disconnect a power meter; only the grid company may. End the contract instead."
          : "A power retailer cannot announce a disconnection of a power meter; only the grid company may disconnect.",
        RETAILER_CANNOT_DISCONNECT,
      );
    }
    if (step.kind === "suspension-notice") {
      const deadline =
        step.deadlineDays ?? Math.max(...services.map((s) => requiredSuspensionNoticeDays(rules, s, "consumer")));
      for (const s of services) {
        const required = requiredSuspensionNoticeDays(rules, s, "consumer");
        if (deadline < required) {
          add(
            i,
            step.kind,
            `The suspension notice gives ${deadline} days; a ${s} suspension needs ${required} days' written notice.`,
            rules.suspension.noticeDays[s].source,
          );
        }
      }
      suspensionNotices.push({ offset: step.offsetDays, services, deadline });
    }
    if (step.kind === "suspension") {
      for (const s of services) {
        const required = requiredSuspensionNoticeDays(rules, s, "consumer");
        const notice = [...suspensionNotices].reverse().find((n) => n.services.includes(s));
        if (!notice) {
          if (required > 0)
            add(
              i,
              step.kind,
              `A ${s} suspension needs an earlier suspension notice in the ladder (${required} days' written notice).`,
              rules.suspension.noticeDays[s].source,
            );
          continue;
        }
        const earliest = notice.offset + Math.max(required, notice.deadline) + 1;
        if (step.offsetDays < earliest) {
          add(
            i,
            step.kind,
            `The ${s} suspension (day ${step.offsetDays}) comes before the notice period has run out (notice on day ${notice.offset}, ${Math.max(required, notice.deadline)} days); the earliest day is ${earliest}.`,
            rules.suspension.noticeDays[s].source,
          );
        }
      }
    }

    // Legal steps
    if (step.kind === "legal-handoff" && timing.legalStepsRequireExpiredDemand.value) {
      if (!lastDemand) {
        add(
          i,
          step.kind,
          "Legal steps need an earlier payment demand in the ladder.",
          timing.legalStepsRequireExpiredDemand.source,
        );
      } else if (step.offsetDays <= lastDemand.offset + lastDemand.deadline) {
        add(
          i,
          step.kind,
          `The hand-off (day ${step.offsetDays}) comes before the payment demand's deadline has expired (day ${lastDemand.offset + lastDemand.deadline}); the earliest day is ${lastDemand.offset + lastDemand.deadline + 1}.`,
          timing.legalStepsRequireExpiredDemand.source,
        );
      }
    }
  });

  for (const p of experimentProblems(
    policy.experiments ?? [],
    policy.steps.map((s) => s.kind),
    rules,
  ))
    problems.push({ step: null, kind: "policy", ...p });

  return problems.length === 0 ? { ok: true } : { ok: false, problems };
}

const CURRENCY = { NO: "NOK", DK: "DKK", SE: "SEK" } as const;
const LETTER: Channel[] = ["digital-mailbox", "efaktura", "email", "letter"];

/**
 * Suspension notices go beside the first reminder (clearly marked, forbrukerkjøpsloven § 48 a allows sharing the
 * letter): one for broadband (14 days, contract practice) and one for power (4 weeks). The suspension comes the day
 * after the notice's deadline at the earliest, broadband at due + 30 (seed practice).
 */
function suspensionSteps(noticeDay: number): [LadderStep, LadderStep, LadderStep, LadderStep] {
  const channels: Channel[] = ["letter", "digital-mailbox"];
  return [
    {
      kind: "suspension-notice",
      offsetDays: noticeDay,
      channels,
      chargesFee: false,
      deadlineDays: 14,
      services: ["broadband"],
    },
    {
      kind: "suspension-notice",
      offsetDays: noticeDay,
      channels,
      chargesFee: false,
      deadlineDays: 28,
      services: ["power-meter"],
    },
    { kind: "suspension", offsetDays: 30, channels: ["partner-system"], chargesFee: false, services: ["broadband"] },
    {
      kind: "suspension",
      offsetDays: noticeDay + 28 + 1,
      channels: ["partner-system"],
      chargesFee: false,
      services: ["power-meter"],
    },
  ];
}

/**
 * A lawful default ladder. Norway: Let's pay SMS at due + 7; reminder with fee at due + 14 (deadline 14 days) with a
 * clearly marked suspension notice beside it for service-linked invoices; collection notice with fee the day after the
 * reminder's deadline (due + 29, deadline 14); broadband suspended at due + 30 (14 days' notice) and power at due + 43
 * (after 4 weeks' notice), never on a Friday, weekend or holiday eve; payment demand with fee after the notice deadline (due + 44);
 * legal hand-off after the payment-demand deadline (due + 59). Suspension steps only apply to cases with such services.
 */
export function defaultPolicy(country: CountryCode, senderName = "Inkasso"): LadderPolicy {
  const currency = CURRENCY[country];
  const base = {
    country,
    senderName,
    minimumPayLinkAmount: money(100_00, currency),
    reopenMinimum: money(0, currency),
    allocationOrder: [...DEFAULT_ALLOCATION_ORDER],
    minSmsIntervalHours: 24,
    maxDeferralDays: 14,
    maxInstalmentMonths: 6,
    instalmentReminderDaysBefore: 3,
    instalmentGraceDays: 7,
    sendAt: "09:00",
    suspendAt: "10:00",
    suspendLatest: "14:00",
  };
  const sms: LadderStep = { kind: "lets-pay-sms", offsetDays: 7, channels: ["sms"], chargesFee: false };
  const suspension = suspensionSteps(14);
  let steps: LadderStep[];
  switch (country) {
    case "NO":
      steps = [
        sms,
        { kind: "reminder", offsetDays: 14, channels: LETTER, chargesFee: true, deadlineDays: 14 },
        suspension[0],
        suspension[1],
        { kind: "collection-notice", offsetDays: 29, channels: LETTER, chargesFee: true, deadlineDays: 14 },
        suspension[2],
        suspension[3],
        { kind: "payment-demand", offsetDays: 44, channels: LETTER, chargesFee: true, deadlineDays: 14 },
        { kind: "legal-handoff", offsetDays: 59, channels: ["partner-system"], chargesFee: false },
      ];
      break;
    case "DK":
      steps = [
        sms,
        { kind: "reminder", offsetDays: 10, channels: LETTER, chargesFee: true, deadlineDays: 10 },
        suspension[0],
        suspension[1],
        { kind: "reminder", offsetDays: 20, channels: LETTER, chargesFee: true, deadlineDays: 10 },
        suspension[2],
        { kind: "reminder", offsetDays: 31, channels: LETTER, chargesFee: true, deadlineDays: 10 },
        suspension[3],
        { kind: "payment-demand", offsetDays: 44, channels: LETTER, chargesFee: false, deadlineDays: 10 },
        { kind: "legal-handoff", offsetDays: 55, channels: ["partner-system"], chargesFee: false },
      ];
      break;
    case "SE":
      steps = [
        sms,
        { kind: "reminder", offsetDays: 10, channels: LETTER, chargesFee: true, deadlineDays: 8 },
        suspension[0],
        suspension[1],
        { kind: "payment-demand", offsetDays: 20, channels: LETTER, chargesFee: true, deadlineDays: 8 },
        suspension[2],
        suspension[3],
        { kind: "legal-handoff", offsetDays: 44, channels: ["partner-system"], chargesFee: false },
      ];
      break;
  }
  return LadderPolicy.parse({ ...base, steps });
}

/** The smallest instalment a debtor may choose on Min side when the creditor set none: 500 in the country's currency. */
export const DEFAULT_MINIMUM_INSTALMENT_MINOR = 500_00;

/** The creditor's limits for plans a debtor chooses on Min side (the policy's, or the defaults). */
export function instalmentLimitsOf(policy: LadderPolicy): { minimumInstalment: Money; maxMonths: number } {
  return {
    minimumInstalment: policy.minimumInstalment ?? money(DEFAULT_MINIMUM_INSTALMENT_MINOR, CURRENCY[policy.country]),
    maxMonths: policy.maxInstalmentMonths,
  };
}
