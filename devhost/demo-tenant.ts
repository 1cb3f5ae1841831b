/**
 * The dev host's demo creditor: a tenant whose API key is the local setting `DEVHOST_DEMO_API_KEY`, so a developer
 * can call the partner API right after `npm start` without onboarding first. The dev host seeds it at start-up,
 * through the app's own tenant store, when the setting is present; the app itself knows nothing of it. Safe to run
 * more than once and concurrently: the tenant id is fixed.
 */
import { DomainError } from "../shared/domain/errors";
import { hashApiKey, parseApiKey } from "../shared/http/api-keys";
import type { Clock } from "../shared/ports/clock";
import { StoredPartnerConnection, type PartnerConnectionStore } from "../shared/ports/partner-connection-store";
import type { TenantStore } from "../shared/ports/tenant-store";

export const DEMO_TENANT_ID = "t_devhost_demo";

export interface SeedDemoTenantDeps {
  tenants: TenantStore;
  clock: Clock;
}

/** The demo key's lookup id and hash (never the key itself). */
export interface DemoKey {
  keyId: string;
  keyHash: string;
}

export function makeSeedDemoTenant(deps: SeedDemoTenantDeps) {
  return async (key: DemoKey): Promise<{ tenantId: string; created: boolean }> => {
    if ((await deps.tenants.get(DEMO_TENANT_ID)) !== undefined) return { tenantId: DEMO_TENANT_ID, created: false };
    const now = deps.clock.now().toISOString();
    try {
      await deps.tenants.create(
        {
          schemaVersion: 1,
          tenantId: DEMO_TENANT_ID,
          name: "Demo Kreditor AS",
          senderName: "DemoKred",
          orgNumber: "974760673",
          country: "NO",
          policy: null,
          createdAt: now,
          updatedAt: now,
        },
        { keyId: key.keyId, tenantId: DEMO_TENANT_ID, keyHash: key.keyHash, createdAt: now },
      );
    } catch (error) {
      // Seeded concurrently by another instance: fine.
      if (error instanceof DomainError && error.code === "TENANT_ALREADY_EXISTS")
        return { tenantId: DEMO_TENANT_ID, created: false };
      throw error;
    }
    return { tenantId: DEMO_TENANT_ID, created: true };
  };
}

/** Seeds the demo creditor for `apiKey` (the `DEVHOST_DEMO_API_KEY` setting); a key that is not an API key is refused. */
export async function seedDemoTenant(
  deps: SeedDemoTenantDeps,
  apiKey: string,
): Promise<{ tenantId: string; created: boolean }> {
  const parsed = parseApiKey(apiKey);
  if (!parsed) throw new Error("DEVHOST_DEMO_API_KEY is not an API key of the form pfu_test_… / pfu_live_…");
  return makeSeedDemoTenant(deps)({ keyId: parsed.keyId, keyHash: hashApiKey(apiKey) });
}

export interface SeedDemoPartnerDeps {
  partnerConnections: PartnerConnectionStore;
  clock: Clock;
}

/**
 * Connects the demo creditor to the dev host's partner simulator (a broadband provider's provisioning system): its
 * base URL and the shared HMAC secret of the settings. Replaces a connection left from an earlier run (the simulator's
 * port may differ with auto ports); the app itself never learns it runs against a simulator. Written through the
 * app's own store: with KEY_VAULT_URL (the dev host's vault stand-in by default) the secret goes to the vault and the
 * Cosmos document only names it, as for any tenant in Azure.
 */
export async function seedDemoPartnerConnection(
  deps: SeedDemoPartnerDeps,
  partner: { baseUrl: string; secret: string },
): Promise<void> {
  const now = deps.clock.now().toISOString();
  await deps.partnerConnections.put(DEMO_TENANT_ID, (current) =>
    StoredPartnerConnection.parse({
      schemaVersion: 1,
      tenantId: DEMO_TENANT_ID,
      baseUrl: partner.baseUrl,
      auth: { kind: "hmac", secret: partner.secret },
      role: "broadband-provider",
      createdAt: current?.createdAt ?? now,
      updatedAt: now,
    }),
  );
}
