/**
 * A/B experiments on the ladder's messages, through the plan and execute-step use cases with memory ports: the case's
 * variant decides the Let's pay SMS's hour and text, and the step's timeline entry and `case.step_executed` event
 * name the experiment and the variant.
 */
import { describe, expect, it } from "vitest";
import { makeExecuteStep } from "../../../../shared/application/execute-step";
import { makePlanNextStep } from "../../../../shared/application/plan-next-step";
import { assignVariant } from "../../../../shared/domain/experiments";
import { defaultPolicy, LadderPolicy } from "../../../../shared/domain/policy";
import type { CaseRecord, CustomerDetails } from "../../../../shared/ports/case-store";
import { CaseEventMessageSchema, experimentOfEvent } from "../../../../shared/ports/webhook-delivery-queue";
import { CUSTOMER, caseRecord, tenant, world, type World } from "../case-ladder-fixtures";

const DUE = "2026-11-20";
/** Due + 7 (Friday 27 November 2026): 09:00 and 17:00 in Oslo (UTC+1). */
const AT_0900 = "2026-11-27T08:00:00.000Z";
const AT_1700 = "2026-11-27T16:00:00.000Z";
const B_TEXT = "Hei! {creditor} minner om faktura {invoice} på {amount}. Betal på et blunk: {link}";
const SMS_STEP = { kind: "lets-pay-sms" as const, stepIndex: 0, serviceIds: [] };
const REMINDER_STEP = { kind: "reminder" as const, stepIndex: 1, serviceIds: [] };

function policyWith(experiment: Record<string, unknown>): LadderPolicy {
  return LadderPolicy.parse({ ...defaultPolicy("NO", "Fjordkraft"), experiments: [experiment] });
}

const LETS_PAY_TEST = {
  id: "lets-pay-tone",
  step: "lets-pay-sms",
  startsOn: "2026-11-01",
  variants: { A: { sendAt: "09:00" }, B: { text: B_TEXT, sendAt: "17:00" } },
};

/** `n` cases of different debtors (own phone and customer id: no SMS is gathered with another's). */
async function cases(w: World, n: number): Promise<CaseRecord[]> {
  const records: CaseRecord[] = [];
  for (let i = 0; i < n; i++) {
    const customer: CustomerDetails = { ...CUSTOMER, customerId: `cust-${i}`, phone: `+479123${String(4000 + i)}` };
    const record = caseRecord(`AB-${i}`, DUE, customer);
    await w.cases.create(record);
    records.push(record);
  }
  return records;
}

describe("a Let's pay SMS in an A/B experiment", () => {
  it("is planned at its variant's hour and sent with its variant's text; the event and timeline name both", async () => {
    const w = await world("2026-11-21T10:00:00.000Z", tenant({ policy: policyWith(LETS_PAY_TEST) }));
    const records = await cases(w, 16);
    const variantOf = (r: CaseRecord) => assignVariant({ id: "lets-pay-tone", split: { A: 50, B: 50 } }, r.caseId);
    expect(new Set(records.map(variantOf))).toEqual(new Set(["A", "B"])); // both variants are exercised

    for (const r of records) {
      const decision = await makePlanNextStep(w.deps)(r.caseId);
      expect(decision).toMatchObject({
        kind: "wait",
        until: variantOf(r) === "A" ? AT_0900 : AT_1700,
        next: { kind: "lets-pay-sms" },
      });
    }

    w.clock.set(AT_0900);
    for (const r of records) {
      const outcome = await makeExecuteStep(w.deps)(r.caseId, SMS_STEP);
      // B's step is not due at 09:00: it waits for its own hour
      expect(outcome.kind).toBe(variantOf(r) === "A" ? "executed" : "not-executed");
    }
    w.clock.set(AT_1700);
    for (const r of records.filter((x) => variantOf(x) === "B"))
      expect((await makeExecuteStep(w.deps)(r.caseId, SMS_STEP)).kind).toBe("executed");

    expect(w.sms.delivered).toHaveLength(records.length);
    for (const r of records) {
      const sms = w.sms.delivered.find((m) => m.idempotencyKey === `${r.caseId}:step:0`)!;
      if (variantOf(r) === "A") {
        // the ladder's own text
        expect(sms.text).toMatch(new RegExp(`^Fjordkraft Demo AS: Faktura ${r.invoiceNumber} på .* forfalt `, "u"));
      } else {
        expect(sms.text).toMatch(
          new RegExp(
            `^Hei! Fjordkraft Demo AS minner om faktura ${r.invoiceNumber} på 1 25\\d,\\d\\d kr\\. Betal på et blunk: https://pay\\.example\\.no/p/[A-Za-z0-9_-]+$`,
            "u",
          ),
        );
      }
      const event = w.events.ofType("case.step_executed").find((e) => e.caseId === r.caseId)!;
      expect(event.data["experiment"]).toEqual({ id: "lets-pay-tone", variant: variantOf(r) });
      // as the KPI projection reads it off the case-events topic
      expect(experimentOfEvent(CaseEventMessageSchema.parse(event))).toEqual({
        id: "lets-pay-tone",
        variant: variantOf(r),
      });
      expect(event.occurredAt).toBe(variantOf(r) === "A" ? AT_0900 : AT_1700);
      const entry = (await w.cases.getById(r.caseId))!.timeline.find((t) => t.kind === "step-executed")!;
      expect(entry.details?.["experiment"]).toEqual({ id: "lets-pay-tone", variant: variantOf(r) });
      expect(entry.title).toContain(`A/B test lets-pay-tone: variant ${variantOf(r)}`);
    }
  });

  it("leaves cases alone before the experiment starts: the ladder's hour and text, no experiment on the event", async () => {
    const w = await world(AT_0900, tenant({ policy: policyWith({ ...LETS_PAY_TEST, startsOn: "2026-12-01" }) }));
    const records = await cases(w, 6);
    for (const r of records) expect((await makeExecuteStep(w.deps)(r.caseId, SMS_STEP)).kind).toBe("executed");
    for (const m of w.sms.delivered) expect(m.text).toMatch(/^Fjordkraft Demo AS: Faktura AB-\d+ på /u);
    for (const e of w.events.ofType("case.step_executed")) expect(e.data).not.toHaveProperty("experiment");
  });

  it("counts no experiment for a step that sent nothing (no phone number)", async () => {
    const w = await world(AT_1700, tenant({ policy: policyWith({ ...LETS_PAY_TEST, split: { A: 1, B: 99 } }) }));
    const { phone: _phone, ...noPhone } = CUSTOMER;
    const record = caseRecord("AB-NOPHONE", DUE, noPhone);
    await w.cases.create(record);
    const outcome = await makeExecuteStep(w.deps)(record.caseId, SMS_STEP);
    expect(outcome).toMatchObject({ kind: "executed", delivery: { status: "skipped" } });
    expect(w.events.ofType("case.step_executed")[0]?.data).not.toHaveProperty("experiment");
  });
});

describe("a letter's SMS alert in an A/B experiment", () => {
  it("carries the variant's text with the letter's title; the letter itself goes as always", async () => {
    const experiment = {
      id: "reminder-alert",
      step: "reminder",
      startsOn: "2026-11-01",
      split: { A: 1, B: 99 },
      variants: { A: {}, B: { text: "{creditor}: Du har fått en {letter} på {amount}. Les og betal: {link}" } },
    };
    const w = await world("2026-12-04T08:00:00.000Z", tenant({ policy: policyWith(experiment) }));
    // a case in variant B (99 % of cases are): found, not assumed
    let i = 0;
    let record = caseRecord(`R-${i}`, DUE);
    while (assignVariant(experiment, record.caseId) !== "B") record = caseRecord(`R-${++i}`, DUE);
    await w.cases.create(record);
    await makeExecuteStep(w.deps)(record.caseId, SMS_STEP);
    w.sms.delivered.length = 0;
    w.clock.set("2026-12-04T08:00:00.000Z");
    const outcome = await makeExecuteStep(w.deps)(record.caseId, REMINDER_STEP);
    expect(outcome).toMatchObject({ kind: "executed", step: "reminder" });
    expect(w.sms.delivered).toHaveLength(1);
    expect(w.sms.delivered[0]!.text).toMatch(
      /^Fjordkraft Demo AS: Du har fått en purring på 1 2[5-9]\d,\d\d kr\. Les og betal: https:\/\/pay\.example\.no\/p\//u,
    );
    const event = w.events.ofType("case.step_executed").find((e) => e.data["step"] === "reminder")!;
    expect(event.data["experiment"]).toEqual({ id: "reminder-alert", variant: "B" });
    expect(event.data["documentId"]).toBe("step-1-reminder");
  });
});

describe("an experiment and one SMS per debtor at a time", () => {
  it("sends a debtor's invoices due together in one gathered SMS; each case still names its own variant", async () => {
    // text-only variants (no hour of their own): the debtor's three invoices fall due at the same instant
    const experiment = {
      id: "text-only",
      step: "lets-pay-sms",
      startsOn: "2026-11-01",
      variants: { A: {}, B: { text: B_TEXT } },
    };
    const w = await world(AT_0900, tenant({ policy: policyWith(experiment) }));
    const records = ["G-1", "G-2", "G-3", "G-4", "G-5", "G-6"].map((n) => caseRecord(n, DUE)); // one debtor
    for (const r of records) await w.cases.create(r);
    const execute = makeExecuteStep(w.deps);
    for (const r of records) expect((await execute(r.caseId, SMS_STEP)).kind).toBe("executed");

    expect(w.sms.delivered).toHaveLength(1);
    expect(w.sms.delivered[0]!.text).toMatch(/^Fjordkraft Demo AS: 6 fakturaer på til sammen /u); // the gathered text
    const variants = records.map((r) => assignVariant(experiment, r.caseId));
    for (const [i, r] of records.entries()) {
      const event = w.events.ofType("case.step_executed").find((e) => e.caseId === r.caseId)!;
      expect(event.data["experiment"]).toEqual({ id: "text-only", variant: variants[i] });
    }
  });
});
