/**
 * The labelled question set (`intents.data.json`, decoded here with zod): `train` teaches the classifier, `heldOut`
 * is never trained on and measures it. Each example is `[intent, language, text]`.
 *
 * The file is imported (not read from disk), so it travels with the build; the app trains on it at start-up. To teach
 * the assistant a new phrasing, add it to `train` and restart — and keep `heldOut` for questions written on their own,
 * never a copy or near-copy of a training line (the held-out accuracy would then say nothing).
 */
import { z } from "zod";
import data from "./intents.data.json";
import { trainIntentClassifier, type IntentClassifier } from "./intent-classifier";
import { AssistantLang, INTENTS, Intent } from "./intents";

export const LabelledQuestion = z.tuple([Intent, AssistantLang, z.string().min(1).max(500)]);
export type LabelledQuestion = z.infer<typeof LabelledQuestion>;

export const QuestionSet = z.object({
  about: z.string(),
  intents: z
    .array(Intent)
    .refine((listed) => listed.length === INTENTS.length && INTENTS.every((i) => listed.includes(i)), {
      message: "the file must list exactly the assistant's intents",
    }),
  train: z.array(LabelledQuestion).min(1),
  heldOut: z.array(LabelledQuestion).min(1),
});
export type QuestionSet = z.infer<typeof QuestionSet>;

let decoded: QuestionSet | undefined;

/** The question set in the repository, decoded once. */
export function questionSet(): QuestionSet {
  decoded ??= QuestionSet.parse(data);
  return decoded;
}

/** A classifier trained on the question set's `train` part (what the app uses; a fraction of a second). */
export function trainOnQuestionSet(set: QuestionSet = questionSet()): IntentClassifier {
  return trainIntentClassifier(set.train.map(([intent, , text]) => ({ intent, text })));
}

/** Per intent: how many held-out questions of it the classifier named as each intent (rows: the right intent). */
export type ConfusionMatrix = Record<Intent, Partial<Record<Intent, number>>>;

export interface HeldOutReport {
  questions: number;
  correct: number;
  accuracy: number;
  confusion: ConfusionMatrix;
  /** The questions it got wrong, with what it said. */
  misses: Array<{ text: string; lang: AssistantLang; expected: Intent; got: Intent; confidence: number }>;
}

/** Classifies every held-out question: accuracy, the confusion matrix and the misses. */
export function evaluateHeldOut(classifier: IntentClassifier, set: QuestionSet = questionSet()): HeldOutReport {
  const confusion = Object.fromEntries(INTENTS.map((i) => [i, {}])) as ConfusionMatrix;
  const misses: HeldOutReport["misses"] = [];
  let correct = 0;
  for (const [expected, lang, text] of set.heldOut) {
    const { intent: got, confidence } = classifier.classify(text);
    const row = confusion[expected];
    row[got] = (row[got] ?? 0) + 1;
    if (got === expected) correct++;
    else misses.push({ text, lang, expected, got, confidence });
  }
  return { questions: set.heldOut.length, correct, accuracy: correct / set.heldOut.length, confusion, misses };
}

let trained: IntentClassifier | undefined;

/**
 * The classifier the app uses: trained on the question set's `train` part once per process, on its first question
 * (so loading the app, and a test world that never asks, trains nothing).
 */
export const questionSetClassifier: IntentClassifier = {
  classify: (text) => (trained ??= trainOnQuestionSet()).classify(text),
};
