/** In-memory KpiStore (unit tests, the bench's in-process run): etags are version counters, as Cosmos's would be. */
import type { KpiBucket, KpiCaseDocument, KpiStore } from "../../ports/kpi-store";

interface Versioned<T> {
  value: T;
  etag: string;
}

export class MemoryKpiStore implements KpiStore {
  readonly #cases = new Map<string, Versioned<KpiCaseDocument>>();
  readonly #buckets = new Map<string, Versioned<KpiBucket>>();
  #version = 0;

  async getCase(tenantId: string, caseId: string): Promise<{ doc: KpiCaseDocument; etag: string } | undefined> {
    const found = this.#cases.get(`${tenantId}|${caseId}`);
    return found && { doc: structuredClone(found.value), etag: found.etag };
  }

  async putCase(doc: KpiCaseDocument, etag: string | null): Promise<string | null> {
    return this.#put(this.#cases, `${doc.tenantId}|${doc.caseId}`, doc, etag);
  }

  async getBucket(
    tenantId: string,
    month: string,
    bucketId: string,
  ): Promise<{ bucket: KpiBucket; etag: string } | undefined> {
    const found = this.#buckets.get(`${tenantId}|${month}|${bucketId}`);
    return found && { bucket: structuredClone(found.value), etag: found.etag };
  }

  async putBucket(bucket: KpiBucket, etag: string | null): Promise<string | null> {
    return this.#put(this.#buckets, `${bucket.tenantId}|${bucket.month}|${bucket.bucketId}`, bucket, etag);
  }

  async listBuckets(tenantId: string, month: string): Promise<KpiBucket[]> {
    return [...this.#buckets.values()]
      .map((b) => b.value)
      .filter((b) => b.tenantId === tenantId && b.month === month)
      .map((b) => structuredClone(b));
  }

  #put<T>(map: Map<string, Versioned<T>>, key: string, value: T, etag: string | null): string | null {
    const current = map.get(key);
    if (etag === null ? current !== undefined : current?.etag !== etag) return null;
    const next = `v${String(++this.#version)}`;
    map.set(key, { value: structuredClone(value), etag: next });
    return next;
  }
}
