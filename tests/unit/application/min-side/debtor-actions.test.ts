/**
 * The debtor's actions on Min side, as use cases with every port in memory: a deferral inside the creditor's limits
 * is granted and moves the ladder, outside them it goes to the creditor; the plans offered stay within the limits
 * and add up to what is owed, to the øre; a dispute stops collection; "I have paid" pauses the next step and leaves a
 * task; uploads are checked by content; someone else's case is not found; the actor never carries the national id.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { MemoryDebtorUploadStore } from "../../../../shared/adapters/memory/debtor-upload-store.memory";
import {
  actorOf,
  makeAgreeInstalmentPlan,
  makeLoadActionForm,
  makeOpenDebtorDispute,
  makeReportPayment,
  makeRequestDeferral,
  type DebtorActionUseCaseDeps,
} from "../../../../shared/application/min-side/debtor-actions";
import type { MinSideSession } from "../../../../shared/application/min-side/subject";
import { checkUpload, MAX_UPLOAD_BYTES } from "../../../../shared/application/min-side/uploads";
import { planCase } from "../../../../shared/application/plan-next-step";
import { makeRegisterInvoice } from "../../../../shared/application/register-invoice";
import { proposeInstalmentPlans } from "../../../../shared/domain/instalment-plans";
import { money } from "../../../../shared/domain/money";
import { defaultPolicy, LadderPolicy, validatePolicy } from "../../../../shared/domain/policy";
import { ruleSetFor } from "../../../../shared/domain/rules";
import { seedTenant, testWorld, type TestWorld } from "../../functions/api/api-fixtures";

const NID_A = "01017012345";
const NID_B = "01019010046";
const PDF = Buffer.from("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n");
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]);

let w: TestWorld;
let deps: DebtorActionUseCaseDeps;
let uploads: MemoryDebtorUploadStore;
let tenantId: string;
let caseA: string;
let caseB: string;

function person(nationalId: string, sessionId = "session-a"): MinSideSession {
  return { sessionId, subject: { kind: "person", nationalId }, csrfToken: "csrf", lang: "nb" };
}
const A = () => person(NID_A);

async function invoice(number: string, nationalId: string, value = 125_000): Promise<string> {
  const r = await makeRegisterInvoice(w.deps)(tenantId, {
    invoiceNumber: number,
    customer: { customerId: `c-${number}`, name: "Kari Nordmann", phone: "+4791234567", nationalId },
    amount: { value, currency: "NOK" },
    issueDate: "2026-09-15",
    dueDate: "2026-10-01",
  });
  return r.caseId;
}

async function nextStep(caseId: string) {
  const record = (await w.deps.cases.get(tenantId, caseId))!;
  const tenant = (await w.deps.tenants.get(tenantId))!;
  return planCase(record, tenant, w.clock.now()).plan;
}

beforeEach(async () => {
  w = testWorld({ now: "2026-11-02T10:00:00Z" });
  uploads = new MemoryDebtorUploadStore();
  deps = { ...w.deps, uploads };
  ({ tenantId } = await seedTenant(w));
  caseA = await invoice("A-1", NID_A);
  caseB = await invoice("B-1", NID_B);
  w.events.published.length = 0;
});

describe("a deferral", () => {
  it("inside the creditor's limit is granted at once and moves the ladder's next step", async () => {
    expect((await nextStep(caseA)).kind).toBe("act"); // 32 days overdue: a step is due now
    const outcome = await makeRequestDeferral(deps)(A(), tenantId, caseA, { days: "10" });
    expect(outcome).toEqual({ kind: "done", result: "deferral-granted", newDueDate: "2026-11-12" });
    const plan = await nextStep(caseA);
    expect(plan.kind).toBe("wait");
    expect(plan.kind === "wait" && plan.next.on).toBe("2026-11-19"); // Let's pay SMS a week after the new due date
    const record = (await w.deps.cases.get(tenantId, caseA))!;
    const entry = record.timeline.at(-1)!;
    expect(entry.details).toMatchObject({ days: 10, newDueDate: "2026-11-12", actor: actorOf(A()) });
    expect(JSON.stringify(record.timeline)).not.toContain(NID_A);
    const event = w.events.published.find((e) => e.type === "case.debtor_action")!;
    expect(event.data).toMatchObject({ action: "deferral-granted", actor: { kind: "debtor-bankid" } });
    expect(JSON.stringify(event)).not.toContain(NID_A);
    expect(w.workflowCalls).toContainEqual({ op: "caseChanged", caseId: caseA, reason: "deferral-granted" });
  });

  it("longer than the creditor's limit goes to the creditor to decide and changes nothing yet", async () => {
    const outcome = await makeRequestDeferral(deps)(A(), tenantId, caseA, { days: "30" });
    expect(outcome).toMatchObject({ kind: "done", result: "deferral-requested" });
    const record = (await w.deps.cases.get(tenantId, caseA))!;
    expect(record.case.deferredDueDate).toBeNull();
    expect(record.timeline.at(-1)).toMatchObject({ kind: "message", details: { days: 30, decision: "creditor" } });
    expect(w.events.published.map((e) => [e.type, e.data["action"]])).toEqual([
      ["case.debtor_action", "deferral-requested"],
    ]);
  });

  it("a second one goes to the creditor even inside the limit", async () => {
    await makeRequestDeferral(deps)(A(), tenantId, caseA, { days: "5" });
    const again = await makeRequestDeferral(deps)(A(), tenantId, caseA, { days: "5" });
    expect(again).toMatchObject({ result: "deferral-requested" });
  });

  it("refuses days that are not a whole number from 1 to 90, at the field", async () => {
    for (const days of ["0", "-3", "2.5", "abc", "91", ""]) {
      expect(await makeRequestDeferral(deps)(A(), tenantId, caseA, { days })).toEqual({
        kind: "refused",
        field: "days",
        code: "days-invalid",
      });
    }
  });

  it("follows the creditor's policy: with maxDeferralDays 0 every request goes to the creditor", async () => {
    await w.deps.tenants.setPolicy(tenantId, { ...defaultPolicy("NO"), maxDeferralDays: 0 }, w.clock.now());
    expect(await makeRequestDeferral(deps)(A(), tenantId, caseA, { days: "1" })).toMatchObject({
      result: "deferral-requested",
    });
  });
});

describe("instalment plans", () => {
  it("are split to the øre, each instalment at least the minimum, at most the maximum months", () => {
    const owed = money(125_001, "NOK");
    const plans = proposeInstalmentPlans(owed, { minimumInstalment: money(300_00, "NOK"), maxMonths: 6 }, "2026-11-16");
    expect(plans.map((p) => p.months)).toEqual([2, 3, 4]); // 5 × 250.00 is below 300
    for (const p of plans) {
      expect(p.instalments.reduce((s, i) => s + i.amount.value, 0)).toBe(125_001);
      expect(p.totalCost.value).toBe(125_001);
      expect(p.fee.value).toBe(0);
      const values = p.instalments.map((i) => i.amount.value);
      expect(Math.max(...values) - Math.min(...values)).toBeLessThanOrEqual(1);
      expect(values.every(Number.isInteger)).toBe(true);
    }
    expect(plans[1]!.instalments.map((i) => [i.dueDate, i.amount.value])).toEqual([
      ["2026-11-16", 41_667],
      ["2026-12-16", 41_667],
      ["2027-01-16", 41_667],
    ]);
  });

  it("keep the day of the month, or the month's last day", () => {
    const plans = proposeInstalmentPlans(
      money(300_000, "NOK"),
      { minimumInstalment: money(1, "NOK"), maxMonths: 3 },
      "2027-01-31",
    );
    expect(plans.at(-1)!.instalments.map((i) => i.dueDate)).toEqual(["2027-01-31", "2027-02-28", "2027-03-31"]);
  });

  it("are offered from today's balance, and the chosen one is agreed as the server built it", async () => {
    const form = await makeLoadActionForm(deps)(A(), tenantId, caseA, "instalment-plan");
    expect(form.plans.map((p) => p.months)).toEqual([2]); // 1 250 kr + interest: 3 × 500 kr is more than owed
    const owed = form.claim.owedToday.value;
    expect(form.plans[0]!.totalCost.value).toBe(owed);
    const outcome = await makeAgreeInstalmentPlan(deps)(A(), tenantId, caseA, { months: "2" });
    expect(outcome).toEqual({ kind: "done", result: "plan-agreed" });
    const c = (await w.deps.cases.get(tenantId, caseA))!.case;
    expect(c.instalmentPlan?.instalments).toEqual(form.plans[0]!.instalments);
    expect(c.instalmentPlan?.instalments[0]!.dueDate).toBe("2026-11-16");
    expect((await nextStep(caseA)).kind).toBe("wait");
    expect(await makeLoadActionForm(deps)(A(), tenantId, caseA, "instalment-plan")).toMatchObject({
      unavailable: "plan-active",
    });
  });

  it("refuses a number of months not offered", async () => {
    for (const months of ["1", "7", "3", "x", undefined]) {
      expect(await makeAgreeInstalmentPlan(deps)(A(), tenantId, caseA, { months })).toMatchObject({
        kind: "refused",
        field: "months",
      });
    }
  });

  it("are not offered when no plan reaches the minimum instalment", async () => {
    const small = await invoice("A-2", NID_A, 40_000);
    expect(await makeLoadActionForm(deps)(A(), tenantId, small, "instalment-plan")).toMatchObject({
      unavailable: "no-plans",
      plans: [],
    });
  });

  it("limits are part of the ladder policy: defaults, and validation of a wrong currency or a zero minimum", () => {
    const parsed = LadderPolicy.parse({
      ...defaultPolicy("NO"),
      maxDeferralDays: undefined,
      maxInstalmentMonths: undefined,
    });
    expect(parsed).toMatchObject({ maxDeferralDays: 14, maxInstalmentMonths: 6 });
    expect(LadderPolicy.safeParse({ ...defaultPolicy("NO"), maxInstalmentMonths: 37 }).success).toBe(false);
    expect(LadderPolicy.safeParse({ ...defaultPolicy("NO"), maxDeferralDays: 91 }).success).toBe(false);
    const rules = ruleSetFor("NO", "2026-11-02");
    const wrong = validatePolicy({ ...defaultPolicy("NO"), minimumInstalment: money(100, "SEK") }, rules);
    expect(wrong.ok).toBe(false);
    const zero = validatePolicy({ ...defaultPolicy("NO"), minimumInstalment: money(0, "NOK") }, rules);
    expect(zero.ok).toBe(false);
    expect(validatePolicy({ ...defaultPolicy("NO"), minimumInstalment: money(200_00, "NOK") }, rules).ok).toBe(true);
  });
});

describe("a dispute", () => {
  it("stops the ladder, keeps the attachment and tells the creditor to decide", async () => {
    const outcome = await makeOpenDebtorDispute(deps)(A(), tenantId, caseA, {
      reason: "Jeg har aldri bestilt dette",
      attachment: { content: PDF },
    });
    expect(outcome).toEqual({ kind: "done", result: "dispute-opened" });
    const plan = await nextStep(caseA);
    expect(plan).toMatchObject({ kind: "paused", resumesOn: "dispute-resolved" });
    expect(uploads.uploads).toHaveLength(1);
    expect(uploads.uploads[0]).toMatchObject({ purpose: "dispute", contentType: "application/pdf", caseId: caseA });
    const types = w.events.published.map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(["case.debtor_action", "case.status_changed"]));
    const event = w.events.published.find((e) => e.type === "case.debtor_action")!;
    expect(event.data).toMatchObject({ action: "dispute-opened", outcomes: ["claim-upheld", "claim-withdrawn"] });
    expect(await makeLoadActionForm(deps)(A(), tenantId, caseA, "dispute")).toMatchObject({ unavailable: "disputed" });
  });

  it("needs a reason and refuses an attachment that is not a PDF, JPEG or PNG", async () => {
    expect(await makeOpenDebtorDispute(deps)(A(), tenantId, caseA, { reason: "  " })).toMatchObject({
      field: "reason",
      code: "reason-missing",
    });
    const html = Buffer.from("<html><script>alert(1)</script></html>");
    expect(
      await makeOpenDebtorDispute(deps)(A(), tenantId, caseA, { reason: "feil", attachment: { content: html } }),
    ).toMatchObject({ field: "attachment", code: "file-type" });
    expect(uploads.uploads).toHaveLength(0);
    expect((await w.deps.cases.get(tenantId, caseA))!.case.status).toBe("open");
  });
});

describe("I have paid", () => {
  it("pauses the next step for five days and leaves a task with the receipt", async () => {
    const outcome = await makeReportPayment(deps)(A(), tenantId, caseA, { receipt: { content: PNG } });
    expect(outcome).toEqual({ kind: "done", result: "payment-reported", pausedUntil: "2026-11-07" });
    const plan = await nextStep(caseA);
    expect(plan.kind).toBe("wait");
    expect(plan.kind === "wait" && plan.until.toISOString()).toBe("2026-11-07T08:00:00.000Z"); // 09:00 in Oslo
    const record = (await w.deps.cases.get(tenantId, caseA))!;
    expect(record.case.status).toBe("open");
    expect(record.timeline.at(-1)).toMatchObject({
      kind: "message",
      details: { task: "check-reported-payment", pausedUntil: "2026-11-07" },
    });
    expect(await makeReportPayment(deps)(A(), tenantId, caseA, { receipt: { content: PNG } })).toEqual({
      kind: "unavailable",
      reason: "already-reported",
    });
    w.clock.set("2026-11-07T08:00:00Z");
    expect((await nextStep(caseA)).kind).toBe("act"); // the pause is over: the ladder goes on
  });

  it("on a claim handed off to legal steps leaves the task without a pause", async () => {
    await w.deps.cases.update(tenantId, caseA, (r) => ({ ...r, case: { ...r.case, status: "handed-off" } }));
    const outcome = await makeReportPayment(deps)(A(), tenantId, caseA, { receipt: { content: JPEG } });
    expect(outcome).toEqual({ kind: "done", result: "payment-reported" });
    const record = (await w.deps.cases.get(tenantId, caseA))!;
    expect(record.case.pausedUntil).toBeUndefined();
    expect(record.timeline.at(-1)).toMatchObject({ details: { task: "check-reported-payment" } });
  });

  it("needs a receipt", async () => {
    expect(await makeReportPayment(deps)(A(), tenantId, caseA, {})).toMatchObject({
      field: "receipt",
      code: "file-missing",
    });
  });
});

describe("uploads", () => {
  it("are recognised by their first bytes, not their name", () => {
    expect(checkUpload(PDF)).toEqual({ ok: true, contentType: "application/pdf" });
    expect(checkUpload(PNG)).toEqual({ ok: true, contentType: "image/png" });
    expect(checkUpload(JPEG)).toEqual({ ok: true, contentType: "image/jpeg" });
    expect(checkUpload(Buffer.from("GIF89a"))).toEqual({ ok: false, code: "file-type" });
    expect(checkUpload(Buffer.alloc(0))).toEqual({ ok: false, code: "file-empty" });
  });

  it("are refused above 10 MB", () => {
    const big = Buffer.alloc(MAX_UPLOAD_BYTES + 1);
    PDF.copy(big);
    expect(checkUpload(big)).toEqual({ ok: false, code: "file-too-large" });
    expect(checkUpload(big.subarray(0, MAX_UPLOAD_BYTES))).toEqual({ ok: true, contentType: "application/pdf" });
  });
});

describe("access", () => {
  it("person A gets 'not found' for person B's case, for every action, and nothing changes", async () => {
    const tries = [
      () => makeLoadActionForm(deps)(A(), tenantId, caseB, "deferral"),
      () => makeRequestDeferral(deps)(A(), tenantId, caseB, { days: "5" }),
      () => makeAgreeInstalmentPlan(deps)(A(), tenantId, caseB, { months: "2" }),
      () => makeOpenDebtorDispute(deps)(A(), tenantId, caseB, { reason: "x" }),
      () => makeReportPayment(deps)(A(), tenantId, caseB, { receipt: { content: PDF } }),
      () => makeRequestDeferral(deps)(A(), tenantId, "no-such-case", { days: "5" }),
    ];
    for (const attempt of tries) await expect(attempt()).rejects.toMatchObject({ code: "CASE_NOT_FOUND" });
    const b = (await w.deps.cases.get(tenantId, caseB))!;
    expect(b.timeline.map((e) => e.kind)).toEqual(["created"]);
    expect(uploads.uploads).toHaveLength(0);
  });

  it("a case signed in by case number and PIN reaches that case only", async () => {
    const pin: MinSideSession = { ...A(), subject: { kind: "case", tenantId, caseId: caseA } };
    await expect(makeLoadActionForm(deps)(pin, tenantId, caseA, "dispute")).resolves.toBeDefined();
    await expect(makeLoadActionForm(deps)(pin, tenantId, caseB, "dispute")).rejects.toMatchObject({
      code: "CASE_NOT_FOUND",
    });
    expect(actorOf(pin).kind).toBe("debtor-case-pin");
  });
});

describe("customer service's inbox", () => {
  it("gets a work item for a dispute and for a payment report, none for a refused form", async () => {
    await makeOpenDebtorDispute(deps)(A(), tenantId, caseA, { reason: "  " });
    expect(await deps.workItems!.list(10)).toEqual([]);
    await makeOpenDebtorDispute(deps)(A(), tenantId, caseA, { reason: "Jeg har aldri bestilt dette" });
    await makeReportPayment(deps)(person(NID_B), tenantId, caseB, { receipt: { content: PNG } });
    expect((await deps.workItems!.list(10)).map((i) => [i.kind, i.caseId, i.invoiceNumber])).toEqual([
      ["dispute", caseA, "A-1"],
      ["payment-report", caseB, "B-1"],
    ]);
  });
});
