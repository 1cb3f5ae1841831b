/**
 * Finding cases for staff (issue 16): a creditor's case list with search, filters and sort, and the customer-service
 * console's lookups across creditors. Implemented by the case stores (memory, Cosmos) over fields they derive from
 * the record on every write (`caseSearchFieldsOf`) — a case written before those fields existed has none, and a
 * search on them does not find it until its next write. Every query is parameterised; nothing a user typed becomes
 * query text.
 */
import { balanceOf, type CaseStatus } from "../domain/case";
import { normalizeName, phoneKeyOf } from "../domain/search-keys";
import { normalizePhone } from "../domain/identifiers/phone";
import type { CaseRecord, Page } from "./case-store";

/** The ladder's stages as staff name them; each a set of the case's `stage` values. */
export const STAGE_GROUPS = {
  invoiced: ["invoiced"],
  "lets-pay": ["lets-pay-sms"],
  reminder: ["reminder"],
  notice: ["collection-notice", "suspension-notice"],
  demand: ["payment-demand"],
  collection: ["suspension", "legal-handoff"],
} as const satisfies Record<string, readonly string[]>;
export type StageGroup = keyof typeof STAGE_GROUPS;
export const STAGE_GROUP_NAMES = Object.keys(STAGE_GROUPS) as StageGroup[];

/** A service state to filter on: any service suspended, or any reopen not yet confirmed (reopening, escalated). */
export const SERVICE_FILTERS = ["suspended", "reopen-pending"] as const;
export type ServiceFilter = (typeof SERVICE_FILTERS)[number];

export const SORT_KEYS = ["due", "owed", "activity"] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export interface CaseSearchQuery {
  /**
   * Free text: equal to the invoice number, KID or customer id; or the phone's lookup key; or a word prefix of the
   * debtor's normalised name (`name`, at least 2 characters). Any of them matches.
   */
  text?: { exact: string; name?: string; phoneKey?: string };
  status?: CaseStatus;
  stage?: StageGroup;
  /** Due date from / to, inclusive (YYYY-MM-DD). */
  dueFrom?: string;
  dueTo?: string;
  service?: ServiceFilter;
  sort: { key: SortKey; dir: "asc" | "desc" };
}

export interface CaseSearch {
  /** One tenant's cases matching the query, sorted, a page at a time. */
  search(
    tenantId: string,
    query: CaseSearchQuery,
    page: { limit: number; continuationToken?: string },
  ): Promise<Page<CaseRecord>>;
  /** Across tenants: the cases whose customer phone has this lookup key (an equality on an indexed field). */
  findByPhoneKey(phoneKey: string, limit: number): Promise<CaseRecord[]>;
  /** Across tenants: the cases whose normalised debtor name starts with `name` (already normalised, ≥ 3 characters). */
  findByNamePrefix(name: string, limit: number): Promise<CaseRecord[]>;
}

/** What a store keeps beside the record so the searches above are index lookups (never personal data in clear but the folded name). */
export interface CaseSearchFields {
  /** `normalizeName(customer.name)`; absent when empty. */
  searchName?: string;
  /** `phoneKeyOf(E.164 of customer.phone)`; absent without a valid phone. */
  phoneKey?: string;
  /** Owed today (the balance's total), minor units: the sort by amount owed. */
  owed: number;
  /** Which service filters the case matches. */
  serviceFlags: ServiceFilter[];
}

export function caseSearchFieldsOf(record: CaseRecord): CaseSearchFields {
  const name = normalizeName(record.customer.name);
  const phone = record.customer.phone ? normalizePhone(record.customer.phone, "NO") : undefined;
  const states = record.case.services.map((s) => s.state);
  const serviceFlags: ServiceFilter[] = [];
  if (states.includes("suspended")) serviceFlags.push("suspended");
  if (states.some((s) => s === "reopening" || s === "escalated")) serviceFlags.push("reopen-pending");
  return {
    ...(name ? { searchName: name } : {}),
    ...(phone?.ok ? { phoneKey: phoneKeyOf(phone.e164) } : {}),
    owed: balanceOf(record.case).total.value,
    serviceFlags,
  };
}

/** Does a record (with its derived fields) match the query? The memory store's filter; the Cosmos query says the same. */
export function matchesCaseSearch(
  record: CaseRecord,
  fields: Partial<CaseSearchFields>,
  query: CaseSearchQuery,
): boolean {
  const c = record.case;
  if (query.text) {
    const t = query.text;
    const name = fields.searchName;
    const byName =
      t.name !== undefined && name !== undefined && (name.startsWith(t.name) || name.includes(` ${t.name}`));
    const byPhone = t.phoneKey !== undefined && fields.phoneKey === t.phoneKey;
    if (!(
      record.invoiceNumber === t.exact ||
      record.kid === t.exact ||
      record.customerId === t.exact ||
      byName ||
      byPhone
    ))
      return false;
  }
  if (query.status !== undefined && c.status !== query.status) return false;
  if (query.stage !== undefined && !(STAGE_GROUPS[query.stage] as readonly string[]).includes(c.stage)) return false;
  if (query.dueFrom !== undefined && c.dueDate < query.dueFrom) return false;
  if (query.dueTo !== undefined && c.dueDate > query.dueTo) return false;
  if (query.service !== undefined && !(fields.serviceFlags ?? []).includes(query.service)) return false;
  return true;
}

/** The value a sort key orders by (the Cosmos query orders by the same field). */
export function sortValueOf(record: CaseRecord, fields: Partial<CaseSearchFields>, key: SortKey): string | number {
  if (key === "due") return record.case.dueDate;
  if (key === "owed") return fields.owed ?? 0;
  return record.updatedAt;
}
