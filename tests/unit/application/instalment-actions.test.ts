import { describe, expect, it } from "vitest";
import { makeExecuteStep } from "../../../shared/application/execute-step";
import { makePlanNextStep } from "../../../shared/application/plan-next-step";
import { applyEvent } from "../../../shared/domain/case";
import { money } from "../../../shared/domain/money";
import { ruleSetFor } from "../../../shared/domain/rules";
import type { CustomerDetails } from "../../../shared/ports/case-store";
import { caseRecord, CUSTOMER, world, type World } from "./case-ladder-fixtures";

/** An invoice of NOK 1 250 due 2026-11-01 with a plan agreed 2026-11-02: 625 due 2026-11-16, 625 due 2026-12-16. */
async function withPlan(w: World, customer: CustomerDetails = CUSTOMER): Promise<string> {
  const record = caseRecord("PLAN-1", "2026-11-01", customer, "2026-10-15");
  const c = applyEvent(
    record.case,
    {
      type: "instalment-plan-agreed",
      on: "2026-11-02",
      instalments: [
        { dueDate: "2026-11-16", amount: money(625_00, "NOK") },
        { dueDate: "2026-12-16", amount: money(625_00, "NOK") },
      ],
    },
    ruleSetFor("NO", "2026-11-02"),
  );
  await w.cases.create({ ...record, case: c });
  return record.caseId;
}

/** What the orchestration does: plan, and carry out the action when it is due. */
async function runDue(w: World, caseId: string) {
  const decision = await makePlanNextStep(w.deps)(caseId);
  if (decision.kind !== "act") return { decision, outcome: undefined };
  return { decision, outcome: await makeExecuteStep(w.deps)(caseId, decision.action) };
}

describe("an instalment plan's own actions", () => {
  it("sends the reminder by SMS once, even when the activity runs again", async () => {
    const w = await world("2026-11-13T08:30:00.000Z"); // Friday, 3 days before the instalment
    const caseId = await withPlan(w);
    const { decision, outcome } = await runDue(w, caseId);
    expect(decision).toMatchObject({ kind: "act", action: { kind: "instalment-reminder" } });
    expect(outcome).toMatchObject({ kind: "executed", step: "instalment-reminder", delivery: { channel: "sms" } });
    if (decision.kind !== "act") return;
    // the activity retried (a crash after sending, a replay): nothing is sent twice
    expect(await makeExecuteStep(w.deps)(caseId, decision.action)).toMatchObject({ kind: "already-executed" });
    expect(w.sms.delivered).toHaveLength(1);
    expect(w.sms.delivered[0]!.text).toMatch(/^Fjordkraft Demo AS: Påminnelse om avdrag på 625,00 kr/u);
    expect(w.sms.delivered[0]!.text).toMatch(/\/p\/[A-Za-z0-9_-]{27}\?option=instalment$/u);
    // next: the day the plan would end, not another reminder
    expect(await makePlanNextStep(w.deps)(caseId)).toMatchObject({
      kind: "wait",
      next: { kind: "instalment-missed", on: "2026-11-23" },
    });
    const stored = (await w.cases.getById(caseId))!;
    expect(stored.timeline.at(-1)).toMatchObject({
      kind: "sms",
      title: expect.stringContaining("Instalment reminder sent by SMS"),
    });
    expect(stored.deliveries?.at(-1)).toMatchObject({ kind: "instalment-reminder", state: "dispatched" });
  });

  it("e-mails the reminder to a debtor who agreed to e-mail but not to SMS, and tells nobody without consent", async () => {
    const w = await world("2026-11-13T08:30:00.000Z");
    const emailOnly = await withPlan(w, {
      ...CUSTOMER,
      email: "kari@example.no",
      consent: { sms: false, email: true },
    });
    await runDue(w, emailOnly);
    expect(w.sms.delivered).toHaveLength(0);
    expect(w.email.sent).toHaveLength(1);
    expect(w.email.sent[0]!.subject).toBe("Fjordkraft Demo AS: Påminnelse: avdrag forfaller 16. november 2026");
    expect(w.email.sent[0]!.html).toContain('?option=instalment"');
  });

  it("ends the plan 7 days after an unpaid instalment, publishes case.instalment_missed once and resumes the ladder", async () => {
    const w = await world("2026-11-23T09:30:00.000Z"); // Monday, 7 days after 2026-11-16
    const caseId = await withPlan(w);
    const { decision, outcome } = await runDue(w, caseId);
    expect(decision).toMatchObject({ kind: "act", action: { kind: "instalment-missed" } });
    expect(outcome).toMatchObject({ kind: "executed", next: { kind: "act", action: { kind: "reminder" } } });
    if (decision.kind === "act") await makeExecuteStep(w.deps)(caseId, decision.action);
    const missed = w.events.published.filter((e) => e.type === "case.instalment_missed");
    expect(missed).toHaveLength(1);
    expect(missed[0]!.data).toMatchObject({ dueDate: "2026-11-16", amountLeft: { value: 625_00, currency: "NOK" } });
    expect(JSON.stringify(missed[0])).not.toContain(CUSTOMER.phone!);
    expect(w.sms.delivered.map((m) => m.text)).toEqual([expect.stringMatching(/nedbetalingsavtalen er falt bort/u)]);
    expect((await w.cases.getById(caseId))!.case.instalmentPlan?.state).toBe("broken");
  });
});
