/**
 * The KPI projection (issue 16): one `case-events` event in, the pre-aggregated buckets updated. Reads the case's
 * small projection document (a point read), folds the event into its facts, and adds the difference the event makes
 * to the case's contribution (domain/kpi-projection.ts) to the buckets it touches.
 *
 * Exactly once per event id, with concurrent consumers and crashes anywhere:
 * 1. the case document is written with If-Match, carrying the event id (`seen`) and the bucket deltas decided
 *    (`pending`) — a 412 means another event of the case came first: read again, decide again;
 * 2. each pending delta is added to its bucket with If-Match (retried on 412); a bucket remembers the latest event ids
 *    it added, so a delta added before a crash is not added again;
 * 3. the case document's `pending` is emptied.
 * A redelivered event finds its id in `seen` and only finishes step 2 and 3 for what is still pending.
 */
import {
  COLLECTION_STEPS,
  KpiExperiment,
  contribution,
  contributionDelta,
  emptyFacts,
  addCounts,
  shardedBucketId,
  type CaseKpiFacts,
} from "../../domain/kpi-projection";
import type { CaseEventMessage } from "../../ports/event-publisher";
import type { KpiCaseDocument, KpiStore, PendingKpiDelta } from "../../ports/kpi-store";

export interface ProjectCaseEventDeps {
  kpis: KpiStore;
}

export type ProjectionOutcome = "projected" | "duplicate" | "ignored";
export type ProjectCaseEvent = (event: CaseEventMessage) => Promise<ProjectionOutcome>;

const MAX_SEEN = 200;
const MAX_APPLIED = 500;
const MAX_ATTEMPTS = 50;

export class KpiProjectionContention extends Error {
  constructor(what: string) {
    super(`The KPI ${what} kept changing under the projection; the event will be delivered again`);
    this.name = "KpiProjectionContention";
  }
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v.length > 0 ? v : undefined);
const int = (v: unknown): number | undefined =>
  typeof v === "number" && Number.isInteger(v) && v >= 0 ? v : undefined;

/** The payment method as the dashboard names it. */
function methodOf(channel: unknown): string {
  if (channel === "vipps" || channel === "card") return channel;
  if (channel === "kid") return "bank";
  return "other";
}

/** The facts after `event`, or undefined when the event tells the projection nothing new. */
export function foldEvent(facts: CaseKpiFacts, event: CaseEventMessage): CaseKpiFacts | undefined {
  const d = event.data;
  const at = event.occurredAt;
  switch (event.type) {
    case "case.created":
      if (facts.createdAt) return undefined;
      return { ...facts, createdAt: at, ...(str(d["dueDate"]) ? { dueDate: str(d["dueDate"])! } : {}) };
    case "case.step_executed": {
      const step = str(d["step"]);
      const stepIndex = int(d["stepIndex"]);
      if (step === undefined || stepIndex === undefined) return undefined;
      let next = facts;
      if (COLLECTION_STEPS.includes(step) && !facts.collectionAt) next = { ...next, collectionAt: at };
      const delivery = (d["delivery"] ?? {}) as { channel?: unknown; status?: unknown };
      const channel = str(delivery.channel);
      const went = delivery.status === "sent" || delivery.status === "queued";
      if (went && channel && channel !== "none" && channel !== "partner-system") {
        if (!next.messages.some((m) => m.stepIndex === stepIndex)) {
          const experiment = KpiExperiment.safeParse(d["experiment"]);
          next = {
            ...next,
            messages: [
              ...next.messages,
              { stepIndex, step, channel, sentAt: at, ...(experiment.success ? { experiment: experiment.data } : {}) },
            ],
          };
        }
      }
      return next === facts ? undefined : next;
    }
    case "message.delivered": {
      const stepIndex = int(d["stepIndex"]);
      if (stepIndex === undefined || facts.deliveries.some((x) => x.stepIndex === stepIndex)) return undefined;
      return { ...facts, deliveries: [...facts.deliveries, { stepIndex, at: str(d["deliveredAt"]) ?? at }] };
    }
    case "message.opened": {
      const step = str(d["step"]);
      if (step === undefined) return undefined;
      const stepIndex = int(d["stepIndex"]);
      if (facts.opens.some((o) => o.step === step && o.stepIndex === stepIndex)) return undefined;
      return {
        ...facts,
        opens: [...facts.opens, { step, at, ...(stepIndex !== undefined ? { stepIndex } : {}) }],
      };
    }
    case "payment.received": {
      const reference = str(d["reference"]) ?? event.id;
      if (facts.payments.some((p) => p.reference === reference)) return undefined;
      const amount = (d["amount"] ?? {}) as { value?: unknown };
      const value = typeof amount.value === "number" && Number.isInteger(amount.value) ? amount.value : 0;
      return {
        ...facts,
        payments: [...facts.payments, { reference, at, amount: value, method: methodOf(d["channel"]) }],
      };
    }
    case "case.paid":
      return facts.paidAt ? undefined : { ...facts, paidAt: at };
    case "service.reopened": {
      const commandId = str(d["commandId"]) ?? event.id;
      if (facts.reopens.some((r) => r.commandId === commandId)) return undefined;
      return { ...facts, reopens: [...facts.reopens, { commandId, at: str(d["confirmedAt"]) ?? at }] };
    }
    default:
      return undefined;
  }
}

function factsOf(doc: KpiCaseDocument): CaseKpiFacts {
  const { seen: _seen, pending: _pending, ...facts } = doc;
  return facts;
}

export function makeProjectCaseEvent(deps: ProjectCaseEventDeps): ProjectCaseEvent {
  const addToBucket = async (tenantId: string, delta: PendingKpiDelta): Promise<void> => {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const read = await deps.kpis.getBucket(tenantId, delta.month, delta.bucketId);
      if (read?.bucket.applied.includes(delta.eventId)) return;
      const bucket = read?.bucket ?? {
        tenantId,
        month: delta.month,
        bucketId: delta.bucketId,
        counts: {},
        applied: [],
      };
      const next = {
        ...bucket,
        counts: addCounts(bucket.counts, delta.counts),
        applied: [...bucket.applied, delta.eventId].slice(-MAX_APPLIED),
      };
      if ((await deps.kpis.putBucket(next, read?.etag ?? null)) !== null) return;
    }
    throw new KpiProjectionContention("bucket");
  };

  /** Steps 2 and 3: add what the case document holds pending, then empty it. */
  const flush = async (doc: KpiCaseDocument, etag: string): Promise<void> => {
    if (doc.pending.length === 0) return;
    for (const delta of doc.pending) await addToBucket(doc.tenantId, delta);
    const done = new Set(doc.pending.map((p) => `${p.eventId}|${p.bucketId}`));
    let current: { doc: KpiCaseDocument; etag: string } | undefined = { doc, etag };
    for (let attempt = 0; attempt < MAX_ATTEMPTS && current; attempt++) {
      const left = current.doc.pending.filter((p) => !done.has(`${p.eventId}|${p.bucketId}`));
      if (left.length === current.doc.pending.length) return;
      if ((await deps.kpis.putCase({ ...current.doc, pending: left }, current.etag)) !== null) return;
      current = await deps.kpis.getCase(doc.tenantId, doc.caseId);
    }
    // Not emptied: the next event of the case (or this one again) finds them added already (the buckets' ids).
  };

  return async (event) => {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const read = await deps.kpis.getCase(event.tenantId, event.caseId);
      const doc: KpiCaseDocument = read?.doc ?? { ...emptyFacts(event.tenantId, event.caseId), seen: [], pending: [] };
      if (doc.seen.includes(event.id)) {
        if (read) await flush(read.doc, read.etag);
        return "duplicate";
      }
      const before = factsOf(doc);
      const after = foldEvent(before, event);
      if (after === undefined) {
        if (read && read.doc.pending.length > 0) await flush(read.doc, read.etag);
        return "ignored";
      }
      const delta = contributionDelta(contribution(before), contribution(after));
      const pending: PendingKpiDelta[] = [...delta].map(([bucketId, { key, counts }]) => ({
        eventId: event.id,
        month: key.day.slice(0, 7),
        bucketId: shardedBucketId(bucketId, event.caseId),
        counts,
      }));
      const written: KpiCaseDocument = {
        ...after,
        seen: [...doc.seen, event.id].slice(-MAX_SEEN),
        pending: [...doc.pending, ...pending],
      };
      const etag = await deps.kpis.putCase(written, read?.etag ?? null);
      if (etag === null) continue;
      await flush(written, etag);
      return "projected";
    }
    throw new KpiProjectionContention("case document");
  };
}
