/**
 * One message per debtor at a time (issue 20), through the use cases the orchestrations call: several cases of one
 * debtor at one creditor whose messages fall due together produce ONE SMS naming the invoices, with one pay link that
 * covers them all; the next SMS waits for the creditor's minimum interval; another creditor's messages stay its own.
 */
import { describe, expect, it } from "vitest";
import { makeExecuteStep, type StepOutcome } from "../../../../shared/application/execute-step";
import { payLinkTokenHash } from "../../../../shared/application/pay-links";
import { makePlanNextStep, type PlannedStep } from "../../../../shared/application/plan-next-step";
import { caseIdFor } from "../../../../shared/domain/case-id";
import { defaultPolicy } from "../../../../shared/domain/policy";
import { caseRecord, tenant, TENANT_ID, world, type World } from "../case-ladder-fixtures";

/** Plans every case at the current instant, then executes every due step — as orchestrations waking together. */
async function wakeTogether(w: World, caseIds: string[]): Promise<StepOutcome[]> {
  const plan = makePlanNextStep(w.deps);
  const execute = makeExecuteStep(w.deps);
  const due: [string, PlannedStep][] = [];
  for (const id of caseIds) {
    const d = await plan(id);
    if (d.kind === "act") due.push([id, d.action]);
  }
  return Promise.all(due.map(([id, action]) => execute(id, action)));
}

async function linkCases(w: World, text: string): Promise<string[] | undefined> {
  const token = /\/p\/([A-Za-z0-9_-]+)/u.exec(text)?.[1];
  return token ? (await w.payLinks.get(payLinkTokenHash(token)))?.caseIds : undefined;
}

describe("one SMS per debtor at a time", () => {
  it("sends a debtor with three overdue invoices one SMS naming them, with one link that covers all three", async () => {
    // due Monday 30 November: the Let's pay SMS of each falls due Monday 7 December 09:00
    const w = await world("2026-12-07T08:00:00.000Z");
    const records = ["1001", "1002", "1003"].map((n) => caseRecord(n, "2026-11-30"));
    for (const r of records) await w.cases.create(r);
    const ids = records.map((r) => r.caseId);

    const outcomes = await wakeTogether(w, ids);

    expect(outcomes.map((o) => o.kind)).toEqual(["executed", "executed", "executed"]);
    expect(w.sms.delivered).toHaveLength(1);
    const text = w.sms.delivered[0]!.text;
    expect(text).toMatch(
      /^Fjordkraft Demo AS: 3 fakturaer på til sammen 3.7\d\d,\d\d kr er forfalt \(1001, 1002, 1003\)\./u,
    );
    expect(new Set(await linkCases(w, text))).toEqual(new Set(ids));
    // the SMS went with one step's idempotency key; the other two are recorded as told by it
    for (const id of ids) {
      const stored = (await w.cases.getById(id))!;
      expect(stored.case.steps.map((s) => s.kind)).toEqual(["lets-pay-sms"]);
      const entry = stored.timeline.find((t) => t.kind === "step-executed")!;
      expect(JSON.stringify(entry.details?.["delivery"])).toMatch(
        /one SMS for invoices 1001, 1002, 1003|told in one SMS/u,
      );
    }
  });

  it("names the letters among the invoices when a reminder's alert and a Let's pay message fall due together", async () => {
    const w = await world("2026-12-07T08:00:00.000Z");
    const sms = caseRecord("2001", "2026-11-30"); // Let's pay SMS due 7 December
    const reminder = caseRecord("2002", "2026-11-23"); // reminder due 7 December (the SMS already went on the 30th)
    for (const r of [sms, reminder]) await w.cases.create(r);
    await w.cases.update(TENANT_ID, reminder.caseId, (r) => ({
      ...r,
      case: {
        ...r.case,
        steps: [
          {
            stepIndex: 0,
            kind: "lets-pay-sms",
            on: "2026-11-30",
            at: "2026-11-30T08:00:00.000Z",
            deadline: null,
            fee: null,
            serviceIds: [],
          },
        ],
      },
      sentKeys: [...r.sentKeys, "executed:step:0:lets-pay-sms"],
    }));
    w.clock.set("2026-12-07T08:00:00.000Z");

    await wakeTogether(w, [sms.caseId, reminder.caseId]);

    expect(w.sms.delivered).toHaveLength(1);
    expect(w.sms.delivered[0]!.text).toMatch(/2 fakturaer .*\(2001, 2002\)\. Du har fått brev: purring om 2002\./u);
  });

  it("holds a debtor's next SMS until the creditor's minimum interval has passed, then sends it in contact hours", async () => {
    const w = await world("2026-12-07T08:00:00.000Z");
    const first = caseRecord("3001", "2026-11-30");
    await w.cases.create(first);
    await wakeTogether(w, [first.caseId]);
    expect(w.sms.delivered).toHaveLength(1);

    // a second invoice handed over an hour later, its Let's pay SMS due at once: it waits 24 hours from the first
    w.clock.set("2026-12-07T09:00:00.000Z");
    const second = caseRecord("3002", "2026-11-30");
    await w.cases.create(second);
    const [held] = await wakeTogether(w, [second.caseId]);
    expect(held).toMatchObject({ kind: "not-executed", retry: "later", notBefore: "2026-12-08T08:00:00.000Z" });
    expect(w.sms.delivered).toHaveLength(1);

    w.clock.set("2026-12-08T08:00:00.000Z");
    await wakeTogether(w, [second.caseId]);
    expect(w.sms.delivered).toHaveLength(2);
    expect(w.sms.delivered[1]!.idempotencyKey).toBe(`${second.caseId}:step:0`);
  });

  it("keeps to the creditor's own interval (minSmsIntervalHours in its ladder)", async () => {
    const policy = { ...defaultPolicy("NO", "Fjordkraft"), minSmsIntervalHours: 48 };
    const w = await world("2026-12-07T08:00:00.000Z", tenant({ policy }));
    const first = caseRecord("4001", "2026-11-30");
    await w.cases.create(first);
    await wakeTogether(w, [first.caseId]);
    w.clock.set("2026-12-08T08:00:00.000Z");
    const second = caseRecord("4002", "2026-11-30");
    await w.cases.create(second);
    const [held] = await wakeTogether(w, [second.caseId]);
    expect(held).toMatchObject({ kind: "not-executed", notBefore: "2026-12-09T08:00:00.000Z" });
  });

  it("sends each creditor's messages on their own: a debtor of two creditors gets one SMS from each", async () => {
    const w = await world("2026-12-07T08:00:00.000Z");
    const other = tenant({ tenantId: "t_other", name: "Annen Kreditor AS", senderName: "Annen" });
    await w.tenants.create(other, { keyId: "k2", tenantId: other.tenantId, keyHash: "y", createdAt: other.createdAt });
    const mine = caseRecord("5001", "2026-11-30");
    const theirs = {
      ...caseRecord("5001", "2026-11-30"),
      tenantId: other.tenantId,
      caseId: caseIdFor(other.tenantId, "5001"),
    };
    theirs.case = { ...theirs.case, id: theirs.caseId, tenantId: other.tenantId, creditorId: other.tenantId };
    await w.cases.create(mine);
    await w.cases.create(theirs);

    await wakeTogether(w, [mine.caseId, theirs.caseId]);

    expect(w.sms.delivered.map((m) => m.text.split(":")[0])).toEqual(
      expect.arrayContaining(["Fjordkraft Demo AS", "Annen Kreditor AS"]),
    );
    expect(w.sms.delivered).toHaveLength(2);
  });

  it("gives the debtor's SMS slot back when the letter that took it cannot be produced", async () => {
    const w = await world("2026-12-07T08:00:00.000Z");
    w.deps.config = { publicBaseUrl: w.deps.config.publicBaseUrl }; // no letterhead anywhere: no letter can be made
    const reminder = caseRecord("7001", "2026-11-23"); // due + 14: the reminder (with an SMS alert) is due
    await w.cases.create(reminder);
    const [blocked] = await wakeTogether(w, [reminder.caseId]);
    expect(blocked).toMatchObject({ kind: "not-executed", retry: "later" });
    expect(blocked).not.toHaveProperty("notBefore");
    expect(w.sms.delivered).toHaveLength(0);

    // another invoice's Let's pay SMS an hour later is not held for an SMS that never went
    w.clock.set("2026-12-07T09:00:00.000Z");
    const letsPay = caseRecord("7002", "2026-11-30");
    await w.cases.create(letsPay);
    const plan = makePlanNextStep(w.deps);
    const d = await plan(letsPay.caseId);
    if (d.kind !== "act") throw new Error(`expected act, got ${d.kind}`);
    expect(await makeExecuteStep(w.deps)(letsPay.caseId, d.action)).toMatchObject({ kind: "executed" });
    expect(w.sms.delivered).toHaveLength(1);
  });

  it("sends the same SMS once when the step that sent it is retried", async () => {
    const w = await world("2026-12-07T08:00:00.000Z");
    const records = ["6001", "6002"].map((n) => caseRecord(n, "2026-11-30"));
    for (const r of records) await w.cases.create(r);
    const plan = makePlanNextStep(w.deps);
    const decisions = await Promise.all(records.map((r) => plan(r.caseId)));
    // the first step's SMS gateway call fails transiently after the slot was taken; the activity retries it
    w.sms.failures.push({ ok: false, retryable: true, reason: "throttled" });
    const execute = makeExecuteStep(w.deps);
    const first = decisions[0]!;
    if (first.kind !== "act") throw new Error("expected act");
    await expect(execute(records[0]!.caseId, first.action)).rejects.toThrow(/could not be sent yet/u);
    await execute(records[0]!.caseId, first.action);
    const second = decisions[1]!;
    if (second.kind !== "act") throw new Error("expected act");
    await execute(records[1]!.caseId, second.action);
    expect(w.sms.delivered).toHaveLength(1);
    expect(w.sms.delivered[0]!.text).toMatch(/2 fakturaer/u);
    expect(w.sms.attempts.map((m) => m.idempotencyKey)).toEqual([
      `${records[0]!.caseId}:step:0`,
      `${records[0]!.caseId}:step:0`,
    ]);
  });
});
