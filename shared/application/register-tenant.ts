/**
 * Onboarding a creditor (operator only): a tenant with the lawful default ladder and one API key. Only the key's
 * hash is stored; the key itself is returned once.
 */
import type { CountryCode } from "../domain/calendar";
import type { Clock } from "../ports/clock";
import type { Random } from "../ports/random";
import type { TenantStore } from "../ports/tenant-store";
import type { CreditorContact, Letterhead } from "../domain/letterhead";
import { TenantNotFound } from "../ports/errors";

export interface NewApiKey {
  apiKey: string;
  keyId: string;
  keyHash: string;
}

export interface RegisterTenantDeps {
  tenants: TenantStore;
  clock: Clock;
  /** Tenant ids. */
  random: Random;
  /** Makes a new key (the HTTP edge's `generateApiKey`): injected so the use case stays free of the key format. */
  newApiKey: () => NewApiKey;
}

export interface RegisterTenantInput {
  name: string;
  /** SMS sender and letter sender (alphanumeric SMS senders: at most 11 characters). */
  senderName: string;
  orgNumber: string;
  country: CountryCode;
  /** The logo on pay pages (https). */
  logoUrl?: string;
  /** The creditor's technical contact for notices about its integration (a webhook disabled). */
  operationsEmail?: string;
  /** The sender block, account number and contact details on the creditor's letters. */
  letterhead?: Letterhead;
  /** How debtors reach the creditor, shown on pay pages and receipts. */
  contact?: CreditorContact;
}

export interface TenantRegistered {
  tenantId: string;
  /** Shown once. Never logged, never stored. */
  apiKey: string;
}

export interface LetterheadDeps {
  tenants: TenantStore;
  clock: Clock;
}

/** The letterhead on the creditor's letters: its own, or the platform's default (`isDefault`) until it sets one. */
export interface LetterheadView {
  letterhead: Letterhead | null;
  isDefault: boolean;
}

/** `GET /letterhead`. */
export function makeGetLetterhead(deps: LetterheadDeps) {
  return async (tenantId: string): Promise<LetterheadView> => {
    const tenant = await deps.tenants.get(tenantId);
    if (!tenant) throw new TenantNotFound(tenantId);
    return { letterhead: tenant.letterhead ?? null, isDefault: tenant.letterhead === undefined };
  };
}

/** `PUT /letterhead`: letters produced from now on print it (letters already archived stay as they were sent). */
export function makePutLetterhead(deps: LetterheadDeps) {
  return async (tenantId: string, letterhead: Letterhead): Promise<LetterheadView> => {
    const updated = await deps.tenants.setLetterhead(tenantId, letterhead, deps.clock.now());
    return { letterhead: updated.letterhead ?? null, isDefault: false };
  };
}

export function makeRegisterTenant(deps: RegisterTenantDeps) {
  return async (input: RegisterTenantInput): Promise<TenantRegistered> => {
    const now = deps.clock.now().toISOString();
    const tenantId = `t_${Buffer.from(deps.random.bytes(16)).toString("hex")}`;
    const key = deps.newApiKey();
    await deps.tenants.create(
      {
        schemaVersion: 1,
        tenantId,
        name: input.name,
        senderName: input.senderName,
        orgNumber: input.orgNumber,
        country: input.country,
        ...(input.logoUrl ? { logoUrl: input.logoUrl } : {}),
        ...(input.operationsEmail ? { operationsEmail: input.operationsEmail } : {}),
        ...(input.letterhead ? { letterhead: input.letterhead } : {}),
        ...(input.contact ? { contact: input.contact } : {}),
        policy: null,
        createdAt: now,
        updatedAt: now,
      },
      { keyId: key.keyId, tenantId, keyHash: key.keyHash, createdAt: now },
    );
    return { tenantId, apiKey: key.apiKey };
  };
}
