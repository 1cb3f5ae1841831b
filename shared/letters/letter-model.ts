/**
 * What a letter says, as data: one zod-typed model per letter kind.
 *
 * reminder = purring, collection-notice = inkassovarsel, payment-demand = betalingsoppfordring,
 * suspension-notice = varsel om stenging (forbrukerkjøpsloven § 48 a).
 *
 * The schema checks that a model is internally consistent (one currency, amounts that add up, dates in order).
 * Whether the dates and fees are *lawful* for the rule set in force is checked by `lawfulnessProblems` in
 * `lawful-content.ts`, which takes its numbers from the legal rule set rather than from literals here.
 *
 * Personal data (the debtor's name and address) lives only in the letter itself: nothing in this folder logs, and
 * validation errors carry paths and messages, never the values.
 */
import { z } from "zod";
import type { Currency } from "../domain/money";
import { Money, add, subtract, sum, zero } from "../domain/money";
import { LocalDate, compareLocalDates } from "../domain/calendar";
import { NorwegianAccount } from "../domain/identifiers/bank-account";
import { Kid } from "../domain/identifiers/kid";
import { OrgNumber } from "../domain/identifiers/org-number";
import { DebtorKind, ServiceKind } from "../domain/rules/rule-set";
import { DomainError } from "../domain/errors";
import { isPrintable } from "./printable-text";
import { CreditorContact, Letterhead, PostalAddress } from "../domain/letterhead";

export { CreditorContact, Letterhead, PostalAddress };

export const LetterKind = z.enum(["reminder", "collection-notice", "payment-demand", "suspension-notice"]);
export type LetterKind = z.infer<typeof LetterKind>;

export const LetterLanguage = z.enum(["nb", "en"]);
export type LetterLanguage = z.infer<typeof LetterLanguage>;

const Text = z.string().trim().min(1).max(200);

export const Creditor = z.object({
  name: Text.max(100),
  orgNumber: OrgNumber,
  address: PostalAddress,
  accountNumber: NorwegianAccount,
  contact: CreditorContact,
});
export type Creditor = z.infer<typeof Creditor>;

export const Debtor = z.object({
  name: Text.max(100),
  /** Absent for a letter that only goes electronically (e-mail, digital mailbox): the window shows the name alone. */
  address: PostalAddress.optional(),
});
export type Debtor = z.infer<typeof Debtor>;

export const InvoiceLine = z.object({
  description: Text.max(120),
  /** May be negative (a credit note line). */
  amount: Money,
});
export type InvoiceLine = z.infer<typeof InvoiceLine>;

export const Claim = z.object({
  invoiceNumber: z.string().trim().min(1).max(40),
  /** Our case reference, printed beside the invoice number when given (never personal data). */
  caseReference: z.string().trim().min(1).max(40).optional(),
  issueDate: LocalDate,
  dueDate: LocalDate,
  /** What the claim is for, in words the debtor recognises ("strøm for oktober 2026"). */
  description: Text,
  /** The invoice lines; when given they must add up to the principal. */
  lines: z.array(InvoiceLine).max(30).default([]),
});
export type Claim = z.infer<typeof Claim>;

export const FeeKindOnLetter = z.enum(["reminder-fee", "collection-notice-fee", "payment-demand-fee", "other"]);
export type FeeKindOnLetter = z.infer<typeof FeeKindOnLetter>;

export const LetterFee = z
  .object({
    kind: FeeKindOnLetter,
    /** Overrides the default label of the kind; required for "other". */
    label: Text.max(80).optional(),
    amount: Money,
    /** Where the right to charge it comes from, e.g. "inkassoforskriften § 1-2". */
    legalBasis: Text.max(80),
    /** The letter the fee was charged for, when it was an earlier one (e.g. the reminder fee on a notice). */
    chargedOn: LocalDate.optional(),
  })
  .refine((f) => f.kind !== "other" || f.label !== undefined, {
    message: "a fee of kind other needs a label",
    path: ["label"],
  })
  .refine((f) => f.amount.value > 0, { message: "a fee must be a positive amount", path: ["amount"] });
export type LetterFee = z.infer<typeof LetterFee>;

export const LetterInterest = z
  .object({
    amount: Money,
    /** Annual rate in percent, e.g. 12.25 (forsinkelsesrente: policy rate + 8 pp). */
    annualRatePercent: z.number().nonnegative().max(100),
    /** The first day interest runs (inkassoloven § 10 d: "dato det er beregnet forsinkelsesrente fra"). */
    fromDate: LocalDate,
    /** Interest is computed up to and including this day. */
    toDate: LocalDate,
    legalBasis: Text.max(80).default("forsinkelsesrenteloven § 3"),
  })
  .refine((i) => compareLocalDates(i.fromDate, i.toDate) <= 0, {
    message: "interest must start on or before it ends",
    path: ["toDate"],
  })
  .refine((i) => i.amount.value >= 0, { message: "interest cannot be negative", path: ["amount"] });
export type LetterInterest = z.infer<typeof LetterInterest>;

export const PaymentReceived = z.object({
  date: LocalDate,
  /** A positive amount received. */
  amount: Money.refine((m) => m.value > 0, { message: "a payment received must be positive" }),
});
export type PaymentReceived = z.infer<typeof PaymentReceived>;

export const LetterAmounts = z.object({
  /** Hovedkrav: the claim itself. */
  principal: Money,
  /** Tilleggskrav: each fee with its legal basis. */
  fees: z.array(LetterFee).max(10).default([]),
  /** Forsinkelsesrente, or null when none is claimed. */
  interest: LetterInterest.nullable().default(null),
  payments: z.array(PaymentReceived).max(30).default([]),
  /** principal + fees + interest − payments; checked. */
  totalDue: Money,
});
export type LetterAmounts = z.infer<typeof LetterAmounts>;

export const PaymentDetails = z.object({
  account: NorwegianAccount,
  kid: Kid,
  /** The short pay link ({PUBLIC_BASE_URL}/p/{token}). */
  payLink: z.url({ protocol: /^https?$/ }),
  /**
   * Signing in to Min side with this one case (issue 15): its KID (the number the debtor pays with, printed above)
   * and its derived PIN. Not the letter's "Saksnummer" (the short case reference in the header).
   */
  minSide: z.object({ kid: z.string().regex(/^[0-9]{2,25}$/u), pin: z.string().regex(/^[0-9]{8}$/u) }).optional(),
});
export type PaymentDetails = z.infer<typeof PaymentDetails>;

export const SuspensionDetails = z.object({
  service: ServiceKind,
  /** Which supply, in the debtor's words: "Storgata 1, 0150 Oslo (målepunkt 707057500012345678)". */
  serviceDescription: Text,
  /** The first day the service may be disconnected; after the payment deadline. */
  earliestDisconnectionDate: LocalDate,
  /** Consumers get 4 weeks (forbrukerkjøpsloven § 48 a), business customers 2 weeks. */
  customerKind: DebtorKind,
  /**
   * What the creditor charges for disconnecting and for reconnecting, when it charges a fixed amount. A fee can only
   * be charged when the notice stated it (partner-service-commands.md); the notice always says that the costs may be
   * charged (forbrukerkjøpsloven § 48 a), with these amounts when given.
   */
  disconnectionFee: Money.optional(),
  reconnectionFee: Money.optional(),
});
export type SuspensionDetails = z.infer<typeof SuspensionDetails>;

export const ComplaintBoard = z.object({
  name: Text.max(80),
  web: Text.max(80).optional(),
});
export type ComplaintBoard = z.infer<typeof ComplaintBoard>;

/** Finansklagenemnda handles consumer complaints about licensed collection (finkn.no, "Inkasso"). */
export const DEFAULT_COMPLAINT_BOARD: ComplaintBoard = { name: "Finansklagenemnda", web: "finkn.no" };

const common = {
  creditor: Creditor,
  debtor: Debtor,
  claim: Claim,
  amounts: LetterAmounts,
  payment: PaymentDetails,
  /** The day the letter is sent (no wall clock in here: the caller decides). */
  sentDate: LocalDate,
  /** Pay (or, for a payment demand, pay or object) by this day. */
  deadline: LocalDate,
  language: LetterLanguage.default("nb"),
};

const ReminderModel = z.object({ kind: z.literal("reminder"), ...common });
const CollectionNoticeModel = z.object({ kind: z.literal("collection-notice"), ...common });
const PaymentDemandModel = z.object({
  kind: z.literal("payment-demand"),
  ...common,
  /** Inkassoloven § 10 f: the right to have the dispute heard by the board under § 22. */
  complaintBoard: ComplaintBoard.default(DEFAULT_COMPLAINT_BOARD),
});
const SuspensionNoticeModel = z.object({
  kind: z.literal("suspension-notice"),
  ...common,
  suspension: SuspensionDetails,
});

export const LetterModel = z
  .discriminatedUnion("kind", [ReminderModel, CollectionNoticeModel, PaymentDemandModel, SuspensionNoticeModel])
  .superRefine((model, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
    for (const path of unprintableStrings(model)) {
      issue(path, "contains characters the letter font cannot print (another script, emoji or control characters)");
    }
    const currency = model.amounts.principal.currency;
    const amounts: { path: (string | number)[]; money: Money }[] = [
      { path: ["amounts", "totalDue"], money: model.amounts.totalDue },
      ...model.claim.lines.map((l, i) => ({ path: ["claim", "lines", i, "amount"], money: l.amount })),
      ...model.amounts.fees.map((f, i) => ({ path: ["amounts", "fees", i, "amount"], money: f.amount })),
      ...model.amounts.payments.map((p, i) => ({ path: ["amounts", "payments", i, "amount"], money: p.amount })),
      ...(model.amounts.interest
        ? [{ path: ["amounts", "interest", "amount"], money: model.amounts.interest.amount }]
        : []),
      ...(model.kind === "suspension-notice"
        ? (["disconnectionFee", "reconnectionFee"] as const).flatMap((k) => {
            const fee = model.suspension[k];
            return fee ? [{ path: ["suspension", k], money: fee }] : [];
          })
        : []),
    ];
    const foreign = amounts.filter((a) => a.money.currency !== currency);
    for (const a of foreign) issue(a.path, `every amount must be in ${currency}, the principal's currency`);
    if (foreign.length > 0) return;

    if (model.amounts.principal.value <= 0) issue(["amounts", "principal"], "the principal must be positive");
    if (model.claim.lines.length > 0) {
      const linesTotal = sum(
        model.claim.lines.map((l) => l.amount),
        currency,
      );
      if (linesTotal.value !== model.amounts.principal.value) {
        issue(["claim", "lines"], "the invoice lines must add up to the principal");
      }
    }
    const expected = expectedTotal(model.amounts, currency);
    if (expected.value !== model.amounts.totalDue.value) {
      issue(["amounts", "totalDue"], "totalDue must equal principal + fees + interest − payments received");
    }
    if (model.amounts.totalDue.value <= 0)
      issue(["amounts", "totalDue"], "a letter asking for payment needs a positive total");

    if (compareLocalDates(model.claim.issueDate, model.claim.dueDate) > 0) {
      issue(["claim", "dueDate"], "the due date cannot be before the issue date");
    }
    if (compareLocalDates(model.sentDate, model.claim.dueDate) <= 0) {
      issue(["sentDate"], "a letter about an unpaid claim is sent after the due date");
    }
    if (compareLocalDates(model.deadline, model.sentDate) <= 0) {
      issue(["deadline"], "the deadline must be after the day the letter is sent");
    }
    if (model.amounts.interest && compareLocalDates(model.amounts.interest.fromDate, model.claim.dueDate) <= 0) {
      issue(["amounts", "interest", "fromDate"], "late interest runs from the day after the due date at the earliest");
    }
    if (model.kind === "suspension-notice") {
      if (compareLocalDates(model.suspension.earliestDisconnectionDate, model.deadline) <= 0) {
        issue(["suspension", "earliestDisconnectionDate"], "disconnection can only come after the payment deadline");
      }
      for (const k of ["disconnectionFee", "reconnectionFee"] as const) {
        const fee = model.suspension[k];
        if (fee && fee.value <= 0) issue(["suspension", k], "a fee must be a positive amount");
      }
    }
  });
/** The validated model (defaults applied). */
export type LetterModel = z.infer<typeof LetterModel>;
/** What a caller may pass in (defaults not yet applied). */
export type LetterModelInput = z.input<typeof LetterModel>;

/** Paths of the strings that the standard PDF fonts cannot print. */
function unprintableStrings(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value === "string") return isPrintable(value) ? [] : [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => unprintableStrings(v, [...path, i]));
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => unprintableStrings(v, [...path, k]));
  }
  return [];
}

/** principal + Σ fees + interest − Σ payments received. */
export function expectedTotal(amounts: LetterAmounts, currency: Currency): Money {
  const fees = sum(
    amounts.fees.map((f) => f.amount),
    currency,
  );
  const paid = sum(
    amounts.payments.map((p) => p.amount),
    currency,
  );
  const interest = amounts.interest ? amounts.interest.amount : zero(currency);
  return subtract(add(add(amounts.principal, fees), interest), paid);
}

export class InvalidLetterModel extends DomainError {
  readonly code = "INVALID_LETTER_MODEL";
}

/**
 * Validates `input` and applies defaults. Throws InvalidLetterModel listing the paths and messages only — never the
 * values, which may be personal data.
 */
export function parseLetterModel(input: unknown): LetterModel {
  const result = LetterModel.safeParse(input);
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
    throw new InvalidLetterModel(`Invalid letter model: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`, {
      issues,
    });
  }
  return result.data;
}
