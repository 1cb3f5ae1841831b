/**
 * The KPI projection and dashboard (issue 16), in process against the Cosmos DB stand-in through the real SDK: the
 * events of `--cases` generated cases (default 1 000; `--cases 200000` for the figure) — created, the Let's
 * pay SMS (half of them in an A/B experiment), delivered, opened (40 %), paid (60 %, Vipps/card/KID), a reminder by
 * post for the unpaid — spread over 90 days, projected by the projection use case (each case's events in order,
 * `IN_FLIGHT` cases at a time, as concurrent Service Bus deliveries would), then the dashboard for that tenant (the
 * use case reading the buckets and the page rendered) for the last 90 days, `PAGE_RUNS` times.
 *
 *   npm run bench -- kpis
 *   npm run bench -- kpis --cases 200000
 */
import { CosmosClient } from "@azure/cosmos";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import { join } from "node:path";
import { CosmosStandIn } from "../../devhost/cosmos/cosmos-stand-in";
import { silentLogger } from "../../devhost/logger";
import { CosmosKpiStore } from "../../shared/adapters/cosmos/kpi-store.cosmos";
import { makeLoadKpiDashboard } from "../../shared/application/kpis/dashboard";
import { makeProjectCaseEvent } from "../../shared/application/kpis/project-case-event";
import type { CaseEventMessage } from "../../shared/ports/event-publisher";
import { renderKpiPage } from "../../shared/web/portal/kpi-page";
import { inParallel, pct } from "./helpers";

const IN_FLIGHT = 16;
const PAGE_RUNS = 200;
const TENANT = "t_bench_kpis";
const NOW = Date.parse("2026-12-07T12:00:00Z");
const DAY = 86_400_000;

function casesOption(): number {
  const at = process.argv.indexOf("--cases");
  const value = at >= 0 ? Number(process.argv[at + 1]) : Number(process.env.BENCH_KPI_CASES ?? 1000);
  return Number.isInteger(value) && value > 0 ? value : 1000;
}

/** Case i's events, in the order the ladder publishes them. */
function eventsOf(i: number): CaseEventMessage[] {
  const caseId = `c_bench_${String(i)}`;
  const sent = NOW - (1 + (i % 88)) * DAY - (i % 7) * 3_600_000;
  const iso = (offset: number) => new Date(sent + offset).toISOString();
  const out: CaseEventMessage[] = [];
  const e = (type: CaseEventMessage["type"], key: string, at: string, data: Record<string, unknown>) =>
    out.push({ id: `${caseId}:${type}:${key}`, type, tenantId: TENANT, caseId, occurredAt: at, data });
  e("case.created", "created", iso(-10 * DAY), { dueDate: iso(-7 * DAY).slice(0, 10) });
  e("case.step_executed", "step:0:lets-pay-sms", iso(0), {
    step: "lets-pay-sms",
    stepIndex: 0,
    delivery: { channel: "sms", status: "sent" },
    ...(i % 2 === 0 ? { experiment: { id: "sms-tekst-1", variant: i % 4 === 0 ? "A" : "B" } } : {}),
  });
  e("message.delivered", "step:0:lets-pay-sms:sms", iso(5_000), { stepIndex: 0, step: "lets-pay-sms", channel: "sms" });
  if (i % 5 < 2) e("message.opened", "link-1", iso(3_600_000), { step: "lets-pay-sms", stepIndex: 0 });
  if (i % 5 < 3) {
    const paid = iso(((i % 11) + 0.5) * DAY);
    e("payment.received", "pay", paid, {
      reference: `pay-${caseId}`,
      amount: { value: 90_000 + (i % 1000), currency: "NOK" },
      channel: ["vipps", "vipps", "vipps", "card", "kid"][i % 5],
    });
    e("case.paid", "paid", paid, { status: "paid" });
  } else {
    e("case.step_executed", "step:1:reminder", iso(7 * DAY), {
      step: "reminder",
      stepIndex: 1,
      delivery: { channel: "print", status: "queued" },
    });
  }
  return out;
}

export async function run(): Promise<Record<string, number | string>> {
  const cases = casesOption();
  const dataDir = await mkdtemp(join(os.tmpdir(), "bench-kpis-"));
  const standIn = new CosmosStandIn({ dataDir, logger: silentLogger, saveIntervalMs: 0 });
  const { endpoint, key } = await standIn.start(0);
  const client = new CosmosClient({ endpoint, key, connectionPolicy: { enableEndpointDiscovery: false } });
  try {
    const { database } = await client.databases.create({ id: "bench" });
    await database.containers.create({ id: "kpi-buckets", partitionKey: { paths: ["/pk"] } });
    const kpis = new CosmosKpiStore({ database });
    const project = makeProjectCaseEvent({ kpis });

    let events = 0;
    const started = performance.now();
    await inParallel(cases, IN_FLIGHT, async (i) => {
      for (const event of eventsOf(i)) {
        await project(event);
        events++;
      }
    });
    const seconds = (performance.now() - started) / 1000;
    const loadAfterProjection = os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" / ");

    const load = makeLoadKpiDashboard({ kpis, clock: { now: () => new Date(NOW) } });
    const header = { displayName: "Bench", roles: ["operator"], csrfToken: "x", path: "/portal" };
    const page = async () => {
      const dashboard = await load(TENANT, "90");
      return renderKpiPage("nb", { tenantId: TENANT, tenantName: "Bench AS", dashboard, months: [] }, header);
    };
    const check = await load(TENANT, "90");
    await page(); // warm-up
    const times: number[] = [];
    for (let r = 0; r < PAGE_RUNS; r++) {
      const t = performance.now();
      await page();
      times.push(performance.now() - t);
    }
    return {
      cases,
      "events projected": events,
      "projection throughput (events/s)": Math.round(events / seconds),
      [`  (${String(IN_FLIGHT)} cases in flight; load after projection)`]: loadAfterProjection,
      "dashboard, last 90 days: sent / paid within 30 d shown": `${String(check.totals.sent)} / ${String(check.totals.paid30)}`,
      "dashboard page time p50 (ms)": Number(pct(times, 50).toFixed(1)),
      "dashboard page time p99 (ms, goal ≤ 300)": Number(pct(times, 99).toFixed(1)),
      "load average now (1/5/15 min)": os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(" / "),
    };
  } finally {
    client.dispose();
    await standIn.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
