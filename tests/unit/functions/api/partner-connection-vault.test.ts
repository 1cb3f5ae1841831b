/**
 * The partner connection's secrets in a vault (as with KEY_VAULT_URL in Azure): what the store keeps, what the API
 * shows, what the gateway and the callback check get, and what a vault outage does — with the memory vault.
 */
import { HttpRequest } from "@azure/functions";
import { describe, expect, it } from "vitest";
import { makePartnerConnectionFunctions } from "../../../../functions/api/http-partner-connection";
import { makePartnerCallbackFunction } from "../../../../functions/services/http-partner-callback";
import type { MemoryPartnerConnectionStore } from "../../../../shared/adapters/memory/partner-connection-store.memory";
import { MemorySecretVault } from "../../../../shared/adapters/memory/secret-vault.memory";
import { contextWithLog, read } from "../../http/http-fixtures";
import {
  PARTNER_SECRET,
  payInFull,
  sendQueued,
  servicesWorld,
  signedCallback,
  suspendedCase,
  type ServicesWorld,
} from "../../application/services/services-fixtures";
import { context, seedTenant, testWorld, type TestWorld } from "./api-fixtures";

const CLIENT_SECRET = "oauth2-client-secret-value";
const oauth2Body = {
  baseUrl: "https://grid.example.no",
  role: "power-grid-company",
  auth: {
    kind: "oauth2",
    tokenUrl: "https://auth.grid.example.no/token",
    clientId: "pfu",
    clientSecret: CLIENT_SECRET,
  },
};
const hmacBody = { baseUrl: "https://provisioning.fjordnett.no", role: "broadband-provider", auth: { kind: "hmac" } };

function api(world: TestWorld) {
  const fns = makePartnerConnectionFunctions(world.resolve);
  const request = (method: string, apiKey: string, body?: unknown) =>
    new HttpRequest({
      method,
      url: "http://localhost/api/v1/partner-connection",
      headers: { "x-api-key": apiKey, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: { string: JSON.stringify(body) } }),
    });
  return {
    put: async (apiKey: string, body: unknown) =>
      read(await fns.putPartnerConnection(request("PUT", apiKey, body), context())),
    get: async (apiKey: string) => read(await fns.getPartnerConnection(request("GET", apiKey), context())),
    delete: async (apiKey: string) => read(await fns.deletePartnerConnection(request("DELETE", apiKey), context())),
  };
}

/** The document the store keeps for the tenant, as JSON (what Cosmos DB would hold). */
function storedDocument(world: TestWorld, tenantId: string): string {
  return JSON.stringify((world.deps.partnerConnections as MemoryPartnerConnectionStore).document(tenantId));
}

describe("a partner connection whose secrets live in the vault", () => {
  it("keeps no secret in the stored document, only references to the vault, and GET shows none", async () => {
    const vault = new MemorySecretVault();
    const world = testWorld({ vault });
    const { apiKey, tenantId } = await seedTenant(world);
    const partner = api(world);

    const created = await partner.put(apiKey, oauth2Body);
    expect(created.status).toBe(201);
    const callbackSecret = created.json.secrets.callbackSecret as string;
    expect(callbackSecret).toMatch(/^whsec_/u);
    expect(vault.values().sort()).toEqual([CLIENT_SECRET, callbackSecret].sort());
    const document = storedDocument(world, tenantId);
    expect(document).not.toContain(CLIENT_SECRET);
    expect(document).not.toContain(callbackSecret);
    expect(JSON.parse(document)).toMatchObject({
      auth: { kind: "oauth2", clientId: "pfu", clientSecretRef: expect.stringMatching(/^partner-t-alpha-/u) },
      callbackSecretRef: expect.stringMatching(/^partner-t-alpha-.*-callback$/u),
    });

    const shown = await partner.get(apiKey);
    expect(shown.status).toBe(200);
    expect(shown.text).not.toContain(CLIENT_SECRET);
    expect(shown.text).not.toContain(callbackSecret);
    // …while the app itself still gets them in clear (the gateway fetches tokens with the client secret).
    expect(await world.deps.partnerConnections.get(tenantId)).toMatchObject({
      auth: { clientSecret: CLIENT_SECRET },
      callbackSecret,
    });
  });

  it("replacing the connection replaces its secrets; DELETE removes them from the vault", async () => {
    const vault = new MemorySecretVault();
    const world = testWorld({ vault });
    const { apiKey } = await seedTenant(world);
    const partner = api(world);
    await partner.put(apiKey, oauth2Body);
    const replaced = await partner.put(apiKey, hmacBody);
    expect(replaced.status).toBe(200);
    expect(vault.values()).toEqual([replaced.json.secrets.secret]);
    expect(vault.names()).toEqual([expect.stringMatching(/-auth$/u)]);

    expect((await partner.delete(apiKey)).status).toBe(204);
    expect(vault.names()).toEqual([]);
    expect((await partner.get(apiKey)).status).toBe(404);
  });

  it("answers 503 problem+json when the vault is down, stores nothing and never shows the secret", async () => {
    const vault = new MemorySecretVault();
    const world = testWorld({ vault });
    const { apiKey, tenantId } = await seedTenant(world);
    vault.down = true;
    const refused = await api(world).put(apiKey, oauth2Body);
    expect(refused.status).toBe(503);
    expect(refused.headers.get("content-type")).toBe("application/problem+json");
    expect(refused.json.code).toBe("SECRET_VAULT_UNAVAILABLE");
    expect(refused.text).not.toContain(CLIENT_SECRET);
    vault.down = false;
    expect(await world.deps.partnerConnections.get(tenantId)).toBeUndefined();
  });
});

describe("partner commands and callbacks with the secrets in the vault", () => {
  async function connectedThroughVault(): Promise<{ w: ServicesWorld; vault: MemorySecretVault }> {
    const vault = new MemorySecretVault();
    const w = await servicesWorld({ vault });
    expect(vault.values()).toEqual([PARTNER_SECRET]);
    return { w, vault };
  }

  it("hands the gateway the connection with the vault's secret, and accepts a callback signed with it", async () => {
    const { w } = await connectedThroughVault();
    const caseId = await suspendedCase(w);
    expect(w.partnerGateway.connections.at(-1)?.auth).toEqual({ kind: "hmac", secret: PARTNER_SECRET });
    await payInFull(w, caseId);
    expect(await sendQueued(w)).toEqual([{ kind: "sent", partnerState: "acknowledged" }]);
    const reopenId = w.partnerGateway.placed.at(-1)!.commandId;

    const response = await postCallback(w, signedCallback(w, w.partnerGateway.complete(reopenId)));
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ outcome: "applied" });
  });

  it("retries a command later while the vault is down, and answers a callback 503 without logging a secret", async () => {
    const { w, vault } = await connectedThroughVault();
    const caseId = await suspendedCase(w);
    await payInFull(w, caseId);
    vault.down = true;
    const placedBefore = w.partnerGateway.placed.length;

    const [outcome] = await sendQueued(w);
    expect(outcome).toMatchObject({ kind: "retry-scheduled", attempt: 2, reason: "vault" });
    expect(w.partnerGateway.placed).toHaveLength(placedBefore);

    const response = await postCallback(
      w,
      signedCallback(w, w.partnerGateway.complete(w.partnerGateway.placed.at(-1)!.commandId)),
    );
    expect(response.status).toBe(503);
    expect(response.json.code).toBe("PARTNER_UNAVAILABLE");
    expect(JSON.stringify(response.logged)).not.toContain(PARTNER_SECRET);
    expect(response.text).not.toContain(PARTNER_SECRET);

    vault.down = false;
    expect(await sendQueued(w)).toEqual([{ kind: "sent", partnerState: "acknowledged" }]);
  });
});

async function postCallback(w: ServicesWorld, delivery: { headers: Record<string, string>; body: string }) {
  const { context: ctx, logged } = contextWithLog();
  const response = await read(
    await makePartnerCallbackFunction(() => w.deps)(
      new HttpRequest({
        method: "POST",
        url: `https://pay.example.test/api/callbacks/partners/${w.tenantId}`,
        headers: delivery.headers,
        body: { string: delivery.body },
        params: { tenantId: w.tenantId },
      }),
      ctx,
    ),
  );
  return { ...response, logged };
}
