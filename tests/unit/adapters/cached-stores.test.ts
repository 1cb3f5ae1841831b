/**
 * The short-lived in-process caches in front of the tenant, interest-rate and webhook stores: one store read per tenant and
 * TTL instead of one per request; a write through the same instance seen at once; a failure or a "not found" never
 * kept; callers cannot change what is kept.
 */
import { describe, expect, it } from "vitest";
import { CachedInterestRateStore } from "../../../shared/adapters/cached/interest-rate-store.cached";
import { CachedTenantStore } from "../../../shared/adapters/cached/tenant-store.cached";
import { CachedWebhookStore } from "../../../shared/adapters/cached/webhook-store.cached";
import { MemoryWebhookStore } from "../../../shared/adapters/memory/webhook-store.memory";
import type { WebhookStore, WebhookSubscription } from "../../../shared/ports/webhook-store";
import { MemoryInterestRateStore } from "../../../shared/adapters/memory/interest-rate-store.memory";
import { MemoryTenantStore } from "../../../shared/adapters/memory/tenant-store.memory";
import { defaultPolicy } from "../../../shared/domain/policy";
import type { ApiKeyRecord, Tenant, TenantStore } from "../../../shared/ports/tenant-store";

const tenant: Tenant = {
  schemaVersion: 1,
  tenantId: "t_1",
  name: "Fjordnett AS",
  senderName: "Fjordnett",
  orgNumber: "974760673",
  country: "NO",
  policy: null,
  createdAt: "2026-11-01T00:00:00.000Z",
  updatedAt: "2026-11-01T00:00:00.000Z",
};
const key: ApiKeyRecord = { keyId: "k_1", tenantId: "t_1", keyHash: "h", createdAt: "2026-11-01T00:00:00.000Z" };

function counting(inner: TenantStore) {
  const reads = { get: 0, findApiKey: 0 };
  let failNext = false;
  const store: TenantStore = {
    create: (t, k) => inner.create(t, k),
    get: async (id) => {
      reads.get += 1;
      if (failNext) {
        failNext = false;
        throw new Error("Cosmos DB: 503");
      }
      return inner.get(id);
    },
    findApiKey: async (id) => {
      reads.findApiKey += 1;
      return inner.findApiKey(id);
    },
    setPolicy: (id, p, now) => inner.setPolicy(id, p, now),
    setLetterhead: (id, l, now) => inner.setLetterhead(id, l, now),
    addApiKey: (k) => inner.addApiKey(k),
    listApiKeys: (id) => inner.listApiKeys(id),
    revokeApiKey: (id, k, at) => inner.revokeApiKey(id, k, at),
  };
  return { store, reads, failNext: () => (failNext = true) };
}

describe("the cached tenant store", () => {
  it("reads a tenant and a key once per 30 s, sharing concurrent reads, and again after the time", async () => {
    const inner = counting(new MemoryTenantStore());
    let now = 0;
    const cached = new CachedTenantStore(inner.store, { now: () => now });
    await cached.create(tenant, key);
    const got = await Promise.all([cached.get("t_1"), cached.get("t_1"), cached.get("t_1")]);
    expect(got.map((t) => t?.name)).toEqual(["Fjordnett AS", "Fjordnett AS", "Fjordnett AS"]);
    await cached.findApiKey("k_1");
    await cached.findApiKey("k_1");
    expect(inner.reads).toEqual({ get: 1, findApiKey: 1 });
    now = 29_999;
    await cached.get("t_1");
    expect(inner.reads.get).toBe(1);
    now = 30_001;
    await cached.get("t_1");
    expect(inner.reads.get).toBe(2);
  });

  it("shows a write through it at once, keeps no 'not found' and no failure, and hands out copies", async () => {
    const inner = counting(new MemoryTenantStore());
    const cached = new CachedTenantStore(inner.store, { now: () => 0 });
    expect(await cached.get("t_1")).toBeUndefined();
    expect(await cached.findApiKey("k_1")).toBeUndefined();
    await inner.store.create(tenant, key); // created elsewhere (another instance)
    expect((await cached.get("t_1"))?.tenantId).toBe("t_1");
    expect((await cached.findApiKey("k_1"))?.tenantId).toBe("t_1");
    const policy = defaultPolicy("NO", "Fjordnett");
    await cached.setPolicy("t_1", policy, new Date("2026-12-07T10:00:00Z"));
    expect((await cached.get("t_1"))?.policy).toEqual(policy);
    const copy = await cached.get("t_1");
    copy!.name = "changed by a caller";
    expect((await cached.get("t_1"))?.name).toBe("Fjordnett AS");

    const flaky = counting(new MemoryTenantStore());
    await flaky.store.create(tenant, key);
    const cachedFlaky = new CachedTenantStore(flaky.store, { now: () => 0 });
    flaky.failNext();
    await expect(cachedFlaky.get("t_1")).rejects.toThrow("503");
    expect((await cachedFlaky.get("t_1"))?.tenantId).toBe("t_1");
  });
});

describe("the cached interest-rate store", () => {
  it("lists once per minute and per country, and clears on a rate put through it", async () => {
    const inner = new MemoryInterestRateStore();
    let lists = 0;
    const counted = {
      list: async (country?: "NO" | "SE" | "DK") => {
        lists += 1;
        return inner.list(country);
      },
      put: inner.put.bind(inner),
    };
    let now = 0;
    const cached = new CachedInterestRateStore(counted, { now: () => now });
    await cached.list("NO");
    await cached.list("NO");
    expect(lists).toBe(1);
    await cached.list();
    expect(lists).toBe(2);
    await cached.put({
      schemaVersion: 1,
      country: "NO",
      validFrom: "2027-01-01",
      validTo: "2027-06-30",
      rateBasisPoints: 1_200,
      policyRateBasisPoints: 400,
      source: "Norges Bank, policy rate 1 January 2027",
      confirmed: true,
      origin: "operator",
      enteredAt: "2026-12-07T10:00:00.000Z",
    });
    expect((await cached.list("NO")).map((r) => r.validFrom)).toEqual(["2027-01-01"]); // seen at once
    expect(lists).toBe(3);
    now = 60_001;
    await cached.list("NO");
    expect(lists).toBe(4);
  });
});

describe("the cached webhook store", () => {
  const subscription = (id: string): WebhookSubscription => ({
    schemaVersion: 1,
    id,
    tenantId: "t_1",
    url: "https://example.no/hooks",
    events: ["payment.received"],
    secret: "whsec_c2VjcmV0",
    createdAt: `2026-11-01T00:00:0${id.slice(-1)}.000Z`,
  });

  function counting(inner: WebhookStore) {
    let lists = 0;
    let failNext = false;
    const store: WebhookStore = {
      create: (s) => inner.create(s),
      listForTenant: async (tenantId) => {
        lists += 1;
        if (failNext) {
          failNext = false;
          throw new Error("Cosmos DB: 503");
        }
        return inner.listForTenant(tenantId);
      },
      delete: (t, id) => inner.delete(t, id),
      disable: (t, id, reason, at) => inner.disable(t, id, reason, at),
      rotateSecret: (t, id, secret, until) => inner.rotateSecret(t, id, secret, until),
      markFailing: (t, id, since) => inner.markFailing(t, id, since),
      markHealthy: (t, id) => inner.markHealthy(t, id),
    };
    return { store, lists: () => lists, failNext: () => (failNext = true) };
  }

  it("lists a tenant's subscriptions once per 30 s (an empty list too), sharing concurrent reads", async () => {
    const inner = counting(new MemoryWebhookStore());
    let now = 0;
    const cached = new CachedWebhookStore(inner.store, { now: () => now });
    expect(await Promise.all([cached.listForTenant("t_1"), cached.listForTenant("t_1")])).toEqual([[], []]);
    await inner.store.create(subscription("w_1")); // registered on another instance
    expect(await cached.listForTenant("t_1")).toEqual([]);
    expect(inner.lists()).toBe(1);
    now = 30_001;
    expect((await cached.listForTenant("t_1")).map((s) => s.id)).toEqual(["w_1"]);
    expect(inner.lists()).toBe(2);
  });

  it("shows a write through it at once, keeps no failure, and hands out copies", async () => {
    const inner = counting(new MemoryWebhookStore());
    const cached = new CachedWebhookStore(inner.store, { now: () => 0 });
    expect(await cached.listForTenant("t_1")).toEqual([]);
    await cached.create(subscription("w_1"));
    expect((await cached.listForTenant("t_1")).map((s) => s.id)).toEqual(["w_1"]);
    await cached.disable("t_1", "w_1", "gone", new Date("2026-12-07T10:00:00Z"));
    expect((await cached.listForTenant("t_1"))[0]?.disabledReason).toBe("gone");
    await cached.rotateSecret("t_1", "w_1", "whsec_bmV3", new Date("2026-12-08T10:00:00Z"));
    expect((await cached.listForTenant("t_1"))[0]).toMatchObject({
      secret: "whsec_bmV3",
      previousSecret: "whsec_c2VjcmV0",
    });
    await cached.markFailing("t_1", "w_1", new Date("2026-12-07T11:00:00Z"));
    expect((await cached.listForTenant("t_1"))[0]?.failingSince).toBe("2026-12-07T11:00:00.000Z");
    await cached.markHealthy("t_1", "w_1");
    expect((await cached.listForTenant("t_1"))[0]?.failingSince).toBeUndefined();
    const copy = await cached.listForTenant("t_1");
    copy[0]!.url = "https://changed.example";
    expect((await cached.listForTenant("t_1"))[0]?.url).toBe("https://example.no/hooks");
    expect(await cached.delete("t_1", "w_1")).toBe(true);
    expect(await cached.listForTenant("t_1")).toEqual([]);

    const flaky = counting(new MemoryWebhookStore());
    const cachedFlaky = new CachedWebhookStore(flaky.store, { now: () => 0 });
    flaky.failNext();
    await expect(cachedFlaky.listForTenant("t_1")).rejects.toThrow("503");
    expect(await cachedFlaky.listForTenant("t_1")).toEqual([]);
    expect(flaky.lists()).toBe(2);
  });
});

describe("the cached tenant store and revoked keys", () => {
  it("forgets a key revoked through it at once, though its 30 s are not over", async () => {
    const inner = counting(new MemoryTenantStore());
    const now = 0;
    const cached = new CachedTenantStore(inner.store, { now: () => now });
    await cached.create(tenant, key);
    expect((await cached.findApiKey("k_1"))?.revokedAt).toBeUndefined();
    await cached.revokeApiKey("t_1", "k_1", new Date("2026-11-02T00:00:00.000Z"));
    expect((await cached.findApiKey("k_1"))?.revokedAt).toBe("2026-11-02T00:00:00.000Z");
  });
});
