/**
 * Short pay links `{publicBaseUrl}/p/{token}`: the token is 160 random bits in base64url (27 characters), sent in the
 * SMS or returned once by the API; only its SHA-256 is stored, with an expiry, so the link cannot be rebuilt from
 * what is stored and a stolen database reveals no usable link.
 */
import { createHash } from "node:crypto";
import type { CaseRecord, CaseStore } from "../ports/case-store";
import type { PayLink, PayLinkStore } from "../ports/pay-link-store";
import type { Random } from "../ports/random";

/** How long a pay link stays valid unless configured otherwise. */
export const PAY_LINK_VALIDITY_DAYS = 30;

export interface IssuedPayLink {
  url: string;
  expiresAt: string;
}

/** The stored form of a token: hex SHA-256 of its UTF-8 bytes. */
export function payLinkTokenHash(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** When a pay link issued at `now` expires (ISO instant). */
export function payLinkExpiry(now: Date, validityDays = PAY_LINK_VALIDITY_DAYS): string {
  return new Date(now.getTime() + validityDays * 86_400_000).toISOString();
}

export async function issuePayLink(
  deps: { payLinks: PayLinkStore; random: Random },
  config: { publicBaseUrl: string; payLinkValidityDays?: number },
  link: { tenantId: string; caseIds: string[]; issuedBy?: PayLink["issuedBy"] },
  now: Date,
): Promise<IssuedPayLink> {
  const { stored, issued } = newPayLink(deps, config, link, now);
  await deps.payLinks.put(stored);
  return issued;
}

/** A new link: what to store (the token's hash) and what to hand out (the URL). `issuePayLink` without the write. */
export function newPayLink(
  deps: { random: Random },
  config: { publicBaseUrl: string; payLinkValidityDays?: number },
  link: { tenantId: string; caseIds: string[]; issuedBy?: PayLink["issuedBy"] },
  now: Date,
): { stored: PayLink; issued: IssuedPayLink } {
  const token = Buffer.from(deps.random.bytes(20)).toString("base64url");
  const expiresAt = payLinkExpiry(now, config.payLinkValidityDays);
  return {
    stored: {
      tokenHash: payLinkTokenHash(token),
      tenantId: link.tenantId,
      caseIds: link.caseIds,
      createdAt: now.toISOString(),
      expiresAt,
      ...(link.issuedBy ? { issuedBy: link.issuedBy } : {}),
    },
    issued: { url: `${config.publicBaseUrl.replace(/\/+$/u, "")}/p/${token}`, expiresAt },
  };
}

/** How many of a debtor's cases one link covers at most (the page lists each). */
const MAX_CASES_PER_LINK = 20;
const PAYABLE = new Set(["open", "on-hold", "disputed", "handed-off"]);

/** The same customer's cases at this creditor, as many as one link may cover: the query behind `caseIdsForLink`. */
export async function customerCases(cases: CaseStore, record: CaseRecord): Promise<CaseRecord[]> {
  return (await cases.list(record.tenantId, { customerId: record.customerId }, { limit: MAX_CASES_PER_LINK })).items;
}

/**
 * The cases a link sent about `record` covers: this case, plus the same debtor's other cases at the same creditor
 * that are still payable and already due — so one tap pays everything overdue (the page shows each invoice).
 * `listed`: the customer's cases when the caller already has them (`customerCases`), saving the query.
 */
export async function caseIdsForLink(
  cases: CaseStore,
  record: CaseRecord,
  today: string,
  listed?: readonly CaseRecord[],
): Promise<string[]> {
  const others = (listed ?? (await customerCases(cases, record)))
    .filter(
      (r) =>
        r.caseId !== record.caseId && PAYABLE.has(r.case.status) && (r.case.deferredDueDate ?? r.case.dueDate) < today,
    )
    .map((r) => r.caseId);
  return [record.caseId, ...others].slice(0, MAX_CASES_PER_LINK);
}
