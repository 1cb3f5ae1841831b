/**
 * Behind a pay link `/p/{token}`: the link (by the token's hash), its creditor and its cases as they stand now.
 * Unknown and expired links are answers, not errors: the page explains them kindly (404 / 410).
 */
import type { CaseRecord, CaseStore } from "../../ports/case-store";
import type { InterestRateStore } from "../../ports/interest-rate-store";
import type { Clock } from "../../ports/clock";
import type { PayLink, PayLinkStore } from "../../ports/pay-link-store";
import type { Tenant, TenantStore } from "../../ports/tenant-store";
import { payLinkTokenHash } from "../pay-links";

export interface PayLinkDeps {
  payLinks: PayLinkStore;
  cases: CaseStore;
  tenants: TenantStore;
  clock: Clock;
  /** The operators' entered late-interest rates (the seed alone without it). */
  interestRates?: InterestRateStore;
}

export type PayLinkSession =
  | { kind: "unknown" }
  | { kind: "expired"; tenant: Tenant | undefined }
  | { kind: "ok"; link: PayLink; tenant: Tenant; records: CaseRecord[] };

/** A token is 27 base64url characters (160 bits); anything else is not one of ours and is not even looked up. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{20,64}$/u;

export function looksLikeToken(token: string): boolean {
  return TOKEN_PATTERN.test(token);
}

/**
 * Opens the link. `allowExpired` lets the receipt of a payment started just before expiry still show. Cases of
 * another tenant (which a link can never name) are left out.
 */
export async function openPayLink(
  deps: PayLinkDeps,
  token: string,
  options: { allowExpired?: boolean } = {},
): Promise<PayLinkSession> {
  if (!looksLikeToken(token)) return { kind: "unknown" };
  const link = await deps.payLinks.get(payLinkTokenHash(token));
  if (!link) return { kind: "unknown" };
  const tenant = await deps.tenants.get(link.tenantId);
  if (!options.allowExpired && Date.parse(link.expiresAt) <= deps.clock.now().getTime())
    return { kind: "expired", tenant };
  if (!tenant) return { kind: "unknown" };
  const records = (await Promise.all(link.caseIds.map((id) => deps.cases.getById(id)))).filter(
    (r): r is CaseRecord => r !== undefined && r.tenantId === link.tenantId,
  );
  if (records.length === 0) return { kind: "unknown" };
  return { kind: "ok", link, tenant, records };
}
