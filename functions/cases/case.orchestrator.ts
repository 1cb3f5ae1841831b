/**
 * One orchestration per case (instance id `instanceIdFor(caseId)`): asks the planner what happens next, waits for it
 * — a durable timer raced against `CaseChanged` (payment, dispute, hold/resume, deferral, instalment plan, cancel) —
 * and lets an activity act.
 *
 * Reading the case once per step: an executed step hands back what happens next, planned on the case as the step
 * wrote it, and the orchestration waits for that without asking the planner again; a `CaseChanged` raised while the
 * step ran is kept in this history, so the wait ends at once and the case is planned afresh. When the timer of a
 * planned step fires (nothing changed the case meanwhile, or `CaseChanged` would have won), the orchestration
 * continues as new with that step `due` and carries it out without planning first: the step re-plans on the fresh
 * case before it acts (a step no longer due is "not executed" and planned again). So each generation of the history
 * holds one step; events dropped by continueAsNew are harmless, as the step reads the fresh case. A `CaseChanged`
 * that says the change closed the case (paid or cancelled — final, the planner's answer is "done") ends the ladder
 * without planning, so without reading the case again.
 *
 * Deterministic: time only from `context.df.currentUtcDateTime`, no I/O, decisions from activity results.
 * Activities throw only on transient failures; when their retries are used up the orchestration fails and the daily
 * healer (timer-heal-orchestrations) starts it again.
 */
import * as df from "durable-functions";
import {
  CaseChangedRead,
  CaseOrchestrationInputRead,
  PlanDecisionResult,
  StepOutcomeResult,
  type PlannedStepRead,
} from "./activity-results";
import {
  CASE_CHANGED_EVENT,
  CASE_ORCHESTRATION,
  EXECUTE_STEP_ACTIVITY,
  PLAN_NEXT_STEP_ACTIVITY,
  type CaseOrchestrationInput,
} from "./names";

const HOUR_MS = 3_600_000;
/** A step that cannot be carried out as things stand (e.g. no postal address) is tried again after this long. */
const BLOCKED_RETRY_MS = 24 * HOUR_MS;
/** How often a case whose letter is on its way plans again without news (the news itself wakes it at once). */
const LETTER_RECHECK_MS = 6 * HOUR_MS;

/** 30 s, 1 min, 2 min, … at most 15 min apart; six attempts. */
function activityRetry(): df.RetryOptions {
  const retry = new df.RetryOptions(30_000, 6);
  retry.backoffCoefficient = 2;
  retry.maxRetryIntervalInMilliseconds = 15 * 60_000;
  return retry;
}

/** What ended a wait: the timer, or a change of the case (`closed`: it left the case paid or cancelled, for good). */
type WaitEnd = "timer" | "changed" | "closed";

/** A CaseChanged event's data (ports/case-workflow.ts, CaseChangedEventData): does it say the case is closed? */
function endOf(data: unknown): WaitEnd {
  return CaseChangedRead.safeParse(data).data?.closed === true ? "closed" : "changed";
}

/**
 * Waits until `until` or until the case changes, whichever comes first; the timer is cancelled when the event wins.
 */
function* untilOrChanged(context: df.OrchestrationContext, until: Date): Generator<df.Task, WaitEnd, unknown> {
  const timer = context.df.createTimer(until);
  const changed = context.df.waitForExternalEvent(CASE_CHANGED_EVENT);
  const winner = yield context.df.Task.any([timer, changed]);
  if (winner !== changed) return "timer";
  timer.cancel();
  return endOf(changed.result);
}

/** The end of a ladder whose case a change closed (paid or cancelled): nothing is planned, nothing read. */
function closedEnd(context: df.OrchestrationContext, caseId: string, stage: string) {
  const reason = "The case was paid or cancelled; nothing more is sent.";
  context.df.setCustomStatus(statusOf({ kind: "done", stage, reason }));
  return { caseId, outcome: "done", reason };
}

function statusOf(d: PlanDecisionResult, blocked?: string) {
  const next =
    d.kind === "act"
      ? { kind: d.action.kind, at: d.action.at }
      : d.kind === "wait"
        ? { kind: d.next.kind, at: d.until }
        : null;
  return { stage: d.stage, state: blocked ? "blocked" : d.kind, next, ...(blocked ? { blocked } : {}) };
}

export function* caseLadder(context: df.OrchestrationContext): Generator<df.Task, unknown, unknown> {
  const input = CaseOrchestrationInputRead.parse(context.df.getInput());
  const caseId = input.caseId;
  const retry = activityRetry();
  let replans = 0;
  /** A planned step whose time has come (carried over continueAsNew): carried out first, without planning. */
  let due: PlannedStepRead | undefined = input.due;
  /**
   * What happens next, planned on the case as it was written: by the step just executed, or — at a start — by the
   * intake that created the case (so the first plan needs no read of the case either).
   */
  let planned: PlanDecisionResult | undefined = PlanDecisionResult.safeParse(input.planned).data;
  for (;;) {
    let action: PlannedStepRead;
    let decision: PlanDecisionResult | undefined;
    if (due !== undefined) {
      // As the plan would have said: act, now (the status an operator sees while the step runs, or why it is blocked).
      decision = { kind: "act", stage: input.stage ?? "", action: due };
      context.df.setCustomStatus(statusOf(decision));
      action = due;
      due = undefined;
    } else {
      decision =
        planned ??
        PlanDecisionResult.parse(yield context.df.callActivityWithRetry(PLAN_NEXT_STEP_ACTIVITY, retry, { caseId }));
      planned = undefined;
      context.df.setCustomStatus(statusOf(decision));
      if (decision.kind === "done") return { caseId, outcome: "done", reason: decision.reason };
      if (decision.kind === "paused") {
        // A letter on its way is looked at again every few hours even if its delivery report never comes.
        const end =
          decision.resumesOn === "letter-delivered"
            ? yield* untilOrChanged(context, new Date(context.df.currentUtcDateTime.getTime() + LETTER_RECHECK_MS))
            : endOf(yield context.df.waitForExternalEvent(CASE_CHANGED_EVENT));
        if (end === "closed") return closedEnd(context, caseId, decision.stage);
        continue;
      }
      if (decision.kind === "wait") {
        const end = yield* untilOrChanged(context, new Date(decision.until));
        if (end === "closed") return closedEnd(context, caseId, decision.stage);
        // The planned step's time has come and nothing changed the case: carry it out, in a fresh history.
        if (end === "timer" && Date.parse(decision.next.at) === Date.parse(decision.until)) {
          context.df.continueAsNew({
            caseId,
            due: decision.next,
            stage: decision.stage,
          } satisfies CaseOrchestrationInput);
          return undefined;
        }
        continue;
      }
      action = decision.action;
    }

    const outcome = StepOutcomeResult.parse(
      yield context.df.callActivityWithRetry(EXECUTE_STEP_ACTIVITY, retry, { caseId, action }),
    );
    if (outcome.kind === "not-executed") {
      // The case changed meanwhile: plan again at once — but never spin (a third miss in a row waits an hour).
      if (outcome.retry === "replan" && ++replans < 3) continue;
      context.df.setCustomStatus(statusOf(decision, outcome.reason));
      const current = context.df.currentUtcDateTime.getTime();
      const pause = outcome.retry === "later" ? BLOCKED_RETRY_MS : HOUR_MS;
      // A step waiting for the debtor's next SMS (one at a time) plans again when that may go.
      const notBefore = outcome.notBefore === undefined ? undefined : Date.parse(outcome.notBefore);
      const until = notBefore !== undefined && notBefore > current ? notBefore : current + pause;
      if ((yield* untilOrChanged(context, new Date(until))) === "closed")
        return closedEnd(context, caseId, decision.stage);
      replans = 0;
      continue;
    }
    replans = 0;
    // Executed: go on from what it planned (a step of an older build hands back nothing: plan in a fresh history).
    if (outcome.kind === "executed" && outcome.next !== undefined) {
      planned = outcome.next;
      continue;
    }
    context.df.continueAsNew({ caseId } satisfies CaseOrchestrationInput);
    return undefined;
  }
}

/** The orchestration needs no deps: it only asks its activities. */
export function registerCaseOrchestration(): void {
  df.app.orchestration(CASE_ORCHESTRATION, caseLadder);
}
