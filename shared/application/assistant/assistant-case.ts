/**
 * A case record as the assistant reads it (`AssistantCase`), from what the partner API's case view and the pay page
 * already derive: the balance and next step of `toCaseView`, each fee with the letter that added it (`feeLinesOf`'s
 * `letterOfStep`), the payments on the timeline (the instant each was registered, and its amount), the services'
 * states. Where the links go is the caller's: the page that shows the answer knows its routes.
 */
import { DateTime } from "luxon";
import { Money } from "../../domain/money";
import { StepKind, type ActionKind } from "../../domain/policy";
import type { CaseRecord } from "../../ports/case-store";
import type { Tenant } from "../../ports/tenant-store";
import { toCaseView } from "../get-case";
import type { RulesOn } from "../interest-rates";
import { letterBasis } from "../letters/letter-for-step";
import { letterOfStep } from "../payments/debtor-view";
import type { AssistantCase } from "./reply";

export interface AssistantCaseLinks {
  /** A letter's PDF (an archived document of the case). */
  document?: (record: CaseRecord, documentId: string) => string;
  /** The copy of the original invoice. */
  invoiceCopy?: (record: CaseRecord) => string;
}

/** The case as the assistant needs it, today (`now`). */
export function assistantCaseOf(
  record: CaseRecord,
  tenant: Tenant,
  now: Date,
  links: AssistantCaseLinks = {},
  rulesOn?: RulesOn,
): AssistantCase {
  const view = rulesOn ? toCaseView(record, tenant, now, rulesOn) : toCaseView(record, tenant, now);
  const zone = "Europe/Oslo";
  const accountNumber = tenant.letterhead?.accountNumber;
  return {
    tenantId: record.tenantId,
    caseId: record.caseId,
    creditorName: tenant.name,
    invoiceNumber: record.invoiceNumber,
    status: view.status,
    balance: {
      total: view.balance.total,
      principal: view.balance.principal,
      fees: view.balance.fees,
      interest: view.balance.interest,
    },
    kid: record.kid,
    ...(accountNumber ? { accountNumber } : {}),
    payments: record.timeline.flatMap((entry) => {
      if (entry.kind !== "payment") return [];
      const amount = Money.safeParse(entry.details?.["amount"]);
      return amount.success ? [{ amount: amount.data, receivedAt: entry.at }] : [];
    }),
    fees: record.case.ledger.flatMap((entry) => {
      if (entry.type !== "fee") return [];
      const letter = letterOfStep(record, entry.stepIndex);
      return [
        {
          kind: entry.feeKind,
          amount: entry.amount,
          // As the letter's fee line cites it: the statute and sections, not the rule set's English notes.
          legalBasis: letterBasis(entry.legalBasis),
          ...(letter
            ? {
                letter: {
                  kind: letter.kind,
                  on: letter.on,
                  ...(links.document ? { href: links.document(record, letter.documentId) } : {}),
                },
              }
            : {}),
        },
      ];
    }),
    services: record.case.services.map((s) => ({ kind: s.kind, state: s.state })),
    // The assistant speaks of the ladder's letters; an instalment plan's own reminder is not one of them.
    nextStep:
      view.nextAction && isLadderStep(view.nextAction.kind)
        ? {
            kind: view.nextAction.kind,
            on: DateTime.fromISO(view.nextAction.at, { zone: "utc" }).setZone(zone).toISODate() ?? view.nextAction.at,
            legalBasis: letterBasis(view.nextAction.legalBasis),
          }
        : null,
    ...(links.invoiceCopy ? { invoiceCopyHref: links.invoiceCopy(record) } : {}),
  };
}

function isLadderStep(kind: ActionKind): kind is StepKind {
  return StepKind.safeParse(kind).success;
}
