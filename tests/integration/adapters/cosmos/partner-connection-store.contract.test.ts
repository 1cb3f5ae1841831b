/**
 * The partner connection store's contract, run against the in-memory store (what use-case tests use) and the Cosmos
 * DB store on the local stand-in, so the two behave — and fail — the same way.
 */
import type { Database } from "@azure/cosmos";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CosmosPartnerConnectionStore } from "../../../../shared/adapters/cosmos/partner-connection-store.cosmos";
import { COSMOS_CONTAINERS } from "../../../../shared/adapters/cosmos/database.cosmos";
import { MemoryPartnerConnectionStore } from "../../../../shared/adapters/memory/partner-connection-store.memory";
import { MemorySecretVault } from "../../../../shared/adapters/memory/secret-vault.memory";
import {
  connectionOf,
  type PartnerConnectionStore,
  type StoredPartnerConnection,
} from "../../../../shared/ports/partner-connection-store";
import { CosmosHarness } from "./store-fixtures";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

function hmacConnection(tenantId: string, at = "2026-11-02T10:00:00.000Z"): StoredPartnerConnection {
  return {
    schemaVersion: 1,
    tenantId,
    baseUrl: "https://provisioning.fjordnett.no",
    role: "broadband-provider",
    auth: { kind: "hmac", secret: SECRET },
    createdAt: at,
    updatedAt: at,
  };
}

function oauth2Connection(tenantId: string): StoredPartnerConnection {
  return {
    schemaVersion: 1,
    tenantId,
    baseUrl: "https://grid.example.no/api",
    role: "power-grid-company",
    auth: {
      kind: "oauth2",
      tokenUrl: "https://auth.grid.example.no/token",
      clientId: "pfu",
      clientSecret: "client-secret-value",
      scope: "serviceOrdering",
    },
    callbackSecret: SECRET,
    createdAt: "2026-11-02T10:00:00.000Z",
    updatedAt: "2026-11-02T10:00:00.000Z",
  };
}

const cosmos = new CosmosHarness();
let database: Database;

beforeAll(async () => {
  await cosmos.start();
  database = await cosmos.database();
});
afterAll(() => cosmos.stop());

const stores: Array<[string, () => PartnerConnectionStore]> = [
  ["in-memory", () => new MemoryPartnerConnectionStore()],
  ["Cosmos DB", () => new CosmosPartnerConnectionStore({ database })],
  // The same contract with the secrets in a vault (KEY_VAULT_URL): what the app reads does not change.
  ["in-memory, secrets in a vault,", () => new MemoryPartnerConnectionStore({ vault: new MemorySecretVault() })],
  [
    "Cosmos DB, secrets in a vault,",
    () => new CosmosPartnerConnectionStore({ database, vault: new MemorySecretVault() }),
  ],
];

let tenants = 0;
const aTenant = (): string => `t_partner_${(tenants += 1)}`;

describe.each(stores)("%s partner connection store", (_name, makeStore) => {
  it("reads back exactly what was put, secrets included, and nothing for a tenant without one", async () => {
    const store = makeStore();
    const [hmacTenant, oauthTenant] = [aTenant(), aTenant()];
    expect(await store.put(hmacTenant, () => hmacConnection(hmacTenant))).toEqual(hmacConnection(hmacTenant));
    await store.put(oauthTenant, () => oauth2Connection(oauthTenant));
    expect(await store.get(hmacTenant)).toEqual(hmacConnection(hmacTenant));
    expect(await store.get(oauthTenant)).toEqual(oauth2Connection(oauthTenant));
    expect(await store.get(aTenant())).toBeUndefined();
  });

  it("replaces a tenant's connection, handing the stored one to `next` so createdAt can be kept", async () => {
    const store = makeStore();
    const tenantId = aTenant();
    await store.put(tenantId, () => hmacConnection(tenantId));
    const seen: Array<StoredPartnerConnection | undefined> = [];
    await store.put(tenantId, (current) => {
      seen.push(current);
      return {
        ...oauth2Connection(tenantId),
        createdAt: current?.createdAt ?? "",
        updatedAt: "2026-11-03T09:00:00.000Z",
      };
    });
    expect(seen).toEqual([hmacConnection(tenantId)]);
    expect(await store.get(tenantId)).toEqual({
      ...oauth2Connection(tenantId),
      updatedAt: "2026-11-03T09:00:00.000Z",
    });
  });

  it("keeps every concurrent replacement's effect: `next` runs again on what the other writer stored", async () => {
    const store = makeStore();
    const tenantId = aTenant();
    await store.put(tenantId, () => hmacConnection(tenantId));
    // Each writer appends its mark to the base URL path: a lost update would drop a mark.
    await Promise.all(
      ["a", "b", "c", "d", "e"].map((mark) =>
        store.put(tenantId, (current) => ({
          ...(current ?? hmacConnection(tenantId)),
          baseUrl: `${current?.baseUrl ?? ""}/${mark}`,
        })),
      ),
    );
    const marks = new URL((await store.get(tenantId))!.baseUrl).pathname.split("/").filter(Boolean);
    expect(marks.sort()).toEqual(["a", "b", "c", "d", "e"]);
  });

  it("refuses to store a connection under another tenant's id", async () => {
    const store = makeStore();
    const [tenantId, other] = [aTenant(), aTenant()];
    await expect(store.put(tenantId, () => hmacConnection(other))).rejects.toThrow(/own tenant id/u);
    expect(await store.get(tenantId)).toBeUndefined();
    expect(await store.get(other)).toBeUndefined();
  });

  it("deletes a tenant's connection once: true, then false, and the other tenants keep theirs", async () => {
    const store = makeStore();
    const [tenantId, other] = [aTenant(), aTenant()];
    await store.put(tenantId, () => hmacConnection(tenantId));
    await store.put(other, () => hmacConnection(other));
    expect(await store.delete(tenantId)).toBe(true);
    expect(await store.delete(tenantId)).toBe(false);
    expect(await store.get(tenantId)).toBeUndefined();
    expect(await store.get(other)).toEqual(hmacConnection(other));
  });

  it("gives the gateway the connection without the record's bookkeeping", async () => {
    const store = makeStore();
    const tenantId = aTenant();
    await store.put(tenantId, () => oauth2Connection(tenantId));
    const { schemaVersion: _v, createdAt: _c, updatedAt: _u, ...expected } = oauth2Connection(tenantId);
    expect(connectionOf((await store.get(tenantId))!)).toEqual(expected);
  });
});

describe("Cosmos DB partner connection documents", () => {
  it("are refused, naming the field but not the secret, when a stored one does not decode", async () => {
    const tenantId = aTenant();
    await database.container(COSMOS_CONTAINERS.partnerConnections).items.create({
      ...hmacConnection(tenantId),
      auth: { kind: "hmac", secret: "not-a-whsec-secret-value" },
      id: tenantId,
      type: "partner-connection",
    });
    const read = new CosmosPartnerConnectionStore({ database }).get(tenantId);
    await expect(read).rejects.toThrow(/auth\.secret/u);
    await expect(read).rejects.not.toThrow(/not-a-whsec-secret-value/u);
  });

  it("keep no secret with a vault; one written before the vault (inline) is still read, and moves there when replaced", async () => {
    const container = database.container(COSMOS_CONTAINERS.partnerConnections);
    const raw = async (tenantId: string) => JSON.stringify((await container.item(tenantId, tenantId).read()).resource);
    const tenantId = aTenant();
    await new CosmosPartnerConnectionStore({ database }).put(tenantId, () => oauth2Connection(tenantId));
    expect(await raw(tenantId)).toContain("client-secret-value");

    const vault = new MemorySecretVault();
    const store = new CosmosPartnerConnectionStore({ database, vault });
    expect(await store.get(tenantId)).toEqual(oauth2Connection(tenantId));
    await store.put(tenantId, (current) => ({ ...current!, updatedAt: "2026-11-03T09:00:00.000Z" }));
    const document = await raw(tenantId);
    expect(document).not.toContain("client-secret-value");
    expect(document).not.toContain(SECRET);
    expect(vault.values().sort()).toEqual(["client-secret-value", SECRET].sort());
    expect(await store.get(tenantId)).toEqual({ ...oauth2Connection(tenantId), updatedAt: "2026-11-03T09:00:00.000Z" });

    expect(await store.delete(tenantId)).toBe(true);
    expect(vault.names()).toEqual([]);
  });

  it("with references but the vault down: PartnerUnavailable (reason vault), and nothing deleted", async () => {
    const tenantId = aTenant();
    const vault = new MemorySecretVault();
    const store = new CosmosPartnerConnectionStore({ database, vault });
    await store.put(tenantId, () => hmacConnection(tenantId));
    vault.down = true;
    await expect(store.get(tenantId)).rejects.toMatchObject({ code: "PARTNER_UNAVAILABLE", reason: "vault" });
    await expect(store.delete(tenantId)).rejects.toMatchObject({ code: "SECRET_VAULT_UNAVAILABLE" });
    vault.down = false;
    expect(await store.get(tenantId)).toEqual(hmacConnection(tenantId));
  });
});
