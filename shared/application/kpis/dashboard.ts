/**
 * The KPI dashboard's use case (issue 16): a tenant's period read from the pre-aggregated buckets only — one
 * single-partition query per month of the period, never a case — and summed into what the page shows: the funnel per
 * message (sent → delivered → opened → paid within 1 / 7 / 30 days), click, payment and resolution rates, credit time
 * and reopen time (median, p90), the payment methods, a daily trend, and each A/B experiment's report.
 */
import { z } from "zod";
import { addDays, daysBetween, toLocalDate } from "../../domain/calendar";
import { KPI_TIME_ZONE, bucketKeyOf } from "../../domain/kpi-projection";
import {
  compareProportions,
  histogramQuantile,
  wilsonInterval,
  type Interval,
  type ProportionComparison,
} from "../../domain/kpi-statistics";
import type { Clock } from "../../ports/clock";
import type { KpiStore } from "../../ports/kpi-store";

/** `periode`: the last 7, 30 or 90 days (today included), or a calendar month `YYYY-MM`. */
export const KpiPeriodParam = z
  .union([z.enum(["7", "30", "90"]), z.string().regex(/^20\d{2}-(0[1-9]|1[0-2])$/u)])
  .catch("30");
export type KpiPeriodParam = z.infer<typeof KpiPeriodParam>;

/** How many calendar months (this one included) the period picker offers. */
export const KPI_MONTHS_OFFERED = 6;

/** The last `count` months before and including the one of `today` (YYYY-MM), newest first. */
export function recentMonths(today: string, count = KPI_MONTHS_OFFERED): string[] {
  const [y, m] = today.split("-").map(Number) as [number, number];
  return Array.from({ length: count }, (_, i) => {
    const index = y * 12 + (m - 1) - i;
    return `${String(Math.floor(index / 12))}-${String((index % 12) + 1).padStart(2, "0")}`;
  });
}

/** Only the offered periods count: a month outside the picker (e.g. 2099-01) falls back to the last 30 days. */
export function offeredPeriod(param: KpiPeriodParam, today: string): KpiPeriodParam {
  if (param === "7" || param === "30" || param === "90") return param;
  return recentMonths(today).includes(param) ? param : "30";
}

export interface FunnelCounts {
  sent: number;
  delivered: number;
  opened: number;
  paid1: number;
  paid7: number;
  paid30: number;
  /** Minor units paid within 30 days of the messages. */
  paidAmount: number;
}

export interface FunnelRow extends FunnelCounts {
  step: string;
}

export interface VariantReport extends FunnelCounts {
  variant: "A" | "B";
  /** paid within 7 days / sent, with its 95 % Wilson interval. */
  payRate: number;
  payRateInterval: Interval;
}

export interface ExperimentReport {
  id: string;
  steps: string[];
  a: VariantReport;
  b: VariantReport;
  comparison: ProportionComparison;
}

export interface KpiDashboard {
  period: { param: KpiPeriodParam; from: string; to: string; days: number };
  /** The months the period picker offers (newest first), counted from today — never from the period shown. */
  months: string[];
  funnel: FunnelRow[];
  totals: FunnelCounts;
  /** opened / sent. */
  clickRate: number | undefined;
  /** paid within 7 days / sent. */
  paymentRate: number | undefined;
  created: number;
  paid: number;
  paidBeforeCollection: number;
  /** paid before collection / paid. */
  resolutionRate: number | undefined;
  creditDays: { median: number | undefined; p90: number | undefined; count: number };
  reopenSeconds: { median: number | undefined; p90: number | undefined; count: number };
  methods: Array<{ method: string; count: number }>;
  trend: Array<{ day: string; sent: number; opened: number; paid: number }>;
  experiments: ExperimentReport[];
}

const STEP_ORDER = [
  "lets-pay-sms",
  "reminder",
  "collection-notice",
  "payment-demand",
  "suspension-notice",
  "suspension",
  "legal-handoff",
];
const METHOD_ORDER = ["vipps", "card", "bank", "other"];

const emptyFunnel = (): FunnelCounts => ({
  sent: 0,
  delivered: 0,
  opened: 0,
  paid1: 0,
  paid7: 0,
  paid30: 0,
  paidAmount: 0,
});

function addFunnel(into: FunnelCounts, counts: Readonly<Record<string, number>>): void {
  for (const k of Object.keys(into) as Array<keyof FunnelCounts>) into[k] += counts[k] ?? 0;
}

const rate = (n: number, of: number): number | undefined => (of > 0 ? n / of : undefined);

/** The period's first and last Oslo day. */
export function periodDays(param: KpiPeriodParam, today: string): { from: string; to: string } {
  if (param === "7" || param === "30" || param === "90") return { from: addDays(today, 1 - Number(param)), to: today };
  const from = `${param}-01`;
  const next = param.endsWith("-12")
    ? `${String(Number(param.slice(0, 4)) + 1)}-01-01`
    : `${param.slice(0, 5)}${String(Number(param.slice(5)) + 1).padStart(2, "0")}-01`;
  return { from, to: addDays(next, -1) };
}

function monthsOf(from: string, to: string): string[] {
  const months: string[] = [];
  let m = from.slice(0, 7);
  while (m <= to.slice(0, 7)) {
    months.push(m);
    const [y, mo] = m.split("-").map(Number) as [number, number];
    m = mo === 12 ? `${String(y + 1)}-01` : `${String(y)}-${String(mo + 1).padStart(2, "0")}`;
  }
  return months;
}

function variantReport(variant: "A" | "B", counts: FunnelCounts): VariantReport {
  return {
    variant,
    ...counts,
    payRate: counts.sent > 0 ? counts.paid7 / counts.sent : 0,
    payRateInterval: wilsonInterval(counts.paid7, counts.sent),
  };
}

export type LoadKpiDashboard = (tenantId: string, param: KpiPeriodParam) => Promise<KpiDashboard>;

export function makeLoadKpiDashboard(deps: { kpis: KpiStore; clock: Clock }): LoadKpiDashboard {
  return async (tenantId, asked) => {
    const today = toLocalDate(deps.clock.now(), KPI_TIME_ZONE);
    const param = offeredPeriod(asked, today);
    const { from, to } = periodDays(param, today);
    const buckets = (await Promise.all(monthsOf(from, to).map((m) => deps.kpis.listBuckets(tenantId, m)))).flat();

    const byStep = new Map<string, FunnelCounts>();
    const totals = emptyFunnel();
    const day = { created: 0, paid: 0, paidBeforeCollection: 0 };
    const credit: Record<string, number> = {};
    const reopen: Record<string, number> = {};
    const methods = new Map<string, number>();
    const trend = new Map<string, { sent: number; opened: number; paid: number }>();
    const days = daysBetween(from, to) + 1;
    for (let i = 0; i < days; i++) trend.set(addDays(from, i), { sent: 0, opened: 0, paid: 0 });
    const experiments = new Map<string, { steps: Set<string>; A: FunnelCounts; B: FunnelCounts }>();

    for (const bucket of buckets) {
      const key = bucketKeyOf(bucket.bucketId);
      if (!key || key.day < from || key.day > to) continue;
      const c = bucket.counts;
      const point = trend.get(key.day)!;
      if (key.kind === "message") {
        const row = byStep.get(key.step) ?? emptyFunnel();
        addFunnel(row, c);
        byStep.set(key.step, row);
        addFunnel(totals, c);
        point.sent += c["sent"] ?? 0;
        point.opened += c["opened"] ?? 0;
        if (key.experimentId && key.variant) {
          const e = experiments.get(key.experimentId) ?? { steps: new Set(), A: emptyFunnel(), B: emptyFunnel() };
          e.steps.add(key.step);
          addFunnel(e[key.variant], c);
          experiments.set(key.experimentId, e);
        }
        continue;
      }
      day.created += c["created"] ?? 0;
      day.paid += c["paid"] ?? 0;
      day.paidBeforeCollection += c["paidBeforeCollection"] ?? 0;
      point.paid += c["paid"] ?? 0;
      for (const [k, v] of Object.entries(c)) {
        const [name, value] = k.split(":") as [string, string | undefined];
        if (value === undefined) continue;
        if (name === "creditDays") credit[value] = (credit[value] ?? 0) + v;
        else if (name === "reopenSeconds") reopen[value] = (reopen[value] ?? 0) + v;
        else if (name === "method") methods.set(value, (methods.get(value) ?? 0) + v);
      }
    }

    const stepRank = (s: string) => (STEP_ORDER.includes(s) ? STEP_ORDER.indexOf(s) : STEP_ORDER.length);
    const count = (h: Record<string, number>) => Object.values(h).reduce((n, v) => n + v, 0);
    return {
      period: { param, from, to, days },
      months: recentMonths(today),
      funnel: [...byStep]
        .map(([step, counts]) => ({ step, ...counts }))
        .sort((a, b) => stepRank(a.step) - stepRank(b.step) || a.step.localeCompare(b.step)),
      totals,
      clickRate: rate(totals.opened, totals.sent),
      paymentRate: rate(totals.paid7, totals.sent),
      ...day,
      resolutionRate: rate(day.paidBeforeCollection, day.paid),
      creditDays: {
        median: histogramQuantile(credit, 0.5),
        p90: histogramQuantile(credit, 0.9),
        count: count(credit),
      },
      reopenSeconds: {
        median: histogramQuantile(reopen, 0.5),
        p90: histogramQuantile(reopen, 0.9),
        count: count(reopen),
      },
      methods: [...methods]
        .filter(([, n]) => n > 0)
        .map(([method, n]) => ({ method, count: n }))
        .sort((a, b) => METHOD_ORDER.indexOf(a.method) - METHOD_ORDER.indexOf(b.method)),
      trend: [...trend].map(([d, p]) => ({ day: d, ...p })),
      experiments: [...experiments]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([id, e]) => ({
          id,
          steps: [...e.steps].sort((a, b) => stepRank(a) - stepRank(b)),
          a: variantReport("A", e.A),
          b: variantReport("B", e.B),
          comparison: compareProportions(
            { successes: e.A.paid7, trials: e.A.sent },
            { successes: e.B.paid7, trials: e.B.sent },
          ),
        })),
    };
  };
}
