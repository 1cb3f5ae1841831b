/**
 * CaseStore on Cosmos DB for NoSQL, container `cases`.
 *
 * PARTITION KEY /caseId. Almost every access knows the case id — the API (`GET /cases/{caseId}` and every command
 * on a case), the orchestration and its activities, payments matched to a case — so nearly all reads are point
 * reads (id + partition key, ~1 RU) and every write touches one small logical partition: no hot partition however
 * big one creditor grows, and no 20 GB logical-partition ceiling per tenant (which /tenantId would bring, together
 * with one hot partition for the biggest creditor's batch imports). The price is paid by the rarer questions that
 * do not know the id: a tenant's case list, the KID lookup and the self-healing scan are cross-partition queries,
 * paged with continuation tokens (the SDK's fetchNext).
 *
 * DUPLICATE INVOICE NUMBERS. A unique key only holds within one logical partition, so with /caseId it cannot say
 * "one invoice number per tenant". Instead the case id is derived from (tenantId, invoiceNumber) — `caseIdFor` —
 * and `create` is a plain create: the second case for the same invoice has the same id and gets 409 Conflict,
 * atomically, in one write, with no claim document that a crash between two writes could leave behind.
 * `create` refuses a record whose id is not `caseIdFor(tenantId, invoiceNumber)`.
 *
 * TENANT ISOLATION. `get`/`update` point-read by id and then compare the tenant: another tenant's case is "not
 * found" (undefined / CaseNotFound), never "forbidden".
 *
 * OPTIMISTIC CONCURRENCY. `update` point-reads, applies `mutate`, and replaces with If-Match on the read etag; on
 * 412 (someone else wrote in between) it re-reads and re-applies, with a small jittered backoff, up to
 * `maxUpdateAttempts` times (then CaseUpdateConflict). `mutate` may therefore run more than once: it must be a
 * function of the record it is given, without side effects of its own.
 *
 * OUTBOX (ports/case-store.ts, OutboxMessage): a write that carries outbox entries is ONE transactional batch in the
 * case's logical partition — the case's create or its If-Match replace first, then an upsert per entry, as documents
 * `{ id: "outbox-<entryId>", type: "outbox", caseId, entry }` — so the case and what it must tell are stored together
 * or not at all. (The case operation comes first: it is the only one that can fail — 409 on create, 412 on replace —
 * and a failed operation fails every later one with 424.) A write without entries stays a plain create/replace.
 * `pendingOutbox` is a cross-partition query on `type = "outbox"`; the case queries never match an outbox document
 * (it has no tenantId, kid, case or serviceWork).
 *
 * DOCUMENTS: the CaseRecord as it is (it carries `schemaVersion`), plus `id` (= caseId) and `type: "case"`. Every
 * document read is decoded with the port's `CaseRecord` schema (a document that does not match is refused with
 * UndecodableDocument naming the container, id and path — never cast).
 */
import {
  BulkOperationType,
  type Container,
  type Database,
  type JSONObject,
  type OperationInput,
  type SqlQuerySpec,
} from "@azure/cosmos";
import { isDeepStrictEqual } from "node:util";
import { z } from "zod";
import { CaseNotFound, CaseUpdateConflict, DuplicateInvoiceNumber } from "../../ports/errors";
import {
  assertDerivedId,
  assertSameIdentity,
  CaseRecord,
  OutboxEntry,
  type CaseListFilter,
  openCreditOf,
  serviceWorkOf,
  type CaseStore,
  type PersonCases,
  type Page,
  type ServiceWork,
} from "../../ports/case-store";
import {
  clampLimit,
  decodeContinuation,
  decodeDocument,
  encodeContinuation,
  retryOnPreconditionFailed,
  statusOf,
  withContinuation,
  type EtagRetryOptions,
} from "./cosmos-errors.cosmos";
import { bulkWrite } from "./bulk.cosmos";
import {
  caseSearchFieldsOf,
  STAGE_GROUPS,
  type CaseSearch,
  type CaseSearchFields,
  type CaseSearchQuery,
} from "../../ports/case-search";
import { COSMOS_CONTAINERS } from "./database.cosmos";

/** Statuses of cases still followed up (self-healing restarts their orchestrations). */
export const ACTIVE_CASE_STATUSES = ["open", "on-hold", "disputed"] as const;

type CaseDocument = Omit<CaseRecord, "outbox"> & { [K in keyof CaseSearchFields]: CaseSearchFields[K] } & {
  id: string;
  type: "case";
  serviceWork?: ServiceWork;
  /** `openCreditOf` in minor units when above 0: the overpayment list's filter needs no ledger subquery. */
  openCredit?: number;
};
const StoredOutboxEntry = z.object({ schemaVersion: z.literal(1), entry: OutboxEntry });
interface OutboxDocument {
  schemaVersion: 1;
  id: string;
  type: "outbox";
  caseId: string;
  createdAt: string;
  entry: OutboxEntry;
}
/** A document as read: decoded before anything uses it. */
type StoredDocument = Record<string, unknown>;

export interface CosmosCaseStoreOptions {
  database: Database;
  /** Container id; default "cases". */
  containerId?: string;
  /** Optimistic-concurrency retries of `update` (default 25 attempts, 5 ms backoff base). */
  retry?: EtagRetryOptions;
}

/** A record handed back as a read returns it: a copy, without the outbox its write carried. */
function readView(record: CaseRecord): CaseRecord {
  const { outbox: _written, ...rest } = structuredClone(record);
  return rest;
}

export class CosmosCaseStore implements CaseStore, PersonCases, CaseSearch {
  readonly #container: Container;
  readonly #retry: EtagRetryOptions;
  /** The etag each record handed out was read or written at (the caller's object, weakly): `update`'s `read`. */
  readonly #etags = new WeakMap<CaseRecord, string>();

  constructor(options: CosmosCaseStoreOptions) {
    this.#container = options.database.container(options.containerId ?? COSMOS_CONTAINERS.cases);
    this.#retry = options.retry ?? {};
  }

  async create(record: CaseRecord): Promise<CaseRecord> {
    assertDerivedId(record);
    try {
      if (record.outbox !== undefined && record.outbox.length > 0) {
        const etag = await this.#batch(
          record.caseId,
          { operationType: BulkOperationType.Create, resourceBody: body(record) },
          record,
        );
        return this.#remember(structuredClone(record), etag);
      }
      const { resource, etag } = await this.#container.items.create<CaseDocument>(toDocument(record));
      return this.#remember(resource === undefined ? structuredClone(record) : this.#decode(resource), etag);
    } catch (error) {
      if (statusOf(error) === 409) throw new DuplicateInvoiceNumber(record.invoiceNumber);
      throw error;
    }
  }

  async get(tenantId: string, caseId: string): Promise<CaseRecord | undefined> {
    const read = await this.#read(caseId);
    return read !== undefined && read.record.tenantId === tenantId ? this.#remember(read.record, read.etag) : undefined;
  }

  async getById(caseId: string): Promise<CaseRecord | undefined> {
    const read = await this.#read(caseId);
    return read === undefined ? undefined : this.#remember(read.record, read.etag);
  }

  /**
   * Read, mutate, replace with If-Match on the read etag; on 412 again. Given the record as this store handed it out
   * (`given`), the first round writes with the etag it was read at and skips the read.
   */
  async update(
    tenantId: string,
    caseId: string,
    mutate: (current: CaseRecord) => CaseRecord | Promise<CaseRecord>,
    given?: CaseRecord,
    relayed: readonly string[] = [],
  ): Promise<CaseRecord> {
    const knownEtag = given !== undefined && given.caseId === caseId ? this.#etags.get(given) : undefined;
    let known =
      knownEtag === undefined || given === undefined ? undefined : { record: readView(given), etag: knownEtag };
    /** Relayed entries still to remove: with the write, unless one of them is gone already (then on their own). */
    let removals = [...new Set(relayed)];
    const written = await retryOnPreconditionFailed(
      async () => {
        const read = known ?? (await this.#read(caseId));
        known = undefined; // once: after a refused write the case is read again
        if (read === undefined || read.record.tenantId !== tenantId) throw new CaseNotFound(caseId);
        const current = read.record;
        const next = await mutate(structuredClone(current));
        assertSameIdentity(current, next);
        // Nothing changed (a duplicate report, a step already recorded): nothing to write.
        if (next.outbox === undefined && isDeepStrictEqual(next, current)) return this.#remember(next, read.etag);
        try {
          const removing = removals.filter((id) => !(next.outbox ?? []).some((e) => e.entryId === id));
          if ((next.outbox !== undefined && next.outbox.length > 0) || removing.length > 0) {
            const etag = await this.#batch(
              caseId,
              { operationType: BulkOperationType.Replace, id: caseId, resourceBody: body(next), ifMatch: read.etag },
              next,
              removing,
            ).catch((error: unknown) => {
              // An entry to remove is gone (the sweep relayed and removed it meanwhile): write without the removals.
              if (error instanceof RemovalGone) {
                removals = removals.filter((id) => id !== error.entryId);
                throw Object.assign(new Error("retry without the removal"), { code: 412 });
              }
              throw error;
            });
            removals = [];
            return this.#remember(structuredClone(next), etag);
          }
          const { resource, etag } = await this.#container
            .item(caseId, caseId)
            .replace<CaseDocument>(toDocument(next), { accessCondition: { type: "IfMatch", condition: read.etag } });
          return this.#remember(resource === undefined ? structuredClone(next) : this.#decode(resource), etag);
        } catch (error) {
          if (statusOf(error) === 404) throw new CaseNotFound(caseId);
          throw error;
        }
      },
      this.#retry,
      () => new CaseUpdateConflict(caseId),
    );
    // Nothing was written (no change), or the write went without them: removed on their own.
    if (removals.length > 0) await this.removeOutbox(caseId, removals);
    return written;
  }

  async findByKid(kid: string): Promise<CaseRecord | undefined> {
    const { resources } = await this.#container.items
      .query<StoredDocument>({
        query: "SELECT * FROM c WHERE c.kid = @kid",
        parameters: [{ name: "@kid", value: kid }],
      })
      .fetchAll();
    const [doc] = resources;
    return doc === undefined ? undefined : this.#decode(doc);
  }

  /** A person's cases across tenants (Min side): one cross-partition query on the national id, newest first. */
  async listByNationalId(nationalId: string, limit: number): Promise<CaseRecord[]> {
    const { resources } = await this.#container.items
      .query<StoredDocument>(
        {
          query: "SELECT * FROM c WHERE c.customer.nationalId = @nid",
          parameters: [{ name: "@nid", value: nationalId }],
        },
        { maxItemCount: limit },
      )
      .fetchAll();
    return resources
      .map((doc) => this.#decode(doc))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .slice(0, limit);
  }

  /** A tenant's cases, optionally by status and customer. Order is unspecified (storage order). */
  async list(
    tenantId: string,
    filter: CaseListFilter,
    page: { limit: number; continuationToken?: string },
  ): Promise<Page<CaseRecord>> {
    const conditions = ["c.tenantId = @tenantId"];
    const parameters: SqlQuerySpec["parameters"] = [{ name: "@tenantId", value: tenantId }];
    if (filter.status !== undefined) {
      conditions.push('c["case"].status = @status'); // "case" is a keyword of the query language
      parameters.push({ name: "@status", value: filter.status });
    }
    if (filter.customerId !== undefined) {
      conditions.push("c.customerId = @customerId");
      parameters.push({ name: "@customerId", value: filter.customerId });
    }
    if (filter.openCredit === true) conditions.push("c.openCredit > 0");
    const result = await this.#page<StoredDocument>(
      { query: `SELECT * FROM c WHERE ${conditions.join(" AND ")}`, parameters },
      page,
    );
    return { ...result, items: result.items.map((doc) => this.#decode(doc)) };
  }

  /** The portal's case list: one parameterised query in the tenant's cases (`caseSearchSql`), paged. */
  async search(
    tenantId: string,
    query: CaseSearchQuery,
    page: { limit: number; continuationToken?: string },
  ): Promise<Page<CaseRecord>> {
    const result = await this.#page<StoredDocument>(caseSearchSql(tenantId, query), page);
    return { ...result, items: result.items.map((doc) => this.#decode(doc)) };
  }

  /** Across tenants, by the phone's lookup key: an equality on an indexed field, at most `limit`. */
  async findByPhoneKey(phoneKey: string, limit: number): Promise<CaseRecord[]> {
    return this.#top("c.phoneKey = @key", phoneKey, limit);
  }

  /** Across tenants, by a prefix of the normalised name: STARTSWITH, which the range index answers, at most `limit`. */
  async findByNamePrefix(name: string, limit: number): Promise<CaseRecord[]> {
    return this.#top("STARTSWITH(c.searchName, @key)", name, limit);
  }

  async #top(condition: string, key: string, limit: number): Promise<CaseRecord[]> {
    const { resources } = await this.#container.items
      .query<StoredDocument>(
        {
          query: `SELECT TOP @limit * FROM c WHERE c.type = "case" AND ${condition}`,
          parameters: [
            { name: "@key", value: key },
            { name: "@limit", value: clampLimit(limit) },
          ],
        },
        { maxItemCount: clampLimit(limit) },
      )
      .fetchAll();
    return resources.slice(0, limit).map((doc) => this.#decode(doc));
  }

  async listActiveCaseIds(page: { limit: number; continuationToken?: string }): Promise<Page<string>> {
    const names = ACTIVE_CASE_STATUSES.map((_, i) => `@s${i}`);
    return this.#page<string>(
      {
        query: `SELECT VALUE c.caseId FROM c WHERE c["case"].status IN (${names.join(", ")})`,
        parameters: ACTIVE_CASE_STATUSES.map((status, i) => ({ name: `@s${i}`, value: status })),
      },
      page,
    );
  }

  async listCaseIdsWithServiceWork(
    work: ServiceWork,
    page: { limit: number; continuationToken?: string },
  ): Promise<Page<string>> {
    return this.#page<string>(
      {
        query: "SELECT VALUE c.caseId FROM c WHERE c.serviceWork = @work",
        parameters: [{ name: "@work", value: work }],
      },
      page,
    );
  }

  async pendingOutbox(before: string, page: { limit: number; continuationToken?: string }): Promise<Page<OutboxEntry>> {
    const result = await this.#page<Record<string, unknown>>(
      {
        query: 'SELECT * FROM c WHERE c.type = "outbox" AND c.createdAt < @before',
        parameters: [{ name: "@before", value: before }],
      },
      page,
    );
    return {
      ...result,
      items: result.items.map(
        (doc) =>
          decodeDocument(StoredOutboxEntry, doc, {
            container: this.#container.id,
            storageOnly: ["id", "type", "caseId", "createdAt"],
          }).entry,
      ),
    };
  }

  async removeOutbox(caseId: string, entryIds: readonly string[]): Promise<void> {
    for (let i = 0; i < entryIds.length; i += 100) {
      const operations: OperationInput[] = entryIds.slice(i, i + 100).map((entryId) => ({
        operationType: BulkOperationType.Delete,
        id: outboxDocumentId(entryId),
        partitionKey: caseId,
      }));
      // Not transactional on purpose: an entry another relay removed already (404) must not keep the others.
      const response = await this.#container.items.batch(operations, caseId, {});
      const failed = (response.result ?? []).filter(
        (r) => r.statusCode >= 400 && r.statusCode !== 404 && r.statusCode !== 424,
      );
      if (failed.length > 0)
        throw Object.assign(new Error("Removing outbox entries failed"), { code: failed[0]!.statusCode });
      if ((response.result ?? []).some((r) => r.statusCode === 424)) {
        // Everything after a 404 was skipped: delete those one by one, ignoring what is gone.
        for (const [n, r] of (response.result ?? []).entries()) {
          if (r.statusCode !== 424) continue;
          await this.#container
            .item(outboxDocumentId(entryIds[i + n]!), caseId)
            .delete()
            .catch((error: unknown) => {
              if (statusOf(error) !== 404) throw error;
            });
        }
      }
    }
  }

  /** Many cases' relayed entries (a batch of invoices): deletes in bulk, across partitions; one case as above. */
  async removeOutboxes(removals: ReadonlyArray<{ caseId: string; entryIds: readonly string[] }>): Promise<void> {
    if (removals.length === 1) return this.removeOutbox(removals[0]!.caseId, removals[0]!.entryIds);
    const entries = removals.flatMap(({ caseId, entryIds }) => entryIds.map((entryId) => ({ caseId, entryId })));
    await bulkWrite(this.#container, entries, {
      operation: ({ caseId, entryId }) => ({
        operationType: BulkOperationType.Delete,
        id: outboxDocumentId(entryId),
        partitionKey: caseId,
      }),
      done: (status) => (status >= 200 && status < 300) || status === 404,
      one: ({ caseId, entryId }) =>
        this.#container
          .item(outboxDocumentId(entryId), caseId)
          .delete()
          .then(
            () => undefined,
            (error: unknown) => {
              if (statusOf(error) !== 404) throw error;
            },
          ),
    });
  }

  /**
   * The case operation and its outbox entries as one transactional batch. A failed batch is thrown as an error with
   * the case operation's status (409, 412, 404…), so the callers treat it like a failed single write.
   */
  async #batch(
    caseId: string,
    caseOperation: OperationInput,
    record: CaseRecord,
    removing: readonly string[] = [],
  ): Promise<string | undefined> {
    // Each operation names the partition as well (the batch is one partition; the local stand-in reads it there).
    const entries = record.outbox ?? [];
    const operations = [
      caseOperation,
      ...entries.map((entry): OperationInput => ({
        operationType: BulkOperationType.Upsert,
        resourceBody: outboxDocument(entry),
      })),
      ...removing.map((entryId): OperationInput => ({
        operationType: BulkOperationType.Delete,
        id: outboxDocumentId(entryId),
      })),
    ].map((operation) => ({ ...operation, partitionKey: caseId }));
    const response = await this.#container.items.batch(operations, caseId);
    const results = response.result ?? [];
    const removalGone = results.findIndex((r, i) => i > entries.length && r.statusCode === 404);
    if (removalGone >= 0 && results.slice(0, removalGone).every((r) => r.statusCode < 400 || r.statusCode === 424))
      throw new RemovalGone(removing[removalGone - 1 - entries.length]!);
    const failed = results.find((r) => r.statusCode >= 400 && r.statusCode !== 424);
    if (failed !== undefined || response.code === undefined || response.code >= 400) {
      const status = failed?.statusCode ?? response.code ?? 500;
      throw Object.assign(new Error(`Transactional batch on case ${caseId} failed with ${String(status)}`), {
        code: status,
      });
    }
    return results[0]?.eTag;
  }

  #remember(record: CaseRecord, etag: string | undefined): CaseRecord {
    if (etag !== undefined) this.#etags.set(record, etag);
    return record;
  }

  /** The decoded record and the etag it was read at (for the conditional replace). */
  async #read(caseId: string): Promise<{ record: CaseRecord; etag: string } | undefined> {
    const { resource, etag } = await this.#container.item(caseId, caseId).read<StoredDocument>();
    return resource === undefined ? undefined : { record: this.#decode(resource), etag };
  }

  #decode(doc: StoredDocument | CaseDocument): CaseRecord {
    return decodeDocument(CaseRecord, doc, {
      container: this.#container.id,
      storageOnly: ["id", "type", "serviceWork", "openCredit", "searchName", "phoneKey", "owed", "serviceFlags"],
    });
  }

  /** One page of a cross-partition query. Empty intermediate pages (one per partition range) are skipped. */
  async #page<T>(query: SqlQuerySpec, page: { limit: number; continuationToken?: string }): Promise<Page<T>> {
    let continuationToken = decodeContinuation(page.continuationToken);
    const given = continuationToken;
    return withContinuation(given, async () => {
      for (;;) {
        const iterator = this.#container.items.query<T>(query, {
          maxItemCount: clampLimit(page.limit),
          continuationToken,
        });
        const response = await iterator.fetchNext();
        continuationToken = response.hasMoreResults ? response.continuationToken : undefined;
        if (response.resources.length > 0 || continuationToken === undefined) {
          const next = encodeContinuation(continuationToken);
          return next === undefined
            ? { items: response.resources }
            : { items: response.resources, continuationToken: next };
        }
      }
    });
  }
}

/** A transactional batch refused because an outbox entry it was to remove is gone already (404): not the case's fault. */
class RemovalGone extends Error {
  constructor(readonly entryId: string) {
    super(`Outbox entry ${entryId} is gone already`);
  }
}

/** `serviceWork` is derived from the services on every write, so the sweep's query needs no array subquery. */
function toDocument(record: CaseRecord): CaseDocument {
  const work = serviceWorkOf(record);
  const { outbox: _entries, ...stored } = record;
  return {
    ...structuredClone(stored),
    id: record.caseId,
    type: "case",
    ...(work !== null ? { serviceWork: work } : {}),
    ...(openCreditOf(record) > 0 ? { openCredit: openCreditOf(record) } : {}),
    // The portal's search fields (ports/case-search.ts), derived on every write.
    ...caseSearchFieldsOf(record),
  };
}

const SORT_FIELDS = { due: 'c["case"].dueDate', owed: "c.owed", activity: "c.updatedAt" } as const;

/**
 * The portal's case-list query: the tenant first, then each filter given, every value a parameter. The query text is
 * made only of the fixed fragments below, chosen by enums; what a user typed is only ever a parameter's value.
 */
export function caseSearchSql(tenantId: string, query: CaseSearchQuery): SqlQuerySpec {
  const conditions = ["c.tenantId = @tenantId"];
  const parameters: NonNullable<SqlQuerySpec["parameters"]> = [{ name: "@tenantId", value: tenantId }];
  if (query.text) {
    const any = ["c.invoiceNumber = @text", "c.kid = @text", "c.customerId = @text"];
    parameters.push({ name: "@text", value: query.text.exact });
    if (query.text.name !== undefined) {
      any.push("STARTSWITH(c.searchName, @name)", "CONTAINS(c.searchName, @wordName)");
      parameters.push({ name: "@name", value: query.text.name }, { name: "@wordName", value: ` ${query.text.name}` });
    }
    if (query.text.phoneKey !== undefined) {
      any.push("c.phoneKey = @phoneKey");
      parameters.push({ name: "@phoneKey", value: query.text.phoneKey });
    }
    conditions.push(`(${any.join(" OR ")})`);
  }
  if (query.status !== undefined) {
    conditions.push('c["case"].status = @status');
    parameters.push({ name: "@status", value: query.status });
  }
  if (query.stage !== undefined) {
    const stages = STAGE_GROUPS[query.stage];
    conditions.push(`c["case"].stage IN (${stages.map((_, i) => `@stage${i}`).join(", ")})`);
    stages.forEach((stage, i) => parameters.push({ name: `@stage${i}`, value: stage }));
  }
  if (query.dueFrom !== undefined) {
    conditions.push('c["case"].dueDate >= @dueFrom');
    parameters.push({ name: "@dueFrom", value: query.dueFrom });
  }
  if (query.dueTo !== undefined) {
    conditions.push('c["case"].dueDate <= @dueTo');
    parameters.push({ name: "@dueTo", value: query.dueTo });
  }
  if (query.service !== undefined) {
    conditions.push("ARRAY_CONTAINS(c.serviceFlags, @service)");
    parameters.push({ name: "@service", value: query.service });
  }
  const order = `${SORT_FIELDS[query.sort.key]} ${query.sort.dir === "asc" ? "ASC" : "DESC"}`;
  return { query: `SELECT * FROM c WHERE ${conditions.join(" AND ")} ORDER BY ${order}`, parameters };
}

function body(record: CaseRecord): JSONObject {
  return toDocument(record) as unknown as JSONObject;
}

function outboxDocumentId(entryId: string): string {
  return `outbox-${entryId}`;
}

function outboxDocument(entry: OutboxEntry): JSONObject {
  const doc: OutboxDocument = {
    schemaVersion: 1,
    id: outboxDocumentId(entry.entryId),
    type: "outbox",
    caseId: entry.caseId,
    createdAt: entry.createdAt,
    entry: structuredClone(entry),
  };
  return doc as unknown as JSONObject;
}
