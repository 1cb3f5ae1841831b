/**
 * Plan next step: what the case's orchestration does next, as a small serialisable value (it crosses the Durable
 * activity boundary). Loads the case and the creditor's ladder (its own policy, or the lawful default for its
 * country) and asks the domain planner.
 *
 * The planner may answer "act" with an instant later today (an SMS waiting for contact hours, a suspension for its
 * hour): that is returned as "wait" until then, so the orchestration acts only on actions that are due.
 */
import type { Case } from "../domain/case";
import { timeZoneOf, toLocalDate, type LocalDate } from "../domain/calendar";
import type { Money } from "../domain/money";
import { plan, type ActionKind, type Plan, type PlannedAction } from "../domain/planner";
import type { Channel, LadderPolicy } from "../domain/policy";
import { ruleSetFor, type RuleSetInForce } from "../domain/rules";
import type { CaseRecord, CaseStore } from "../ports/case-store";
import type { Clock } from "../ports/clock";
import type { Tenant, TenantStore } from "../ports/tenant-store";
import { ladderOf } from "./case-context";
import { rulesWithEnteredRates, type RulesOn } from "./interest-rates";
import type { InterestRateStore } from "../ports/interest-rate-store";

/** A planned action as the orchestration sees it (JSON only: instants as ISO strings). */
export interface PlannedStep {
  kind: ActionKind;
  /** Index of the ladder step; null for a service reopening. */
  stepIndex: number | null;
  /** Instant to carry it out, ISO 8601. */
  at: string;
  /** Local day of `at` in the case's country. */
  on: LocalDate;
  channels: Channel[];
  legalBasis: string;
  /** The fee the planner found lawful for this step, or null. */
  fee: { amount: Money; legalBasis: string } | null;
  deadline: LocalDate | null;
  serviceIds: string[];
  /** An instalment plan's action (reminder, missed): the instalment it is about. */
  instalment?: { dueDate: LocalDate; amount: Money; left: Money };
}

/** The case's stage ("invoiced", "reminder", …), or "missing" when the case no longer exists. */
export type CaseStage = Case["stage"] | "missing";

export type PlanDecision =
  | { kind: "act"; stage: CaseStage; action: PlannedStep }
  | { kind: "wait"; stage: CaseStage; until: string; reason: string; next: PlannedStep }
  | { kind: "paused"; stage: CaseStage; reason: string; resumesOn: string }
  | { kind: "done"; stage: CaseStage; reason: string };

export interface PlanNextStepDeps {
  cases: CaseStore;
  tenants: TenantStore;
  clock: Clock;
  /** The operators' entered late-interest rates (the seed alone without it). */
  interestRates?: InterestRateStore;
}

/** Thrown when a case's tenant is missing: not a business outcome (data is inconsistent), so it fails loudly. */
export class CaseTenantMissing extends Error {
  readonly code = "CASE_TENANT_MISSING";
  constructor(caseId: string) {
    super(`The tenant of case ${caseId} was not found`);
  }
}

export interface CasePlan {
  policy: LadderPolicy;
  rules: RuleSetInForce;
  today: LocalDate;
  plan: Plan;
}

/** The domain plan for a stored case at `now` (shared with execute-step, which re-plans before acting). */
export function planCase(
  record: CaseRecord,
  tenant: Tenant,
  now: Date,
  rulesOn: RulesOn = (country, day) => ruleSetFor(country, day),
): CasePlan {
  const c = record.case;
  const today = toLocalDate(now, timeZoneOf(c.country));
  const policy = ladderOf(tenant, c.country);
  const rules = rulesOn(c.country, today);
  return { policy, rules, today, plan: plan(c, policy, rules, now) };
}

export function toPlannedStep(a: PlannedAction): PlannedStep {
  return {
    kind: a.kind,
    stepIndex: a.stepIndex,
    at: a.at.toISOString(),
    on: a.on,
    channels: [...a.channels],
    legalBasis: a.legalBasis,
    fee: a.fee ? { amount: { ...a.fee.amount }, legalBasis: a.fee.legalBasis } : null,
    deadline: a.deadline ?? null,
    serviceIds: [...(a.serviceIds ?? [])],
    ...(a.instalment
      ? {
          instalment: {
            dueDate: a.instalment.dueDate,
            amount: { ...a.instalment.amount },
            left: { ...a.instalment.left },
          },
        }
      : {}),
  };
}

export function makePlanNextStep(deps: PlanNextStepDeps): (caseId: string) => Promise<PlanDecision> {
  return async (caseId) => {
    const record = await deps.cases.getById(caseId);
    if (!record) return { kind: "done", stage: "missing", reason: "The case no longer exists." };
    const tenant = await deps.tenants.get(record.tenantId);
    if (!tenant) throw new CaseTenantMissing(caseId);
    return planDecision(record, tenant, deps.clock.now(), await rulesWithEnteredRates(deps));
  };
}

/**
 * The orchestration's decision for a case as it stands at `now` (also what execute-step hands back with an executed
 * step, planned on the case as that step wrote it, so that the orchestration need not read it again).
 */
export function planDecision(record: CaseRecord, tenant: Tenant, now: Date, rulesOn?: RulesOn): PlanDecision {
  const { plan: p } = planCase(record, tenant, now, rulesOn);
  const stage = record.case.stage;
  switch (p.kind) {
    case "act": {
      const step = toPlannedStep(p.action);
      if (p.action.at.getTime() > now.getTime()) {
        return {
          kind: "wait",
          stage,
          until: step.at,
          reason: "Due today; waiting for its hour (contact hours, suspension hours).",
          next: step,
        };
      }
      return { kind: "act", stage, action: step };
    }
    case "wait":
      return { kind: "wait", stage, until: p.until.toISOString(), reason: p.reason, next: toPlannedStep(p.next) };
    case "paused":
      return { kind: "paused", stage, reason: p.reason, resumesOn: p.resumesOn };
    case "done":
      return { kind: "done", stage, reason: p.reason };
  }
}
