import { applyEvent, type Case, type CaseEvent } from "../../../shared/domain/case";
import { DomainError } from "../../../shared/domain/errors";
import { plan, type PlannedAction } from "../../../shared/domain/planner";
import type { LadderPolicy } from "../../../shared/domain/policy";
import type { RuleSet } from "../../../shared/domain/rules";

/**
 * Records a planned action as carried out. A suspension's services are taken as suspended at once (in the product the
 * application orders it from the partner and the partner confirms it: services/case-services.ts).
 */
export function execute(c: Case, action: PlannedAction, rules: RuleSet): Case {
  if (action.kind === "instalment-reminder" || action.kind === "instalment-missed") {
    const dueDate = action.instalment!.dueDate;
    const type = action.kind === "instalment-reminder" ? "instalment-reminded" : "instalment-missed";
    return applyEvent(c, { type, on: action.on, dueDate }, rules);
  }
  const next = applyEvent(
    c,
    {
      type: "step-executed",
      stepIndex: action.stepIndex!,
      kind: action.kind,
      on: action.on,
      at: action.at.toISOString(),
      deadline: action.deadline ?? null,
      fee: action.fee?.amount ?? null,
      serviceIds: action.serviceIds ?? [],
    },
    rules,
  );
  if (action.kind !== "suspension") return next;
  const ids = action.serviceIds ?? [];
  return {
    ...next,
    services: next.services.map((s) =>
      ids.includes(s.serviceId)
        ? {
            ...s,
            state: "suspended" as const,
            blockers: [{ kind: "overdue" as const, since: action.at.toISOString() }],
          }
        : s,
    ),
  };
}

/**
 * Walks a case along its ladder in virtual time from `from` to `to`, as the orchestration would: plan, wait until the
 * planned instant, re-plan, carry out; events are applied at their instants.
 */
export function simulate(
  start: Case,
  policy: LadderPolicy,
  rules: RuleSet,
  from: Date,
  to: Date,
  events: readonly (readonly [Date, CaseEvent])[] = [],
  /** Ignore external events the case refuses (random sequences); planned actions must never be refused. */
  tolerateRefusedEvents = false,
): { case: Case; sent: PlannedAction[] } {
  let c = start;
  let now = from;
  const sent: PlannedAction[] = [];
  const pending = [...events].sort((a, b) => a[0].getTime() - b[0].getTime());
  for (let i = 0; i < 200; i++) {
    const p = plan(c, policy, rules, now);
    const nextTime = p.kind === "act" ? p.action.at : p.kind === "wait" ? p.until : null;
    const ev = pending[0];
    if (ev && (nextTime === null || ev[0].getTime() <= nextTime.getTime())) {
      if (ev[0].getTime() > to.getTime()) break;
      if (ev[0].getTime() > now.getTime()) now = ev[0];
      try {
        c = applyEvent(c, ev[1], rules);
      } catch (err) {
        if (!tolerateRefusedEvents || !(err instanceof DomainError)) throw err;
      }
      pending.shift();
      continue;
    }
    if (nextTime === null || nextTime.getTime() > to.getTime()) break;
    if (nextTime.getTime() > now.getTime()) {
      now = nextTime;
      continue;
    }
    if (p.kind === "act") {
      c = execute(c, p.action, rules);
      sent.push(p.action);
    }
  }
  return { case: c, sent };
}
