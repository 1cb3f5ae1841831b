/**
 * The creditor's ladder policy: read (its own, or the lawful default for its country until it sets one) and replace
 * (validated against the country's rules in force today and the tenant's role from its partner connection; an unlawful
 * ladder is refused with the reasons per step).
 */
import { DomainError } from "../domain/errors";
import { validatePolicy, type LadderPolicy, type PolicyProblem } from "../domain/policy";
import { startedExperimentChanges } from "../domain/experiments";
import type { Clock } from "../ports/clock";
import type { PartnerConnectionStore } from "../ports/partner-connection-store";
import type { Tenant, TenantStore } from "../ports/tenant-store";
import { ladderOf, rulesOn, todayIn } from "./case-context";
import { TenantNotFound } from "../ports/errors";

/** The ladder breaks the law (or the policy contradicts itself): 422 with every problem, its step and legal basis. */
export class UnlawfulPolicy extends DomainError {
  readonly code = "UNLAWFUL_POLICY";
  constructor(readonly problems: PolicyProblem[]) {
    super(`The ladder policy is not lawful: ${String(problems.length)} problem(s).`, { problems });
  }
}

export interface PolicyDeps {
  tenants: TenantStore;
  clock: Clock;
  /** The tenant's partner connection says its role (a power retailer may not disconnect: § 48 a). */
  partnerConnections: Pick<PartnerConnectionStore, "get">;
}

export interface PolicyView {
  policy: LadderPolicy;
  /** True while the creditor has not set its own ladder. */
  isDefault: boolean;
}

export function makeGetPolicy(deps: PolicyDeps) {
  return async (tenantId: string): Promise<PolicyView> => {
    const tenant = await deps.tenants.get(tenantId);
    if (!tenant) throw new TenantNotFound(tenantId);
    const policy = ladderOf(tenant, tenant.country);
    return { policy, isDefault: policy !== tenant.policy };
  };
}

/**
 * The problems a ladder would be refused with, without saving it (the portal's live validation): the same checks as
 * `makePutPolicy`, so the page shows exactly what a save would answer.
 */
export function makeCheckPolicy(deps: PolicyDeps) {
  return async (tenantId: string, policy: LadderPolicy): Promise<PolicyProblem[]> => {
    const tenant = await deps.tenants.get(tenantId);
    if (!tenant) throw new TenantNotFound(tenantId);
    return problemsOf(deps, tenant, policy, deps.clock.now());
  };
}

/** Every problem a save of `policy` for `tenant` is refused with — the ONE list both the save and the check use. */
async function problemsOf(deps: PolicyDeps, tenant: Tenant, policy: LadderPolicy, now: Date): Promise<PolicyProblem[]> {
  const problems: PolicyProblem[] = [];
  if (policy.country !== tenant.country) {
    problems.push({
      step: null,
      kind: "policy",
      reason: `The creditor is registered in ${tenant.country}, the policy is for ${policy.country}.`,
      legalBasis: "tenant registration",
    });
  } else {
    const role = (await deps.partnerConnections.get(tenant.tenantId))?.role;
    const validation = validatePolicy(
      policy,
      rulesOn(tenant.country, todayIn(tenant.country, now)),
      role === undefined ? {} : { role },
    );
    if (!validation.ok) problems.push(...validation.problems);
    // A/B experiments already running keep their split and variants (domain/experiments.ts).
    for (const p of startedExperimentChanges(
      tenant.policy?.experiments,
      policy.experiments ?? [],
      todayIn(tenant.country, now),
    ))
      problems.push({ step: null, kind: "policy", ...p });
  }
  return problems;
}

export function makePutPolicy(deps: PolicyDeps) {
  return async (tenantId: string, policy: LadderPolicy): Promise<PolicyView> => {
    const tenant = await deps.tenants.get(tenantId);
    if (!tenant) throw new TenantNotFound(tenantId);
    const now = deps.clock.now();
    const problems = await problemsOf(deps, tenant, policy, now);
    if (problems.length > 0) throw new UnlawfulPolicy(problems);
    const updated = await deps.tenants.setPolicy(tenantId, policy, now);
    return { policy: ladderOf(updated, updated.country), isDefault: false };
  };
}
