import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { MemoryPartnerConnectionStore } from "../../../../shared/adapters/memory/partner-connection-store.memory";
import {
  makeDeletePartnerConnection,
  makeGetPartnerConnection,
  makePutPartnerConnection,
  partnerCallbackUrl,
  type PutPartnerConnectionInput,
} from "../../../../shared/application/partners/partner-connection";
import { connectionOf } from "../../../../shared/ports/partner-connection-store";
import { callbackSecretOf } from "../../../../shared/ports/partner-gateway";
import { seededRandom } from "../../../support/random";
import { MemoryTenantStore } from "../../../../shared/adapters/memory/tenant-store.memory";
import { UnlawfulPolicy } from "../../../../shared/application/policy";
import { defaultPolicy } from "../../../../shared/domain/policy";
import { tenant } from "../case-ladder-fixtures";
import { FakePartnerGateway } from "../../../support/fake-partner-gateway";

const GIVEN_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

function setup(options: { allowLoopback?: boolean } = {}) {
  let now = new Date("2026-11-02T10:00:00.000Z");
  const clock = { now: () => new Date(now), set: (iso: string) => (now = new Date(iso)) };
  const partnerConnections = new MemoryPartnerConnectionStore();
  const tenants = new MemoryTenantStore();
  void tenants.create(tenant({ tenantId: "t_a" }), {
    keyId: "k1",
    tenantId: "t_a",
    keyHash: "x",
    createdAt: "2026-11-01T00:00:00.000Z",
  });
  const gateway = new FakePartnerGateway();
  const deps = {
    partnerConnections,
    tenants,
    partnerGateway: gateway,
    clock,
    random: seededRandom(7),
    publicBaseUrl: "https://pay.example.no/",
    allowLoopback: options.allowLoopback ?? false,
  };
  return {
    clock,
    tenants,
    gateway,
    store: partnerConnections,
    put: makePutPartnerConnection(deps),
    get: makeGetPartnerConnection(deps),
    remove: makeDeletePartnerConnection(deps),
  };
}

const hmac = (overrides: Partial<PutPartnerConnectionInput> = {}): PutPartnerConnectionInput => ({
  baseUrl: "https://provisioning.fjordnett.no/",
  role: "broadband-provider",
  auth: { kind: "hmac" },
  ...overrides,
});

const oauth2: PutPartnerConnectionInput = {
  baseUrl: "https://grid.example.no/api",
  role: "power-grid-company",
  auth: {
    kind: "oauth2",
    tokenUrl: "https://auth.grid.example.no/token",
    clientId: "pfu",
    clientSecret: "client-secret-value",
    scope: "serviceOrdering",
  },
};

/** The pointers of a ZodError the use case threw, or [] when it did not throw one. */
async function pointersOf(promise: Promise<unknown>): Promise<string[]> {
  try {
    await promise;
    return [];
  } catch (error) {
    if (!(error instanceof ZodError)) throw error;
    return error.issues.map((issue) => `/${issue.path.join("/")}`);
  }
}

describe("putting a partner connection", () => {
  it("generates an HMAC secret when none is given, shows it once, and signs with it", async () => {
    const { put, get, store } = setup();
    const saved = await put("t_a", hmac());
    expect(saved.created).toBe(true);
    expect(saved.secrets.secret).toMatch(/^whsec_[A-Za-z0-9+/]{40,}={0,2}$/u);
    const stored = (await store.get("t_a"))!;
    expect(callbackSecretOf(connectionOf(stored))).toBe(saved.secrets.secret);
    expect(JSON.stringify(await get("t_a"))).not.toContain(saved.secrets.secret);
  });

  it("never echoes a secret the tenant sent, and stores it as given", async () => {
    const { put, store } = setup();
    const saved = await put("t_a", hmac({ auth: { kind: "hmac", secret: GIVEN_SECRET } }));
    expect(saved.secrets).toEqual({});
    expect(JSON.stringify(saved)).not.toContain(GIVEN_SECRET);
    expect((await store.get("t_a"))?.auth).toEqual({ kind: "hmac", secret: GIVEN_SECRET });
  });

  it("gives an OAuth2 connection a callback secret, shown once; the client secret is never shown", async () => {
    const { put, get, store } = setup();
    const saved = await put("t_a", oauth2);
    expect(saved.secrets.callbackSecret).toMatch(/^whsec_/u);
    expect(saved.secrets.secret).toBeUndefined();
    expect(callbackSecretOf(connectionOf((await store.get("t_a"))!))).toBe(saved.secrets.callbackSecret);
    const view = JSON.stringify(await get("t_a"));
    expect(view).not.toContain("client-secret-value");
    expect(view).not.toContain(saved.secrets.callbackSecret);
    expect(JSON.stringify(saved)).not.toContain("client-secret-value");
  });

  it("answers with the callback URL the partner must call, under the public base URL", async () => {
    const { put } = setup();
    const saved = await put("t_a", hmac());
    expect(saved.connection.callbackUrl).toBe("https://pay.example.no/api/callbacks/partners/t_a");
    expect(saved.connection.baseUrl).toBe("https://provisioning.fjordnett.no");
    expect(partnerCallbackUrl("https://pay.example.no", "t a/b")).toBe(
      "https://pay.example.no/api/callbacks/partners/t%20a%2Fb",
    );
  });

  it("replaces the connection on a second PUT, keeping when it was created", async () => {
    const { put, get, clock } = setup();
    const first = await put("t_a", hmac());
    clock.set("2026-11-03T08:30:00.000Z");
    const second = await put("t_a", oauth2);
    expect(second.created).toBe(false);
    expect(await get("t_a")).toEqual({
      baseUrl: "https://grid.example.no/api",
      role: "power-grid-company",
      auth: {
        kind: "oauth2",
        tokenUrl: "https://auth.grid.example.no/token",
        clientId: "pfu",
        scope: "serviceOrdering",
      },
      callbackUrl: "https://pay.example.no/api/callbacks/partners/t_a",
      createdAt: first.connection.createdAt,
      updatedAt: "2026-11-03T08:30:00.000Z",
    });
  });

  it("refuses loopback, plain http and credentials in URLs, naming the field", async () => {
    const { put, store } = setup();
    expect(await pointersOf(put("t_a", hmac({ baseUrl: "http://127.0.0.1:7072" })))).toEqual(["/baseUrl"]);
    expect(await pointersOf(put("t_a", hmac({ baseUrl: "http://partner.example.no" })))).toEqual(["/baseUrl"]);
    expect(await pointersOf(put("t_a", hmac({ baseUrl: "https://u:p@partner.example.no" })))).toEqual(["/baseUrl"]);
    expect(await pointersOf(put("t_a", hmac({ baseUrl: "https://partner.example.no/?x=1" })))).toEqual(["/baseUrl"]);
    const localToken = { ...oauth2, auth: { ...oauth2.auth, tokenUrl: "https://localhost/token" } };
    expect(await pointersOf(put("t_a", localToken as PutPartnerConnectionInput))).toEqual(["/auth/tokenUrl"]);
    expect(await store.get("t_a")).toBeUndefined();
  });

  it("accepts loopback URLs where the deployment allows them (the dev host's partner simulator)", async () => {
    const { put } = setup({ allowLoopback: true });
    const saved = await put("t_a", hmac({ baseUrl: "http://127.0.0.1:7072/partner" }));
    expect(saved.connection.baseUrl).toBe("http://127.0.0.1:7072/partner");
  });

  it("accepts only the three roles, and a secret only in Standard Webhooks form", async () => {
    const { put, store } = setup();
    expect(await pointersOf(put("t_a", hmac({ role: "power-supplier" as never })))).toEqual(["/role"]);
    expect(await pointersOf(put("t_a", hmac({ auth: { kind: "hmac", secret: "hunter2" } })))).toEqual(["/auth/secret"]);
    expect(await store.get("t_a")).toBeUndefined();
  });
});

describe("getting and deleting a partner connection", () => {
  it("reports a tenant without a connection as not found, and never shows another tenant's", async () => {
    const { put, get } = setup();
    await put("t_a", hmac());
    await expect(get("t_b")).rejects.toMatchObject({ code: "PARTNER_CONNECTION_NOT_FOUND" });
  });

  it("deletes the connection once; deleting again is not found", async () => {
    const { put, get, remove } = setup();
    await put("t_a", hmac());
    await remove("t_a");
    await expect(get("t_a")).rejects.toMatchObject({ code: "PARTNER_CONNECTION_NOT_FOUND" });
    await expect(remove("t_a")).rejects.toMatchObject({ code: "PARTNER_CONNECTION_NOT_FOUND" });
  });

  it("refuses a power retailer whose ladder would disconnect a power meter, naming § 48 a, until it sets one without", async () => {
    const { put, store, tenants } = setup();
    const retailer = hmac({ role: "power-retailer" });
    const refused = await put("t_a", retailer).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(UnlawfulPolicy);
    expect(JSON.stringify((refused as UnlawfulPolicy).problems)).toMatch(/48 a/);
    expect(await store.get("t_a")).toBeUndefined();
    const base = defaultPolicy("NO");
    const withoutDisconnection = {
      ...base,
      steps: base.steps.filter(
        (s) => !((s.kind === "suspension" || s.kind === "suspension-notice") && s.services?.includes("power-meter")),
      ),
    };
    await tenants.setPolicy("t_a", withoutDisconnection, new Date("2026-11-02T10:00:00.000Z"));
    expect((await put("t_a", retailer)).connection.role).toBe("power-retailer");
  });

  it("registers our callback URL at the partner's hub, and saves the connection even when the partner is down", async () => {
    const { put, gateway, store } = setup();
    const saved = await put("t_a", hmac());
    expect(saved.hub).toEqual({ registered: true, id: "hub-1" });
    expect(gateway.hubs).toEqual([saved.connection.callbackUrl]);
    expect(saved.connection.callbackUrl).toBe("https://pay.example.no/api/callbacks/partners/t_a");
    gateway.mode = "down";
    const again = await put("t_a", hmac({ baseUrl: "https://provisioning2.fjordnett.no" }));
    expect(again.hub).toMatchObject({ registered: false, problem: expect.stringMatching(/unavailable/i) });
    expect((await store.get("t_a"))?.baseUrl).toBe("https://provisioning2.fjordnett.no");
  });
});
