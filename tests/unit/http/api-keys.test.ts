import { describe, expect, it } from "vitest";
import {
  apiKeyMatches,
  authenticate,
  authenticateOperator,
  generateApiKey,
  hashApiKey,
  parseApiKey,
  type ApiKeyLookup,
} from "../../../shared/http/api-keys";
import { handler } from "../../../shared/http/parse";
import { contextWithLog, getRequest, read } from "./http-fixtures";

const issued = generateApiKey("live");
const otherTenantsKey = generateApiKey("live");

/** The key store as the application will have it: key id → tenant and hash (never the key). */
const records = new Map([
  [issued.keyId, { tenantId: "tenant-a", keyHash: issued.keyHash }],
  [otherTenantsKey.keyId, { tenantId: "tenant-b", keyHash: otherTenantsKey.keyHash }],
]);
const lookup: ApiKeyLookup = async (keyId) => records.get(keyId);

/** What a creditor-authenticated function answers for a request with these headers. */
async function call(headers: Record<string, string>) {
  const fn = handler(async (request) => ({ status: 200, jsonBody: await authenticate(request, lookup) }));
  return read(await fn(getRequest("http://localhost/api/v1/policy", { headers }), contextWithLog().context));
}

describe("generating API keys", () => {
  it("makes prefixed keys with 256 random bits and a non-secret key id", () => {
    const key = generateApiKey("test");
    expect(key.apiKey).toMatch(/^pfu_test_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/u);
    expect(key.apiKey).toContain(key.keyId);
    expect(Buffer.from(key.apiKey.slice(-43), "base64url")).toHaveLength(32);
    expect(parseApiKey(key.apiKey)).toEqual({ environment: "test", keyId: key.keyId });
    expect(generateApiKey().apiKey).toMatch(/^pfu_live_/u);
  });

  it("never makes the same key twice", () => {
    const keys = new Set(Array.from({ length: 1000 }, () => generateApiKey().apiKey));
    expect(keys.size).toBe(1000);
  });

  it("stores only a SHA-256 hash that the key matches and no other key does", () => {
    expect(issued.keyHash).toBe(hashApiKey(issued.apiKey));
    expect(issued.keyHash).toMatch(/^[0-9a-f]{64}$/u);
    expect(issued.keyHash).not.toContain(issued.apiKey.slice(-43));
    expect(apiKeyMatches(issued.apiKey, issued.keyHash)).toBe(true);
    expect(apiKeyMatches(otherTenantsKey.apiKey, issued.keyHash)).toBe(false);
    expect(apiKeyMatches(issued.apiKey, "not-a-digest")).toBe(false);
  });
});

describe("authenticating a creditor", () => {
  it("resolves a valid key to its tenant", async () => {
    const response = await call({ "x-api-key": issued.apiKey });
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ tenantId: "tenant-a", keyId: issued.keyId });
  });

  it("resolves each key to its own tenant only", async () => {
    expect((await call({ "x-api-key": otherTenantsKey.apiKey })).json.tenantId).toBe("tenant-b");
  });

  it("answers a missing, malformed, unknown or wrong key with one identical 401", async () => {
    const wrongSecret = issued.apiKey.slice(0, -1) + (issued.apiKey.endsWith("A") ? "B" : "A");
    const unknown = generateApiKey("live").apiKey;
    const responses = await Promise.all([
      call({}),
      call({ "x-api-key": "" }),
      call({ "x-api-key": "hunter2" }),
      call({ "x-api-key": unknown }),
      call({ "x-api-key": wrongSecret }),
    ]);
    for (const response of responses) {
      expect(response.status).toBe(401);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      expect(response.headers.get("www-authenticate")).toBe('ApiKey header="x-api-key"');
      expect(response.text).toBe(responses[0]?.text);
    }
    expect(responses[0]?.json).toEqual({
      type: "https://payment-follow-up.dev/problems/unauthorized",
      title: "Unauthorized",
      status: 401,
      detail: "A valid API key is required in the x-api-key header.",
    });
  });

  it("lets a failing key store surface as a 500, not as a 401", async () => {
    const fn = handler(async (request) => ({
      status: 200,
      jsonBody: await authenticate(request, async () => {
        throw new Error("key store unavailable");
      }),
    }));
    const response = await read(
      await fn(
        getRequest("http://localhost/api/v1/policy", { headers: { "x-api-key": issued.apiKey } }),
        contextWithLog().context,
      ),
    );
    expect(response.status).toBe(500);
  });
});

describe("authenticating the operator", () => {
  const operatorKey = "op-7f3a9c2e5b8d1f4a6c0e9b2d5f8a1c4e";
  async function onboard(headers: Record<string, string>, configured: string | undefined) {
    const fn = handler(async (request) => {
      authenticateOperator(request, configured);
      return { status: 201 };
    });
    return read(await fn(getRequest("http://localhost/api/v1/tenants", { headers }), contextWithLog().context));
  }

  it("accepts the configured operator key", async () => {
    expect((await onboard({ "x-api-key": operatorKey }, operatorKey)).status).toBe(201);
  });

  it("refuses a missing or wrong key, or a creditor's key, with the same 401", async () => {
    const responses = await Promise.all([
      onboard({}, operatorKey),
      onboard({ "x-api-key": operatorKey.slice(0, -1) }, operatorKey),
      onboard({ "x-api-key": issued.apiKey }, operatorKey),
    ]);
    expect(responses.map((r) => r.status)).toEqual([401, 401, 401]);
    expect(new Set(responses.map((r) => r.text)).size).toBe(1);
  });

  it("refuses everyone when no operator key is configured", async () => {
    expect((await onboard({ "x-api-key": "" }, undefined)).status).toBe(401);
    expect((await onboard({ "x-api-key": "" }, "")).status).toBe(401);
    expect((await onboard({ "x-api-key": "anything" }, undefined)).status).toBe(401);
  });
});
