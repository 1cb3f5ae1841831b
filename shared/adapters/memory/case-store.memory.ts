/**
 * In-memory CaseStore for unit tests of use cases and for the dev host without Cosmos DB. Same behaviour as the
 * Cosmos adapter: the case id must be `caseIdFor(tenantId, invoiceNumber)` (so a duplicate invoice number is a
 * duplicate id), another tenant's case is "not found", `update` re-applies `mutate` when the case changed while an
 * async `mutate` ran (optimistic concurrency, like the etag loop), and records are copied in and out.
 */
import { isDeepStrictEqual } from "node:util";
import { CaseNotFound, DuplicateInvoiceNumber } from "../../ports/errors";
import {
  assertDerivedId,
  assertSameIdentity,
  type CaseListFilter,
  type CaseRecord,
  type CaseStore,
  type PersonCases,
  openCreditOf,
  type OutboxEntry,
  type Page,
  serviceWorkOf,
  type ServiceWork,
} from "../../ports/case-store";
import {
  caseSearchFieldsOf,
  matchesCaseSearch,
  sortValueOf,
  type CaseSearch,
  type CaseSearchQuery,
} from "../../ports/case-search";
import { pageOf } from "./paging.memory";

const ACTIVE_STATUSES = new Set(["open", "on-hold", "disputed"]);

export class MemoryCaseStore implements CaseStore, PersonCases, CaseSearch {
  readonly #cases = new Map<string, { record: CaseRecord; version: number }>();
  /** Outbox entries by `${caseId}|${entryId}`, written in the same step as their case (see OutboxMessage). */
  readonly #outbox = new Map<string, OutboxEntry>();

  async create(record: CaseRecord): Promise<CaseRecord> {
    assertDerivedId(record);
    if (this.#cases.has(record.caseId)) throw new DuplicateInvoiceNumber(record.invoiceNumber);
    this.#cases.set(record.caseId, { record: withoutEntries(record), version: 1 });
    this.#addOutbox(record);
    return structuredClone(record);
  }

  async pendingOutbox(before: string, page: { limit: number; continuationToken?: string }): Promise<Page<OutboxEntry>> {
    const entries = [...this.#outbox.values()]
      .filter((e) => e.createdAt < before)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.entryId.localeCompare(b.entryId));
    const result = pageOf(entries, page);
    return { ...result, items: result.items.map((e) => structuredClone(e)) };
  }

  async removeOutbox(caseId: string, entryIds: readonly string[]): Promise<void> {
    for (const id of entryIds) this.#outbox.delete(`${caseId}|${id}`);
  }

  async removeOutboxes(removals: ReadonlyArray<{ caseId: string; entryIds: readonly string[] }>): Promise<void> {
    for (const { caseId, entryIds } of removals) await this.removeOutbox(caseId, entryIds);
  }

  #addOutbox(record: CaseRecord): void {
    for (const entry of record.outbox ?? [])
      this.#outbox.set(`${record.caseId}|${entry.entryId}`, structuredClone(entry));
  }

  async get(tenantId: string, caseId: string): Promise<CaseRecord | undefined> {
    const stored = this.#cases.get(caseId);
    return stored !== undefined && stored.record.tenantId === tenantId ? structuredClone(stored.record) : undefined;
  }

  async getById(caseId: string): Promise<CaseRecord | undefined> {
    const stored = this.#cases.get(caseId);
    return stored === undefined ? undefined : structuredClone(stored.record);
  }

  /** `read` saves nothing here (no read to save): the memory store always applies to what it holds. */
  async update(
    tenantId: string,
    caseId: string,
    mutate: (current: CaseRecord) => CaseRecord | Promise<CaseRecord>,
    _read?: CaseRecord,
    relayed: readonly string[] = [],
  ): Promise<CaseRecord> {
    for (;;) {
      const stored = this.#cases.get(caseId);
      if (stored === undefined || stored.record.tenantId !== tenantId) throw new CaseNotFound(caseId);
      const next = await mutate(structuredClone(stored.record));
      assertSameIdentity(stored.record, next);
      if (this.#cases.get(caseId)?.version !== stored.version) continue; // changed meanwhile: re-read, re-apply
      await this.removeOutbox(caseId, relayed); // with the write (or alone, when there is nothing to write)
      if (next.outbox === undefined && isDeepStrictEqual(next, stored.record)) return structuredClone(next); // no change
      this.#cases.set(caseId, { record: withoutEntries(next), version: stored.version + 1 });
      this.#addOutbox(next);
      return structuredClone(next);
    }
  }

  async findByKid(kid: string): Promise<CaseRecord | undefined> {
    for (const { record } of this.#cases.values()) if (record.kid === kid) return structuredClone(record);
    return undefined;
  }

  async listByNationalId(nationalId: string, limit: number): Promise<CaseRecord[]> {
    return [...this.#cases.values()]
      .map((s) => s.record)
      .filter((r) => r.customer.nationalId === nationalId)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .slice(0, limit)
      .map((r) => structuredClone(r));
  }

  async list(
    tenantId: string,
    filter: CaseListFilter,
    page: { limit: number; continuationToken?: string },
  ): Promise<Page<CaseRecord>> {
    const matching = [...this.#cases.values()]
      .map((s) => s.record)
      .filter(
        (r) =>
          r.tenantId === tenantId &&
          (filter.status === undefined || r.case.status === filter.status) &&
          (filter.customerId === undefined || r.customerId === filter.customerId) &&
          (filter.openCredit !== true || openCreditOf(r) > 0),
      )
      .sort(byCaseId);
    const result = pageOf(matching, page);
    return { ...result, items: result.items.map((r) => structuredClone(r)) };
  }

  /** The portal's search (ports/case-search.ts): the same filter and order the Cosmos query has, case id breaking ties. */
  async search(
    tenantId: string,
    query: CaseSearchQuery,
    page: { limit: number; continuationToken?: string },
  ): Promise<Page<CaseRecord>> {
    const sign = query.sort.dir === "asc" ? 1 : -1;
    const matching = [...this.#cases.values()]
      .map((s) => ({ record: s.record, fields: caseSearchFieldsOf(s.record) }))
      .filter(({ record, fields }) => record.tenantId === tenantId && matchesCaseSearch(record, fields, query))
      .map(({ record, fields }) => ({ record, value: sortValueOf(record, fields, query.sort.key) }))
      .sort((a, b) => sign * (a.value < b.value ? -1 : a.value > b.value ? 1 : byCaseId(a.record, b.record)))
      .map(({ record }) => record);
    const result = pageOf(matching, page);
    return { ...result, items: result.items.map((r) => structuredClone(r)) };
  }

  async findByPhoneKey(phoneKey: string, limit: number): Promise<CaseRecord[]> {
    return [...this.#cases.values()]
      .filter((s) => caseSearchFieldsOf(s.record).phoneKey === phoneKey)
      .slice(0, limit)
      .map((s) => structuredClone(s.record));
  }

  async findByNamePrefix(name: string, limit: number): Promise<CaseRecord[]> {
    return [...this.#cases.values()]
      .filter((s) => caseSearchFieldsOf(s.record).searchName?.startsWith(name) === true)
      .slice(0, limit)
      .map((s) => structuredClone(s.record));
  }

  async listCaseIdsWithServiceWork(
    work: ServiceWork,
    page: { limit: number; continuationToken?: string },
  ): Promise<Page<string>> {
    const ids = [...this.#cases.values()]
      .filter((s) => serviceWorkOf(s.record) === work)
      .map((s) => s.record.caseId)
      .sort();
    return pageOf(ids, page);
  }

  async listActiveCaseIds(page: { limit: number; continuationToken?: string }): Promise<Page<string>> {
    const ids = [...this.#cases.values()]
      .filter((s) => ACTIVE_STATUSES.has(s.record.case.status))
      .map((s) => s.record.caseId)
      .sort();
    return pageOf(ids, page);
  }
}

/** The case as stored: its outbox entries are kept apart (a read never returns them). */
function withoutEntries(record: CaseRecord): CaseRecord {
  const { outbox: _entries, ...rest } = structuredClone(record);
  return rest;
}

/**
 * Pages in case-id order. The order of `list` is NOT part of the contract: the Cosmos adapter cannot sort across
 * partitions and still page with continuation tokens, so it returns cases in storage order. Callers sort a page.
 */
function byCaseId(a: CaseRecord, b: CaseRecord): number {
  return a.caseId < b.caseId ? -1 : a.caseId > b.caseId ? 1 : 0;
}
