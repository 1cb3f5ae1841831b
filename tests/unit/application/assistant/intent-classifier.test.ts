import { beforeAll, describe, expect, it } from "vitest";
import { INTENTS } from "../../../../shared/application/assistant/intents";
import { normalise, type IntentClassifier } from "../../../../shared/application/assistant/intent-classifier";
import {
  evaluateHeldOut,
  questionSet,
  trainOnQuestionSet,
  type HeldOutReport,
} from "../../../../shared/application/assistant/question-set";

describe("the assistant's intent classifier", () => {
  let classifier: IntentClassifier;
  let report: HeldOutReport;

  beforeAll(() => {
    classifier = trainOnQuestionSet();
    report = evaluateHeldOut(classifier);
  });

  it("has a question set of at least 600 phrasings in bokmål, nynorsk and English, with a held-out part", () => {
    const set = questionSet();
    expect(set.train.length + set.heldOut.length).toBeGreaterThanOrEqual(600);
    expect(set.heldOut.length).toBeGreaterThanOrEqual(100);
    for (const lang of ["nb", "nn", "en"] as const) {
      expect(set.heldOut.filter(([, l]) => l === lang).length).toBeGreaterThanOrEqual(20);
    }
  });

  it("never trains on a held-out question (compared with Norwegian letters folded and punctuation gone)", () => {
    const set = questionSet();
    const trained = new Set(set.train.map(([, , text]) => normalise(text)));
    expect(set.heldOut.filter(([, , text]) => trained.has(normalise(text)))).toEqual([]);
  });

  it("names the right intent for at least 90 % of the questions it has not seen", () => {
    expect(report.accuracy, JSON.stringify(report.misses, null, 2)).toBeGreaterThanOrEqual(0.9);
  });

  it("reaches every intent: each is named rightly for some held-out question", () => {
    for (const intent of INTENTS) expect(report.confusion[intent][intent] ?? 0, intent).toBeGreaterThan(0);
  });

  it("answers 'har dere fått betalingen min?' with payment-status, also typed without å and as an SMS", () => {
    for (const text of ["har dere fått betalingen min?", "har dere faatt betalingen min", "fikk dere betalinga mi??"]) {
      expect(classifier.classify(text).intent, text).toBe("payment-status");
    }
  });

  it("gives the same intent and confidence every time it is trained on the same questions", () => {
    const again = trainOnQuestionSet();
    for (const [, , text] of questionSet().heldOut.slice(0, 40)) {
      expect(again.classify(text)).toEqual(classifier.classify(text));
    }
  });

  it("gives a confidence between 0 and 1, and a low one for gibberish", () => {
    const sure = classifier.classify("kan jeg få en nedbetalingsplan?");
    expect(sure.intent).toBe("instalment-plan");
    expect(sure.confidence).toBeGreaterThan(0.5);
    expect(sure.confidence).toBeLessThanOrEqual(1);
    const unsure = classifier.classify("xq zzv plorg");
    expect(unsure.confidence).toBeGreaterThan(0);
    expect(unsure.confidence).toBeLessThan(0.6);
  });
});
