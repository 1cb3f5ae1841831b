/**
 * The case orchestration on the dev host's Durable engine, in-process, on the virtual clock: the real orchestrator
 * and activity registrations (functions/cases), the activities' ports replaced by memory adapters through the
 * composition root's test hook.
 */
import { MemoryInvoiceDocumentStore } from "../../../shared/adapters/memory/invoice-document-store.memory";
import { FakePartnerGateway } from "../../support/fake-partner-gateway";
import { MemoryReplayGuard } from "../../../shared/adapters/memory/replay-guard.memory";
import { MemoryPaymentQueue } from "../../../shared/adapters/memory/payment-queue.memory";
import { MemoryBankPaymentStore } from "../../../shared/adapters/memory/bank-payment-store.memory";
import { MemoryPaymentAttemptStore } from "../../../shared/adapters/memory/payment-attempt-store.memory";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installFunctionsCore } from "../../../devhost/functions-core";
import { VirtualClock } from "../../../devhost/clock";
import { DurableEngine } from "../../../devhost/durable";
import { Invoker } from "../../../devhost/invoker";
import { silentLogger } from "../../../devhost/logger";
import { WorkTracker } from "../../../devhost/work-tracker";
import { MemoryIdempotencyStore } from "../../../shared/adapters/memory/idempotency-store.memory";
import { MemoryWebhookStore } from "../../../shared/adapters/memory/webhook-store.memory";
import { MemoryPartnerConnectionStore } from "../../../shared/adapters/memory/partner-connection-store.memory";
import { MemoryInterestRateStore } from "../../../shared/adapters/memory/interest-rate-store.memory";
import { stateOf } from "../../../shared/adapters/durable/case-workflow.durable";
import { applyEvent, balanceOf, balanceOn } from "../../../shared/domain/case";
import { ruleSetFor } from "../../../shared/domain/rules";
import { addDays, toLocalDate } from "../../../shared/domain/calendar";
import { money } from "../../../shared/domain/money";
import { applyIncomingPayment } from "../../../shared/application/payments/apply-payment";
import type { CasesDeps } from "../../../functions/cases";
import { cryptoRandom } from "../../../shared/adapters/node/random.crypto";
import type { CaseWorkflow } from "../../../shared/ports/case-workflow";
import { makeRecordDeliveryReport } from "../../../shared/application/letters/deliver-letter";
import { deliverLetterDepsFrom } from "../../../functions/deliver-letter-deps";
import {
  CUSTOMER,
  LETTERHEAD,
  PUBLIC_BASE_URL,
  caseRecord,
  world,
  type World,
} from "../../unit/application/case-ladder-fixtures";

const registry = installFunctionsCore();
const DAY = 86_400_000;
const T0 = Date.parse("2026-11-23T12:00:00.000Z");
const DUE = "2026-11-26"; // in 3 days
/** Due + 14 at 09:00 Oslo time: the default Norwegian ladder's reminder (with its fee). */
const REMINDER_AT = Date.parse("2026-12-10T08:00:00.000Z");

let engine: DurableEngine;
let clock: VirtualClock;
let w: World;
let deps: CasesDeps;
let names: typeof import("../../../functions/cases/names");

/** The case workflow straight on the engine (the Durable client adapter is the same calls over HTTP). */
function engineWorkflow(): CaseWorkflow {
  return {
    start: async (caseId) =>
      void (await engine.startNew(names.CASE_ORCHESTRATION, {
        instanceId: names.instanceIdFor(caseId),
        input: { caseId },
      })),
    caseChanged: async (caseId, reason, change) =>
      engine.raiseEvent(names.instanceIdFor(caseId), names.CASE_CHANGED_EVENT, {
        reason,
        ...(change?.closed ? { closed: true } : {}),
      }),
    state: async (caseId) => stateOf((await engine.getStatus(names.instanceIdFor(caseId)))?.runtimeStatus),
  };
}

beforeAll(async () => {
  names = await import("../../../functions/cases/names");
  const { registerCases } = await import("../../../functions/cases/index");
  const tracker = new WorkTracker();
  clock = new VirtualClock(tracker, T0);
  w = await world(new Date(T0).toISOString());
  const memoryClock = { now: () => new Date(clock.now()) };
  const workflow = engineWorkflow();
  deps = {
    clock: memoryClock,
    random: cryptoRandom,
    cases: w.cases,
    tenants: w.tenants,
    payLinks: w.payLinks,
    partnerCommands: w.partnerCommands,
    partnerGateway: new FakePartnerGateway(),
    partnerCallbackReplays: new MemoryReplayGuard(),
    paymentAttempts: new MemoryPaymentAttemptStore(),
    paymentQueue: new MemoryPaymentQueue(),
    callbackReplays: new MemoryReplayGuard(),
    bankPayments: new MemoryBankPaymentStore(),
    webhooks: new MemoryWebhookStore(),
    interestRates: new MemoryInterestRateStore(),
    partnerConnections: new MemoryPartnerConnectionStore(),
    idempotency: new MemoryIdempotencyStore(),
    events: w.events,
    sms: w.sms,
    letters: w.letters,
    letterChannels: w.deps.channels ?? {},
    deliveryIndex: w.deliveryIndex,
    invoiceDocuments: new MemoryInvoiceDocumentStore(),
    publicBaseUrl: PUBLIC_BASE_URL,
    letterhead: LETTERHEAD,
    workflowFor: () => workflow,
  };
  registerCases(() => deps);
  engine = new DurableEngine({
    registry,
    invoker: new Invoker(registry, tracker, silentLogger),
    clock,
    tracker,
    logger: silentLogger,
    dataDir: fs.mkdtempSync(path.join(os.tmpdir(), "case-orchestration-")),
    taskHubName: "CaseTests",
  });
  await engine.start();
});

afterAll(async () => {
  await engine?.stop();
});

describe("one orchestration per case", () => {
  it("sends one Let's pay SMS, then the reminder with its fee, and stops for good once the case is paid", async () => {
    // SMS consent not given either way: the Let's pay SMS may go, the letter goes to the print queue (no SMS alert).
    const { consent: _consent, ...noConsent } = CUSTOMER;
    const record = caseRecord("INV-9001", DUE, noConsent, "2026-11-12");
    await w.cases.create(record);
    const { caseId } = record;
    const workflow = engineWorkflow();
    await workflow.start(caseId);
    await workflow.start(caseId).catch(() => undefined); // a second start never makes a second instance
    await engine.waitForIdle();
    const instanceId = names.instanceIdFor(caseId);
    expect(await engine.getStatus(instanceId)).toMatchObject({
      runtimeStatus: "Running",
      customStatus: {
        stage: "invoiced",
        state: "wait",
        next: { kind: "lets-pay-sms", at: "2026-12-03T08:00:00.000Z" },
      },
    });

    await clock.advanceBy(10 * DAY);
    expect(w.sms.delivered).toHaveLength(1);
    expect(w.sms.delivered[0]).toMatchObject({ from: "Fjordkraft", idempotencyKey: `${caseId}:step:0` });
    expect(w.sms.delivered[0]!.text).toContain("Fjordkraft Demo AS");
    expect(w.sms.delivered[0]!.text).toMatch(new RegExp(`${PUBLIC_BASE_URL}/p/[A-Za-z0-9_-]{22,}$`, "u"));
    expect((await engine.getStatus(instanceId))?.customStatus).toMatchObject({
      stage: "lets-pay-sms",
      next: { kind: "reminder" },
    });

    await clock.advanceTo(REMINDER_AT + 60_000);
    let stored = (await w.cases.getById(caseId))!;
    expect(stored.documents.map((d) => d.kind)).toEqual(["reminder"]);
    expect(w.letters.letters.size).toBe(1);
    // Handed to the print house: no fee until its receipt says the letter was posted.
    expect(balanceOf(stored.case).fees.value).toBe(0);
    // The print house's receipt, through the app's delivery-report sink: the fee is charged and the paused
    // orchestration is woken (it would otherwise look again at its next recheck).
    const sink = { record: makeRecordDeliveryReport(deliverLetterDepsFrom(deps, workflow)) };
    expect(await w.printHouse.post(sink, new Date(clock.now()).toISOString())).toBe(1);
    await engine.waitForIdle();
    stored = (await w.cases.getById(caseId))!;
    const fees = balanceOf(stored.case).fees;
    expect(fees.value).toBeGreaterThan(0);
    expect(stored.case.ledger.filter((e) => e.type === "fee")).toEqual([
      expect.objectContaining({ feeKind: "reminder", amount: fees }),
    ]);
    expect(w.sms.delivered).toHaveLength(1);
    expect(stored.timeline.find((e) => e.step === "reminder")?.details).toMatchObject({
      documentId: "step-1-reminder",
    });
    // The receipt is on the timeline: posted on the day of the receipt, the deadline running from then.
    expect(stored.timeline.at(-1)?.details).toMatchObject({
      channel: "print",
      state: "sent",
      fee: fees,
      on: toLocalDate(new Date(clock.now()), "Europe/Oslo"),
    });

    // The debtor pays everything directly: the case is updated through the domain event, the orchestration told.
    const today = toLocalDate(new Date(clock.now()), "Europe/Oslo");
    const rules = ruleSetFor("NO", today);
    const owed = balanceOn(stored.case, today, rules).total;
    stored = await w.cases.update(stored.tenantId, caseId, (r) => ({
      ...r,
      case: applyEvent(
        r.case,
        { type: "payment", reference: "direct:bank-77", amount: owed, receivedOn: today },
        rules,
      ),
    }));
    expect(stored.case.status).toBe("paid");
    await workflow.caseChanged(caseId, "payment");
    await engine.waitForIdle();
    const status = await engine.getStatus(instanceId);
    expect(status).toMatchObject({
      runtimeStatus: "Completed",
      output: { caseId, outcome: "done" },
      customStatus: { state: "done" },
    });

    await clock.advanceBy(60 * DAY);
    expect(w.sms.delivered).toHaveLength(1);
    expect(w.sms.attempts).toHaveLength(1);
    expect(w.letters.letters.size).toBe(1);
    expect((await w.cases.getById(caseId))!.case.steps.map((s) => s.kind)).toEqual(["lets-pay-sms", "reminder"]);
    expect(w.events.ofType("case.step_executed")).toHaveLength(2);
    expect(clock.pending().filter((p) => p.label.includes(instanceId))).toEqual([]);
  });

  it("restarts a terminated orchestration of an active case from the daily healer, which re-plans from the stored case", async () => {
    const record = caseRecord("INV-9002", "2027-03-01", CUSTOMER, "2027-01-10");
    await w.cases.create(record);
    const workflow = engineWorkflow();
    await workflow.start(record.caseId);
    await engine.waitForIdle();
    await engine.terminate(names.instanceIdFor(record.caseId), "operator test");
    await engine.waitForIdle();
    expect(await workflow.state(record.caseId)).toBe("terminated");

    const timer = registry.require(names.HEAL_ORCHESTRATIONS_FUNCTION, "timerTrigger");
    expect(timer.trigger.schedule).toBe("0 15 3 * * *");
    await new Invoker(registry, new WorkTracker(), silentLogger).invoke(timer, {
      isPastDue: false,
      scheduleStatus: {},
    });
    await engine.waitForIdle();
    expect(await engine.getStatus(names.instanceIdFor(record.caseId))).toMatchObject({
      runtimeStatus: "Running",
      customStatus: { state: "wait", next: { kind: "lets-pay-sms" } },
    });
  });

  it("ends the ladder at once when the case is paid while a step is being carried out: the change is not lost", async () => {
    const today = toLocalDate(new Date(clock.now()), "Europe/Oslo");
    const record = caseRecord("INV-9004", addDays(today, 3), CUSTOMER, addDays(today, -10));
    await w.cases.create(record);
    const { caseId } = record;
    const workflow = engineWorkflow();
    await workflow.start(caseId);
    await engine.waitForIdle();
    // The step hands back what comes next as it wrote the case (the reminder in two weeks); the debtor pays the whole
    // balance after that write, while the step publishes its events, and the orchestration is told.
    const events = deps.events;
    let paidMeanwhile = false;
    deps.events = {
      publish: async (batch) => {
        await events.publish(batch);
        if (paidMeanwhile || !batch.some((e) => e.caseId === caseId && e.type === "case.step_executed")) return;
        paidMeanwhile = true;
        const day = toLocalDate(new Date(clock.now()), "Europe/Oslo");
        const rules = ruleSetFor("NO", day);
        await w.cases.update(record.tenantId, caseId, (r) => ({
          ...r,
          case: applyEvent(
            r.case,
            {
              type: "payment",
              reference: "direct:bank-78",
              amount: balanceOn(r.case, day, rules).total,
              receivedOn: day,
            },
            rules,
          ),
        }));
        await workflow.caseChanged(caseId, "payment");
      },
    };
    try {
      await clock.advanceBy(11 * DAY); // past the Let's pay SMS, well before the reminder
    } finally {
      deps.events = events;
    }
    expect(paidMeanwhile).toBe(true);
    expect((await w.cases.getById(caseId))!.case.status).toBe("paid");
    expect(await engine.getStatus(names.instanceIdFor(caseId))).toMatchObject({
      runtimeStatus: "Completed",
      output: { caseId, outcome: "done" },
    });
  });

  it("ends the ladder without reading the case again when the change says it paid the case in full", async () => {
    const today = toLocalDate(new Date(clock.now()), "Europe/Oslo");
    const record = caseRecord("INV-9005", addDays(today, 3), CUSTOMER, addDays(today, -10));
    await w.cases.create(record);
    const { caseId } = record;
    const workflow = engineWorkflow();
    await workflow.start(caseId);
    await engine.waitForIdle();
    const rules = ruleSetFor("NO", today);
    await w.cases.update(record.tenantId, caseId, (r) => ({
      ...r,
      case: applyEvent(
        r.case,
        {
          type: "payment",
          reference: "direct:bank-79",
          amount: balanceOn(r.case, today, rules).total,
          receivedOn: today,
        },
        rules,
      ),
    }));
    const cases = deps.cases;
    let reads = 0;
    deps.cases = new Proxy(cases, {
      get: (target, key, receiver) => {
        const value = Reflect.get(target, key, receiver) as unknown;
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          if (key === "get" || key === "getById") reads++;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    try {
      await workflow.caseChanged(caseId, "payment", { closed: true });
      await engine.waitForIdle();
    } finally {
      deps.cases = cases;
    }
    expect(reads).toBe(0);
    expect(await engine.getStatus(names.instanceIdFor(caseId))).toMatchObject({
      runtimeStatus: "Completed",
      output: { caseId, outcome: "done" },
      customStatus: { state: "done" },
    });
  });

  it("keeps the ladder going after a partial payment: the reminder still comes, for the lower balance", async () => {
    const today = toLocalDate(new Date(clock.now()), "Europe/Oslo");
    const record = caseRecord("INV-9003", addDays(today, 3), CUSTOMER, addDays(today, -10));
    await w.cases.create(record);
    const { caseId } = record;
    const workflow = engineWorkflow();
    await workflow.start(caseId);
    await engine.waitForIdle();
    await clock.advanceBy(11 * DAY); // past the Let's pay SMS
    expect((await w.cases.getById(caseId))!.case.steps.map((s) => s.kind)).toEqual(["lets-pay-sms"]);

    const payDay = toLocalDate(new Date(clock.now()), "Europe/Oslo");
    const rules = ruleSetFor("NO", payDay);
    const owedBefore = balanceOn((await w.cases.getById(caseId))!.case, payDay, rules).total;
    const deps = {
      cases: w.cases,
      tenants: w.tenants,
      events: w.events,
      workflow,
      clock: { now: () => new Date(clock.now()) },
      partnerCommands: w.partnerCommands,
    };
    const paid = await applyIncomingPayment(deps, {
      tenantId: record.tenantId,
      caseId,
      reference: "pfu-partial-0001",
      channel: "vipps",
      amount: money(500_00, "NOK"),
      receivedOn: payDay,
    });
    expect(paid.applied).toBe(true);
    await engine.waitForIdle();
    const instanceId = names.instanceIdFor(caseId);
    expect(await engine.getStatus(instanceId)).toMatchObject({
      runtimeStatus: "Running",
      customStatus: { state: "wait", next: { kind: "reminder" } },
    });
    const afterPayment = (await w.cases.getById(caseId))!;
    expect(afterPayment.case.status).toBe("open");
    expect(balanceOn(afterPayment.case, payDay, rules).total.value).toBe(owedBefore.value - 500_00);

    await clock.advanceBy(14 * DAY);
    const later = (await w.cases.getById(caseId))!;
    expect(later.case.steps.map((s) => s.kind)).toEqual(["lets-pay-sms", "reminder"]);
    expect(balanceOf(later.case).principal.value).toBeLessThan(1250_00);
    expect(balanceOf(later.case).principal.value).toBeGreaterThanOrEqual(1250_00 - 500_00); // costs and interest are covered first
  });
});
