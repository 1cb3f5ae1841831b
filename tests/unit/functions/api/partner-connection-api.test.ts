import { app, HttpRequest } from "@azure/functions";
import { describe, expect, it, vi } from "vitest";
import {
  makePartnerConnectionFunctions,
  registerPartnerConnectionFunctions,
} from "../../../../functions/api/http-partner-connection";
import { read } from "../../http/http-fixtures";
import { context, seedTenant, testWorld, type TestWorld } from "./api-fixtures";

const URL_ = "http://localhost/api/v1/partner-connection";
const GIVEN_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

const hmacBody = { baseUrl: "https://provisioning.fjordnett.no", role: "broadband-provider", auth: { kind: "hmac" } };
const oauth2Body = {
  baseUrl: "https://grid.example.no",
  role: "power-grid-company",
  auth: {
    kind: "oauth2",
    tokenUrl: "https://auth.grid.example.no/token",
    clientId: "pfu",
    clientSecret: "s3cr3t-value",
  },
};

function request(method: string, apiKey: string, body?: unknown, headers: Record<string, string> = {}): HttpRequest {
  return new HttpRequest({
    method,
    url: URL_,
    headers: { "x-api-key": apiKey, ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
    ...(body === undefined ? {} : { body: { string: JSON.stringify(body) } }),
  });
}

function api(world: TestWorld) {
  const fns = makePartnerConnectionFunctions(world.resolve);
  return {
    put: async (apiKey: string, body: unknown, headers: Record<string, string> = {}) =>
      read(await fns.putPartnerConnection(request("PUT", apiKey, body, headers), context())),
    get: async (apiKey: string) => read(await fns.getPartnerConnection(request("GET", apiKey), context())),
    delete: async (apiKey: string) => read(await fns.deletePartnerConnection(request("DELETE", apiKey), context())),
  };
}

describe("PUT /api/v1/partner-connection", () => {
  it("creates the connection (201) with the generated secret once; GET then shows no secret and the callback URL", async () => {
    const world = testWorld();
    const { apiKey, tenantId } = await seedTenant(world);
    const partner = api(world);
    const created = await partner.put(apiKey, hmacBody);
    expect(created.status).toBe(201);
    const secret = created.json.secrets.secret as string;
    expect(secret).toMatch(/^whsec_/u);
    const shown = await partner.get(apiKey);
    expect(shown.status).toBe(200);
    expect(shown.json).toEqual({
      baseUrl: "https://provisioning.fjordnett.no",
      role: "broadband-provider",
      auth: { kind: "hmac" },
      callbackUrl: `https://pay.example.test/api/callbacks/partners/${tenantId}`,
      createdAt: "2026-11-02T10:00:00.000Z",
      updatedAt: "2026-11-02T10:00:00.000Z",
    });
    expect(shown.text).not.toContain(secret);
    expect(shown.headers.get("cache-control")).toBe("no-store");
  });

  it("replaces the connection (200) on a second PUT, and never echoes the secrets the tenant sent", async () => {
    const world = testWorld();
    const { apiKey } = await seedTenant(world);
    const partner = api(world);
    await partner.put(apiKey, { ...hmacBody, auth: { kind: "hmac", secret: GIVEN_SECRET } });
    world.clock.set("2026-11-03T09:00:00.000Z");
    const replaced = await partner.put(apiKey, oauth2Body);
    expect(replaced.status).toBe(200);
    expect(replaced.text).not.toContain("s3cr3t-value");
    expect(replaced.json.secrets.callbackSecret).toMatch(/^whsec_/u);
    const shown = await partner.get(apiKey);
    expect(shown.json.auth).toEqual({
      kind: "oauth2",
      tokenUrl: "https://auth.grid.example.no/token",
      clientId: "pfu",
    });
    expect(shown.json.createdAt).toBe("2026-11-02T10:00:00.000Z");
    expect(shown.json.updatedAt).toBe("2026-11-03T09:00:00.000Z");
    expect(shown.text).not.toContain(GIVEN_SECRET);
    expect(shown.text).not.toContain("s3cr3t-value");
    expect(shown.text).not.toContain(replaced.json.secrets.callbackSecret as string);
  });

  it("answers 422 problem+json naming /baseUrl, /role and /auth/tokenUrl, and stores nothing", async () => {
    const world = testWorld();
    const { apiKey } = await seedTenant(world);
    const partner = api(world);
    const bad = await partner.put(apiKey, {
      ...oauth2Body,
      baseUrl: "http://partner.example.no",
      role: "power-supplier",
      auth: { ...oauth2Body.auth, tokenUrl: "https://127.0.0.1/token" },
    });
    expect(bad.status).toBe(422);
    expect(bad.headers.get("content-type")).toBe("application/problem+json");
    expect(bad.json.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual([
      "/auth/tokenUrl",
      "/baseUrl",
      "/role",
    ]);
    expect((await partner.get(apiKey)).status).toBe(404);
  });

  it("refuses a loopback base URL in Azure but accepts it where the deployment allows loopback URLs", async () => {
    const local = { ...hmacBody, baseUrl: "http://127.0.0.1:7072/partner" };
    const azure = testWorld();
    const azureKey = (await seedTenant(azure)).apiKey;
    expect((await api(azure).put(azureKey, local)).status).toBe(422);
    const devhost = testWorld({ settings: { WEBHOOK_ALLOW_LOOPBACK_URLS: true } });
    const devKey = (await seedTenant(devhost)).apiKey;
    const accepted = await api(devhost).put(devKey, local);
    expect(accepted.status).toBe(201);
    expect(accepted.json.connection.baseUrl).toBe("http://127.0.0.1:7072/partner");
  });

  it("answers a retried PUT with the same Idempotency-Key with the first answer, without generating a new secret", async () => {
    const world = testWorld();
    const { apiKey, tenantId } = await seedTenant(world);
    const partner = api(world);
    const first = await partner.put(apiKey, hmacBody, { "Idempotency-Key": "conn-1" });
    const replay = await partner.put(apiKey, hmacBody, { "Idempotency-Key": "conn-1" });
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.json).toEqual(first.json);
    const stored = await world.deps.partnerConnections.get(tenantId);
    expect(stored?.auth).toEqual({ kind: "hmac", secret: first.json.secrets.secret });
    const reused = await partner.put(apiKey, oauth2Body, { "Idempotency-Key": "conn-1" });
    expect(reused.status).toBe(409);
  });

  it("refuses a request without a valid API key (401)", async () => {
    const world = testWorld();
    const partner = api(world);
    expect((await partner.put("pfu_test_0000000000000000_nope", hmacBody)).status).toBe(401);
  });
});

describe("GET and DELETE /api/v1/partner-connection", () => {
  it("answer 404 problem+json when the tenant has no connection", async () => {
    const world = testWorld();
    const { apiKey } = await seedTenant(world);
    const partner = api(world);
    const missing = await partner.get(apiKey);
    expect(missing.status).toBe(404);
    expect(missing.json.code).toBe("PARTNER_CONNECTION_NOT_FOUND");
    expect(missing.headers.get("content-type")).toBe("application/problem+json");
    expect((await partner.delete(apiKey)).status).toBe(404);
  });

  it("show another tenant's key nothing: its GET and DELETE are 404 and the owner's connection stays", async () => {
    const world = testWorld();
    const owner = await seedTenant(world, "t_alpha");
    const other = await seedTenant(world, "t_beta");
    const partner = api(world);
    await partner.put(owner.apiKey, hmacBody);
    expect((await partner.get(other.apiKey)).status).toBe(404);
    expect((await partner.delete(other.apiKey)).status).toBe(404);
    expect((await partner.get(owner.apiKey)).status).toBe(200);
  });

  it("DELETE removes the connection (204); GET is then 404", async () => {
    const world = testWorld();
    const { apiKey } = await seedTenant(world);
    const partner = api(world);
    await partner.put(apiKey, hmacBody);
    const removed = await partner.delete(apiKey);
    expect(removed.status).toBe(204);
    expect(removed.text).toBe("");
    expect((await partner.get(apiKey)).status).toBe(404);
  });
});

describe("the partner connection functions", () => {
  it("are registered as putPartnerConnection, getPartnerConnection and deletePartnerConnection on one route", () => {
    const http = vi.spyOn(app, "http").mockImplementation(() => undefined);
    try {
      registerPartnerConnectionFunctions(testWorld().resolve);
      expect(http.mock.calls.map(([name, options]) => [name, options.route, options.methods])).toEqual([
        ["putPartnerConnection", "api/v1/partner-connection", ["PUT"]],
        ["getPartnerConnection", "api/v1/partner-connection", ["GET"]],
        ["deletePartnerConnection", "api/v1/partner-connection", ["DELETE"]],
      ]);
    } finally {
      http.mockRestore();
    }
  });
});
