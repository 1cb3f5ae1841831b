/**
 * The assistant's intent classifier (issue 15): offline, no hosted model, deterministic.
 *
 * A multinomial logistic regression over two kinds of features of the question:
 * - words and word pairs, after folding what people type without Norwegian letters (æ → ae, ø → o, å → a, aa → a),
 *   so "har dere fått", "har dere faatt" and "har dere fatt" read alike;
 * - character 3- and 4-grams of each word with doubled letters collapsed, which carry typos ("betallt",
 *   "utsetelse"), inflections and nynorsk spellings ("betalinga", "kor mykje") to what the training set has seen.
 * Each question's features are weighted log(1 + count) and scaled to length 1. Training is stochastic gradient descent
 * over the examples in an order fixed by a seeded shuffle, so the same question set always gives the same model and
 * the same answers. It trains on the ~500 questions of `intents.data.json` in a fraction of a second, which is why the
 * app trains at start-up instead of keeping a model file that could drift from the data.
 *
 * `confidence` is the model's probability for the intent it names (0–1). Pure: no I/O, no clock, no randomness.
 */
import type { Intent } from "./intents";
import { INTENTS } from "./intents";

export interface IntentClassification {
  intent: Intent;
  /** The model's probability for `intent`, 0–1. */
  confidence: number;
}

export interface IntentClassifier {
  classify(text: string): IntentClassification;
}

/** One training example: the question and its intent. */
export interface TrainingExample {
  text: string;
  intent: Intent;
}

export interface TrainingOptions {
  epochs: number;
  /** The first epoch's step size; it decays as 1 / (1 + decay × epoch). */
  learningRate: number;
  decay: number;
  /** L2 penalty on the weights. */
  l2: number;
  /** Seed of the fixed shuffle of the examples. */
  seed: number;
  /** The character n-gram lengths. */
  charGrams: readonly number[];
}

export const DEFAULT_TRAINING: TrainingOptions = {
  epochs: 20,
  learningRate: 0.8,
  decay: 0.1,
  l2: 1e-5,
  seed: 15,
  charGrams: [3, 4],
};

/** Lower case, Norwegian letters folded the way they are typed without them, punctuation gone. */
export function normalise(text: string): string {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/æ/gu, "ae")
    .replace(/[øö]/gu, "o")
    .replace(/[åäà]/gu, "a")
    .replace(/[éèê]/gu, "e")
    .replace(/ü/gu, "u")
    .replace(/aa/gu, "a")
    .replace(/[^a-z0-9]+/gu, " ")
    .trim();
}

/** The question's features with their counts. */
export function featuresOf(
  text: string,
  charGrams: readonly number[] = DEFAULT_TRAINING.charGrams,
): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (feature: string): void => {
    counts.set(feature, (counts.get(feature) ?? 0) + 1);
  };
  const words = normalise(text)
    .split(" ")
    .filter((w) => w.length > 0);
  for (const [i, word] of words.entries()) {
    add(`w:${/^\d+$/u.test(word) ? "<number>" : word}`);
    const next = words[i + 1];
    if (next !== undefined) add(`b:${word} ${next}`);
    const padded = `<${word.replace(/(.)\1+/gu, "$1")}>`;
    for (const n of charGrams) {
      for (let at = 0; at + n <= padded.length; at++) add(`c:${padded.slice(at, at + n)}`);
    }
  }
  if (words.length === 0) add("w:<empty>");
  return counts;
}

/** A sparse, length-1 vector of feature indexes and weights (features unknown to the vocabulary dropped). */
function vectorOf(
  counts: Map<string, number>,
  vocabulary: Map<string, number>,
  grow: boolean,
): { index: Int32Array; value: Float64Array } {
  const index: number[] = [];
  const value: number[] = [];
  for (const [feature, count] of counts) {
    let at = vocabulary.get(feature);
    if (at === undefined) {
      if (!grow) continue;
      at = vocabulary.size;
      vocabulary.set(feature, at);
    }
    index.push(at);
    value.push(Math.log1p(count));
  }
  const norm = Math.sqrt(value.reduce((s, v) => s + v * v, 0)) || 1;
  return { index: Int32Array.from(index), value: Float64Array.from(value, (v) => v / norm) };
}

/** A small deterministic generator (mulberry32) for the fixed shuffle. */
function seededShuffle<T>(items: readonly T[], seed: number): T[] {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function softmaxInto(scores: Float64Array): void {
  let max = -Infinity;
  for (const s of scores) max = Math.max(max, s);
  let total = 0;
  for (let k = 0; k < scores.length; k++) {
    scores[k] = Math.exp(scores[k]! - max);
    total += scores[k]!;
  }
  for (let k = 0; k < scores.length; k++) scores[k] = scores[k]! / total;
}

/** Trains a classifier on the examples (deterministic for the same examples and options). */
export function trainIntentClassifier(
  examples: readonly TrainingExample[],
  options: TrainingOptions = DEFAULT_TRAINING,
): IntentClassifier {
  const classes = INTENTS.length;
  const vocabulary = new Map<string, number>();
  const vectors = examples.map((e) => ({
    ...vectorOf(featuresOf(e.text, options.charGrams), vocabulary, true),
    label: INTENTS.indexOf(e.intent),
  }));
  const features = vocabulary.size;
  const weights = new Float64Array(features * classes);
  const bias = new Float64Array(classes);
  const scores = new Float64Array(classes);

  const score = (v: { index: Int32Array; value: Float64Array }): void => {
    scores.set(bias);
    for (let f = 0; f < v.index.length; f++) {
      const row = v.index[f]! * classes;
      const x = v.value[f]!;
      for (let k = 0; k < classes; k++) scores[k] = scores[k]! + weights[row + k]! * x;
    }
  };

  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const rate = options.learningRate / (1 + options.decay * epoch);
    for (const v of seededShuffle(vectors, options.seed + epoch)) {
      score(v);
      softmaxInto(scores);
      for (let k = 0; k < classes; k++) {
        const gradient = scores[k]! - (k === v.label ? 1 : 0);
        bias[k] = bias[k]! - rate * gradient;
        for (let f = 0; f < v.index.length; f++) {
          const at = v.index[f]! * classes + k;
          weights[at] = weights[at]! - rate * (gradient * v.value[f]! + options.l2 * weights[at]!);
        }
      }
    }
  }

  return {
    classify(text: string): IntentClassification {
      score(vectorOf(featuresOf(text, options.charGrams), vocabulary, false));
      softmaxInto(scores);
      let best = 0;
      for (let k = 1; k < classes; k++) if (scores[k]! > scores[best]!) best = k;
      return { intent: INTENTS[best]!, confidence: scores[best]! };
    },
  };
}
