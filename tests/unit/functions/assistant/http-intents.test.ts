/**
 * `POST /api/v1/assistant/intents`, host-free: the intent and confidence for a question, problem+json naming the
 * member for bad input, 429 with retry-after past the per-client limit, and the question never in a log line.
 */
import { HttpRequest, InvocationContext, type HttpResponseInit } from "@azure/functions";
import { describe, expect, it } from "vitest";
import { makeIntentFunctions } from "../../../../functions/assistant/http-intents";
import type { AssistantDeps } from "../../../../functions/assistant/deps";
import { questionSetClassifier } from "../../../../shared/application/assistant/question-set";
import { RequestRateLimiter } from "../../../../shared/http/rate-limit";

function deps(perClient = 100): AssistantDeps {
  return {
    intentClassifier: questionSetClassifier,
    assistantLimiter: new RequestRateLimiter({ client: { points: perClient, durationSeconds: 60 } }),
  };
}

function post(body: unknown, client = "203.0.113.7:5555", contentType = "application/json"): HttpRequest {
  return new HttpRequest({
    method: "POST",
    url: "https://app.example.test/api/v1/assistant/intents",
    headers: { "content-type": contentType, "x-forwarded-for": client },
    body: { string: typeof body === "string" ? body : JSON.stringify(body) },
  });
}

const logged: string[] = [];
function context(): InvocationContext {
  return new InvocationContext({
    invocationId: "11111111-2222-4333-8444-555555555555",
    functionName: "classifyAssistantIntent",
    logHandler: (_level, ...args) => logged.push(args.map((a) => JSON.stringify(a)).join(" ")),
  });
}

function json(res: HttpResponseInit): Record<string, unknown> {
  return res.jsonBody as Record<string, unknown>;
}

function header(res: HttpResponseInit, name: string): string | undefined {
  return (res.headers as Record<string, string> | undefined)?.[name];
}

function pointers(res: HttpResponseInit): string[] {
  return ((json(res).errors ?? []) as Array<{ pointer: string }>).map((e) => e.pointer);
}

describe("POST /api/v1/assistant/intents", () => {
  it("answers 'har dere fått betalingen min?' with payment-status and a confidence between 0 and 1", async () => {
    const fn = makeIntentFunctions(() => deps()).classifyIntent;
    const res = await fn(post({ text: "har dere fått betalingen min?", lang: "nb" }), context());
    expect(res.status).toBe(200);
    expect(json(res).intent).toBe("payment-status");
    expect(json(res).confidence).toBeGreaterThan(0.5);
    expect(json(res).confidence).toBeLessThanOrEqual(1);
  });

  it("classifies nynorsk and English, with or without lang", async () => {
    const fn = makeIntentFunctions(() => deps()).classifyIntent;
    const nn = await fn(post({ text: "kan eg få ein nedbetalingsplan?", lang: "nn" }), context());
    const en = await fn(post({ text: "can I talk to a human please" }), context());
    expect(json(nn).intent).toBe("instalment-plan");
    expect(json(en).intent).toBe("contact-human");
  });

  it("refuses a missing or non-string text with 400 problem+json naming /text", async () => {
    const fn = makeIntentFunctions(() => deps()).classifyIntent;
    for (const body of [{}, { text: 42 }, { lang: "nb" }]) {
      const res = await fn(post(body), context());
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(header(res, "content-type")).toBe("application/problem+json");
      expect(pointers(res)).toContain("/text");
    }
  });

  it("refuses an empty, blank or over-long text (more than 500 characters) with 422 naming /text", async () => {
    const fn = makeIntentFunctions(() => deps()).classifyIntent;
    for (const text of ["", "   ", "a".repeat(501)]) {
      const res = await fn(post({ text }), context());
      expect(res.status, `${text.length} characters`).toBe(422);
      expect(header(res, "content-type")).toBe("application/problem+json");
      expect(pointers(res)).toEqual(["/text"]);
    }
    const longest = await fn(post({ text: `${"kan jeg betale senere ".repeat(22)}`.slice(0, 500) }), context());
    expect(longest.status).toBe(200);
  });

  it("refuses an unknown language and unknown members, naming them", async () => {
    const fn = makeIntentFunctions(() => deps()).classifyIntent;
    const lang = await fn(post({ text: "hei", lang: "sv" }), context());
    expect(lang.status).toBe(422);
    expect(pointers(lang)).toEqual(["/lang"]);
    const extra = await fn(post({ text: "hei", name: "Kari" }), context());
    expect(extra.status).toBe(400);
    expect(pointers(extra)).toEqual(["/name"]);
    const notJson = await fn(post("text=hei", undefined, "application/x-www-form-urlencoded"), context());
    expect(notJson.status).toBe(415);
  });

  it("answers 429 with retry-after once a client address has used its questions, and other addresses still get answers", async () => {
    const limitedDeps = deps(3);
    const fn = makeIntentFunctions(() => limitedDeps).classifyIntent;
    for (let i = 0; i < 3; i++) expect((await fn(post({ text: "hvor mye skylder jeg" }), context())).status).toBe(200);
    const limited = await fn(post({ text: "hvor mye skylder jeg" }), context());
    expect(limited.status).toBe(429);
    expect(header(limited, "content-type")).toBe("application/problem+json");
    expect(Number(header(limited, "retry-after"))).toBeGreaterThanOrEqual(1);
    expect(json(limited).type).toBe("https://payment-follow-up.dev/problems/too-many-requests");
    expect((await fn(post({ text: "hvor mye skylder jeg" }, "198.51.100.9:4000"), context())).status).toBe(200);
  });

  it("never writes the question into a log line, also when the classifier fails", async () => {
    logged.length = 0;
    const secret = "Kari Nordmann 01017012345 har betalt";
    const ok = makeIntentFunctions(() => deps()).classifyIntent;
    await ok(post({ text: secret }), context());
    const failing = makeIntentFunctions(() => ({
      ...deps(),
      intentClassifier: {
        classify: (text: string) => {
          throw new Error(`model failed on ${text.length} characters`);
        },
      },
    })).classifyIntent;
    expect((await failing(post({ text: secret }), context())).status).toBe(500);
    expect(logged.join("\n")).not.toContain("Kari");
    expect(logged.join("\n")).not.toContain("01017012345");
  });
});
