/**
 * The letter a ladder step sends, as a letter model: built from the stored case, the creditor, the planned step (its
 * amounts, fee, deadline and services), the rule set (the late-interest rate) and the letterhead, with the pay link to
 * print. Pure; rendering, archiving and delivery are the use case's (execute-step.ts).
 *
 * Text from the case is clipped to what the letter model allows; invoice lines are itemised only when they add up to
 * the principal; fees charged by earlier letters are listed one by one when they are what is still outstanding.
 */
import { minSidePin } from "../min-side/pin";
import { addDays, type LocalDate } from "../../domain/calendar";
import { feeHistoryOf, type Case, type ExecutedStep } from "../../domain/case";
import { mayChargeFee } from "../../domain/fees";
import { isFeeKind } from "../../domain/policy";
import { money, sum } from "../../domain/money";
import { amountsOn, type ActionKind, type PlannedAction } from "../../domain/planner";
import { lateInterestRateOn, type RuleSet } from "../../domain/rules";
import type { LetterFee, LetterKind, LetterModelInput, Letterhead, PostalAddress } from "../../letters";
import type { CaseRecord } from "../../ports/case-store";
import type { Tenant } from "../../ports/tenant-store";
import { languageIn } from "../case-context";

/** The ladder steps that send a letter. */
export const LETTER_STEPS: readonly ActionKind[] = [
  "reminder",
  "collection-notice",
  "payment-demand",
  "suspension-notice",
];

const FEE_ON_LETTER = {
  reminder: "reminder-fee",
  "collection-notice": "collection-notice-fee",
  "payment-demand": "payment-demand-fee",
} as const;

/**
 * A legal basis as a letter's fee line cites it: the statute and its sections only — the part before the first ":" or
 * ";", without the rule set's notes in brackets ("inkassoforskriften §§ 1-2, 1-3 (claims falling due on or after
 * 2020-10-01)" → "inkassoforskriften §§ 1-2, 1-3"), which are written for us in English, not for the debtor; at most
 * 80 characters.
 */
export function letterBasis(basis: string): string {
  const head = (basis.split(/[:;]/u)[0] ?? basis).replace(/\s*\([^)]*\)/gu, "").trim() || basis.trim();
  return head.length <= 80 ? head : `${head.slice(0, 79)}…`;
}

/**
 * The case number a letter prints (Saksnummer): the last nine digits of the case's KID, in groups of three
 * ("482 109 375"). Short enough to read out on the phone, the same for the case for ever, and found again from the
 * KID the debtor also has (its tail); the internal case id is a long hash no one can read out.
 */
export function letterCaseNumber(kid: string): string {
  const tail = kid.slice(-9);
  return tail.replace(/\B(?=(\d{3})+$)/gu, "\u00a0");
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The debtor's address for the envelope window: at most three lines, the country only for an address abroad. */
function letterAddress(c: Case, address: NonNullable<CaseRecord["customer"]["address"]>): PostalAddress {
  const country = address.country.trim();
  const domestic =
    country === "" ||
    ["NO", "NOR", "NORGE", "NORWAY"].includes(country.toUpperCase()) ||
    country.toUpperCase() === c.country;
  return {
    lines: address.lines.slice(0, 3).map((l) => clip(l, 60)),
    postalCode: address.postalCode,
    city: clip(address.city, 40),
    ...(domestic ? {} : { country: clip(country, 40) }),
  };
}

function feesOnLetter(c: Case, action: PlannedAction): LetterFee[] {
  const fees: LetterFee[] = [];
  const outstanding = action.amounts.fees;
  if (outstanding.value > 0) {
    const entries = c.ledger.flatMap((e) => (e.type === "fee" ? [e] : []));
    const charged = sum(
      entries.map((e) => e.amount),
      c.currency,
    );
    if (charged.value === outstanding.value) {
      for (const e of entries)
        fees.push({
          kind: FEE_ON_LETTER[e.feeKind],
          amount: e.amount,
          legalBasis: letterBasis(e.legalBasis),
          chargedOn: e.on,
        });
    } else {
      fees.push({
        kind: "other",
        label: languageIn(c.country) === "nb" ? "Gjenstående gebyrer" : "Outstanding fees",
        amount: outstanding,
        legalBasis: languageIn(c.country) === "nb" ? "tidligere brev" : "earlier letters",
      });
    }
  }
  if (action.fee && action.fee.amount.value > 0 && action.kind in FEE_ON_LETTER) {
    fees.push({
      kind: FEE_ON_LETTER[action.kind as keyof typeof FEE_ON_LETTER],
      amount: action.fee.amount,
      legalBasis: letterBasis(action.fee.legalBasis),
    });
  }
  return fees;
}

function interestOnLetter(c: Case, action: PlannedAction, rules: RuleSet): LetterModelInput["amounts"]["interest"] {
  const amount = action.amounts.interest;
  if (amount.value <= 0) return null;
  const from = addDays(c.dueDate, 1);
  const missing = action.amounts.interestRatesMissingFrom;
  const to: LocalDate = missing !== null && missing <= action.on ? addDays(missing, -1) : action.on;
  const rate =
    lateInterestRateOn(rules, to) ??
    [...rules.lateInterest.rates]
      .filter((r) => r.from <= to)
      .sort((a, b) => (a.from < b.from ? -1 : 1))
      .at(-1);
  return { amount, annualRatePercent: rate?.annualRatePercent ?? 0, fromDate: from, toDate: to < from ? from : to };
}

export interface LetterForStep {
  record: CaseRecord;
  tenant: Tenant;
  /** A planned letter step (one of LETTER_STEPS). */
  action: PlannedAction;
  rules: RuleSet;
  letterhead: Letterhead;
  payLink: string;
  /**
   * The letter's date, the day it is expected to reach the debtor (by post: the day the print house posts it), and
   * the deadline printed on it; default the step's day and the planned deadline.
   */
  dates?: { sentDate: LocalDate; deadline?: LocalDate };
  /** `MINSIDE_PIN_SECRET`: with it the letter prints the case number (KID) and PIN for Min side. */
  minSidePinSecret?: string;
}

/** The model of the letter the step sends (without a postal address for a letter that only goes electronically). */
export function letterForStep({
  record,
  tenant,
  action,
  rules,
  letterhead,
  payLink,
  dates,
  minSidePinSecret,
}: LetterForStep): LetterModelInput {
  const c = record.case;
  const kind = action.kind as LetterKind;
  const address = record.customer.address;
  const language = languageIn(c.country);
  const principal = action.amounts.principal;
  const linesTotal = sum(
    c.lines.map((l) => l.amount),
    c.currency,
  );
  const lines =
    linesTotal.value === principal.value && c.lines.length <= 30
      ? c.lines.map((l) => ({ description: clip(l.description, 120), amount: l.amount }))
      : [];
  const sentDate = dates?.sentDate ?? action.on;
  const deadline = dates?.deadline ?? action.deadline ?? addDays(sentDate, 14);
  const common = {
    creditor: {
      name: clip(tenant.name, 100),
      orgNumber: tenant.orgNumber,
      address: letterhead.address,
      accountNumber: letterhead.accountNumber,
      contact: letterhead.contact,
    },
    debtor: { name: clip(record.customer.name, 100), ...(address ? { address: letterAddress(c, address) } : {}) },
    claim: {
      invoiceNumber: record.invoiceNumber,
      caseReference: letterCaseNumber(record.kid),
      issueDate: c.issueDate,
      dueDate: c.dueDate,
      description: clip(c.lines.map((l) => l.description).join("; "), 200),
      lines,
    },
    amounts: {
      principal,
      fees: feesOnLetter(c, action),
      interest: interestOnLetter(c, action, rules),
      payments: [],
      totalDue: action.amounts.totalWithFee,
    },
    payment: {
      account: letterhead.accountNumber,
      kid: record.kid,
      payLink,
      ...(minSidePinSecret
        ? { minSide: { kid: record.kid, pin: minSidePin(minSidePinSecret, record.tenantId, record.caseId) } }
        : {}),
    },
    sentDate,
    deadline,
    language,
  };
  if (kind !== "suspension-notice") return { kind, ...common };
  const services = c.services.filter((s) => (action.serviceIds ?? []).includes(s.serviceId));
  const service = services[0]?.kind ?? "broadband";
  return {
    kind,
    ...common,
    suspension: {
      service,
      serviceDescription: clip(
        `${language === "nb" ? "Tjeneste" : "Service"} ${services.map((s) => s.serviceId).join(", ")}`,
        200,
      ),
      earliestDisconnectionDate: addDays(deadline, 1),
      customerKind: c.debtor.kind,
    },
  };
}

/**
 * The letter step `step` (recorded, not delivered) as a planned action on `on`, to write it again for a new attempt:
 * what the case owes that day with the step's pending fee, if the rules still allow that fee on that day.
 */
export function actionForResend(c: Case, step: ExecutedStep, on: LocalDate, now: Date, rules: RuleSet): PlannedAction {
  const others: Case = { ...c, steps: c.steps.filter((s) => s !== step) };
  const pending = step.pendingFee ?? null;
  const decision =
    pending !== null && pending.value > 0 && c.status === "open" && isFeeKind(step.kind)
      ? mayChargeFee(feeHistoryOf(others), step.kind, on, rules)
      : null;
  const fee =
    decision?.allowed && pending
      ? { amount: pending.value > decision.amount.value ? decision.amount : pending, legalBasis: decision.legalBasis }
      : undefined;
  return {
    kind: step.kind,
    stepIndex: step.stepIndex,
    at: now,
    on,
    channels: [],
    amounts: amountsOn(c, on, rules, fee?.amount ?? money(0, c.currency)),
    ...(fee ? { fee } : {}),
    legalBasis: "",
    ...(step.deadlineDays !== undefined ? { deadline: addDays(on, step.deadlineDays) } : {}),
    serviceIds: step.serviceIds,
  };
}
