/**
 * `POST /api/v1/assistant/intents` `{ text, lang? }` → 200 `{ intent, confidence }`: what a debtor's question is
 * about, for the assistant on Min side and the pay page. No sign-in (it only classifies, it reads no case);
 * rate-limited per client address → 429 problem+json with `retry-after`. Bad input → problem+json naming the member
 * (`/text`): missing or not a string 400; empty or longer than 500 characters 422 (the one rule of problem.ts).
 *
 * The question is personal data (people write their names, amounts, addresses into it): it is never logged, and
 * neither is the answer next to anything that identifies the client.
 */
import { app, type HttpRequest, type HttpResponseInit } from "@azure/functions";
import { z } from "zod";
import { AssistantLang, Intent, MAX_QUESTION_LENGTH } from "../../shared/application/assistant/intents";
import { handler, parseJson } from "../../shared/http/parse";
import { HttpProblem, problem, ProblemType } from "../../shared/http/problem";
import { clientAddress } from "../../shared/http/rate-limit";
import type { AssistantDeps } from "./deps";
import { ASSISTANT_FUNCTIONS, ASSISTANT_ROUTES } from "./names";

export { MAX_QUESTION_LENGTH };

export const ClassifyIntentBody = z
  .strictObject({
    text: z
      .string()
      .trim()
      .min(1)
      .max(MAX_QUESTION_LENGTH)
      .meta({ description: "The debtor's question, as typed.", example: "har dere fått betalingen min?" }),
    lang: AssistantLang.optional().meta({
      description:
        "The language of the page the question was asked on (nb, nn, en). Optional, and it does not change the " +
        "intent: one model reads all three.",
    }),
  })
  .meta({ id: "ClassifyIntentRequest" });

export const IntentClassificationDto = z
  .object({
    intent: Intent.meta({ description: "What the question is about; `other` when it is none of the others." }),
    confidence: z.number().min(0).max(1).meta({
      description:
        "The classifier's probability for `intent`, 0–1 (three decimals). Below 0.4 the assistant hands over to a person.",
      example: 0.97,
    }),
  })
  .meta({ id: "IntentClassification" });

export function makeIntentFunctions(deps: () => AssistantDeps) {
  return {
    classifyIntent: handler(async (request: HttpRequest): Promise<HttpResponseInit> => {
      const d = deps();
      const verdict = await d.assistantLimiter.check({ client: clientAddress(request) });
      if (!verdict.ok) {
        throw new HttpProblem(
          problem(429, "Too many requests", "Too many questions from this address; try again shortly.", {
            type: ProblemType.tooManyRequests,
            headers: { "retry-after": String(verdict.retryAfterSeconds) },
          }),
        );
      }
      const body = await parseJson(request, ClassifyIntentBody);
      const { intent, confidence } = d.intentClassifier.classify(body.text);
      return {
        status: 200,
        headers: { "cache-control": "no-store" },
        jsonBody: { intent, confidence: Math.round(confidence * 1000) / 1000 },
      };
    }),
  };
}

export function registerIntentFunctions(deps: () => AssistantDeps): void {
  const functions = makeIntentFunctions(deps);
  app.http(ASSISTANT_FUNCTIONS.classifyIntent, {
    route: ASSISTANT_ROUTES.intents,
    methods: ["POST"],
    authLevel: "anonymous",
    handler: functions.classifyIntent,
  });
}
