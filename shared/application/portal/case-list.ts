/**
 * The creditor's case list (issue 16, `/portal/{t}/saker` and its CSV export): the filters a list request may carry,
 * parsed once (anything that does not fit is a field error, never a 5xx), turned into the case store's search query,
 * and the pages the list and the export read. Pages and export share these rules; the store does the filtering.
 */
import { z } from "zod";
import { CaseStatus } from "../../domain/case";
import { isValidLocalDate } from "../../domain/calendar";
import { normalizeName, phoneKeyFromInput } from "../../domain/search-keys";
import {
  SERVICE_FILTERS,
  SORT_KEYS,
  STAGE_GROUP_NAMES,
  type CaseSearch,
  type CaseSearchQuery,
  type StageGroup,
} from "../../ports/case-search";
import type { CaseRecord } from "../../ports/case-store";
import { InvalidContinuationToken } from "../../ports/errors";

/** A search string longer than this finds nothing (no invoice number, KID, name or phone is that long). */
export const MAX_SEARCH_LENGTH = 100;
/** The shortest name fragment searched for by name. */
export const MIN_NAME_LENGTH = 2;

const Optional = <T extends z.ZodTypeAny>(schema: T) => z.union([z.literal(""), schema]);
const DateField = z.string().refine(isValidLocalDate);

/** What the list's form sends; each member as typed (a missing one is ""). */
export const CaseListFilters = z.object({
  q: z
    .string()
    .max(2000)
    .transform((s) => s.trim()),
  status: Optional(CaseStatus),
  stage: Optional(z.enum(STAGE_GROUP_NAMES as [StageGroup, ...StageGroup[]])),
  service: Optional(z.enum(SERVICE_FILTERS)),
  dueFrom: Optional(DateField),
  dueTo: Optional(DateField),
  sort: z.enum(SORT_KEYS),
  dir: z.enum(["asc", "desc"]),
});
export type CaseListFilters = z.infer<typeof CaseListFilters>;

export const FILTER_FIELDS = ["q", "status", "stage", "service", "dueFrom", "dueTo", "sort", "dir"] as const;
export type FilterField = (typeof FILTER_FIELDS)[number];

export const DEFAULT_FILTERS: CaseListFilters = {
  q: "",
  status: "",
  stage: "",
  service: "",
  dueFrom: "",
  dueTo: "",
  sort: "due",
  dir: "asc",
};

/**
 * The filters from a request's parameters: a member that does not fit is named in `invalid` and left at its default
 * (the page says which field, and lists nothing until it is right).
 */
export function parseCaseListFilters(get: (name: string) => string | null): {
  filters: CaseListFilters;
  invalid: FilterField[];
} {
  const filters: Record<string, unknown> = { ...DEFAULT_FILTERS };
  const invalid: FilterField[] = [];
  for (const field of FILTER_FIELDS) {
    const raw = get(field);
    if (raw === null || raw === "") continue;
    const parsed = CaseListFilters.shape[field].safeParse(raw);
    if (parsed.success) filters[field] = parsed.data;
    else invalid.push(field);
  }
  const { dueFrom, dueTo } = filters;
  if (typeof dueFrom === "string" && typeof dueTo === "string" && dueFrom && dueTo && dueFrom > dueTo)
    invalid.push("dueTo");
  return { filters: filters as CaseListFilters, invalid };
}

/** The filters as URL parameters (defaults left out): the list's links and the export link carry them. */
export function filterParams(filters: CaseListFilters): Record<string, string> {
  const params: Record<string, string> = {};
  for (const field of FILTER_FIELDS) {
    const value = filters[field];
    if (value !== "" && value !== DEFAULT_FILTERS[field]) params[field] = value;
  }
  return params;
}

/** The store's query for the filters; undefined when it can find nothing (a search string longer than any key). */
export function searchQueryOf(filters: CaseListFilters): CaseSearchQuery | undefined {
  if (filters.q.length > MAX_SEARCH_LENGTH) return undefined;
  const query: CaseSearchQuery = { sort: { key: filters.sort, dir: filters.dir } };
  if (filters.q) {
    const name = normalizeName(filters.q);
    const phoneKey = phoneKeyFromInput(filters.q);
    query.text = {
      exact: filters.q,
      ...(name.length >= MIN_NAME_LENGTH ? { name } : {}),
      ...(phoneKey ? { phoneKey } : {}),
    };
  }
  if (filters.status) query.status = filters.status;
  if (filters.stage) query.stage = filters.stage;
  if (filters.service) query.service = filters.service;
  if (filters.dueFrom) query.dueFrom = filters.dueFrom;
  if (filters.dueTo) query.dueTo = filters.dueTo;
  return query;
}

export interface CaseListDeps {
  caseSearch: CaseSearch;
}

/** One page of a tenant's cases for the filters; a continuation that is not one of ours is an empty page. */
export function makeListCases(deps: CaseListDeps) {
  return async (
    tenantId: string,
    filters: CaseListFilters,
    page: { limit: number; continuationToken?: string },
  ): Promise<{ items: CaseRecord[]; next?: string }> => {
    const query = searchQueryOf(filters);
    if (!query) return { items: [] };
    try {
      const found = await deps.caseSearch.search(tenantId, query, page);
      return found.continuationToken ? { items: found.items, next: found.continuationToken } : { items: found.items };
    } catch (error) {
      if (error instanceof InvalidContinuationToken) return { items: [] };
      throw error;
    }
  };
}
export type ListCases = ReturnType<typeof makeListCases>;

/** Every case for the filters, a page at a time (`pageSize` records held at once): the CSV export's source. */
export function makeExportCases(deps: CaseListDeps, pageSize = 500) {
  return async function* exportCases(tenantId: string, filters: CaseListFilters): AsyncGenerator<CaseRecord[]> {
    const query = searchQueryOf(filters);
    if (!query) return;
    let continuationToken: string | undefined;
    do {
      const page = await deps.caseSearch.search(tenantId, query, {
        limit: pageSize,
        ...(continuationToken ? { continuationToken } : {}),
      });
      if (page.items.length > 0) yield page.items;
      continuationToken = page.continuationToken;
    } while (continuationToken);
  };
}
export type ExportCases = ReturnType<typeof makeExportCases>;
