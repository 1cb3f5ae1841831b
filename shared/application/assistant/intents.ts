/**
 * The assistant's intents (issue 15): what a debtor's question is about. Exactly these; `other` is anything else
 * (greetings, thanks, questions the assistant has no answer for).
 */
import { z } from "zod";

export const INTENTS = [
  "payment-status",
  "balance",
  "how-to-pay",
  "invoice-copy",
  "deferral",
  "instalment-plan",
  "dispute",
  "fee-explanation",
  "consequences",
  "service-reopen",
  "change-contact",
  "contact-human",
  "other",
] as const;

export const Intent = z.enum(INTENTS);
export type Intent = z.infer<typeof Intent>;

/** The assistant's languages: bokmål, nynorsk, English. */
export const AssistantLang = z.enum(["nb", "nn", "en"]);
export type AssistantLang = z.infer<typeof AssistantLang>;

/** The longest question the assistant reads (the endpoint refuses longer; Min side's page reads no further). */
export const MAX_QUESTION_LENGTH = 500;
