/**
 * The assistant (issue 15): the intent classifier behind the assistant on Min side and the pay page. Its answers are
 * composed from the signed-in person's cases by `composeAssistantReply` (shared/application/assistant/reply.ts),
 * where the pages that show them call it.
 */
import type { AssistantDeps } from "./deps";
import { registerIntentFunctions } from "./http-intents";

export type { AssistantDeps } from "./deps";

export function registerAssistant(deps: () => AssistantDeps): void {
  registerIntentFunctions(deps);
}
