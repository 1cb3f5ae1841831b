import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installFunctionsCore } from "../../../devhost/functions-core";
import { app, HttpResponse } from "@azure/functions";
import { DevHttpServer } from "../../../devhost/http-server";
import { Invoker } from "../../../devhost/invoker";
import { WorkTracker } from "../../../devhost/work-tracker";
import { createLogger } from "../../../devhost/logger";
import { json } from "../../support/http";

const registry = installFunctionsCore();
const logLines: Array<Record<string, unknown>> = [];

app.http("echo", {
  route: "api/echo/{id:int}/{rest?}",
  methods: ["POST", "PUT"],
  authLevel: "anonymous",
  handler: async (req, ctx) => {
    const type = req.headers.get("content-type") ?? "";
    let body: unknown;
    if (type.startsWith("application/json")) body = await req.json();
    else if (type.startsWith("application/x-www-form-urlencoded"))
      body = Object.fromEntries((await req.formData()).entries());
    else body = Buffer.from(await req.arrayBuffer()).toString("hex");
    ctx.log("echoing");
    return {
      status: 201,
      jsonBody: { params: req.params, query: Object.fromEntries(req.query), tenant: req.headers.get("x-tenant"), body },
    };
  },
});
app.http("secret", {
  route: "api/secret",
  methods: ["GET"],
  authLevel: "function",
  handler: async () => ({ body: "hush" }),
});
app.http("admin", {
  route: "api/admin",
  methods: ["GET"],
  authLevel: "admin",
  handler: async () => ({ body: "root" }),
});
app.http("cookie", {
  route: "api/cookie",
  methods: ["GET"],
  handler: async () =>
    new HttpResponse({ status: 204, cookies: [{ name: "session", value: "a b", httpOnly: true, path: "/" }] }),
});
app.http("boom", {
  route: "api/boom",
  methods: ["GET"],
  handler: async () => {
    throw new Error("secret internals");
  },
});

let server: DevHttpServer;
let base: string;

beforeAll(async () => {
  const logger = createLogger((line) => logLines.push(JSON.parse(line)));
  server = new DevHttpServer({
    registry,
    invoker: new Invoker(registry, new WorkTracker(), logger),
    logger,
    keys: { functionKey: "fkey", masterKey: "mkey" },
    devRoutes: [async (_req, res, url) => (url.pathname === "/api/dev/ping" ? (res.end("pong"), true) : false)],
  });
  base = `http://127.0.0.1:${await server.listen(0)}`;
});
afterAll(() => server.close());

describe("the dev host's HTTP server", () => {
  it("passes route parameters, query, headers and a JSON body to the handler and returns its response", async () => {
    const res = await fetch(`${base}/api/echo/42/more?limit=5`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-tenant": "t-1" },
      body: JSON.stringify({ amount: { value: 10000, currency: "NOK" } }),
    });
    expect(res.status).toBe(201);
    expect(await json(res)).toEqual({
      params: { id: "42", rest: "more" },
      query: { limit: "5" },
      tenant: "t-1",
      body: { amount: { value: 10000, currency: "NOK" } },
    });
  });

  it("passes form and binary bodies through unchanged", async () => {
    const form = await fetch(`${base}/api/echo/1`, {
      method: "PUT",
      body: new URLSearchParams({ method: "vipps", amount: "100" }),
    });
    expect((await json(form)).body).toEqual({ method: "vipps", amount: "100" });
    const bin = await fetch(`${base}/api/echo/1`, {
      method: "POST",
      headers: { "content-type": "application/octet-stream" },
      body: new Uint8Array([0, 255, 16]),
    });
    expect((await json(bin)).body).toBe("00ff10");
  });

  it("answers 404 with a problem document for an unknown path or a method the route does not take", async () => {
    const missing = await fetch(`${base}/api/nothing-here`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toContain("application/problem+json");
    const wrongMethod = await fetch(`${base}/api/echo/1`);
    expect(wrongMethod.status).toBe(404);
    expect((await json(wrongMethod)).detail).toContain("POST");
    expect((await fetch(`${base}/api/echo/not-a-number`, { method: "POST" })).status).toBe(404);
  });

  it("requires the function key for authLevel function and the master key for admin", async () => {
    expect((await fetch(`${base}/api/secret`)).status).toBe(401);
    expect((await fetch(`${base}/api/secret`, { headers: { "x-functions-key": "wrong" } })).status).toBe(401);
    expect(await (await fetch(`${base}/api/secret`, { headers: { "x-functions-key": "fkey" } })).text()).toBe("hush");
    expect((await fetch(`${base}/api/secret?code=mkey`)).status).toBe(200);
    expect((await fetch(`${base}/api/admin?code=fkey`)).status).toBe(401);
    expect(await (await fetch(`${base}/api/admin?code=mkey`)).text()).toBe("root");
  });

  it("sends cookies the handler sets", async () => {
    const res = await fetch(`${base}/api/cookie`);
    expect(res.status).toBe(204);
    expect(res.headers.get("set-cookie")).toBe("session=a%20b; Path=/; HttpOnly");
  });

  it("turns an unhandled error into a 500 without leaking its message, and logs the failed invocation", async () => {
    const res = await fetch(`${base}/api/boom`);
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain("secret internals");
    const line = logLines.find((l) => l.msg === "invocation" && l.function === "boom");
    expect(line).toMatchObject({ outcome: "failed", trigger: "httpTrigger", error: "secret internals" });
    expect(typeof line?.invocationId).toBe("string");
    expect(typeof line?.durationMs).toBe("number");
  });

  it("serves dev routes before the app's routes", async () => {
    expect(await (await fetch(`${base}/api/dev/ping`)).text()).toBe("pong");
  });
});
