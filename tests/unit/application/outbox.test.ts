/**
 * The transactional outbox through the use cases: what a change must tell (events, orchestration start/"changed")
 * is stored with the change; when publishing fails after the write the request still succeeds, nothing is told
 * yet, and the sweep tells it later — each event once. The publisher here counts every call (no duplicate
 * detection), so "once" is the relay's doing, not the topic's.
 */
import { describe, expect, it } from "vitest";
import { makeGetCase } from "../../../shared/application/get-case";
import { relayPendingOutbox } from "../../../shared/application/outbox";
import { makePlanNextStep } from "../../../shared/application/plan-next-step";
import { makeRecordDirectPayment } from "../../../shared/application/record-direct-payment";
import {
  makeRegisterInvoice,
  makeRegisterInvoiceBatch,
  type RegisterInvoiceInput,
} from "../../../shared/application/register-invoice";
import type { CaseWorkflow } from "../../../shared/ports/case-workflow";
import type { CaseEventMessage, EventPublisher } from "../../../shared/ports/event-publisher";
import { seedTenant, testWorld } from "../functions/api/api-fixtures";

/** Publishes nothing while `down`; records every event it was given while up, duplicates included. */
class FlakyPublisher implements EventPublisher {
  down = false;
  readonly published: CaseEventMessage[] = [];
  attempts = 0;
  async publish(events: CaseEventMessage[]): Promise<void> {
    this.attempts += 1;
    if (this.down) throw new Error("Service Bus: the namespace is unavailable");
    this.published.push(...events);
  }
}

const invoice: RegisterInvoiceInput = {
  invoiceNumber: "INV-77",
  customer: { customerId: "cust-1", name: "Kari Nordmann", phone: "912 34 567" },
  amount: { value: 50000, currency: "NOK" },
  issueDate: "2026-10-20",
  dueDate: "2026-11-05",
};

function world() {
  const w = testWorld({ now: "2026-11-20T10:00:00Z" });
  const events = new FlakyPublisher();
  const starts: string[] = [];
  /** The first plan each start carried (undefined: the orchestration plans by itself). */
  const firstPlans: unknown[] = [];
  const changes: string[] = [];
  const closed: boolean[] = [];
  let workflowDown = false;
  const workflow: CaseWorkflow = {
    start: async (caseId, planned) => {
      if (workflowDown) throw new Error("durable client: task hub unavailable");
      starts.push(caseId);
      firstPlans.push(planned);
    },
    caseChanged: async (_caseId, reason, change) => {
      if (workflowDown) throw new Error("durable client: task hub unavailable");
      changes.push(reason);
      closed.push(change?.closed === true);
    },
    state: async () => "running",
  };
  const deps = { ...w.deps, events, workflow };
  const later = (seconds: number) => w.clock.set(new Date(w.clock.now().getTime() + seconds * 1000).toISOString());
  const sweep = () => relayPendingOutbox(deps, { minAgeMs: 20_000, maxEntries: 100 });
  return {
    w,
    deps,
    events,
    starts,
    firstPlans,
    changes,
    closed,
    later,
    sweep,
    setWorkflowDown: (v: boolean) => (workflowDown = v),
  };
}

describe("transactional outbox", () => {
  it("creates the case even when publishing and the orchestration start fail, and the sweep tells both later, once", async () => {
    const t = world();
    const { tenantId } = await seedTenant(t.w);
    t.events.down = true;
    t.setWorkflowDown(true);
    const { caseId } = await makeRegisterInvoice(t.deps)(tenantId, invoice);
    expect(await t.deps.cases.get(tenantId, caseId)).toBeDefined();
    expect(t.events.published).toEqual([]);
    expect(t.starts).toEqual([]);

    // Still down: the sweep tries, leaves everything, and says so.
    t.later(30);
    expect(await t.sweep()).toMatchObject({ cases: 1, relayed: 0, left: 2, failedCases: 1 });

    t.events.down = false;
    t.setWorkflowDown(false);
    t.later(60);
    expect(await t.sweep()).toMatchObject({ cases: 1, relayed: 2, left: 0 });
    expect(t.events.published.map((e) => e.type)).toEqual(["case.created"]);
    expect(t.events.published[0]).toMatchObject({ caseId, tenantId, data: { invoiceNumber: "INV-77" } });
    expect(t.starts).toEqual([caseId]);
    expect(t.firstPlans).toEqual([undefined]); // the sweep has no plan: the orchestration plans by itself

    // Nothing is told twice: the outbox is empty now.
    t.later(60);
    expect(await t.sweep()).toMatchObject({ cases: 0, relayed: 0 });
    expect(t.events.published).toHaveLength(1);
    expect(t.starts).toHaveLength(1);
  });

  it("creates a whole batch while the topic is down, starts every orchestration, and the sweep tells each event once", async () => {
    const t = world();
    const { tenantId } = await seedTenant(t.w);
    t.events.down = true;
    const numbers = ["B-1", "B-2", "B-3"];
    const outcomes = await makeRegisterInvoiceBatch(t.deps)(
      tenantId,
      numbers.map((invoiceNumber) => ({ ok: true, input: { ...invoice, invoiceNumber } })),
    );
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(t.events.attempts).toBe(1); // the batch's events in one publish
    expect(t.starts).toHaveLength(3); // the orchestrations do not wait for the topic

    t.events.down = false;
    t.later(30);
    expect(await t.sweep()).toMatchObject({ cases: 3, relayed: 3, left: 0 });
    expect(t.events.published.map((e) => e.data.invoiceNumber).sort()).toEqual(numbers);
    t.later(60);
    expect(await t.sweep()).toMatchObject({ cases: 0, relayed: 0 });
    expect(t.events.published).toHaveLength(3);
    expect(t.starts).toHaveLength(3);
  });

  it("records a payment when publishing fails after the write; a retried request changes nothing and the sweep publishes its events once", async () => {
    const t = world();
    const { tenantId } = await seedTenant(t.w);
    const { caseId } = await makeRegisterInvoice(t.deps)(tenantId, invoice);
    expect(t.events.published.map((e) => e.type)).toEqual(["case.created"]); // relayed at once while up

    t.events.down = true;
    const pay = makeRecordDirectPayment(t.deps);
    const owed = (await makeGetCase(t.deps)(tenantId, caseId)).balance.total;
    const payment = { reference: "bank-2026-11-20-1", amount: owed, paidAt: "2026-11-20" };
    const view = await pay(tenantId, caseId, payment);
    expect(view.status).toBe("paid");
    // The client's retry (it saw a timeout, say) changes nothing and, with publishing back up, tells nothing either:
    t.events.down = false;
    await pay(tenantId, caseId, payment);
    expect(t.events.published.map((e) => e.type)).toEqual(["case.created"]);
    // The orchestration does not wait for the topic: it was told at once (once, for the one change) that the case is
    // closed, so it ends without planning again.
    expect(t.changes).toEqual(["payment"]);
    expect(t.closed).toEqual([true]);

    t.later(30);
    await t.sweep();
    const types = t.events.published.map((e) => e.type);
    expect(types.filter((x) => x === "payment.received")).toHaveLength(1);
    expect(types.filter((x) => x === "case.paid")).toHaveLength(1);
    expect(t.changes).toEqual(["payment"]);
    t.later(60);
    await t.sweep();
    expect(t.events.published.map((e) => e.type)).toEqual(types);
  });

  it("starts a new case's orchestration with its first plan, made on the case as the intake wrote it", async () => {
    const t = world();
    const { tenantId } = await seedTenant(t.w);
    const { caseId } = await makeRegisterInvoice(t.deps)(tenantId, invoice);
    expect(t.starts).toEqual([caseId]);
    // What the orchestration's own planning would have said, reading the case: so it need not read it.
    expect(t.firstPlans).toEqual([await makePlanNextStep(t.deps)(caseId)]);
    // Handed over 15 days after its due date: the reminder (with its fee) is the step that fits it now.
    expect(t.firstPlans[0]).toMatchObject({ kind: "act", action: { kind: "reminder", stepIndex: 1 } });

    const numbers = ["P-1", "P-2"];
    await makeRegisterInvoiceBatch(t.deps)(
      tenantId,
      numbers.map((invoiceNumber) => ({ ok: true, input: { ...invoice, invoiceNumber } })),
    );
    expect(t.firstPlans.slice(1)).toEqual(
      await Promise.all(t.starts.slice(1).map((id) => makePlanNextStep(t.deps)(id))),
    );
    expect(t.firstPlans.slice(1).every((p) => p !== undefined)).toBe(true);
  });

  it("tells the orchestration of a partly paid case to plan again, not that it is closed", async () => {
    const t = world();
    const { tenantId } = await seedTenant(t.w);
    const { caseId } = await makeRegisterInvoice(t.deps)(tenantId, invoice);
    const pay = makeRecordDirectPayment(t.deps);
    await pay(tenantId, caseId, {
      reference: "bank-2026-11-20-2",
      amount: { value: 10000, currency: "NOK" },
      paidAt: "2026-11-20",
    });
    expect(t.changes).toEqual(["payment"]);
    expect(t.closed).toEqual([false]);
  });

  it("leaves young entries to their writer: the sweep only takes entries older than its minimum age", async () => {
    const t = world();
    const { tenantId } = await seedTenant(t.w);
    t.events.down = true;
    await makeRegisterInvoice(t.deps)(tenantId, invoice);
    t.events.down = false;
    t.later(5);
    expect(await t.sweep()).toMatchObject({ cases: 0, relayed: 0 });
    t.later(20);
    expect(await t.sweep()).toMatchObject({ cases: 1, relayed: 1 }); // the event; the start went at once
    expect(t.events.published.map((e) => e.type)).toEqual(["case.created"]);
  });
});
