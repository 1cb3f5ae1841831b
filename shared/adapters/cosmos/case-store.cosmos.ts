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
 * DOCUMENTS: the CaseRecord as it is (it carries `schemaVersion`), plus `id` (= caseId) and `type: "case"`. Every
 * document read is decoded with the port's `CaseRecord` schema (a document that does not match is refused with
 * UndecodableDocument naming the container, id and path — never cast).
 */
import type { Container, Database, SqlQuerySpec } from "@azure/cosmos";
import { CaseNotFound, CaseUpdateConflict, DuplicateInvoiceNumber } from "../../ports/errors";
import {
  assertDerivedId,
  assertSameIdentity,
  CaseRecord,
  type CaseListFilter,
  serviceWorkOf,
  type CaseStore,
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
import { COSMOS_CONTAINERS } from "./database.cosmos";

/** Statuses of cases still followed up (self-healing restarts their orchestrations). */
export const ACTIVE_CASE_STATUSES = ["open", "on-hold", "disputed"] as const;

type CaseDocument = CaseRecord & { id: string; type: "case"; serviceWork?: ServiceWork };
/** A document as read: decoded before anything uses it. */
type StoredDocument = Record<string, unknown>;

export interface CosmosCaseStoreOptions {
  database: Database;
  /** Container id; default "cases". */
  containerId?: string;
  /** Optimistic-concurrency retries of `update` (default 25 attempts, 5 ms backoff base). */
  retry?: EtagRetryOptions;
}

export class CosmosCaseStore implements CaseStore {
  readonly #container: Container;
  readonly #retry: EtagRetryOptions;

  constructor(options: CosmosCaseStoreOptions) {
    this.#container = options.database.container(options.containerId ?? COSMOS_CONTAINERS.cases);
    this.#retry = options.retry ?? {};
  }

  async create(record: CaseRecord): Promise<CaseRecord> {
    assertDerivedId(record);
    try {
      const { resource } = await this.#container.items.create<CaseDocument>(toDocument(record));
      return resource === undefined ? structuredClone(record) : this.#decode(resource);
    } catch (error) {
      if (statusOf(error) === 409) throw new DuplicateInvoiceNumber(record.invoiceNumber);
      throw error;
    }
  }

  async get(tenantId: string, caseId: string): Promise<CaseRecord | undefined> {
    const read = await this.#read(caseId);
    return read !== undefined && read.record.tenantId === tenantId ? read.record : undefined;
  }

  async getById(caseId: string): Promise<CaseRecord | undefined> {
    return (await this.#read(caseId))?.record;
  }

  async update(
    tenantId: string,
    caseId: string,
    mutate: (current: CaseRecord) => CaseRecord | Promise<CaseRecord>,
  ): Promise<CaseRecord> {
    return retryOnPreconditionFailed(
      async () => {
        const read = await this.#read(caseId);
        if (read === undefined || read.record.tenantId !== tenantId) throw new CaseNotFound(caseId);
        const current = read.record;
        const next = await mutate(structuredClone(current));
        assertSameIdentity(current, next);
        try {
          const { resource } = await this.#container
            .item(caseId, caseId)
            .replace<CaseDocument>(toDocument(next), { accessCondition: { type: "IfMatch", condition: read.etag } });
          return resource === undefined ? structuredClone(next) : this.#decode(resource);
        } catch (error) {
          if (statusOf(error) === 404) throw new CaseNotFound(caseId);
          throw error;
        }
      },
      this.#retry,
      () => new CaseUpdateConflict(caseId),
    );
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
    const result = await this.#page<StoredDocument>(
      { query: `SELECT * FROM c WHERE ${conditions.join(" AND ")}`, parameters },
      page,
    );
    return { ...result, items: result.items.map((doc) => this.#decode(doc)) };
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

  /** The decoded record and the etag it was read at (for the conditional replace). */
  async #read(caseId: string): Promise<{ record: CaseRecord; etag: string } | undefined> {
    const { resource, etag } = await this.#container.item(caseId, caseId).read<StoredDocument>();
    return resource === undefined ? undefined : { record: this.#decode(resource), etag };
  }

  #decode(doc: StoredDocument | CaseDocument): CaseRecord {
    return decodeDocument(CaseRecord, doc, {
      container: this.#container.id,
      storageOnly: ["id", "type", "serviceWork"],
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

/** `serviceWork` is derived from the services on every write, so the sweep's query needs no array subquery. */
function toDocument(record: CaseRecord): CaseDocument {
  const work = serviceWorkOf(record);
  return {
    ...structuredClone(record),
    id: record.caseId,
    type: "case",
    ...(work !== null ? { serviceWork: work } : {}),
  };
}
