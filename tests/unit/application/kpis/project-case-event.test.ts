import { describe, expect, it } from "vitest";
import { MemoryKpiStore } from "../../../../shared/adapters/memory/kpi-store.memory";
import { makeProjectCaseEvent } from "../../../../shared/application/kpis/project-case-event";
import type { CaseEventMessage } from "../../../../shared/ports/event-publisher";
import type { KpiBucket, KpiStore } from "../../../../shared/ports/kpi-store";
import { addCounts } from "../../../../shared/domain/kpi-projection";

const T = "tenant-kpi";

function ev(
  caseId: string,
  type: CaseEventMessage["type"],
  key: string,
  at: string,
  data: Record<string, unknown> = {},
) {
  return { id: `${caseId}:${type}:${key}`, type, tenantId: T, caseId, occurredAt: at, data } satisfies CaseEventMessage;
}

/** A case's run: created (due 1 Dec), the Let's pay SMS on 8 Dec (variant B of experiment x), delivered, opened, paid by Vipps. */
function run(caseId: string): CaseEventMessage[] {
  return [
    ev(caseId, "case.created", "created", "2026-11-20T10:00:00.000Z", { dueDate: "2026-12-01" }),
    ev(caseId, "case.step_executed", "step:0:lets-pay-sms", "2026-12-08T09:00:00.000Z", {
      step: "lets-pay-sms",
      stepIndex: 0,
      delivery: { channel: "sms", status: "sent" },
      experiment: { id: "x", variant: "B" },
    }),
    ev(caseId, "message.delivered", "step:0:lets-pay-sms:sms", "2026-12-08T09:00:05.000Z", {
      stepIndex: 0,
      step: "lets-pay-sms",
      channel: "sms",
      deliveredAt: "2026-12-08T09:00:04.000Z",
    }),
    ev(caseId, "message.opened", "link-1", "2026-12-08T12:00:00.000Z", { step: "lets-pay-sms", stepIndex: 0 }),
    ev(caseId, "payment.received", "pfu-1", "2026-12-10T12:00:00.000Z", {
      reference: `pfu-${caseId}`,
      amount: { value: 125_000, currency: "NOK" },
      channel: "vipps",
    }),
    ev(caseId, "case.paid", "paid", "2026-12-10T12:00:00.000Z", { status: "paid" }),
  ];
}

/** The month's buckets, their shards summed (a bucket is kept in several documents: domain/kpi-projection.ts). */
async function buckets(store: KpiStore, month = "2026-12"): Promise<Record<string, KpiBucket["counts"]>> {
  const out: Record<string, KpiBucket["counts"]> = {};
  for (const b of await store.listBuckets(T, month)) {
    const id = b.bucketId.replace(/~\d+$/u, "");
    out[id] = addCounts(out[id] ?? {}, b.counts);
  }
  return out;
}

const MESSAGE = "m|2026-12-08|lets-pay-sms|sms|x|B";

describe("the KPI projection", () => {
  it("counts a case's funnel once however often each event is delivered", async () => {
    const store = new MemoryKpiStore();
    const project = makeProjectCaseEvent({ kpis: store });
    for (const e of run("c1")) expect(await project(e)).toBe("projected");
    for (const e of run("c1")) expect(await project(e)).toBe("duplicate");
    const b = await buckets(store);
    expect(b[MESSAGE]).toEqual({
      sent: 1,
      delivered: 1,
      opened: 1,
      paid7: 1,
      paid30: 1,
      paidAmount: 125_000,
    });
    // paid on 10 Dec, due 1 Dec: 9 days of credit; paid before any collection step; by Vipps
    expect(b["d|2026-12-10"]).toEqual({ paid: 1, paidBeforeCollection: 1, "creditDays:9": 1, "method:vipps": 1 });
    expect((await buckets(store, "2026-11"))["d|2026-11-20"]).toEqual({ created: 1 });
  });

  it("ends with the same buckets whatever order the events arrive in", async () => {
    const inOrder = new MemoryKpiStore();
    const reversed = new MemoryKpiStore();
    for (const e of run("c2")) await makeProjectCaseEvent({ kpis: inOrder })(e);
    for (const e of run("c2").reverse()) await makeProjectCaseEvent({ kpis: reversed })(e);
    expect(await buckets(reversed)).toEqual(await buckets(inOrder));
    expect((await buckets(reversed))[MESSAGE]?.["opened"]).toBe(1);
  });

  it("adds a delta once when the process dies between the bucket write and emptying the case's pending list", async () => {
    const real = new MemoryKpiStore();
    let failNextCaseWrite = false;
    const flaky: KpiStore = {
      getCase: (t, c) => real.getCase(t, c),
      getBucket: (t, m, id) => real.getBucket(t, m, id),
      listBuckets: (t, m) => real.listBuckets(t, m),
      putBucket: async (b, etag) => {
        const written = await real.putBucket(b, etag);
        failNextCaseWrite = true; // the next write (emptying `pending`) never happens
        return written;
      },
      putCase: async (doc, etag) => {
        if (failNextCaseWrite && doc.pending.length === 0) {
          failNextCaseWrite = false;
          throw new Error("process died");
        }
        return real.putCase(doc, etag);
      },
    };
    const [created] = run("c3");
    await expect(makeProjectCaseEvent({ kpis: flaky })(created!)).rejects.toThrow("process died");
    // redelivered: the event is seen, its delta is in the bucket already → nothing added twice
    expect(await makeProjectCaseEvent({ kpis: real })(created!)).toBe("duplicate");
    expect((await buckets(real, "2026-11"))["d|2026-11-20"]).toEqual({ created: 1 });
    expect((await real.getCase(T, "c3"))?.doc.pending).toEqual([]);
  });

  it("counts every case when many events of many cases are projected at the same time", async () => {
    const store = new MemoryKpiStore();
    const project = makeProjectCaseEvent({ kpis: store });
    const all = ["a", "b", "c", "d", "e", "f", "g", "h"].flatMap((id) => run(id));
    await Promise.all([...all, ...all].map((e) => project(e)));
    const b = await buckets(store);
    expect(b[MESSAGE]).toMatchObject({ sent: 8, delivered: 8, opened: 8, paid7: 8, paidAmount: 8 * 125_000 });
    expect(b["d|2026-12-10"]).toMatchObject({ paid: 8, "method:vipps": 8 });
  });

  it("counts a payment after the collection notice as paid but not before collection, and a later message's 30 days", async () => {
    const store = new MemoryKpiStore();
    const project = makeProjectCaseEvent({ kpis: store });
    await project(ev("c4", "case.created", "created", "2026-12-01T10:00:00.000Z", { dueDate: "2026-12-01" }));
    await project(
      ev("c4", "case.step_executed", "step:2:collection-notice", "2026-12-02T10:00:00.000Z", {
        step: "collection-notice",
        stepIndex: 2,
        delivery: { channel: "print", status: "queued" },
      }),
    );
    await project(
      ev("c4", "payment.received", "kid-1", "2026-12-20T10:00:00.000Z", {
        reference: "kid-1",
        amount: { value: 500, currency: "NOK" },
        channel: "kid",
      }),
    );
    await project(ev("c4", "case.paid", "paid", "2026-12-20T10:00:00.000Z"));
    const b = await buckets(store);
    expect(b["d|2026-12-20"]).toEqual({ paid: 1, "creditDays:19": 1, "method:bank": 1 });
    expect(b["m|2026-12-02|collection-notice|print||"]).toEqual({ sent: 1, paid30: 1, paidAmount: 500 });
  });
});
