/** OpenAPI for the assistant's endpoint: `registerAssistantEndpoints(registry)` where the document is built. */
import type { OpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import { registerEndpoint } from "../../shared/http/openapi";
import { ClassifyIntentBody, IntentClassificationDto } from "./http-intents";

export function registerAssistantEndpoints(registry: OpenAPIRegistry): void {
  registerEndpoint(registry, {
    method: "post",
    path: "/v1/assistant/intents",
    operationId: "classifyAssistantIntent",
    summary: "What a debtor's question is about",
    description:
      "Classifies a question in bokmål, nynorsk or English into one of the assistant's intents, offline (a model " +
      "trained on the platform's own question set). No key: it reads no case. Rate-limited per client address " +
      "(429 with retry-after). The question is never stored or logged.",
    tags: ["Assistant"],
    auth: "none",
    idempotent: false,
    request: { body: ClassifyIntentBody },
    responses: { 200: { description: "The intent and the classifier's confidence", schema: IntentClassificationDto } },
    problems: [429],
  });
}
