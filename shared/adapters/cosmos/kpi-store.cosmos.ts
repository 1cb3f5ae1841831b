/**
 * KpiStore on Cosmos DB, container `kpi-buckets`, partition key /pk:
 * - a bucket: pk `{tenantId}|{YYYY-MM}`, id its bucket id (`d|{day}`, `m|{day}|…`): a tenant's month is one
 *   single-partition query for the dashboard;
 * - a case's projection document: pk `{tenantId}|case|{caseId}`, id `case`: a point read per event.
 * Writes are a create (409: someone came first) or a replace with If-Match (412: the same); both answer null then.
 * Documents read are decoded with the port's schemas, never cast.
 */
import type { Container, Database } from "@azure/cosmos";
import { KpiBucket, KpiCaseDocument, type KpiStore } from "../../ports/kpi-store";
import { decodeDocument, statusOf } from "./cosmos-errors.cosmos";
import { COSMOS_CONTAINERS } from "./database.cosmos";

const STORAGE_ONLY = ["id", "pk", "type", "schemaVersion"];

export function kpiBucketPartition(tenantId: string, month: string): string {
  return `${tenantId}|${month}`;
}

function casePartition(tenantId: string, caseId: string): string {
  return `${tenantId}|case|${caseId}`;
}

export class CosmosKpiStore implements KpiStore {
  readonly #container: Container;

  constructor(options: { database: Database; containerId?: string }) {
    this.#container = options.database.container(options.containerId ?? COSMOS_CONTAINERS.kpiBuckets);
  }

  async getCase(tenantId: string, caseId: string): Promise<{ doc: KpiCaseDocument; etag: string } | undefined> {
    return this.#read(casePartition(tenantId, caseId), "case", (raw) =>
      decodeDocument(KpiCaseDocument, raw, { container: this.#container.id, storageOnly: STORAGE_ONLY }),
    ).then((r) => (r ? { doc: r.value, etag: r.etag } : undefined));
  }

  putCase(doc: KpiCaseDocument, etag: string | null): Promise<string | null> {
    const pk = casePartition(doc.tenantId, doc.caseId);
    return this.#write({ ...KpiCaseDocument.parse(doc), id: "case", pk, type: "kpi-case", schemaVersion: 1 }, pk, etag);
  }

  async getBucket(
    tenantId: string,
    month: string,
    bucketId: string,
  ): Promise<{ bucket: KpiBucket; etag: string } | undefined> {
    return this.#read(kpiBucketPartition(tenantId, month), bucketId, (raw) =>
      decodeDocument(KpiBucket, raw, { container: this.#container.id, storageOnly: STORAGE_ONLY }),
    ).then((r) => (r ? { bucket: r.value, etag: r.etag } : undefined));
  }

  putBucket(bucket: KpiBucket, etag: string | null): Promise<string | null> {
    const pk = kpiBucketPartition(bucket.tenantId, bucket.month);
    return this.#write(
      { ...KpiBucket.parse(bucket), id: bucket.bucketId, pk, type: "kpi-bucket", schemaVersion: 1 },
      pk,
      etag,
    );
  }

  async listBuckets(tenantId: string, month: string): Promise<KpiBucket[]> {
    const pk = kpiBucketPartition(tenantId, month);
    const { resources } = await this.#container.items
      .query<Record<string, unknown>>(
        {
          query: "SELECT c.tenantId, c.month, c.bucketId, c.counts, c.schemaVersion FROM c WHERE c.pk = @pk",
          parameters: [{ name: "@pk", value: pk }],
        },
        { partitionKey: pk },
      )
      .fetchAll();
    return resources.map((raw) =>
      decodeDocument(KpiBucket, { ...raw, applied: [] }, { container: this.#container.id, storageOnly: STORAGE_ONLY }),
    );
  }

  async #read<T>(
    pk: string,
    id: string,
    decode: (raw: Record<string, unknown>) => T,
  ): Promise<{ value: T; etag: string } | undefined> {
    try {
      const { resource, etag } = await this.#container.item(id, pk).read<Record<string, unknown>>();
      if (!resource) return undefined;
      return { value: decode(resource), etag };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async #write(
    body: Record<string, unknown> & { id: string },
    pk: string,
    etag: string | null,
  ): Promise<string | null> {
    try {
      const written =
        etag === null
          ? await this.#container.items.create(body)
          : await this.#container
              .item(body.id, pk)
              .replace(body, { accessCondition: { type: "IfMatch", condition: etag } });
      return written.etag;
    } catch (error) {
      const code = statusOf(error);
      if (code === 409 || code === 412) return null;
      throw error;
    }
  }
}
