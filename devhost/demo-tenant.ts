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
import { TEST_PERSONS } from "./oidc/test-persons";

export const DEMO_TENANT_ID = "t_devhost_demo";
/** The second demo creditor (`DEVHOST_SECOND_DEMO_API_KEY`): Min side's overview shows a person's claims at two. */
export const SECOND_DEMO_TENANT_ID = "t_devhost_demo_2";

/** Who a demo creditor is. */
export interface DemoTenant {
  tenantId: string;
  name: string;
  senderName: string;
  orgNumber: string;
}

const FIRST: DemoTenant = {
  tenantId: DEMO_TENANT_ID,
  name: "Demo Kreditor AS",
  senderName: "DemoKred",
  orgNumber: "974760673",
};
export const SECOND_DEMO_TENANT: DemoTenant = {
  tenantId: SECOND_DEMO_TENANT_ID,
  name: "Nordlys Energi AS",
  senderName: "NordlysEnr",
  orgNumber: "912345602",
};

export interface SeedDemoTenantDeps {
  tenants: TenantStore;
  clock: Clock;
}

/** The demo key's lookup id and hash (never the key itself). */
export interface DemoKey {
  keyId: string;
  keyHash: string;
}

export function makeSeedDemoTenant(deps: SeedDemoTenantDeps, tenant: DemoTenant = FIRST) {
  const DEMO_TENANT_ID = tenant.tenantId;
  return async (key: DemoKey): Promise<{ tenantId: string; created: boolean }> => {
    if ((await deps.tenants.get(DEMO_TENANT_ID)) !== undefined) return { tenantId: DEMO_TENANT_ID, created: false };
    const now = deps.clock.now().toISOString();
    try {
      await deps.tenants.create(
        {
          schemaVersion: 1,
          tenantId: DEMO_TENANT_ID,
          name: tenant.name,
          senderName: tenant.senderName,
          orgNumber: tenant.orgNumber,
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
  tenant: DemoTenant = FIRST,
): Promise<{ tenantId: string; created: boolean }> {
  const parsed = parseApiKey(apiKey);
  if (!parsed) throw new Error("A DEVHOST_…DEMO_API_KEY is not an API key of the form pfu_test_… / pfu_live_…");
  return makeSeedDemoTenant(deps, tenant)({ keyId: parsed.keyId, keyHash: hashApiKey(apiKey) });
}

/**
 * Min side's demo claims (`DEVHOST_DEMO_PEOPLE`): invoices of the test persons (devhost/oidc/test-persons.ts), handed
 * over through the app's own partner API like any creditor's — Kari Nordmann owes both demo creditors, Ola Nordmann
 * the first. Due some days before the dev host's today, so the ladder has sent a letter by the time one signs in.
 * Safe to run again: the invoice numbers are fixed, a repeat is the API's 409.
 */
export async function seedDemoPeopleClaims(
  baseUrl: string,
  keys: { first: string; second: string },
  today: string,
): Promise<number> {
  const daysBefore = (n: number) =>
    new Date(Date.parse(`${today}T12:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);
  const invoices = [
    { key: keys.first, number: "MS-1001", who: TEST_PERSONS[0]!, amount: 129_900, text: "Bredbånd november", due: 16 },
    { key: keys.second, number: "NE-2001", who: TEST_PERSONS[0]!, amount: 84_750, text: "Strøm oktober", due: 3 },
    { key: keys.first, number: "MS-1002", who: TEST_PERSONS[1]!, amount: 49_900, text: "Mobilabonnement", due: 16 },
  ];
  let created = 0;
  for (const inv of invoices) {
    const response = await fetch(`${baseUrl}/api/v1/invoices`, {
      method: "POST",
      headers: { "x-api-key": inv.key, "content-type": "application/json" },
      body: JSON.stringify({
        invoiceNumber: inv.number,
        customer: {
          customerId: `demo-${inv.who.sub}`,
          name: inv.who.name,
          nationalId: inv.who.nationalId,
          address: { lines: ["Storgata 1"], postalCode: "0155", city: "Oslo", country: "NO" },
          consent: { sms: false, email: false },
        },
        amount: { value: inv.amount, currency: "NOK" },
        lines: [{ description: inv.text, amount: { value: inv.amount, currency: "NOK" } }],
        issueDate: daysBefore(inv.due + 14),
        dueDate: daysBefore(inv.due),
      }),
    });
    if (response.status === 201 || response.status === 200) created++;
    else if (response.status !== 409) throw new Error(`demo invoice ${inv.number}: HTTP ${response.status}`);
  }
  return created;
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
