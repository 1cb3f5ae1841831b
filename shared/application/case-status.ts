/**
 * Hold, resume, cancel and disputes: status events from the creditor (a dispute as the debtor raised it with the
 * creditor or customer service). A dispute pauses the ladder and holds any suspension until it is resolved: upheld, the
 * ladder goes on from where it was; withdrawn, the claim is dropped and suspended services reopen. The orchestration is told and re-plans (a held case
 * waits; a cancelled one ends). Not allowed in the case's state (e.g. holding a paid case) → 409.
 */
import type { LocalDate } from "../domain/calendar";
import { applyCaseAction, type CaseActionDeps } from "./apply-case-event";
import { toCaseView, type CaseView } from "./get-case";
import { rulesWithEnteredRates } from "./interest-rates";
import { byStaff, type StaffActor } from "./portal/staff-actor";

/** Set when a staff user acted in the portal (issue 16): named on the timeline entry, as `details.actor`. */
export interface ActedBy {
  actor?: StaffActor;
}

function actorDetails(by: ActedBy | undefined): Record<string, unknown> {
  return by?.actor ? { actor: by.actor, via: "portal" } : {};
}

export interface HoldInput extends ActedBy {
  reason: string;
  until?: LocalDate | null;
}

export interface CancelInput extends ActedBy {
  reason: string;
}

async function view(
  deps: CaseActionDeps,
  tenantId: string,
  record: Parameters<typeof toCaseView>[0],
): Promise<CaseView> {
  const tenant = await deps.tenants.get(tenantId);
  return toCaseView(record, tenant!, deps.clock.now(), await rulesWithEnteredRates(deps));
}

export function makeHoldCase(deps: CaseActionDeps) {
  return async (tenantId: string, caseId: string, input: HoldInput): Promise<CaseView> => {
    const { record } = await applyCaseAction(deps, tenantId, caseId, {
      reason: "hold",
      event: (_c, today) => ({ type: "hold", on: today, reason: input.reason, until: input.until ?? null }),
      timeline: (_b, _a, at) => ({
        at,
        kind: "status-changed",
        title: input.actor ? `Put on hold${byStaff(input.actor)}` : "Put on hold by the creditor",
        details: { reason: input.reason, until: input.until ?? null, ...actorDetails(input) },
      }),
    });
    return view(deps, tenantId, record);
  };
}

export function makeResumeCase(deps: CaseActionDeps) {
  return async (tenantId: string, caseId: string, by?: ActedBy): Promise<CaseView> => {
    const { record } = await applyCaseAction(deps, tenantId, caseId, {
      reason: "resume",
      event: (_c, today) => ({ type: "resume", on: today }),
      timeline: (_b, _a, at) =>
        by?.actor
          ? { at, kind: "status-changed", title: `Resumed${byStaff(by.actor)}`, details: actorDetails(by) }
          : { at, kind: "status-changed", title: "Resumed by the creditor" },
    });
    return view(deps, tenantId, record);
  };
}

export function makeCancelCase(deps: CaseActionDeps) {
  return async (tenantId: string, caseId: string, input: CancelInput): Promise<CaseView> => {
    const { record } = await applyCaseAction(deps, tenantId, caseId, {
      reason: "cancel",
      event: (_c, today) => ({ type: "cancellation", on: today, reason: input.reason }),
      timeline: (_b, _a, at) => ({
        at,
        kind: "status-changed",
        title: input.actor ? `Cancelled${byStaff(input.actor)}` : "Cancelled by the creditor",
        details: { reason: input.reason, ...actorDetails(input) },
      }),
    });
    return view(deps, tenantId, record);
  };
}

export interface DisputeInput extends ActedBy {
  reason: string;
}

export interface ResolveDisputeInput extends ActedBy {
  /** `claim-upheld`: the claim stands and follow-up goes on; `claim-withdrawn`: the creditor drops the claim. */
  outcome: "claim-upheld" | "claim-withdrawn";
}

export function makeOpenDispute(deps: CaseActionDeps) {
  return async (tenantId: string, caseId: string, input: DisputeInput): Promise<CaseView> => {
    const { record } = await applyCaseAction(deps, tenantId, caseId, {
      reason: "dispute-opened",
      event: (_c, today) => ({ type: "dispute-opened", on: today, reason: input.reason }),
      timeline: (_b, _a, at) => ({
        at,
        kind: "status-changed",
        title: `Disputed by the debtor${input.actor ? ` (recorded${byStaff(input.actor)})` : ""}: follow-up and any suspension wait for the outcome`,
        legalBasis: "inkassoloven § 9 (no collection steps on a claim with a justified objection)",
        details: { reason: input.reason, ...actorDetails(input) },
      }),
    });
    return view(deps, tenantId, record);
  };
}

export function makeResolveDispute(deps: CaseActionDeps) {
  return async (tenantId: string, caseId: string, input: ResolveDisputeInput): Promise<CaseView> => {
    const { record } = await applyCaseAction(deps, tenantId, caseId, {
      reason: "dispute-resolved",
      event: (_c, today) => ({ type: "dispute-resolved", on: today, outcome: input.outcome }),
      timeline: (_b, _a, at) => ({
        at,
        kind: "status-changed",
        title:
          (input.outcome === "claim-upheld"
            ? "Dispute resolved: the claim stands, follow-up goes on"
            : "Dispute resolved: the claim is withdrawn") + (input.actor ? ` (recorded${byStaff(input.actor)})` : ""),
        details: { outcome: input.outcome, ...actorDetails(input) },
      }),
    });
    return view(deps, tenantId, record);
  };
}
