/**
 * The KPI projection's rules (issue 16), pure: what one case has told so far (its FACTS, kept in a small per-case
 * projection document) and what it adds to the pre-aggregated buckets (its CONTRIBUTION). The projection applies an
 * event by updating the facts and adding `contribution(after) − contribution(before)` to the buckets — so the result
 * does not depend on the order events arrive in (a payment before its delivery report, an open before the step), and
 * an event already in the facts adds nothing.
 *
 * Buckets, one per tenant and Oslo day:
 * - per message (step kind, channel, experiment variant; the day the message was SENT): sent, delivered, opened,
 *   paid within 1 / 7 / 30 days of the message, and the amount paid within 30 days (minor units);
 * - per day: cases created, cases paid, paid before collection, credit time (days from due to paid) and reopen time
 *   (seconds from the payment to the partner's confirmation) as histograms, and the payment methods used.
 * Counters are one flat map; a histogram's entries are `creditDays:{days}` / `reopenSeconds:{bin}`.
 */
import { z } from "zod";
import { toLocalDate } from "./calendar";

export const KPI_TIME_ZONE = "Europe/Oslo";
const DAY_MS = 86_400_000;

/** Steps that put a case in collection (inkasso): a payment before the first is "resolved before collection". */
export const COLLECTION_STEPS: readonly string[] = ["collection-notice", "payment-demand", "legal-handoff"];

export const KpiExperiment = z.object({ id: z.string().min(1).max(100), variant: z.enum(["A", "B"]) });
export type KpiExperiment = z.infer<typeof KpiExperiment>;

export const CaseKpiFacts = z.object({
  tenantId: z.string(),
  caseId: z.string(),
  createdAt: z.string().optional(),
  dueDate: z.string().optional(),
  /** Messages of the ladder's steps that went out (one per step). */
  messages: z.array(
    z.object({
      stepIndex: z.number().int().nonnegative(),
      step: z.string(),
      channel: z.string(),
      sentAt: z.string(),
      experiment: KpiExperiment.optional(),
    }),
  ),
  /** First delivery report per step. */
  deliveries: z.array(z.object({ stepIndex: z.number().int().nonnegative(), at: z.string() })),
  /** First open of a pay link a step's message carried (stepIndex absent: the link of another invoice's message). */
  opens: z.array(z.object({ stepIndex: z.number().int().nonnegative().optional(), step: z.string(), at: z.string() })),
  payments: z.array(z.object({ reference: z.string(), at: z.string(), amount: z.number().int(), method: z.string() })),
  paidAt: z.string().optional(),
  /** When the first collection step was taken. */
  collectionAt: z.string().optional(),
  reopens: z.array(z.object({ commandId: z.string(), at: z.string() })),
});
export type CaseKpiFacts = z.infer<typeof CaseKpiFacts>;

export function emptyFacts(tenantId: string, caseId: string): CaseKpiFacts {
  return { tenantId, caseId, messages: [], deliveries: [], opens: [], payments: [], reopens: [] };
}

export type KpiBucketKey =
  | { kind: "day"; day: string }
  | { kind: "message"; day: string; step: string; channel: string; experimentId?: string; variant?: "A" | "B" };

/** A bucket's document id within its partition (tenant + month). */
export function bucketId(key: KpiBucketKey): string {
  if (key.kind === "day") return `d|${key.day}`;
  return `m|${key.day}|${key.step}|${key.channel}|${key.experimentId ?? ""}|${key.variant ?? ""}`;
}

/**
 * Each bucket is kept in `KPI_BUCKET_SHARDS` documents, `{bucket id}~{shard}` (the shard a hash of the case id; `~`
 * because Cosmos DB ids may not hold `#`), summed when read: the Let's pay SMS of a whole portfolio go out in the same
 * morning, and one document per day and step would have every concurrent delivery of the projection retrying on its
 * etag.
 */
export const KPI_BUCKET_SHARDS = 4;

export function shardedBucketId(id: string, caseId: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < caseId.length; i++) hash = Math.imul(hash ^ caseId.charCodeAt(i), 0x01000193) >>> 0;
  return `${id}~${String(hash % KPI_BUCKET_SHARDS)}`;
}

/** The bucket a (possibly sharded) document id stands for. */
export function bucketKeyOf(documentId: string): KpiBucketKey | undefined {
  const parts = documentId.replace(/~\d+$/u, "").split("|");
  if (parts[0] === "d" && parts.length === 2) return { kind: "day", day: parts[1]! };
  if (parts[0] === "m" && parts.length === 6) {
    const [, day, step, channel, experimentId, variant] = parts as [string, string, string, string, string, string];
    return {
      kind: "message",
      day,
      step,
      channel,
      ...(experimentId ? { experimentId } : {}),
      ...(variant === "A" || variant === "B" ? { variant } : {}),
    };
  }
  return undefined;
}

export type Counts = Record<string, number>;
/** Bucket id → its counters. */
export type Contribution = Map<string, { key: KpiBucketKey; counts: Counts }>;

export function osloDay(instant: string): string {
  return toLocalDate(new Date(instant), KPI_TIME_ZONE);
}

/** The reopen-time histogram's bin: seconds up to 2 min, then whole minutes up to 2 h, then whole hours. */
export function reopenBin(seconds: number): number {
  const s = Math.max(0, Math.round(seconds));
  if (s < 120) return s;
  if (s < 7200) return Math.floor(s / 60) * 60;
  return Math.floor(s / 3600) * 3600;
}

/** Credit time's bin: whole days, clamped to [-365, 3650]. */
export function creditDaysBin(days: number): number {
  return Math.min(3650, Math.max(-365, Math.round(days)));
}

function add(c: Contribution, key: KpiBucketKey, counter: string, n: number): void {
  if (n === 0) return;
  const id = bucketId(key);
  let entry = c.get(id);
  if (!entry) {
    entry = { key, counts: {} };
    c.set(id, entry);
  }
  entry.counts[counter] = (entry.counts[counter] ?? 0) + n;
}

const ms = (iso: string): number => Date.parse(iso);

/** What a case with these facts counts for in the buckets. */
export function contribution(facts: CaseKpiFacts): Contribution {
  const c: Contribution = new Map();
  if (facts.createdAt) add(c, { kind: "day", day: osloDay(facts.createdAt) }, "created", 1);
  for (const m of facts.messages) {
    const key: KpiBucketKey = {
      kind: "message",
      day: osloDay(m.sentAt),
      step: m.step,
      channel: m.channel,
      ...(m.experiment ? { experimentId: m.experiment.id, variant: m.experiment.variant } : {}),
    };
    add(c, key, "sent", 1);
    if (facts.deliveries.some((d) => d.stepIndex === m.stepIndex)) add(c, key, "delivered", 1);
    const opened = facts.opens.some(
      (o) => (o.stepIndex === undefined ? o.step === m.step : o.stepIndex === m.stepIndex) && ms(o.at) >= ms(m.sentAt),
    );
    if (opened) add(c, key, "opened", 1);
    if (facts.paidAt) {
      const after = ms(facts.paidAt) - ms(m.sentAt);
      if (after >= 0) {
        if (after <= DAY_MS) add(c, key, "paid1", 1);
        if (after <= 7 * DAY_MS) add(c, key, "paid7", 1);
        if (after <= 30 * DAY_MS) add(c, key, "paid30", 1);
      }
    }
    const amount = facts.payments
      .filter((p) => ms(p.at) >= ms(m.sentAt) && ms(p.at) - ms(m.sentAt) <= 30 * DAY_MS)
      .reduce((n, p) => n + p.amount, 0);
    add(c, key, "paidAmount", amount);
  }
  for (const p of facts.payments) add(c, { kind: "day", day: osloDay(p.at) }, `method:${p.method}`, 1);
  if (facts.paidAt) {
    const day: KpiBucketKey = { kind: "day", day: osloDay(facts.paidAt) };
    add(c, day, "paid", 1);
    if (!facts.collectionAt || ms(facts.collectionAt) > ms(facts.paidAt)) add(c, day, "paidBeforeCollection", 1);
    if (facts.dueDate) {
      const days =
        (Date.parse(`${osloDay(facts.paidAt)}T00:00:00Z`) - Date.parse(`${facts.dueDate}T00:00:00Z`)) / DAY_MS;
      add(c, day, `creditDays:${String(creditDaysBin(days))}`, 1);
    }
  }
  for (const r of facts.reopens) {
    const before = facts.payments.filter((p) => ms(p.at) <= ms(r.at)).map((p) => ms(p.at));
    if (before.length === 0) continue;
    const seconds = (ms(r.at) - Math.max(...before)) / 1000;
    add(c, { kind: "day", day: osloDay(r.at) }, `reopenSeconds:${String(reopenBin(seconds))}`, 1);
  }
  return c;
}

/** after − before, bucket by bucket, leaving out what did not change. */
export function contributionDelta(before: Contribution, after: Contribution): Contribution {
  const delta: Contribution = new Map();
  for (const [id, { key, counts }] of after) {
    const was = before.get(id)?.counts ?? {};
    for (const [k, v] of Object.entries(counts)) add(delta, key, k, v - (was[k] ?? 0));
  }
  for (const [id, { key, counts }] of before) {
    const now = after.get(id)?.counts ?? {};
    for (const [k, v] of Object.entries(counts)) if (now[k] === undefined) add(delta, key, k, -v);
  }
  return delta;
}

/** Adds `delta` into `counts` (a copy). */
export function addCounts(counts: Readonly<Counts>, delta: Readonly<Counts>): Counts {
  const out: Counts = { ...counts };
  for (const [k, v] of Object.entries(delta)) {
    const next = (out[k] ?? 0) + v;
    if (next === 0) delete out[k];
    else out[k] = next;
  }
  return out;
}
