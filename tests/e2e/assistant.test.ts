/**
 * The assistant's classifier through `npm start`'s dev host: `POST /api/v1/assistant/intents` is registered, answers
 * without a key, names the intent of a question in each language, refuses bad input naming the member, and answers
 * 429 past the per-client limit (ASSISTANT_RATE_PER_CLIENT, lowered here).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeDataDir, startDevHost, type DevHostProcess } from "../support/devhost-process";
import { json } from "../support/http";

const LIMIT = 8;
let host: DevHostProcess;

const ask = (body: unknown) =>
  fetch(`${host.base}/api/v1/assistant/intents`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  host = await startDevHost(makeDataDir("assistant-"), { ASSISTANT_RATE_PER_CLIENT: String(LIMIT) });
});

afterAll(async () => {
  await host?.stop();
});

describe("POST /api/v1/assistant/intents through the dev host", () => {
  it("classifies questions in bokmål, nynorsk and English, refuses bad input, then limits the client", async () => {
    const questions: Array<[string, string]> = [
      ["har dere fått betalingen min?", "payment-status"],
      ["kan eg få utsetjing på rekninga?", "deferral"],
      ["why was I charged a fee?", "fee-explanation"],
      ["kan jeg snakke med et menneske", "contact-human"],
    ];
    for (const [text, intent] of questions) {
      const res = await ask({ text });
      expect(res.status, text).toBe(200);
      const body = await json<{ intent: string; confidence: number }>(res);
      expect(body.intent, text).toBe(intent);
      expect(body.confidence).toBeGreaterThan(0);
      expect(body.confidence).toBeLessThanOrEqual(1);
    }

    const empty = await ask({ text: "" });
    expect(empty.status).toBe(422);
    expect(empty.headers.get("content-type")).toContain("application/problem+json");
    expect((await json(empty)).errors.map((e: { pointer: string }) => e.pointer)).toEqual(["/text"]);
    const missing = await ask({ lang: "nb" });
    expect(missing.status).toBe(400);
    expect((await json(missing)).errors.map((e: { pointer: string }) => e.pointer)).toEqual(["/text"]);

    // Six requests so far; the limit is eight a minute from this address.
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await ask({ text: "hvor mye skylder jeg?" }));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 429]);
    const limited = answers[2]!;
    expect(limited.headers.get("content-type")).toContain("application/problem+json");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  });

  it("never writes the question into the dev host's log", () => {
    const log = host.stdout();
    expect(log).not.toContain("har dere fått betalingen min");
    expect(log).not.toContain("skylder jeg");
  });
});
