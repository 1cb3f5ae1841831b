/** What the assistant's functions are wired with (types only; the composition root builds it). */
import type { IntentClassifier } from "../../shared/application/assistant/intent-classifier";
import type { RequestRateLimiter } from "../../shared/http/rate-limit";

export interface AssistantDeps {
  /** Trained on the repository's question set (shared/application/assistant/intents.data.json) on first use. */
  intentClassifier: IntentClassifier;
  /** Classifications per client address per minute (`ASSISTANT_RATE_PER_CLIENT`), per instance. */
  assistantLimiter: RequestRateLimiter;
}
