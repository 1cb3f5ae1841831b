/**
 * What the pay page and its receipt show: plain data the use cases prepare (pay-page.ts, receipt.ts in this folder)
 * and the renderers in shared/web turn into HTML. The application owns these views, so shared/web imports them from
 * here (never the other way round). No I/O, no clock, no settings here.
 */
import type { CaseStatus } from "../../domain/case";
import type { ActionKind, StepKind } from "../../domain/policy";
import type { FeeKind } from "../../domain/rules/rule-set";
import type { LocalDate } from "../../domain/calendar";
import type { Money } from "../../domain/money";
import type { PaymentMethod } from "../../ports/payment-provider";
import type { ServiceProgress } from "../services/service-progress";

/**
 * Where a claim stands in the debtor's own words — what the last message or letter called it: the Let's pay SMS
 * (an invoice), a reminder (purring), a collection notice (inkassovarsel), or a claim in collection (a payment demand
 * or later: Betal nå). The pay page's heading and buttons say the same.
 */
export type DebtorStage = "lets-pay" | "reminder" | "collection-notice" | "collection";

/** A letter of the case the debtor may open from the pay page (`/p/{token}/letters/{caseId}/{documentId}`). */
export interface LetterLink {
  caseId: string;
  documentId: string;
  kind: StepKind;
  /** The day the letter was sent (or produced, while it is on its way). */
  on: LocalDate;
}

/** One fee as the letter that added it charged it. */
export interface FeeLine {
  kind: FeeKind;
  amount: Money;
  /** The letter that added it, when it is archived. */
  letter?: LetterLink;
}

/** How debtors reach someone: at least one of phone, e-mail and web. */
export interface ContactView {
  name?: string;
  phone?: string;
  email?: string;
  web?: string;
}

export interface PayPageCase {
  caseId: string;
  invoiceNumber: string;
  /** The invoice lines' descriptions, e.g. "Strøm oktober 2026". */
  description: string;
  /** The KID (shown for those who pay from their bank; never required here). */
  kid: string;
  dueDate: LocalDate;
  /** The invoice as issued (sum of its lines). */
  invoiced: Money;
  /** What is owed today: principal, fees (reminder fee, collection costs), interest, total. */
  balance: { principal: Money; fees: Money; interest: Money; total: Money };
  status: CaseStatus;
  /** The case has reached collection (collection notice or later): Betal nå options apply. */
  inCollection: boolean;
  /** A service (broadband, power) of this case is suspended. */
  serviceSuspended: boolean;
  /** What the last message or letter called the claim. */
  stage: DebtorStage;
  /** Each fee charged, with the letter that added it (they add up to `balance.fees` plus `feesPaid`). */
  feeLines: FeeLine[];
  /** The part of the fees already paid (shown as its own line, so the lines add up). */
  feesPaid: Money;
}

export type PayOptionView =
  /** Pay everything owed on the link's cases: closes them at once. */
  | { kind: "full"; amount: Money }
  /** The instalment of the agreed plan that is due now (or next). */
  | { kind: "instalment"; amount: Money; dueDate: LocalDate }
  /** The least that reopens the suspended service today ("pay X to reopen today"). */
  | { kind: "reopen"; amount: Money }
  /** Any amount between min (the creditor's minimum, NOK 100 by default) and max (the total owed). */
  | { kind: "custom"; min: Money; max: Money };

export interface PayPageView {
  /** The token from the URL: the page's forms post back to `/p/{token}/pay`. */
  token: string;
  creditor: { name: string; logoUrl?: string };
  cases: PayPageCase[];
  /** The sum of the cases' balances today. */
  total: Money;
  /** Empty when nothing is owed (every case paid): the page then says so. */
  options: PayOptionView[];
  /** Payment methods offered (empty when no provider is configured: the page then shows account and KID only). */
  methods: PaymentMethod[];
  /** The account KID payments go to, when known (shown with the KID). */
  accountNumber?: string;
  /** When the link stops working (ISO instant); shown as a date. */
  expiresAt: string;
  today: LocalDate;
  /** The stage of the most advanced owing case: the page's heading and buttons use its words. */
  stage: DebtorStage;
  /** How debtors reach the creditor (its own contact details; absent when it has given none). */
  creditorContact?: ContactView;
  /** How debtors reach the agency that runs the pay page and sends the letters (the platform's letterhead). */
  agencyContact?: ContactView;
}

/** Why a pay form was refused; the page is shown again with the message beside the field (and 422). */
export type PayFormErrorCode =
  | "METHOD_INVALID"
  | "OPTION_UNAVAILABLE"
  | "AMOUNT_MISSING"
  | "AMOUNT_INVALID"
  | "AMOUNT_BELOW_MINIMUM"
  | "AMOUNT_ABOVE_BALANCE"
  | "COVER_INVALID"
  | "PROVIDER_UNAVAILABLE";

export interface PayFormError {
  /** The form field it is about (the renderer puts the message next to it and focuses it). */
  field: "method" | "option" | "amount" | "cover";
  code: PayFormErrorCode;
  /** Amounts the message names (e.g. the minimum). */
  params?: { min?: Money; max?: Money };
}

/** What the debtor had filled in, to keep it when the form is shown again. */
export interface PayFormValues {
  method?: string;
  option?: string;
  amount?: string;
  cover?: string;
}

export type ReceiptState = "pending" | "paid" | "failed";

/** What one payment covered on the link's cases, summed (the cases' allocation: fees, interest, principal, credit). */
export interface PaymentCoverage {
  fees: Money;
  interest: Money;
  principal: Money;
  /** Beyond what was owed: the debtor's credit. */
  credit: Money;
}

export interface ReceiptView {
  token: string;
  creditor: { name: string; logoUrl?: string };
  state: ReceiptState;
  /** The payment the receipt is for (absent when the page is opened without a reference). */
  payment?: {
    reference: string;
    amount: Money;
    method: PaymentMethod;
    failureReason?: string;
    /** When it was received and applied (ISO instant; shown in Europe/Oslo). */
    paidAt?: string;
    /** What it covered, once applied. */
    covered?: PaymentCoverage;
  };
  /** Something is still owed on the paid cases after this payment: a part payment ("Delbetaling mottatt"). */
  partial?: boolean;
  /** The cases after the payment: what is still owed and their status. */
  cases: Array<{
    invoiceNumber: string;
    balance: Money;
    status: CaseStatus;
    /** Paid beyond what was owed (two tabs both paying) and not refunded: the creditor refunds it or keeps it. */
    credit?: Money;
    /** While something is owed: the next step of the ladder and its day (the planner's), if one is planned. */
    next?: { kind: ActionKind; on: LocalDate };
  }>;
  /** How debtors reach the creditor and the agency (as on the pay page). */
  creditorContact?: ContactView;
  agencyContact?: ContactView;
  /** The suspended services of the paid cases: reopened (when), reopening, delayed, or still closed and why. */
  services: ServiceProgress[];
  /** Seconds until the page refreshes itself while pending or while a service is being reopened (meta refresh: works without JavaScript). */
  refreshSeconds?: number;
}
