/** The assistant's function names and routes (issue 15). */
export const ASSISTANT_FUNCTIONS = {
  classifyIntent: "classifyAssistantIntent",
} as const;

export const ASSISTANT_ROUTES = {
  /** `POST`: `{ text, lang? }` → `{ intent, confidence }`. No sign-in: it only classifies. */
  intents: "api/v1/assistant/intents",
} as const;
