/**
 * What the pay page and its receipt tell a debtor about a case beyond its balance, from the case record: the words
 * of the last message or letter (the debtor's stage), each fee with the letter that added it, and how to reach the
 * creditor and the agency. Pure: no I/O, no clock.
 */
import type { Case } from "../../domain/case";
import { money, sum, subtract, type Money } from "../../domain/money";
import type { CaseRecord } from "../../ports/case-store";
import type { Tenant } from "../../ports/tenant-store";
import type { CreditorContact } from "../../domain/letterhead";
import type { ContactView, DebtorStage, FeeLine, LetterLink } from "./pay-page-model";
import type { StepKind } from "../../domain/policy";

const STAGE_ORDER: readonly DebtorStage[] = ["lets-pay", "reminder", "collection-notice", "collection"];

/** The stage a step's message or letter puts the claim in (steps that are no letter to pay keep the stage). */
function stageOfStep(kind: StepKind): DebtorStage | undefined {
  switch (kind) {
    case "reminder":
      return "reminder";
    case "collection-notice":
      return "collection-notice";
    case "payment-demand":
    case "legal-handoff":
      return "collection";
    default:
      return undefined;
  }
}

/** The furthest stage the case's executed steps reached (a claim handed to collection is "collection"). */
export function debtorStage(c: Case): DebtorStage {
  if (c.status === "handed-off") return "collection";
  return c.steps.reduce<DebtorStage>((stage, step) => {
    const s = stageOfStep(step.kind);
    return s && STAGE_ORDER.indexOf(s) > STAGE_ORDER.indexOf(stage) ? s : stage;
  }, "lets-pay");
}

/** The most advanced of several stages (the page's words follow the claim furthest along). */
export function furthestStage(stages: readonly DebtorStage[]): DebtorStage {
  return stages.reduce<DebtorStage>((a, b) => (STAGE_ORDER.indexOf(b) > STAGE_ORDER.indexOf(a) ? b : a), "lets-pay");
}

/** The archived letter of a ladder step (documents are named `step-{index}-{kind}`). */
export function letterOfStep(record: CaseRecord, stepIndex: number): LetterLink | undefined {
  const doc = record.documents.find((d) => d.documentId.startsWith(`step-${stepIndex}-`));
  if (!doc) return undefined;
  const step = record.case.steps.find((s) => s.stepIndex === stepIndex);
  return {
    caseId: record.caseId,
    documentId: doc.documentId,
    kind: step?.kind ?? (doc.kind as StepKind),
    on: step?.on ?? doc.createdAt.slice(0, 10),
  };
}

/**
 * Each fee on the ledger with the letter that added it, and the part of them already paid (`outstanding` is what
 * the balance says is still owed in fees), so the lines and the paid part add up to what is owed.
 */
export function feeLinesOf(record: CaseRecord, outstanding: Money): { lines: FeeLine[]; paid: Money } {
  const lines: FeeLine[] = record.case.ledger.flatMap((e) => {
    if (e.type !== "fee") return [];
    const letter = letterOfStep(record, e.stepIndex);
    return [{ kind: e.feeKind, amount: e.amount, ...(letter ? { letter } : {}) }];
  });
  const charged = sum(
    lines.map((l) => l.amount),
    outstanding.currency,
  );
  const paid = subtract(charged, outstanding);
  return { lines, paid: paid.value > 0 ? paid : money(0, outstanding.currency) };
}

function contactView(contact: CreditorContact | undefined, name?: string): ContactView | undefined {
  if (!contact) return undefined;
  const view: ContactView = {
    ...(name ? { name } : {}),
    ...(contact.phone ? { phone: contact.phone } : {}),
    ...(contact.email ? { email: contact.email } : {}),
    ...(contact.web ? { web: contact.web } : {}),
  };
  return view.phone || view.email || view.web ? view : undefined;
}

/** The agency behind the pages and letters: the platform's letterhead (its name when the setting gives one). */
export interface AgencyContact {
  name?: string;
  contact: CreditorContact;
}

/**
 * How the debtor reaches the creditor (its own contact details: the tenant's `contact`, else the letterhead its letters
 * print: its own, else the platform's) and the agency (the platform's letterhead). The agency is left out when it says exactly what the creditor's says.
 */
export function contactsOf(
  tenant: Tenant,
  agency: AgencyContact | undefined,
): { creditorContact?: ContactView; agencyContact?: ContactView } {
  // The contact the creditor's letters print: its own, else its letterhead's, else the platform's (the agency's)
  // letterhead — a letter without a letterhead of its own is sent on that one (execute-step.ts, deliver-letter.ts).
  const creditorContact = contactView(tenant.contact ?? (tenant.letterhead ?? agency)?.contact, tenant.name);
  const agencyContact = agency ? contactView(agency.contact, agency.name) : undefined;
  const same =
    creditorContact &&
    agencyContact &&
    creditorContact.phone === agencyContact.phone &&
    creditorContact.email === agencyContact.email &&
    creditorContact.web === agencyContact.web;
  return {
    ...(creditorContact ? { creditorContact } : {}),
    ...(agencyContact && !same ? { agencyContact } : {}),
  };
}
