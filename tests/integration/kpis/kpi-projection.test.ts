/**
 * The KPI projection through the real Service Bus SDK and the dev host's broker (issue 16): events published with
 * ServiceBusEventPublisher → topic case-events / subscription kpis (declared in service-bus-entities.json) → the
 * registered function projectCaseEventsToKpis → buckets. A seeded A/B experiment (the step events carry
 * `experiment: { id, variant }`, as the ladder's experiments will) is then reported significant by the dashboard's
 * use case; an event sent again under another message id (past the topic's duplicate detection) counts once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installFunctionsCore } from "../../../devhost/functions-core";
import { Invoker } from "../../../devhost/invoker";
import { silentLogger } from "../../../devhost/logger";
import { loadServiceBusEntities } from "../../../devhost/service-bus/entities";
import { ServiceBusTriggers } from "../../../devhost/service-bus/triggers";
import { registerKpis, type KpisDeps } from "../../../functions/kpis";
import { CASE_EVENTS_TOPIC, SERVICE_BUS_CONNECTION } from "../../../functions/kpis/names";
import { MemoryKpiStore } from "../../../shared/adapters/memory/kpi-store.memory";
import { addCounts } from "../../../shared/domain/kpi-projection";
import { ServiceBusEventPublisher } from "../../../shared/adapters/service-bus/event-publisher.service-bus";
import { makeLoadKpiDashboard } from "../../../shared/application/kpis/dashboard";
import { makeProjectCaseEvent } from "../../../shared/application/kpis/project-case-event";
import { experimentRun } from "../../support/kpi-events";
import { type Harness, startHarness } from "../service-bus/harness";

const registry = installFunctionsCore();
const kpis = new MemoryKpiStore();
const deps: KpisDeps = { kpis, projectCaseEvent: makeProjectCaseEvent({ kpis }) };
registerKpis(() => deps);

let h: Harness;
let triggers: ServiceBusTriggers;
let publisher: ServiceBusEventPublisher;

beforeAll(async () => {
  h = await startHarness(loadServiceBusEntities());
  publisher = new ServiceBusEventPublisher({ client: h.client, topicName: CASE_EVENTS_TOPIC });
  triggers = new ServiceBusTriggers({
    registry,
    invoker: new Invoker(registry, h.tracker, silentLogger),
    logger: silentLogger,
    setting: (name) => (name === SERVICE_BUS_CONNECTION ? h.connectionString : undefined),
  });
  await triggers.start();
});

afterAll(async () => {
  await triggers?.stop();
  await publisher?.close();
  await h?.close();
});

const TENANT = "t_kpi_sb";
// 400 Let's pay SMS per variant on 8 Dec 2026: A gets 60 paid within 7 days (15 %), B 100 (25 %).
const events = experimentRun({
  tenantId: TENANT,
  experimentId: "sms-tekst-1",
  sentAt: "2026-12-08T09:00:00.000Z",
  variants: { A: { sent: 400, opened: 160, paid: 60 }, B: { sent: 400, opened: 200, paid: 100 } },
});

describe("the KPI projection on the kpis subscription of case-events", () => {
  it("fills the buckets from the published events, each counted once", async () => {
    for (let i = 0; i < events.length; i += 200) await publisher.publish(events.slice(i, i + 200));
    await h.tracker.settle();
    // the same events again under other message ids: past the topic's duplicate detection, so the projection's own
    const sender = h.client.createSender(CASE_EVENTS_TOPIC);
    await sender.sendMessages(
      events.slice(0, 300).map((e) => ({ messageId: `again-${e.id}`, body: e, contentType: "application/json" })),
    );
    await sender.close();
    await h.tracker.settle();
    // a bucket's shards summed (domain/kpi-projection.ts)
    const buckets: Record<string, Record<string, number>> = {};
    for (const b of await kpis.listBuckets(TENANT, "2026-12")) {
      const id = b.bucketId.replace(/~\d+$/u, "");
      buckets[id] = addCounts(buckets[id] ?? {}, b.counts);
    }
    expect(buckets["m|2026-12-08|lets-pay-sms|sms|sms-tekst-1|A"]).toMatchObject({
      sent: 400,
      delivered: 400,
      opened: 160,
      paid7: 60,
    });
    expect(buckets["m|2026-12-08|lets-pay-sms|sms|sms-tekst-1|B"]).toMatchObject({
      sent: 400,
      delivered: 400,
      opened: 200,
      paid7: 100,
    });
  });

  it("reports B paying more often than A, significantly, with Wilson intervals that do not overlap", async () => {
    const dashboard = await makeLoadKpiDashboard({ kpis, clock: { now: () => new Date("2026-12-20T12:00:00Z") } })(
      TENANT,
      "2026-12",
    );
    const [experiment, ...more] = dashboard.experiments;
    expect(more).toEqual([]);
    expect(experiment).toMatchObject({ id: "sms-tekst-1", steps: ["lets-pay-sms"] });
    expect(experiment!.a.payRate).toBe(0.15);
    expect(experiment!.b.payRate).toBe(0.25);
    // pooled p = 0.2, SE = sqrt(0.2 · 0.8 · 2/400) = 0.028284, z = 0.1 / 0.028284 = 3.536 → p ≈ 0.0004
    expect(experiment!.comparison.z).toBeCloseTo(3.536, 2);
    expect(experiment!.comparison.p).toBeLessThan(0.001);
    expect(experiment!.comparison.significant).toBe(true);
    expect(experiment!.a.payRateInterval.high).toBeLessThan(experiment!.b.payRateInterval.low);
    expect(dashboard.totals).toMatchObject({ sent: 800, opened: 360, paid7: 160 });
    expect(dashboard.paid).toBe(160);
  });

  it("shows the last 30 days for a month the picker does not offer, and offers months counted from today", async () => {
    const load = makeLoadKpiDashboard({ kpis, clock: { now: () => new Date("2026-12-20T12:00:00Z") } });
    const future = await load(TENANT, "2099-01");
    expect(future.period).toMatchObject({ param: "30", from: "2026-11-21", to: "2026-12-20" });
    expect(future.months).toEqual(["2026-12", "2026-11", "2026-10", "2026-09", "2026-08", "2026-07"]);
    expect((await load(TENANT, "2026-07")).period).toMatchObject({ param: "2026-07", from: "2026-07-01" });
    expect((await load(TENANT, "2026-06")).period.param).toBe("30");
  });
});
