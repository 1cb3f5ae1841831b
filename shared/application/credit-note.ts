/**
 * A credit note: the creditor reduces the invoice (principal), optionally waiving fees and interest too; idempotent
 * on its reference. Settles the case when nothing is left.
 */
import type { LocalDate } from "../domain/calendar";
import { formatMoney, type Money } from "../domain/money";
import { applyCaseAction, type CaseActionDeps } from "./apply-case-event";
import { toCaseView, type CaseView } from "./get-case";
import { rulesWithEnteredRates } from "./interest-rates";
import { byStaff, type StaffActor } from "./portal/staff-actor";

export interface CreditNoteInput {
  amount: Money;
  reference: string;
  /** Default: today. */
  on?: LocalDate;
  alsoWaive?: Array<"fees" | "interest">;
  /** Set when a staff user issued it in the portal (issue 16): named on the timeline entry. */
  actor?: StaffActor;
  /** The staff user's reason, shown on the timeline. */
  reason?: string;
}

export function makeIssueCreditNote(deps: CaseActionDeps) {
  return async (tenantId: string, caseId: string, input: CreditNoteInput): Promise<CaseView> => {
    const { record } = await applyCaseAction(deps, tenantId, caseId, {
      reason: "credit-note",
      event: (_current, today) => ({
        type: "credit-note",
        reference: input.reference,
        amount: input.amount,
        on: input.on ?? today,
        alsoWaive: input.alsoWaive ?? [],
      }),
      timeline: (_before, _after, at) => ({
        at,
        kind: "credit-note",
        title: `Credit note ${input.reference} of ${formatMoney(input.amount, "en")}${byStaff(input.actor)}`,
        details: {
          reference: input.reference,
          amount: input.amount,
          alsoWaive: input.alsoWaive ?? [],
          ...(input.reason ? { reason: input.reason } : {}),
          ...(input.actor ? { actor: input.actor, via: "portal" } : {}),
        },
      }),
    });
    const tenant = await deps.tenants.get(tenantId);
    return toCaseView(record, tenant!, deps.clock.now(), await rulesWithEnteredRates(deps));
  };
}
