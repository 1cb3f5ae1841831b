/**
 * Activity: carries out one planned step of a case. Throws on transient failures (the orchestration's retry policy
 * tries again); business outcomes — executed, already executed, not executed and why — are returned as values.
 * Logs ids and outcomes only (never phone numbers, names or message text).
 */
import type { InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import { z } from "zod";
import { makeExecuteStep, type ExecuteStepDeps, type StepOutcome } from "../../shared/application/execute-step";
import { LocalDate } from "../../shared/domain/calendar";
import { ActionKind } from "../../shared/domain/policy";
import type { AppDeps } from "../deps";
import { EXECUTE_STEP_ACTIVITY } from "./names";

/**
 * The planned action travels whole (PlannedStep); only what identifies the step is needed and checked here. A
 * `reopen-service` action comes only from an orchestration started before reopening became a command decided with the
 * payment itself (services/case-services.ts): it is answered "not executed, plan again" so that history replays.
 */
export const ExecuteStepInput = z.object({
  caseId: z.string().min(1).max(100),
  action: z.object({
    kind: z.union([ActionKind, z.literal("reopen-service")]),
    stepIndex: z.number().int().nonnegative().nullable(),
    serviceIds: z.array(z.string().min(1)).default([]),
    /** An instalment plan's action: which instalment (its due date identifies the action). */
    instalment: z.object({ dueDate: LocalDate }).nullable().optional(),
  }),
});
export type ExecuteStepInput = z.input<typeof ExecuteStepInput>;

export function makeExecuteStepHandler(
  deps: ExecuteStepDeps,
): (input: unknown, context: InvocationContext) => Promise<StepOutcome> {
  const executeStep = makeExecuteStep(deps);
  return async (input, context) => {
    const { caseId, action } = ExecuteStepInput.parse(input);
    const outcome: StepOutcome =
      action.kind === "reopen-service"
        ? {
            kind: "not-executed",
            reason: "Services are reopened by a command decided with the payment, not as a ladder step",
            retry: "replan",
          }
        : await executeStep(caseId, { ...action, kind: action.kind });
    const detail =
      outcome.kind === "executed"
        ? ` (${outcome.delivery.channel} ${outcome.delivery.status})`
        : outcome.kind === "not-executed"
          ? ` (${outcome.retry})`
          : "";
    context.log(`case ${caseId}: ${action.kind} ${outcome.kind}${detail}`);
    return outcome;
  };
}

/** The use case's ports from the app's (letters need the composition root's `letterhead`). */
export function executeStepDepsFrom(app: AppDeps): ExecuteStepDeps {
  return {
    cases: app.cases,
    tenants: app.tenants,
    sms: app.sms,
    letters: app.letters,
    payLinks: app.payLinks,
    events: app.events,
    clock: app.clock,
    random: app.random,
    partnerCommands: app.partnerCommands,
    interestRates: app.interestRates,
    channels: app.letterChannels,
    deliveryIndex: app.deliveryIndex,
    ...(app.debtorContacts ? { debtorContacts: app.debtorContacts } : {}),
    config: {
      publicBaseUrl: app.publicBaseUrl,
      ...(app.letterhead ? { letterhead: app.letterhead } : {}),
      ...(app.minSidePinSecret ? { minSidePinSecret: app.minSidePinSecret } : {}),
    },
  };
}

export function registerExecuteStepActivity(deps: () => AppDeps): void {
  df.app.activity(EXECUTE_STEP_ACTIVITY, {
    handler: (input: unknown, context: InvocationContext) =>
      makeExecuteStepHandler(executeStepDepsFrom(deps()))(input, context),
  });
}
