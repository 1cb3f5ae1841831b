/**
 * The Key Vault adapter through the real `@azure/keyvault-secrets` SecretClient and `ManagedIdentityCredential`
 * (msal-node's App Service source: IDENTITY_ENDPOINT + IDENTITY_HEADER) against the dev host's stand-ins: the managed
 * identity endpoint and the HTTPS Key Vault with its certificate made at start.
 */
import { ManagedIdentityCredential, type TokenCredential } from "@azure/identity";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KeyVaultStandIn } from "../../../devhost/key-vault/key-vault-stand-in";
import { ManagedIdentityEndpoint } from "../../../devhost/key-vault/managed-identity-endpoint";
import { silentLogger } from "../../../devhost/logger";
import { KeyVaultSecretVault } from "../../../shared/adapters/key-vault/secret-vault.key-vault";
import { MemoryPartnerConnectionStore } from "../../../shared/adapters/memory/partner-connection-store.memory";
import { SecretVaultUnavailable } from "../../../shared/ports/secret-vault";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

let dataDir: string;
let identity: ManagedIdentityEndpoint;
let standIn: KeyVaultStandIn;
let vaultUrl: string;
let ca: string;
const savedEnv = { endpoint: process.env.IDENTITY_ENDPOINT, header: process.env.IDENTITY_HEADER };

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "key-vault-stand-in-"));
  identity = new ManagedIdentityEndpoint({ logger: silentLogger });
  const { identityEndpoint, identityHeader } = await identity.start(0);
  // What App Service puts in a Function App's environment.
  process.env.IDENTITY_ENDPOINT = identityEndpoint;
  process.env.IDENTITY_HEADER = identityHeader;
  standIn = new KeyVaultStandIn({ dataDir, logger: silentLogger, verifyToken: (t) => identity.verify(t) });
  const started = await standIn.start(0);
  vaultUrl = started.vaultUrl;
  ca = await readFile(started.caFile, "utf8");
});

afterAll(async () => {
  await standIn.stop();
  await identity.stop();
  process.env.IDENTITY_ENDPOINT = savedEnv.endpoint;
  process.env.IDENTITY_HEADER = savedEnv.header;
  if (savedEnv.endpoint === undefined) delete process.env.IDENTITY_ENDPOINT;
  if (savedEnv.header === undefined) delete process.env.IDENTITY_HEADER;
  await rm(dataDir, { recursive: true, force: true });
});

function vault(options: { credential?: TokenCredential; url?: string; maxRetries?: number } = {}) {
  return new KeyVaultSecretVault({
    vaultUrl: options.url ?? vaultUrl,
    credential: options.credential ?? new ManagedIdentityCredential(),
    ca,
    verifyChallengeResource: false,
    cacheSeconds: 0,
    ...(options.maxRetries === undefined ? {} : { maxRetries: options.maxRetries }),
  });
}

describe("Key Vault through the SDK and the managed identity", () => {
  it("stores a secret, reads it back, and after delete reads nothing; deleting again is no error", async () => {
    const secrets = vault();
    await secrets.set("partner-test-auth", SECRET);
    expect(await secrets.get("partner-test-auth")).toBe(SECRET);
    expect(standIn.names()).toContain("partner-test-auth");
    await secrets.delete("partner-test-auth");
    expect(await secrets.get("partner-test-auth")).toBeUndefined();
    expect(standIn.names()).not.toContain("partner-test-auth");
    await secrets.delete("partner-test-auth");
    await secrets.delete("never-was-here");
    expect(await secrets.get("never-was-here")).toBeUndefined();
  });

  it("gives a new value to an existing secret", async () => {
    const secrets = vault();
    await secrets.set("rotated", "first");
    await secrets.set("rotated", "second");
    expect(await secrets.get("rotated")).toBe("second");
  });

  it("keeps the secrets across a restart of the vault", async () => {
    await vault().set("kept-across-restart", SECRET);
    await standIn.stop();
    standIn = new KeyVaultStandIn({ dataDir, logger: silentLogger, verifyToken: (t) => identity.verify(t) });
    const restarted = await standIn.start(0);
    vaultUrl = restarted.vaultUrl;
    ca = await readFile(restarted.caFile, "utf8");
    expect(await vault().get("kept-across-restart")).toBe(SECRET);
  });

  it("refuses a token that its managed identity did not issue: SecretVaultUnavailable with the status", async () => {
    const forged: TokenCredential = {
      getToken: async () => ({ token: "forged-token", expiresOnTimestamp: Date.now() + 3_600_000 }),
    };
    const error = await vault({ credential: forged })
      .get("anything")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretVaultUnavailable);
    expect(error).toMatchObject({ code: "SECRET_VAULT_UNAVAILABLE", status: 401 });
  });

  it("trusts the vault's certificate only through the CA it was given", async () => {
    const untrusted = new KeyVaultSecretVault({
      vaultUrl,
      credential: new ManagedIdentityCredential(),
      verifyChallengeResource: false,
      maxRetries: 0,
    });
    await expect(untrusted.get("anything")).rejects.toBeInstanceOf(SecretVaultUnavailable);
  });

  it("reports a vault that does not answer as SecretVaultUnavailable, never with the value being set", async () => {
    const down = vault({ url: "https://127.0.0.1:9", maxRetries: 0 });
    const error = await down.set("partner-x-auth", SECRET).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretVaultUnavailable);
    expect(JSON.stringify(error)).not.toContain(SECRET);
    expect(String((error as Error).message)).not.toContain(SECRET);
  });

  it("holds a partner connection's secrets for the store: the document refers to them, reads resolve them", async () => {
    const secrets = vault();
    const store = new MemoryPartnerConnectionStore({ vault: secrets });
    const at = "2026-11-02T10:00:00.000Z";
    await store.put("t_vault", () => ({
      schemaVersion: 1,
      tenantId: "t_vault",
      baseUrl: "https://provisioning.example.no",
      role: "broadband-provider",
      auth: { kind: "hmac", secret: SECRET },
      createdAt: at,
      updatedAt: at,
    }));
    expect(JSON.stringify(store.document("t_vault"))).not.toContain(SECRET);
    expect((await store.get("t_vault"))?.auth).toEqual({ kind: "hmac", secret: SECRET });
    const names = standIn.names().filter((n) => n.startsWith("partner-t-vault-"));
    expect(names).toHaveLength(1);
    expect(await store.delete("t_vault")).toBe(true);
    expect(standIn.names().filter((n) => n.startsWith("partner-t-vault-"))).toEqual([]);
  });
});
