/**
 * One orchestration per case (instance id `instanceIdFor(caseId)`): asks the planner what happens next, waits for it
 * — a durable timer raced against `CaseChanged` (payment, dispute, hold/resume, deferral, instalment plan, cancel) —
 * and lets an activity act. After each executed step it continues as new (short history; the case store holds the
 * state, so events dropped by continueAsNew are harmless: the next plan reads the fresh case).
 *
 * Deterministic: time only from `context.df.currentUtcDateTime`, no I/O, decisions from activity results.
 * Activities throw only on transient failures; when their retries are used up the orchestration fails and the daily
 * healer (timer-heal-orchestrations) starts it again.
 */
import * as df from "durable-functions";
import { PlanDecisionResult, StepOutcomeResult } from "./activity-results";
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

/** Waits until `until` or until the case changes, whichever comes first; the timer is cancelled when the event wins. */
function* untilOrChanged(context: df.OrchestrationContext, until: Date): Generator<df.Task, void, unknown> {
  const timer = context.df.createTimer(until);
  const changed = context.df.waitForExternalEvent(CASE_CHANGED_EVENT);
  const winner = yield context.df.Task.any([timer, changed]);
  if (winner === changed) timer.cancel();
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
  const { caseId } = context.df.getInput<CaseOrchestrationInput>();
  const retry = activityRetry();
  let replans = 0;
  for (;;) {
    const decision = PlanDecisionResult.parse(
      yield context.df.callActivityWithRetry(PLAN_NEXT_STEP_ACTIVITY, retry, { caseId }),
    );
    context.df.setCustomStatus(statusOf(decision));
    if (decision.kind === "done") return { caseId, outcome: "done", reason: decision.reason };
    if (decision.kind === "paused") {
      // A letter on its way is looked at again every few hours even if its delivery report never comes.
      if (decision.resumesOn === "letter-delivered")
        yield* untilOrChanged(context, new Date(context.df.currentUtcDateTime.getTime() + LETTER_RECHECK_MS));
      else yield context.df.waitForExternalEvent(CASE_CHANGED_EVENT);
      continue;
    }
    if (decision.kind === "wait") {
      yield* untilOrChanged(context, new Date(decision.until));
      continue;
    }

    const outcome = StepOutcomeResult.parse(
      yield context.df.callActivityWithRetry(EXECUTE_STEP_ACTIVITY, retry, { caseId, action: decision.action }),
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
      yield* untilOrChanged(context, new Date(until));
      replans = 0;
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
