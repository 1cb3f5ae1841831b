/**
 * Where the KPI projection keeps its state (issue 16): the pre-aggregated BUCKETS (one document per tenant, Oslo day,
 * message step/channel/variant or the day itself; partitioned by tenant + month, so a month of a tenant's dashboard
 * is one single-partition query) and one small per-case projection document (the case's facts, the event ids it has
 * applied, and the bucket deltas it has yet to add) — a point read per event, never a scan of cases.
 *
 * Writes are optimistic: `put…` with the etag read (null: create) answers the new etag, or null when someone else
 * wrote first (409/412), and the caller reads again.
 */
import { z } from "zod";
import { CaseKpiFacts } from "../domain/kpi-projection";

/** A bucket delta the case document has decided and not yet added to its bucket. */
export const PendingKpiDelta = z.object({
  eventId: z.string(),
  month: z.string(),
  bucketId: z.string(),
  counts: z.record(z.string(), z.number()),
});
export type PendingKpiDelta = z.infer<typeof PendingKpiDelta>;

export const KpiCaseDocument = CaseKpiFacts.extend({
  /** Event ids applied to the facts (the latest 200), so a redelivered event counts once. */
  seen: z.array(z.string()),
  pending: z.array(PendingKpiDelta),
});
export type KpiCaseDocument = z.infer<typeof KpiCaseDocument>;

export const KpiBucket = z.object({
  tenantId: z.string(),
  /** YYYY-MM (Oslo) of the bucket's day: its partition together with the tenant. */
  month: z.string(),
  /** `d|{day}` or `m|{day}|{step}|{channel}|{experiment}|{variant}` (domain/kpi-projection.ts bucketId). */
  bucketId: z.string(),
  counts: z.record(z.string(), z.number()),
  /** The ids of the latest events added (at most 500): a delta added twice (a crash between writes) counts once. */
  applied: z.array(z.string()),
});
export type KpiBucket = z.infer<typeof KpiBucket>;

export interface KpiStore {
  getCase(tenantId: string, caseId: string): Promise<{ doc: KpiCaseDocument; etag: string } | undefined>;
  putCase(doc: KpiCaseDocument, etag: string | null): Promise<string | null>;
  getBucket(
    tenantId: string,
    month: string,
    bucketId: string,
  ): Promise<{ bucket: KpiBucket; etag: string } | undefined>;
  putBucket(bucket: KpiBucket, etag: string | null): Promise<string | null>;
  /** Every bucket of a tenant's month (one partition). */
  listBuckets(tenantId: string, month: string): Promise<KpiBucket[]>;
}
