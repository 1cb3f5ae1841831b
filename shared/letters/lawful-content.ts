/**
 * What the law requires each letter to say, and where that comes from — one list per kind, so tests and reviewers can
 * see the requirement next to its paragraph. `letter-text.ts` writes one statement per entry (same `id`), and the
 * renderer prints them all.
 *
 * Source: /shared/reference/nordic-collection-rules.md (Norway, late 2026), and the statute texts it names.
 *
 * `lawfulnessProblems` checks the dates and fees of a model against the legal rule set in force (the numbers — 14
 * days, 4 weeks — come from the rule set, not from literals here). `contentProblems` checks the words written for a
 * model (`letterStatements`) against this list: a power disconnection notice lacking any § 48 a element, or one of
 * the facts that element must carry (the amount, the deadline, the disconnection date, how to reach us, the fees
 * charged), is refused. `lawfulDelivery` says how a letter must reach the customer beyond being written: a power
 * disconnection notice goes to the invoice address AND is told personally (an SMS or e-mail alert).
 *
 * Power and broadband differ by law: § 48 a governs disconnecting a power meter (only the grid company may); for
 * broadband no statutory notice content was found (ekomloven), so a broadband suspension notice has no legal list and
 * follows the contract terms (its statements are courtesies).
 */
import { addDays, compareLocalDates } from "../domain/calendar";
import type { RuleSet, ServiceKind } from "../domain/rules/rule-set";
import { DomainError } from "../domain/errors";
import { formatLetterAmount, formatLetterDate } from "./letter-format";
import type { LetterKind, LetterModel } from "./letter-model";
import type { LetterStatement } from "./letter-text";

export type StatementId =
  // reminder (purring)
  | "claim-subject"
  | "claim-amount"
  | "payment-deadline"
  // collection notice (inkassovarsel)
  | "deadline-14-days"
  | "collection-warning"
  // payment demand (betalingsoppfordring)
  | "creditor-name"
  | "pay-or-object"
  | "principal-and-additions"
  | "interest-rate-and-start"
  | "consequences"
  | "complaint-board"
  // power suspension notice (varsel om stenging)
  | "clear-marking"
  | "pay-within-notice-period"
  | "contact-danger"
  | "contact-dispute"
  | "disconnection-costs"
  | "social-services";

export interface LegalRequirement {
  readonly id: StatementId;
  /** What the letter must say, in plain English. */
  readonly requirement: string;
  /** The paragraph it comes from. */
  readonly basis: string;
}

const REQUIREMENTS: Readonly<Record<LetterKind, readonly LegalRequirement[]>> = {
  reminder: [
    // inkassoforskriften § 1-2: a reminder fee only for a written reminder that states the amount and what the claim is for
    { id: "claim-subject", requirement: "States what the claim is for", basis: "inkassoforskriften § 1-2" },
    // inkassoforskriften § 1-2: … and the amount
    { id: "claim-amount", requirement: "States the amount owed", basis: "inkassoforskriften § 1-2" },
    // inkassoforskriften § 1-3: the next fee waits for this letter's deadline, so the deadline must be stated
    { id: "payment-deadline", requirement: "States the payment deadline as a date", basis: "inkassoforskriften § 1-3" },
  ],
  "collection-notice": [
    // inkassoloven § 9 første ledd: written notice after the due date asking the debtor to pay the claim
    { id: "claim-subject", requirement: "States what the claim is for", basis: "inkassoloven § 9" },
    // inkassoloven § 9 første ledd: … to pay the claim (the amount)
    { id: "claim-amount", requirement: "States the amount owed", basis: "inkassoloven § 9" },
    // inkassoloven § 9 første ledd: a deadline of at least 14 days from when the notice was sent
    {
      id: "deadline-14-days",
      requirement: "Gives a deadline at least 14 days from the day the notice is sent, as a date",
      basis: "inkassoloven § 9",
    },
    // inkassoloven § 9 første ledd: the notice must say that collection starts if payment is not made by the deadline
    {
      id: "collection-warning",
      requirement: "Says clearly that the claim is sent to collection if it is not paid by the deadline",
      basis: "inkassoloven § 9",
    },
  ],
  "payment-demand": [
    // inkassoloven § 10 første ledd: pay or object within at least 14 days
    {
      id: "pay-or-object",
      requirement: "Asks the debtor to pay or object within a deadline of at least 14 days, as a date",
      basis: "inkassoloven § 10 første ledd",
    },
    // inkassoloven § 10 bokstav a: the creditor's name
    { id: "creditor-name", requirement: "Names the creditor", basis: "inkassoloven § 10 bokstav a" },
    // inkassoloven § 10 bokstav b: what the claim is for
    { id: "claim-subject", requirement: "States what the claim is for", basis: "inkassoloven § 10 bokstav b" },
    // inkassoloven § 10 bokstav c: the amount, with the principal and the additions (interest, costs) shown separately
    {
      id: "principal-and-additions",
      requirement: "States the amount with the principal and each addition (fees, interest) separately",
      basis: "inkassoloven § 10 bokstav c",
    },
    // inkassoloven § 10 bokstav d: the late-interest rate used and the date interest is computed from
    {
      id: "interest-rate-and-start",
      requirement: "States the late-interest rate used and the date interest runs from",
      basis: "inkassoloven § 10 bokstav d",
    },
    // inkassoloven § 10 bokstav e: not paying may lead to further costs and to legal collection
    {
      id: "consequences",
      requirement: "Says that not paying may lead to further costs and to legal collection",
      basis: "inkassoloven § 10 bokstav e",
    },
    // inkassoloven § 10 bokstav f and § 22: the right to have the dispute heard by the complaint board
    {
      id: "complaint-board",
      requirement: "Tells the debtor of the right to have the case heard by the complaint board",
      basis: "inkassoloven § 10 bokstav f, § 22",
    },
  ],
  "suspension-notice": [
    // forbrukerkjøpsloven § 48 a: the notice may share a letter with a reminder or notice, but must be clearly marked
    {
      id: "clear-marking",
      requirement: "Is clearly marked as a notice of disconnection",
      basis: "forbrukerkjøpsloven § 48 a",
    },
    // forbrukerkjøpsloven § 48 a: paying within 4 weeks (business customers: 2 weeks) avoids disconnection
    {
      id: "pay-within-notice-period",
      requirement: "Says that paying within the notice period (4 weeks for consumers) avoids disconnection",
      basis: "forbrukerkjøpsloven § 48 a",
    },
    // forbrukerkjøpsloven § 48 a: get in touch if disconnection endangers life, health or property
    {
      id: "contact-danger",
      requirement: "Asks the customer to get in touch if disconnection may endanger life, health or property",
      basis: "forbrukerkjøpsloven § 48 a",
    },
    // forbrukerkjøpsloven § 48 a: get in touch if the customer disputes the claim
    {
      id: "contact-dispute",
      requirement: "Asks the customer to get in touch if they dispute the claim",
      basis: "forbrukerkjøpsloven § 48 a",
    },
    // forbrukerkjøpsloven § 48 a: disconnection and reconnection costs may be charged
    {
      id: "disconnection-costs",
      requirement: "Says that the costs of disconnecting and reconnecting may be charged",
      basis: "forbrukerkjøpsloven § 48 a",
    },
    // forbrukerkjøpsloven § 48 a: social services (sosialtjenesten) can be contacted
    {
      id: "social-services",
      requirement: "Says that the social services (sosialtjenesten) can be contacted",
      basis: "forbrukerkjøpsloven § 48 a",
    },
  ],
};

const POWER_DISCONNECTION = "forbrukerkjøpsloven § 48 a";

/**
 * The statements the law requires in a letter of `kind`, each with its paragraph. A suspension notice's list is the
 * power one (§ 48 a) unless `service` says broadband, which has none (no statutory notice content; contract terms).
 */
export function lawfulContent(kind: LetterKind, service?: ServiceKind): readonly LegalRequirement[] {
  if (kind === "suspension-notice" && service === "broadband") return [];
  return REQUIREMENTS[kind];
}

/** The service a suspension notice concerns, or undefined for the other letters. */
function serviceOf(letter: { kind: LetterKind; suspension?: { service: ServiceKind } }): ServiceKind | undefined {
  return letter.kind === "suspension-notice" ? letter.suspension?.service : undefined;
}

/** Whether `letter` announces the disconnection of a power meter (forbrukerkjøpsloven § 48 a). */
export function isPowerDisconnectionNotice(letter: {
  kind: LetterKind;
  suspension?: { service: ServiceKind };
}): boolean {
  return serviceOf(letter) === "power-meter";
}

/** Channels that count as telling the customer personally, besides the written notice. */
export type PersonalAlertChannel = "sms" | "email";

/** How a letter must reach the customer, beyond being in writing (which every letter of this folder is). */
export interface LawfulDelivery {
  /**
   * The written notice must go to the customer's invoice address (where the invoices go), whatever else is sent —
   * an alert with a link to a portal does not replace it.
   */
  readonly writtenToInvoiceAddress: boolean;
  /**
   * Besides the written notice, the customer must also be told personally: an alert by one of
   * `personalAlertChannels` (an addition to the letter, never instead of it). Until that alert has gone out, the
   * notice is not complete and the disconnection it announces may not be carried out.
   */
  readonly requiresPersonalAlert: boolean;
  /** Where a personal alert may go, in order of preference; empty when none is required. */
  readonly personalAlertChannels: readonly PersonalAlertChannel[];
  /** The paragraph behind these requirements, or null when the law asks for nothing beyond a written letter. */
  readonly basis: string | null;
}

const NO_EXTRA_DELIVERY: LawfulDelivery = {
  writtenToInvoiceAddress: false,
  requiresPersonalAlert: false,
  personalAlertChannels: [],
  basis: null,
};

const POWER_NOTICE_DELIVERY: LawfulDelivery = {
  writtenToInvoiceAddress: true,
  requiresPersonalAlert: true,
  personalAlertChannels: ["sms", "email"],
  basis: `${POWER_DISCONNECTION}: written notice to the invoice address, and the customer told personally too`,
};

/**
 * How `letter` must be delivered: a power disconnection notice in writing to the invoice address AND personally (an
 * SMS or e-mail alert); every other letter has no requirement beyond being written. Takes a validated model or the
 * input built for one (only `kind` and `suspension.service` are read).
 */
export function lawfulDelivery(letter: { kind: LetterKind; suspension?: { service: ServiceKind } }): LawfulDelivery {
  return isPowerDisconnectionNotice(letter) ? POWER_NOTICE_DELIVERY : NO_EXTRA_DELIVERY;
}

export class UnlawfulLetter extends DomainError {
  readonly code = "UNLAWFUL_LETTER";
}

/**
 * What makes `model` unlawful under `rules` (empty when it is lawful): deadlines shorter than the minimum for the
 * kind, a fee on a reminder or notice sent too soon after the due date, a power suspension notice with less than
 * the statutory notice period. The rule set's `source` is quoted in each reason.
 */
export function lawfulnessProblems(model: LetterModel, rules: RuleSet): string[] {
  const problems: string[] = [];
  const { timing, suspension } = rules;

  if (model.kind !== "suspension-notice") {
    const minDays = timing.minDeadlineDays.value[model.kind];
    if (compareLocalDates(model.deadline, addDays(model.sentDate, minDays)) < 0) {
      problems.push(
        `deadline: a ${model.kind} needs a deadline at least ${minDays} days after it is sent (${timing.minDeadlineDays.source})`,
      );
    }
  }

  if (model.kind === "reminder" || model.kind === "collection-notice") {
    const firstFeeDay = addDays(model.claim.dueDate, timing.firstFeeMinDaysAfterDue.value);
    const feeNow = model.amounts.fees.some((f) => f.chargedOn === undefined || f.chargedOn === model.sentDate);
    if (feeNow && compareLocalDates(model.sentDate, firstFeeDay) < 0) {
      problems.push(
        `amounts.fees: no fee on a letter sent before ${firstFeeDay} (${timing.firstFeeMinDaysAfterDue.source})`,
      );
    }
  }

  if (model.kind === "suspension-notice") {
    const notice = suspension.noticeDays[model.suspension.service];
    const days = notice.value[model.suspension.customerKind];
    if (compareLocalDates(model.deadline, addDays(model.sentDate, days)) < 0) {
      problems.push(
        `deadline: the customer must have at least ${days} days to pay before disconnection (${notice.source})`,
      );
    }
  }
  return problems;
}

/** What `contentProblems` reads of a statement. */
export type StatementText = Pick<LetterStatement, "id" | "text" | "placement">;

/**
 * What the words written for `model` (`letterStatements(model)`) lack (empty when nothing): a statement for every
 * requirement of `lawfulContent`, and — for a power disconnection notice (§ 48 a) — the facts each element must
 * carry: the marking printed as the marking, the amount owed, the payment deadline and the first day of
 * disconnection, our contact details for danger and for objections, the fees stated for disconnecting and
 * reconnecting, and the social services (sosialtjenesten, NAV).
 */
export function contentProblems(model: LetterModel, statements: readonly StatementText[]): string[] {
  const problems: string[] = [];
  const service = serviceOf(model);
  const textOf = (id: StatementId) => statements.find((s) => s.id === id && s.text.trim() !== "");
  for (const r of lawfulContent(model.kind, service)) {
    if (!textOf(r.id)) problems.push(`${r.id}: the letter does not say it — "${r.requirement}" (${r.basis})`);
  }
  if (model.kind !== "suspension-notice" || service !== "power-meter") return problems;

  const lang = model.language;
  const { phone, email, web } = model.creditor.contact;
  const contact = [phone, email, web].filter((c): c is string => c !== undefined);
  const facts: { id: StatementId; what: string; present: (s: StatementText) => boolean }[] = [
    {
      id: "clear-marking",
      what: "the marking box it must be printed in, to stand out",
      present: (s) => s.placement === "marking",
    },
    {
      id: "pay-within-notice-period",
      what: "the amount owed, the payment deadline and the first day of disconnection",
      present: (s) =>
        [
          formatLetterAmount(model.amounts.totalDue, lang),
          formatLetterDate(model.deadline, lang),
          formatLetterDate(model.suspension.earliestDisconnectionDate, lang),
        ].every((fact) => s.text.includes(fact)),
    },
    { id: "contact-danger", what: "how to contact us", present: (s) => contact.some((c) => s.text.includes(c)) },
    { id: "contact-dispute", what: "how to contact us", present: (s) => contact.some((c) => s.text.includes(c)) },
    {
      id: "disconnection-costs",
      what: "the fees for disconnecting and reconnecting",
      present: (s) =>
        [model.suspension.disconnectionFee, model.suspension.reconnectionFee].every(
          (fee) => fee === undefined || s.text.includes(formatLetterAmount(fee, lang)),
        ),
    },
    {
      id: "social-services",
      what: "the social services (sosialtjenesten) at NAV",
      present: (s) => s.text.includes("sosialtjenesten") && s.text.includes("NAV"),
    },
  ];
  for (const f of facts) {
    const statement = textOf(f.id);
    if (statement && !f.present(statement)) {
      problems.push(`${f.id}: the statement lacks ${f.what} (${POWER_DISCONNECTION})`);
    }
  }
  return problems;
}

/**
 * Throws UnlawfulLetter when `lawfulnessProblems` (given `rules`) or `contentProblems` (given the `statements`
 * written for the model) finds anything.
 */
export function assertLawful(model: LetterModel, rules?: RuleSet, statements?: readonly StatementText[]): void {
  const problems = [
    ...(rules ? lawfulnessProblems(model, rules) : []),
    ...(statements ? contentProblems(model, statements) : []),
  ];
  if (problems.length > 0) {
    throw new UnlawfulLetter(`The ${model.kind} would be unlawful: ${problems.join("; ")}`, {
      kind: model.kind,
      problems,
    });
  }
}
