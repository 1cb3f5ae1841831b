/**
 * A late hand-over through the use cases the orchestration calls (plan next step, execute step): the debtor gets the
 * one letter that fits the case now, and the case's timeline says which steps were skipped and why (issue 20).
 */
import { describe, expect, it } from "vitest";
import { makeExecuteStep } from "../../../shared/application/execute-step";
import { makePlanNextStep } from "../../../shared/application/plan-next-step";
import { addDays } from "../../../shared/domain/calendar";
import { CUSTOMER, caseRecord, world } from "./case-ladder-fixtures";

/** Plans and carries out whatever is due, moving the clock to each planned instant, until `until`. */
async function runUntil(w: Awaited<ReturnType<typeof world>>, caseId: string, until: string) {
  const plan = makePlanNextStep(w.deps);
  const execute = makeExecuteStep(w.deps);
  for (let i = 0; i < 20; i++) {
    const d = await plan(caseId);
    if (d.kind === "paused" && d.resumesOn === "letter-delivered" && (await w.post()) > 0) continue;
    if (d.kind === "done" || d.kind === "paused") return;
    if (d.kind === "wait") {
      if (d.until > until) return;
      w.clock.set(d.until);
      continue;
    }
    await execute(caseId, d.action);
  }
}

describe("a case handed over after some of its ladder's days have passed", () => {
  it("gets one message and one fee when handed over 20 days after the due date, the Let's pay SMS shown as skipped", async () => {
    // Monday 7 December 2026, 10:00 in Oslo; due 17 November: the SMS's day (+7) and the reminder's (+14) have passed
    const w = await world("2026-12-07T09:00:00.000Z");
    const record = caseRecord("INV-2001", "2026-11-17", CUSTOMER, addDays("2026-11-17", -14));
    await w.cases.create(record);

    await runUntil(w, record.caseId, "2026-12-10T00:00:00.000Z");

    expect(w.sms.delivered.map((m) => m.idempotencyKey)).toEqual([`${record.caseId}:step:1:alert`]);
    expect(w.sms.delivered[0]!.text).toContain("purring");
    const stored = (await w.cases.getById(record.caseId))!;
    expect(stored.case.steps.map((s) => s.kind)).toEqual(["reminder"]);
    const fees = stored.case.steps.filter((s) => s.fee !== null && s.fee.value > 0);
    expect(fees).toHaveLength(1);
    const skipped = stored.timeline.filter((t) => t.kind === "step-skipped");
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toMatchObject({ step: "lets-pay-sms", details: { key: "step:0:lets-pay-sms" } });
    expect(skipped[0]!.title).toMatch(/^Let's pay SMS \(step 1\) skipped: its day \(2026-11-24\) had passed/);
    // the skipped entry comes before the reminder's own entry
    const kinds = stored.timeline.map((t) => t.kind);
    expect(kinds.indexOf("step-skipped")).toBeLessThan(kinds.indexOf("step-executed"));
  });

  it("names a skipped step once, even when the planner mentions it again with later steps", async () => {
    const w = await world("2026-12-07T09:00:00.000Z");
    const record = caseRecord("INV-2002", "2026-11-17", CUSTOMER, addDays("2026-11-17", -14));
    await w.cases.create(record);
    // through the reminder (now) and the collection notice (after the reminder's deadline)
    await runUntil(w, record.caseId, "2027-01-10T00:00:00.000Z");
    const stored = (await w.cases.getById(record.caseId))!;
    expect(stored.case.steps.map((s) => s.kind)).toEqual(expect.arrayContaining(["reminder", "collection-notice"]));
    expect(stored.timeline.filter((t) => t.kind === "step-skipped").map((t) => t.details?.["key"])).toEqual([
      "step:0:lets-pay-sms",
    ]);
  });
});
