/**
 * Tenants (creditors) and their API keys. The record schemas are what a store's adapter decodes what it read with
 * (shared/adapters/cosmos/*): a stored document that does not match is refused, never cast.
 */
import { z } from "zod";
import { CountryCode } from "../domain/calendar";
import { LadderPolicy } from "../domain/policy";
import { CreditorContact, Letterhead } from "../domain/letterhead";

export const Tenant = z.object({
  schemaVersion: z.literal(1),
  tenantId: z.string(),
  name: z.string(),
  senderName: z.string(),
  orgNumber: z.string(),
  country: CountryCode,
  /** The creditor's logo on the pay page (an https URL the creditor hosts); optional. */
  logoUrl: z.string().optional(),
  /**
   * How debtors reach the creditor (phone, e-mail, web), shown on pay pages and receipts. Optional: without it the
   * letterhead's contact details are shown, and without those only the name.
   */
  contact: CreditorContact.optional(),
  /**
   * Where the platform writes to the creditor's technical contact about its integration (a webhook subscription
   * disabled, …). Not personal data of a debtor; a role address is expected (drift@…). Optional.
   */
  operationsEmail: z.string().optional(),
  /**
   * What the creditor's letters print beside its name: its postal address, the account payments go to and how
   * debtors reach it. Absent for a tenant registered before letterheads were per creditor: the platform's LETTERHEAD
   * setting applies then.
   */
  letterhead: Letterhead.optional(),
  /** null until the creditor sets one: the lawful default for the country applies. */
  policy: LadderPolicy.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Tenant = z.infer<typeof Tenant>;

export const ApiKeyRecord = z.object({
  keyId: z.string(),
  tenantId: z.string(),
  /** SHA-256 of the whole key; the key itself is shown once and never stored. */
  keyHash: z.string(),
  createdAt: z.string(),
  /** `live` or `test` as in the key's prefix (keys made in the portal say it; older records do not). */
  environment: z.enum(["live", "test"]).optional(),
  /** What the creditor calls the key (portal); absent for the key made at onboarding. */
  label: z.string().optional(),
  /** Set when the key was revoked: the API refuses it from then on. */
  revokedAt: z.string().optional(),
});
export type ApiKeyRecord = z.infer<typeof ApiKeyRecord>;

export interface TenantStore {
  create(tenant: Tenant, apiKey: ApiKeyRecord): Promise<void>;
  get(tenantId: string): Promise<Tenant | undefined>;
  findApiKey(keyId: string): Promise<ApiKeyRecord | undefined>;
  /** Stores one more key for an existing tenant (the portal's "new API key"). */
  addApiKey(apiKey: ApiKeyRecord): Promise<void>;
  /** The tenant's keys, revoked ones included (hashes only, never a key). */
  listApiKeys(tenantId: string): Promise<ApiKeyRecord[]>;
  /** Marks the tenant's key revoked (the first time stays); undefined when the tenant has no key with this id. */
  revokeApiKey(tenantId: string, keyId: string, at: Date): Promise<ApiKeyRecord | undefined>;
  /** Throws TenantNotFound (code TENANT_NOT_FOUND). */
  setPolicy(tenantId: string, policy: LadderPolicy, now: Date): Promise<Tenant>;
  /** Throws TenantNotFound (code TENANT_NOT_FOUND). */
  setLetterhead(tenantId: string, letterhead: Letterhead, now: Date): Promise<Tenant>;
}
