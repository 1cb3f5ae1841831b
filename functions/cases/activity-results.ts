/**
 * What the orchestration reads of its activities' results, decoded — not cast. A result that does not decode fails
 * the orchestration loudly (the daily healer starts it again) instead of steering the ladder with a wrong value.
 * The compile-time checks below keep these schemas in step with the use cases' own types.
 */
import { z } from "zod";
import type { StepOutcome } from "../../shared/application/execute-step";
import type { PlanDecision } from "../../shared/application/plan-next-step";

const Instant = z.iso.datetime({ offset: true });

/** The planned step travels on to the execute activity whole (it validates what it needs); read here: kind and time. */
export const PlannedStepRead = z.looseObject({ kind: z.string().min(1), at: Instant });
export type PlannedStepRead = z.infer<typeof PlannedStepRead>;

/** The orchestration's input (ports/case-workflow.ts): the case, and a step whose time has come (after continueAsNew). */
export const CaseOrchestrationInputRead = z.object({
  caseId: z.string().min(1),
  due: PlannedStepRead.optional(),
  stage: z.string().optional(),
  // At a start: the first plan, made by the intake on the case as it wrote it; one that does not decode is ignored.
  planned: z.unknown().optional(),
});

/** The CaseChanged event's data (ports/case-workflow.ts, CaseChangedEventData); anything else is a plain change. */
export const CaseChangedRead = z.looseObject({ reason: z.string().optional(), closed: z.boolean().optional() });

export const PlanDecisionResult = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("act"), stage: z.string(), action: PlannedStepRead }),
  z.object({ kind: z.literal("wait"), stage: z.string(), until: Instant, reason: z.string(), next: PlannedStepRead }),
  z.object({ kind: z.literal("paused"), stage: z.string(), reason: z.string(), resumesOn: z.string() }),
  z.object({ kind: z.literal("done"), stage: z.string(), reason: z.string() }),
]);
export type PlanDecisionResult = z.infer<typeof PlanDecisionResult>;

export const StepOutcomeResult = z.discriminatedUnion("kind", [
  // `next`: what happens next, planned on the case as the step left it (the orchestration goes on from it).
  z.looseObject({ kind: z.literal("executed"), next: PlanDecisionResult.optional() }),
  z.looseObject({ kind: z.literal("already-executed") }),
  z.object({
    kind: z.literal("not-executed"),
    reason: z.string(),
    retry: z.enum(["replan", "later"]),
    notBefore: Instant.optional(),
  }),
]);
export type StepOutcomeResult = z.infer<typeof StepOutcomeResult>;

// Every value the use cases return is one these schemas accept (fails to compile when the types drift apart).
type Accepts<Schema extends z.ZodType, T> = T extends z.input<Schema> ? true : never;
const planDecisionsFit: Accepts<typeof PlanDecisionResult, PlanDecision> = true;
const stepOutcomesFit: Accepts<typeof StepOutcomeResult, StepOutcome> = true;
void planDecisionsFit;
void stepOutcomesFit;
