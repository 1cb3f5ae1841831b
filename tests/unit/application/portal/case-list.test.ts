import { describe, expect, it } from "vitest";
import { MemoryCaseStore } from "../../../../shared/adapters/memory/case-store.memory";
import {
  DEFAULT_FILTERS,
  filterParams,
  makeExportCases,
  makeListCases,
  parseCaseListFilters,
  searchQueryOf,
} from "../../../../shared/application/portal/case-list";
import { normalizeName, phoneKeyOf } from "../../../../shared/domain/search-keys";
import { aCaseRecord } from "../../../integration/adapters/cosmos/store-fixtures";

const params = (o: Record<string, string>) => (name: string) => o[name] ?? null;

describe("the case list's filters", () => {
  it("takes the filters that fit and names each one that does not", () => {
    const { filters, invalid } = parseCaseListFilters(
      params({
        q: "  Kari  ",
        status: "open",
        stage: "demand",
        service: "nonsense",
        dueFrom: "2026-02-30",
        sort: "owed",
        dir: "desc",
      }),
    );
    expect(filters).toEqual({
      ...DEFAULT_FILTERS,
      q: "Kari",
      status: "open",
      stage: "demand",
      sort: "owed",
      dir: "desc",
    });
    expect(invalid).toEqual(["service", "dueFrom"]);
    expect(parseCaseListFilters(params({ dueFrom: "2026-05-01", dueTo: "2026-04-01" })).invalid).toEqual(["dueTo"]);
    expect(parseCaseListFilters(params({ sort: "c.tenantId" })).invalid).toEqual(["sort"]);
  });

  it("turns the search string into an exact key, a folded name and a phone key", () => {
    const query = searchQueryOf({ ...DEFAULT_FILTERS, q: "+47 912 34 567" })!;
    expect(query.text).toEqual({ exact: "+47 912 34 567", name: "47 912 34 567", phoneKey: phoneKeyOf("+4791234567") });
    expect(searchQueryOf({ ...DEFAULT_FILTERS, q: "Ødegård" })!.text).toEqual({
      exact: "Ødegård",
      name: normalizeName("odegard"),
    });
    expect(searchQueryOf({ ...DEFAULT_FILTERS, q: "x" })!.text).toEqual({ exact: "x" });
    expect(searchQueryOf({ ...DEFAULT_FILTERS, q: "x".repeat(101) })).toBeUndefined();
    expect(filterParams({ ...DEFAULT_FILTERS, q: "Kari", dir: "desc" })).toEqual({ q: "Kari", dir: "desc" });
  });
});

describe("listing and exporting a tenant's cases", () => {
  it("lists a page, finds nothing for a 500-character search or a foreign continuation, and exports every page", async () => {
    const cases = new MemoryCaseStore();
    for (let i = 1; i <= 7; i++) await cases.create(aCaseRecord("t_a", `INV-${i}`, { kid: `9${i}5` }));
    await cases.create(aCaseRecord("t_b", "INV-1", { kid: "995" }));
    const list = makeListCases({ caseSearch: cases });
    const first = await list("t_a", DEFAULT_FILTERS, { limit: 5 });
    expect(first.items).toHaveLength(5);
    expect(first.next).toBeDefined();
    expect((await list("t_a", { ...DEFAULT_FILTERS, q: "K".repeat(500) }, { limit: 5 })).items).toEqual([]);
    expect((await list("t_a", DEFAULT_FILTERS, { limit: 5, continuationToken: "not-ours" })).items).toEqual([]);

    const pages: number[] = [];
    for await (const page of makeExportCases({ caseSearch: cases }, 3)("t_a", DEFAULT_FILTERS)) pages.push(page.length);
    expect(pages).toEqual([3, 3, 1]);
  });
});
