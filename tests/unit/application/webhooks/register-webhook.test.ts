import { HttpRequest, InvocationContext, type HttpResponseInit } from "@azure/functions";
import { Webhook } from "standardwebhooks";
import { describe, expect, it, vi } from "vitest";
import { makeAttemptWebhook } from "../../../../shared/application/webhooks/attempt-delivery";
import { MemoryIdempotencyStore } from "../../../../shared/adapters/memory/idempotency-store.memory";
import { MemoryWebhookStore } from "../../../../shared/adapters/memory/webhook-store.memory";
import {
  makeListWebhooks,
  makeDeleteWebhook,
  makeRotateWebhookSecret,
  makeRegisterWebhook,
  webhookUrlProblem,
} from "../../../../shared/application/webhooks/register-webhook";
import { generateApiKey } from "../../../../shared/http/api-keys";
import {
  makeDeleteWebhookHandler,
  makeListWebhooksHandler,
  makeRotateWebhookSecretHandler,
  makeRegisterWebhookHandler,
} from "../../../../functions/webhooks/http-register-webhook";
import type { WebhooksDeps } from "../../../../functions/webhooks";
import { seededRandom } from "../../../support/random";

const clock = { now: () => new Date("2026-11-23T12:00:00.000Z") };

function setup(options: { allowLoopback?: boolean } = {}) {
  const keys = { a: generateApiKey("test"), b: generateApiKey("test") };
  const records = new Map([
    [keys.a.keyId, { tenantId: "t_a", keyHash: keys.a.keyHash }],
    [keys.b.keyId, { tenantId: "t_b", keyHash: keys.b.keyHash }],
  ]);
  const webhooks = new MemoryWebhookStore();
  const deps: Omit<WebhooksDeps, "fanOutEvent" | "deliverWebhook"> = {
    lookupApiKey: async (keyId) => records.get(keyId),
    idempotencyStore: new MemoryIdempotencyStore(),
    clock,
    registerWebhook: makeRegisterWebhook({
      webhooks,
      clock,
      random: seededRandom(11),
      allowLoopback: options.allowLoopback ?? false,
    }),
    listWebhooks: makeListWebhooks({ webhooks }),
    deleteWebhook: makeDeleteWebhook({ webhooks }),
    rotateWebhookSecret: makeRotateWebhookSecret({ webhooks, clock, random: seededRandom(13) }),
  };
  return {
    keys,
    webhooks,
    deps,
    post: makeRegisterWebhookHandler(deps),
    list: makeListWebhooksHandler(deps),
    remove: makeDeleteWebhookHandler(deps),
    rotate: makeRotateWebhookSecretHandler(deps),
  };
}

function postRequest(apiKey: string, body: unknown, headers: Record<string, string> = {}): HttpRequest {
  return new HttpRequest({
    method: "POST",
    url: "http://localhost/api/v1/webhooks",
    headers: { "content-type": "application/json", "x-api-key": apiKey, ...headers },
    body: { string: JSON.stringify(body) },
  });
}

/** The members these tests read from an answer: a registration, a list of webhooks, or a problem+json. */
interface AnswerBody {
  id?: string;
  secret?: string;
  items?: unknown[];
  errors?: Array<{ pointer: string; code: string; detail?: string }>;
}

async function json(
  response: HttpResponseInit | { status?: number; json(): Promise<unknown> },
): Promise<{ status: number; body: AnswerBody | undefined }> {
  if ("json" in response && typeof response.json === "function")
    return { status: response.status ?? 200, body: (await response.json()) as AnswerBody | undefined };
  const init = response as HttpResponseInit;
  if (init.jsonBody !== undefined) return { status: init.status ?? 200, body: init.jsonBody as AnswerBody };
  const body = init.body ?? "";
  if (!(body instanceof Uint8Array) && typeof body !== "string") throw new Error("expected a text or binary body");
  const raw = body instanceof Uint8Array ? Buffer.from(body).toString("utf8") : body;
  return { status: init.status ?? 200, body: raw === "" ? undefined : (JSON.parse(raw) as AnswerBody) };
}

describe("POST /api/v1/webhooks", () => {
  it("registers a subscription: 201 with id, secret, url and events; the store keeps the secret for signing", async () => {
    const { keys, webhooks, post } = setup();
    const res = await json(
      await post(
        postRequest(keys.a.apiKey, {
          url: "https://erp.example.no/hooks?x=1",
          events: ["case.paid", "case.created", "case.paid"],
        }),
        new InvocationContext(),
      ),
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ url: "https://erp.example.no/hooks?x=1", events: ["case.paid", "case.created"] });
    expect(res.body?.id).toMatch(/^wh_[0-9a-f]{32}$/u);
    expect(res.body?.secret).toMatch(/^whsec_/u);
    const [stored] = await webhooks.listForTenant("t_a");
    expect(stored).toMatchObject({
      id: res.body?.id,
      tenantId: "t_a",
      secret: res.body?.secret,
      createdAt: "2026-11-23T12:00:00.000Z",
      schemaVersion: 1,
    });
  });

  it("refuses a non-https url with a problem naming /url", async () => {
    const { keys, post } = setup();
    const res = await json(
      await post(
        postRequest(keys.a.apiKey, { url: "http://erp.example.no/hooks", events: ["case.paid"] }),
        new InvocationContext(),
      ),
    );
    expect(res.status).toBe(422);
    expect(res.body?.errors).toEqual([
      { pointer: "/url", detail: "The URL must use https.", code: "INVALID_WEBHOOK_URL" },
    ]);
  });

  it("refuses unknown event types with a problem naming each bad /events entry", async () => {
    const { keys, post } = setup();
    const res = await json(
      await post(
        postRequest(keys.a.apiKey, { url: "https://erp.example.no/hooks", events: ["case.paid", "case.exploded"] }),
        new InvocationContext(),
      ),
    );
    expect(res.status).toBe(422);
    expect(res.body?.errors).toEqual([expect.objectContaining({ pointer: "/events/1", code: "INVALID_VALUE" })]);
    const empty = await json(
      await post(
        postRequest(keys.a.apiKey, { url: "https://erp.example.no/hooks", events: [] }),
        new InvocationContext(),
      ),
    );
    expect(empty.body?.errors).toEqual([expect.objectContaining({ pointer: "/events", code: "TOO_SMALL" })]);
  });

  it("accepts http://127.0.0.1 and localhost only where loopback URLs are allowed (dev host)", async () => {
    const prod = setup();
    const refused = await json(
      await prod.post(
        postRequest(prod.keys.a.apiKey, { url: "http://127.0.0.1:8080/hook", events: ["case.paid"] }),
        new InvocationContext(),
      ),
    );
    expect(refused.status).toBe(422);
    expect(refused.body?.errors?.[0]?.pointer).toBe("/url");
    const local = setup({ allowLoopback: true });
    for (const url of ["http://127.0.0.1:8080/hook", "http://localhost:7071/hook"]) {
      const ok = await json(
        await local.post(postRequest(local.keys.a.apiKey, { url, events: ["case.paid"] }), new InvocationContext()),
      );
      expect(ok.status).toBe(201);
    }
    expect(webhookUrlProblem("http://10.0.0.1/hook", { allowLoopback: true })).toBe("The URL must use https.");
    expect(webhookUrlProblem("https://user:pw@erp.example.no/hook")).toMatch(/user name or password/u);
    expect(webhookUrlProblem("ftp://erp.example.no/")).toBe("The URL must use https.");
  });

  it("validates in the use case too (a ZodError naming the field)", async () => {
    const register = makeRegisterWebhook({ webhooks: new MemoryWebhookStore(), clock, random: seededRandom(12) });
    await expect(register("t_a", { url: "http://erp.example.no", events: ["case.paid"] })).rejects.toThrow(/https/u);
  });

  it("401 without a valid key; a replayed Idempotency-Key returns the first response (the same secret)", async () => {
    const { keys, webhooks, post } = setup();
    const noKey = await post(
      postRequest("pfu_test_0000000000000000_nope", { url: "https://a.example/", events: ["case.paid"] }),
      new InvocationContext(),
    );
    expect((await json(noKey)).status).toBe(401);
    const body = { url: "https://erp.example.no/hooks", events: ["case.paid"] };
    const first = await json(
      await post(postRequest(keys.a.apiKey, body, { "Idempotency-Key": "k-1" }), new InvocationContext()),
    );
    const again = await json(
      await post(postRequest(keys.a.apiKey, body, { "Idempotency-Key": "k-1" }), new InvocationContext()),
    );
    expect(first.status).toBe(201);
    expect(again).toEqual(first);
    expect(await webhooks.listForTenant("t_a")).toHaveLength(1);
  });
});

describe("GET /api/v1/webhooks", () => {
  it("lists the tenant's own subscriptions, never a secret", async () => {
    const { keys, post, list } = setup();
    await post(
      postRequest(keys.a.apiKey, { url: "https://a.example/hook", events: ["case.paid"] }),
      new InvocationContext(),
    );
    await post(
      postRequest(keys.b.apiKey, { url: "https://b.example/hook", events: ["case.created"] }),
      new InvocationContext(),
    );
    const get = (apiKey: string) =>
      new HttpRequest({ method: "GET", url: "http://localhost/api/v1/webhooks", headers: { "x-api-key": apiKey } });
    const res = await json(await list(get(keys.a.apiKey), new InvocationContext()));
    expect(res.status).toBe(200);
    expect(res.body?.items).toEqual([
      {
        id: expect.any(String),
        url: "https://a.example/hook",
        events: ["case.paid"],
        createdAt: "2026-11-23T12:00:00.000Z",
        disabledAt: null,
        disabledReason: null,
      },
    ]);
    expect(JSON.stringify(res.body)).not.toContain("whsec_");
  });
});

describe("DELETE /api/v1/webhooks/{webhookId}", () => {
  it("removes the tenant's own subscription (204); another tenant's or an unknown id is 404, and stays", async () => {
    const { keys, post, remove, webhooks } = setup();
    const created = await json(
      await post(
        postRequest(keys.a.apiKey, { url: "https://a.example/hook", events: ["case.paid"] }),
        new InvocationContext(),
      ),
    );
    const id = created.body!.id!;
    const del = (apiKey: string, webhookId: string) =>
      new HttpRequest({
        method: "DELETE",
        url: `http://localhost/api/v1/webhooks/${webhookId}`,
        headers: { "x-api-key": apiKey },
        params: { webhookId },
      });
    const foreign = await json(await remove(del(keys.b.apiKey, id), new InvocationContext()));
    expect(foreign.status).toBe(404);
    expect(await webhooks.listForTenant("t_a")).toHaveLength(1);
    expect((await json(await remove(del(keys.a.apiKey, id), new InvocationContext()))).status).toBe(204);
    expect(await webhooks.listForTenant("t_a")).toEqual([]);
    expect((await json(await remove(del(keys.a.apiKey, id), new InvocationContext()))).status).toBe(404);
  });
});

describe("POST /api/v1/webhooks/{webhookId}/rotate-secret", () => {
  it("returns a new secret once; both secrets sign deliveries during the overlap, only the new one after it", async () => {
    const { keys, post, rotate, webhooks } = setup();
    const created = await json(
      await post(
        postRequest(keys.a.apiKey, { url: "https://a.example/hook", events: ["case.paid"] }),
        new InvocationContext(),
      ),
    );
    const { id, secret: oldSecret } = created.body as { id: string; secret: string };
    const rotateRequest = (apiKey: string, webhookId: string, body?: unknown) =>
      new HttpRequest({
        method: "POST",
        url: `http://localhost/api/v1/webhooks/${webhookId}/rotate-secret`,
        headers: { "x-api-key": apiKey, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        params: { webhookId },
        ...(body === undefined ? {} : { body: { string: JSON.stringify(body) } }),
      });
    expect((await json(await rotate(rotateRequest(keys.b.apiKey, id), new InvocationContext()))).status).toBe(404);
    const tooLong = await json(
      await rotate(rotateRequest(keys.a.apiKey, id, { overlapHours: 1000 }), new InvocationContext()),
    );
    expect(tooLong.status).toBe(422);
    const res = await json(
      await rotate(rotateRequest(keys.a.apiKey, id, { overlapHours: 2 }), new InvocationContext()),
    );
    expect(res.status).toBe(200);
    const rotated = res.body as unknown as { secret: string; previousSecretValidUntil: string };
    expect(rotated.secret).toMatch(/^whsec_/u);
    expect(rotated.secret).not.toBe(oldSecret);
    expect(rotated.previousSecretValidUntil).toBe("2026-11-23T14:00:00.000Z");

    const [subscription] = await webhooks.listForTenant("t_a");
    const event = {
      id: "evt-1",
      type: "case.paid" as const,
      tenantId: "t_a",
      caseId: "c_1",
      occurredAt: "2026-11-23T12:30:00.000Z",
      data: {},
    };
    const sent: Array<{ headers: Record<string, string>; body: string }> = [];
    const sender = {
      send: async (r: { headers: Record<string, string>; body: string }) => {
        sent.push(r);
        return { kind: "answered" as const, status: 204 };
      },
    };
    const at = (iso: string) => makeAttemptWebhook({ sender, signingClock: { now: () => new Date(iso) } });
    await at("2026-11-23T13:00:00.000Z")(subscription!, event);
    await at("2026-11-23T14:30:00.000Z")(subscription!, event);
    const verifies = (secret: string, n: number) => {
      try {
        new Webhook(secret).verify(sent[n]!.body, sent[n]!.headers);
        return true;
      } catch {
        return false;
      }
    };
    expect(sent[0]!.headers["webhook-signature"]!.split(" ")).toHaveLength(2);
    // Receivers check the timestamp against their clock: verify these with the library's own tolerance turned off.
    vi.useFakeTimers({ now: new Date("2026-11-23T13:00:00.000Z") });
    expect([verifies(rotated.secret, 0), verifies(oldSecret, 0)]).toEqual([true, true]);
    vi.setSystemTime(new Date("2026-11-23T14:30:00.000Z"));
    expect([verifies(rotated.secret, 1), verifies(oldSecret, 1)]).toEqual([true, false]);
    vi.useRealTimers();
  });
});

describe("POST /api/v1/webhooks/{webhookId}/rotate-secret with Idempotency-Key", () => {
  it("rotates once: a retry with the same key gets the same secret, and the original secret still signs beside it", async () => {
    const { keys, post, rotate, webhooks } = setup();
    const created = await json(
      await post(
        postRequest(keys.a.apiKey, { url: "https://a.example/hook", events: ["case.paid"] }),
        new InvocationContext(),
      ),
    );
    const { id } = created.body as { id: string };
    const [before] = await webhooks.listForTenant("t_a");
    const rotateRequest = (key: string) =>
      new HttpRequest({
        method: "POST",
        url: `http://localhost/api/v1/webhooks/${id}/rotate-secret`,
        headers: { "x-api-key": keys.a.apiKey, "content-type": "application/json", "idempotency-key": key },
        params: { webhookId: id },
        body: { string: JSON.stringify({ overlapHours: 2 }) },
      });
    const first = await json(await rotate(rotateRequest("rotate-1"), new InvocationContext()));
    const retry = await json(await rotate(rotateRequest("rotate-1"), new InvocationContext()));
    expect(first.status).toBe(200);
    expect(retry.status).toBe(200);
    expect((retry.body as { secret: string }).secret).toBe((first.body as { secret: string }).secret);
    const [after] = await webhooks.listForTenant("t_a");
    expect(JSON.stringify(after)).toContain(JSON.stringify(before!.secret));
    const badKey = await json(await rotate(rotateRequest("not a key"), new InvocationContext()));
    expect(badKey.status).toBe(400);
  });
});

describe("a webhook id that is not one", () => {
  it("is a 400 naming #/path/webhookId on DELETE and rotate-secret (`#`, `/` or `\\` once reached the store: 500)", async () => {
    const { keys, remove, rotate } = setup();
    for (const webhookId of ["a#b", "a/b", "a\\b", "wh_nope"]) {
      const request = (method: string, suffix = "") =>
        new HttpRequest({
          method,
          url: `http://localhost/api/v1/webhooks/${encodeURIComponent(webhookId)}${suffix}`,
          headers: { "x-api-key": keys.a.apiKey },
          params: { webhookId },
        });
      for (const res of [
        await json(await remove(request("DELETE"), new InvocationContext())),
        await json(await rotate(request("POST", "/rotate-secret"), new InvocationContext())),
      ]) {
        expect(res.status, webhookId).toBe(400);
        expect(JSON.stringify(res.body), webhookId).toContain("#/path/webhookId");
      }
    }
  });
});
