/** Activity: what happens next on a case (the planner's decision, as a serialisable value). */
import type { InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import { z } from "zod";
import { makePlanNextStep, type PlanDecision, type PlanNextStepDeps } from "../../shared/application/plan-next-step";
import type { AppDeps } from "../deps";
import { PLAN_NEXT_STEP_ACTIVITY } from "./names";

export const PlanNextStepInput = z.object({ caseId: z.string().min(1).max(100) });
export type PlanNextStepInput = z.infer<typeof PlanNextStepInput>;

export function makePlanNextStepHandler(
  deps: PlanNextStepDeps,
): (input: unknown, context: InvocationContext) => Promise<PlanDecision> {
  const planNextStep = makePlanNextStep(deps);
  return async (input, context) => {
    const { caseId } = PlanNextStepInput.parse(input);
    const decision = await planNextStep(caseId);
    context.log(
      `case ${caseId}: ${decision.kind}${decision.kind === "act" ? ` ${decision.action.kind}` : decision.kind === "wait" ? ` until ${decision.until}` : ""}`,
    );
    return decision;
  };
}

export function registerPlanNextStepActivity(deps: () => AppDeps): void {
  df.app.activity(PLAN_NEXT_STEP_ACTIVITY, {
    handler: (input: unknown, context: InvocationContext) => makePlanNextStepHandler(deps())(input, context),
  });
}
