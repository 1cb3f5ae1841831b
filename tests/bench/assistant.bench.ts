/**
 * The assistant's intent classifier (issue 15): held-out accuracy and how long one classification takes.
 *
 * 1. In process: training on the question set's `train` part (what the app does on its first question), accuracy on
 *    the `heldOut` part with the intents most often confused, then the latency of one `classify` call over every
 *    held-out question, 20 rounds (each call timed on its own).
 * 2. Through the dev host (`dist/devhost/main.js`, the process `npm start` runs): `POST /api/v1/assistant/intents`
 *    from one client, then from 20 at once, time from request to the whole answer; the first request (which trains the
 *    model in the dev host) is reported on its own. The per-client rate limit is raised through the environment:
 *    every request here comes from 127.0.0.1.
 * 3. For comparison, the same split through @nlpjs (NluManager with its neural classifier and the Norwegian and
 *    English stemmers; the question's language given, nb and nn as "no"): why the app uses its own classifier.
 *
 *   BENCH_ASSISTANT_HTTP_REQUESTS=500 npm run bench -- assistant     fewer requests per client count (default 2 000)
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { INTENTS, type Intent } from "../../shared/application/assistant/intents";
import { evaluateHeldOut, questionSet, trainOnQuestionSet } from "../../shared/application/assistant/question-set";
import { startDevHost } from "../support/devhost-process";
import { inParallel, pct } from "./helpers";

const ROUNDS = 20;
const HTTP_CLIENTS = 20;

export async function run(): Promise<Record<string, number | string>> {
  const figures: Record<string, number | string> = {};
  const set = questionSet();
  figures["questions: train / held out"] = `${set.train.length} / ${set.heldOut.length}`;

  // ---- 1. in process -------------------------------------------------------------------------------------------
  const trainStarted = performance.now();
  const classifier = trainOnQuestionSet();
  figures["training on the train part, ms"] = Math.round(performance.now() - trainStarted);
  const report = evaluateHeldOut(classifier);
  figures["held-out accuracy"] = `${(report.accuracy * 100).toFixed(1)} % (${report.correct} of ${report.questions})`;
  for (const lang of ["nb", "nn", "en"] as const) {
    const asked = set.heldOut.filter(([, l]) => l === lang).length;
    const missed = report.misses.filter((m) => m.lang === lang).length;
    figures[`held-out accuracy, ${lang}`] =
      `${(((asked - missed) / asked) * 100).toFixed(1)} % (${asked - missed} of ${asked})`;
  }
  figures["held-out intents with a miss (right → said ×n)"] = confusions(report.confusion) || "none";
  figures["held-out misses (confidence)"] =
    report.misses.map((m) => `${m.expected}→${m.got} (${m.confidence.toFixed(2)})`).join(", ") || "none";

  const latencies: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const [, , text] of set.heldOut) {
      const t = performance.now();
      classifier.classify(text);
      latencies.push(performance.now() - t);
    }
  }
  figures[`classify in process, ${latencies.length} calls: p50 / p99 / max ms`] = fmt(latencies, 3);

  // ---- 2. through the dev host ---------------------------------------------------------------------------------
  const requests = Number(process.env.BENCH_ASSISTANT_HTTP_REQUESTS ?? 2000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-assistant-"));
  const host = await startDevHost(dataDir, { ASSISTANT_RATE_PER_CLIENT: "1000000" });
  try {
    const ask = async (text: string): Promise<{ ms: number; intent: Intent }> => {
      const t = performance.now();
      const res = await fetch(`${host.base}/api/v1/assistant/intents`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ text }),
      });
      const body = (await res.json()) as { intent: Intent };
      if (res.status !== 200) throw new Error(`POST /api/v1/assistant/intents answered ${res.status}`);
      return { ms: performance.now() - t, intent: body.intent };
    };
    const first = await ask("har dere fått betalingen min?");
    figures["HTTP: first question (the dev host trains the model), ms"] = Math.round(first.ms);
    for (const clients of [1, HTTP_CLIENTS]) {
      let right = 0;
      const started = performance.now();
      const answers = await inParallel(requests, clients, async (i) => {
        const [expected, , text] = set.heldOut[i % set.heldOut.length]!;
        const answer = await ask(text);
        if (answer.intent === expected) right++;
        return answer.ms;
      });
      const seconds = (performance.now() - started) / 1000;
      figures[`HTTP, ${clients} client(s), ${requests} questions: p50 / p99 / max ms`] = fmt(answers, 2);
      figures[`HTTP, ${clients} client(s): requests/s; right answers`] =
        `${Math.round(requests / seconds)}; ${((right / requests) * 100).toFixed(1)} %`;
    }
  } finally {
    await host.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }

  // ---- 3. @nlpjs on the same split -----------------------------------------------------------------------------
  Object.assign(figures, await nlpjsComparison());
  return figures;
}

/** "right → said ×n" for each intent some held-out question of it was misnamed, most confused first. */
function confusions(confusion: Record<Intent, Partial<Record<Intent, number>>>): string {
  const pairs: Array<[string, number]> = [];
  for (const expected of INTENTS) {
    for (const [got, n] of Object.entries(confusion[expected])) {
      if (got !== expected && n) pairs.push([`${expected} → ${got} ×${n}`, n]);
    }
  }
  return pairs
    .sort((a, b) => b[1] - a[1])
    .map(([pair]) => pair)
    .join(", ");
}

function fmt(values: number[], digits: number): string {
  return [pct(values, 50), pct(values, 99), Math.max(...values)].map((v) => v.toFixed(digits)).join(" / ");
}

/** The held-out accuracy and latency of @nlpjs's NluManager trained on the same `train` part. */
async function nlpjsComparison(): Promise<Record<string, string | number>> {
  const { containerBootstrap } = await import("@nlpjs/core");
  const { NluManager, NluNeural } = await import("@nlpjs/nlu");
  const { LangNo } = await import("@nlpjs/lang-no");
  const { LangEn } = await import("@nlpjs/lang-en-min");
  const container = await containerBootstrap();
  container.use(LangNo);
  container.use(LangEn);
  container.register("NeuralNlu", NluNeural, false);
  const manager = new NluManager({ container, locales: ["no", "en"], trainByDomain: false });
  const locale = (lang: string) => (lang === "en" ? "en" : "no");
  const set = questionSet();
  for (const [intent, lang, text] of set.train) manager.add(locale(lang), text, intent);
  const log = console.log;
  const started = performance.now();
  console.log = () => undefined; // its trainer prints a line per epoch
  try {
    await manager.train();
  } finally {
    console.log = log;
  }
  const trainMs = performance.now() - started;
  let right = 0;
  const latencies: number[] = [];
  for (const [intent, lang, text] of set.heldOut) {
    const t = performance.now();
    const result = await manager.process(locale(lang), text);
    latencies.push(performance.now() - t);
    if (result.intent === intent) right++;
  }
  return {
    "for comparison, @nlpjs NluManager: training ms": Math.round(trainMs),
    "for comparison, @nlpjs NluManager: held-out accuracy": `${((right / set.heldOut.length) * 100).toFixed(1)} % (${right} of ${set.heldOut.length})`,
    "for comparison, @nlpjs NluManager: process p50 / p99 / max ms": fmt(latencies, 3),
  };
}
