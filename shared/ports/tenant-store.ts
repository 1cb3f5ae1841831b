import type { CountryCode } from "../domain/calendar";
import type { LadderPolicy } from "../domain/policy";

export interface Tenant {
  schemaVersion: 1;
  tenantId: string;
  name: string;
  senderName: string;
  orgNumber: string;
  country: CountryCode;
  /** The creditor's logo on the pay page (an https URL the creditor hosts); optional. */
  logoUrl?: string;
  /** null until the creditor sets one: the lawful default for the country applies. */
  policy: LadderPolicy | null;
  createdAt: string;
  updatedAt: string;
}

export interface ApiKeyRecord {
  keyId: string;
  tenantId: string;
  /** SHA-256 of the whole key; the key itself is shown once and never stored. */
  keyHash: string;
  createdAt: string;
}

export interface TenantStore {
  create(tenant: Tenant, apiKey: ApiKeyRecord): Promise<void>;
  get(tenantId: string): Promise<Tenant | undefined>;
  findApiKey(keyId: string): Promise<ApiKeyRecord | undefined>;
  /** Throws TenantNotFound (code TENANT_NOT_FOUND). */
  setPolicy(tenantId: string, policy: LadderPolicy, now: Date): Promise<Tenant>;
}
