import { applyIncomingPayment } from "../../../shared/application/payments/apply-payment";
import { describe, expect, it } from "vitest";
import { makeExecuteStep, TransientStepFailure } from "../../../shared/application/execute-step";
import { makeUpdateCaseCustomer } from "../../../shared/application/customer-contact";
import { chooseChannels } from "../../../shared/application/letters/deliver-letter";
import { payLinkTokenHash } from "../../../shared/application/pay-links";
import { smsSegments } from "../../../shared/domain/sms-text";
import { makeHealOrchestrations } from "../../../shared/application/heal-orchestrations";
import { makePlanNextStep } from "../../../shared/application/plan-next-step";
import { applyEvent, balanceOf, balanceOn } from "../../../shared/domain/case";
import { ruleSetFor } from "../../../shared/domain/rules";
import type { CaseRecord, CaseStore } from "../../../shared/ports/case-store";
import type { CaseWorkflow, WorkflowState } from "../../../shared/ports/case-workflow";
import { pdfText } from "../letters/pdf-text";
import { CUSTOMER, LETTERHEAD, PUBLIC_BASE_URL, caseRecord, tenant, world, type World } from "./case-ladder-fixtures";

const DUE = "2026-11-20";
/** Due + 7 at 09:00 Oslo: the Let's pay SMS of the default Norwegian ladder. */
const SMS_TIME = "2026-11-27T08:00:00.000Z";
/** Due + 14 at 09:00 Oslo: the reminder with its fee. */
const REMINDER_TIME = "2026-12-04T08:00:00.000Z";
const SMS_STEP = { kind: "lets-pay-sms" as const, stepIndex: 0, serviceIds: [] };
const REMINDER_STEP = { kind: "reminder" as const, stepIndex: 1, serviceIds: [] };

async function withCase(w: World, record: CaseRecord = caseRecord("INV-1001", DUE)): Promise<string> {
  await w.cases.create(record);
  return record.caseId;
}

async function stored(w: World, caseId: string): Promise<CaseRecord> {
  return (await w.cases.getById(caseId))!;
}

describe("plan next step", () => {
  it("waits for the Let's pay SMS a week after the due date, at 09:00 Oslo time", async () => {
    const w = await world("2026-11-21T10:00:00.000Z");
    const caseId = await withCase(w);
    const decision = await makePlanNextStep(w.deps)(caseId);
    expect(decision).toMatchObject({
      kind: "wait",
      stage: "invoiced",
      until: SMS_TIME,
      next: { kind: "lets-pay-sms", stepIndex: 0 },
    });
    expect(JSON.parse(JSON.stringify(decision))).toEqual(decision); // crosses the activity boundary unchanged
  });

  it("acts once the step is due and is done for a case that no longer exists", async () => {
    const w = await world(SMS_TIME);
    const caseId = await withCase(w);
    expect(await makePlanNextStep(w.deps)(caseId)).toMatchObject({
      kind: "act",
      action: { kind: "lets-pay-sms", at: SMS_TIME, fee: null },
    });
    expect(await makePlanNextStep(w.deps)("c_unknown")).toMatchObject({ kind: "done", stage: "missing" });
  });
});

describe("execute step: the Let's pay SMS", () => {
  it("names the creditor as sender and in the text, with the amount and a pay link whose token resolves and expires in 30 days", async () => {
    const w = await world(SMS_TIME);
    const caseId = await withCase(w);
    const outcome = await makeExecuteStep(w.deps)(caseId, SMS_STEP);
    expect(outcome).toMatchObject({
      kind: "executed",
      step: "lets-pay-sms",
      delivery: { channel: "sms", status: "sent" },
      fee: null,
    });

    expect(w.sms.delivered).toHaveLength(1);
    const sms = w.sms.delivered[0]!;
    expect(sms).toMatchObject({ to: CUSTOMER.phone, from: "Fjordkraft", idempotencyKey: `${caseId}:step:0` });
    expect(sms.text).toContain("Fjordkraft Demo AS");
    expect(sms.text).toContain("INV-1001");
    expect(sms.text).toMatch(/ på 1 25\d,\d\d kr forfalt /u); // NOK 1 250 and the late interest so far
    expect(smsSegments(sms.text)).toBe(1); // plain spaces, not Intl's no-break ones: one GSM-7 segment, not three UCS-2
    const token = new RegExp(`${PUBLIC_BASE_URL}/p/([A-Za-z0-9_-]+)$`, "u").exec(sms.text)?.[1];
    expect(token).toBeDefined();
    expect(Buffer.from(token!, "base64url").length).toBeGreaterThanOrEqual(16); // ≥ 128 random bits
    const link = await w.payLinks.get(payLinkTokenHash(token!));
    expect(link).toMatchObject({ tenantId: "t_fjordkraft", caseIds: [caseId], expiresAt: "2026-12-27T08:00:00.000Z" });
    expect(await w.payLinks.get(token!)).toBeUndefined(); // only the hash is stored

    const record = await stored(w, caseId);
    expect(record.case.steps.map((s) => s.kind)).toEqual(["lets-pay-sms"]);
    const entry = record.timeline.find((t) => t.kind === "step-executed");
    expect(entry).toMatchObject({ step: "lets-pay-sms", title: "Let's pay SMS sent with a pay link" });
    expect(entry?.legalBasis).toContain("contact hours");
    expect(w.events.ofType("case.step_executed")).toEqual([
      expect.objectContaining({
        id: `${caseId}:case.step_executed:step:0:lets-pay-sms`,
        caseId,
        data: expect.objectContaining({ step: "lets-pay-sms" }),
      }),
    ]);
    expect(JSON.stringify(w.events.published)).not.toContain(CUSTOMER.phone!);
  });

  it("tracks the SMS on the case until the gateway's delivery report: dispatched, then delivered or not", async () => {
    const w = await world(SMS_TIME);
    const caseId = await withCase(w);
    await makeExecuteStep(w.deps)(caseId, SMS_STEP);
    expect(w.sms.delivered[0]).toMatchObject({ deliveryReport: true });
    const sms = (await stored(w, caseId)).deliveries ?? [];
    expect(sms).toEqual([
      expect.objectContaining({
        deliveryId: "step:0:lets-pay-sms:sms",
        kind: "lets-pay-sms",
        channel: "sms",
        state: "dispatched",
        messageId: "msg-1",
      }),
    ]);
    // ACS gives the report back with the tag the SMS was sent with: it names the case and the delivery.
    expect(w.sms.delivered[0]?.tag).toBe(`${caseId}:step:0:lets-pay-sms`);
    const report = {
      channel: "sms" as const,
      messageId: "msg-1",
      outcome: "failed" as const,
      status: "Failed",
      at: "2026-11-27T08:00:05.000Z",
      detail: "The handset was unreachable",
      tag: w.sms.delivered[0]?.tag,
    };
    expect(await w.reports.record(report)).toBe("applied");
    expect(await w.reports.record(report)).toBe("duplicate");
    const after = await stored(w, caseId);
    expect(after.deliveries?.[0]).toMatchObject({ state: "failed", status: "Failed" });
    expect(after.timeline.at(-1)).toMatchObject({ title: "SMS not delivered (Failed)" });
    // An SMS is not a letter: nothing on the ladder changes.
    expect(after.case.steps).toEqual((await stored(w, caseId)).case.steps);
    expect(await w.reports.record({ ...report, messageId: "msg-unknown" })).toBe("unknown-message");
    expect(await w.reports.record({ ...report, tag: undefined })).toBe("unknown-message");
  });

  it("retries a delivery report that overtook its SMS's step (its case tagged, the SMS not on it yet)", async () => {
    const w = await world(SMS_TIME);
    const caseId = await withCase(w);
    await expect(
      w.reports.record({
        channel: "sms",
        messageId: "msg-early",
        outcome: "delivered",
        status: "Delivered",
        at: SMS_TIME,
        tag: `${caseId}:step:0:lets-pay-sms`,
      }),
    ).rejects.toThrow(/not recorded on its case yet/u);
  });

  it("sends one SMS when the same step is executed twice, and publishes the same event again (deduplicated by id)", async () => {
    const w = await world(SMS_TIME);
    const caseId = await withCase(w);
    const execute = makeExecuteStep(w.deps);
    await execute(caseId, SMS_STEP);
    const again = await execute(caseId, SMS_STEP);
    expect(again).toMatchObject({ kind: "already-executed", key: "step:0:lets-pay-sms" });
    expect(w.sms.attempts).toHaveLength(1);
    expect(w.events.published).toHaveLength(1);
    expect((await stored(w, caseId)).case.steps).toHaveLength(1);
  });

  it("throws on a transient SMS failure without recording anything, and sends once on the retry", async () => {
    const w = await world(SMS_TIME);
    const caseId = await withCase(w);
    w.sms.failures.push({ ok: false, retryable: true, reason: "ACS answered HTTP 503" });
    const execute = makeExecuteStep(w.deps);
    await expect(execute(caseId, SMS_STEP)).rejects.toBeInstanceOf(TransientStepFailure);
    expect((await stored(w, caseId)).case.steps).toEqual([]);
    expect(w.events.published).toEqual([]);
    await expect(execute(caseId, SMS_STEP)).resolves.toMatchObject({ kind: "executed" });
    expect(w.sms.delivered).toHaveLength(1);
  });

  it("records a refused SMS or a customer without a phone on the step, so the ladder moves on", async () => {
    const w = await world(SMS_TIME);
    const refused = await withCase(w);
    w.sms.failures.push({ ok: false, retryable: false, reason: "ACS refused the recipient (HTTP 400)" });
    expect(await makeExecuteStep(w.deps)(refused, SMS_STEP)).toMatchObject({
      kind: "executed",
      delivery: { status: "failed" },
    });
    const { phone: _phone, ...noPhone } = CUSTOMER;
    const silent = await withCase(w, caseRecord("INV-1002", DUE, noPhone));
    expect(await makeExecuteStep(w.deps)(silent, SMS_STEP)).toMatchObject({
      kind: "executed",
      delivery: { channel: "none", status: "skipped", reason: "the customer has no phone number" },
    });
    expect((await stored(w, silent)).timeline.at(-1)?.title).toBe(
      "Let's pay SMS not sent: the customer has no phone number",
    );
    expect(w.sms.delivered).toHaveLength(0);
    expect(await makePlanNextStep(w.deps)(silent)).toMatchObject({ kind: "wait", next: { kind: "reminder" } });
  });

  it("does nothing on a paid case", async () => {
    const w = await world(SMS_TIME);
    const record = caseRecord("INV-1003", DUE);
    const rules = ruleSetFor("NO", "2026-11-25");
    record.case = applyEvent(
      record.case,
      { type: "payment", reference: "bank-1", amount: { value: 1300_00, currency: "NOK" }, receivedOn: "2026-11-25" },
      rules,
    );
    const caseId = await withCase(w, record);
    const before = await stored(w, caseId);
    const outcome = await makeExecuteStep(w.deps)(caseId, SMS_STEP);
    expect(outcome).toMatchObject({ kind: "not-executed", retry: "replan" });
    expect(w.sms.attempts).toEqual([]);
    expect(w.events.published).toEqual([]);
    expect(await stored(w, caseId)).toEqual(before);
    expect(await makePlanNextStep(w.deps)(caseId)).toMatchObject({ kind: "done" });
  });
});

describe("execute step: letters", () => {
  async function afterSms(w: World, record = caseRecord("INV-2001", DUE)): Promise<string> {
    const caseId = await withCase(w, record);
    await makeExecuteStep(w.deps)(caseId, SMS_STEP);
    w.clock.set(REMINDER_TIME);
    return caseId;
  }

  it("archives the reminder as a PDF, sends it by post with an SMS alert, and adds the lawful fee only once the print house posted it", async () => {
    const w = await world(SMS_TIME);
    const caseId = await afterSms(w);
    const decision = await makePlanNextStep(w.deps)(caseId);
    expect(decision).toMatchObject({ kind: "act", action: { kind: "reminder", stepIndex: 1 } });
    const fee = decision.kind === "act" ? decision.action.fee : null;
    expect(fee?.amount.value).toBeGreaterThan(0);

    const outcome = await makeExecuteStep(w.deps)(caseId, REMINDER_STEP);
    expect(outcome).toMatchObject({
      kind: "executed",
      documentId: "step-1-reminder",
      fee: fee!.amount,
      delivery: { channel: "print", status: "queued" },
    });

    let record = await stored(w, caseId);
    expect(record.documents).toEqual([
      { documentId: "step-1-reminder", kind: "reminder", createdAt: REMINDER_TIME, contentType: "application/pdf" },
    ]);
    const pdf = await w.letters.get(record.tenantId, caseId, "step-1-reminder");
    expect(pdf?.content.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    expect(w.printHouse.submitted).toHaveLength(1);
    expect(w.printHouse.submitted[0]!.pdf.equals(pdf!.content)).toBe(true);
    expect(w.printHouse.submitted[0]!.recipient.address.city).toBe("Oslo");
    // Written on Friday 4 December before the print batch closes: posted on Tuesday 8 December at the latest, so the
    // letter carries that date and a deadline 14 days after it (never fewer days than the law's from the posting).
    const text = (await pdfText(pdf!.content)).flat;
    expect(text).toContain("8. desember 2026");
    expect(text).toContain("22. desember 2026");
    expect(record.case.steps.at(-1)).toMatchObject({ deadline: "2026-12-22" });
    // Handed to the print house, not posted yet: no fee, and the next step waits for it.
    expect(balanceOf(record.case).fees.value).toBe(0);
    expect(record.case.steps.at(-1)).toMatchObject({ kind: "reminder", delivery: "pending", fee: null });
    // The Let's pay SMS, the letter's SMS alert (both waiting for the gateway's report) and the letter.
    expect(record.deliveries?.map((d) => [d.kind, d.channel, d.state])).toEqual([
      ["lets-pay-sms", "sms", "dispatched"],
      ["letter-alert", "sms", "dispatched"],
      ["reminder", "print", "dispatched"],
    ]);
    expect(await makePlanNextStep(w.deps)(caseId)).toMatchObject({ kind: "paused", resumesOn: "letter-delivered" });

    w.clock.set("2026-12-07T11:00:00.000Z");
    expect(await w.post()).toBe(1);
    record = await stored(w, caseId);
    expect(balanceOf(record.case).fees).toEqual(fee!.amount);
    expect(record.case.ledger.filter((e) => e.type === "fee")).toMatchObject([{ on: "2026-12-07" }]);
    expect(record.case.steps.at(-1)).toMatchObject({
      kind: "reminder",
      channel: "letter",
      delivery: "sent",
      on: "2026-12-07",
      fee: fee!.amount,
    });
    // The deadline runs from the day it was posted (14 days), never earlier than the one printed.
    expect(record.case.steps.at(-1)!.deadline! >= "2026-12-21").toBe(true);
    expect(record.deliveries?.filter((d) => d.kind === "reminder").map((d) => [d.channel, d.state, d.status])).toEqual([
      ["print", "delivered", "Posted"],
    ]);
    expect(w.events.ofType("letter.delivered")).toMatchObject([{ data: { channel: "print", letter: "reminder" } }]);
    expect(record.timeline.find((t) => t.kind === "step-executed" && t.step === "reminder")?.legalBasis).toContain(
      "inkassoforskriften § 1-2",
    );
    // The debtor agreed to SMS: a short alert with a pay link tells them the letter is on its way.
    expect(w.sms.delivered.filter((m) => m.idempotencyKey.endsWith(":alert"))).toHaveLength(1);
  });

  it("sends the reminder by e-mail with the PDF when the debtor consented to e-mail, and charges the fee on the delivery report", async () => {
    const w = await world(SMS_TIME);
    const caseId = await afterSms(
      w,
      caseRecord("INV-2010", DUE, { ...CUSTOMER, email: "kari@example.no", consent: { sms: true, email: true } }),
    );
    const outcome = await makeExecuteStep(w.deps)(caseId, REMINDER_STEP);
    expect(outcome).toMatchObject({ kind: "executed", delivery: { channel: "email", status: "queued" } });
    expect(w.email.sent).toHaveLength(1);
    const mail = w.email.sent[0]!;
    expect(mail.to.address).toBe("kari@example.no");
    expect(mail.subject).toContain("Fjordkraft");
    expect(mail.html).toContain(`${PUBLIC_BASE_URL}/p/`);
    expect(mail.attachments[0]!.content.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    // Dated today; its deadline counted from the day it would be posted should the e-mail bounce (Tuesday 8 December).
    const text = (await pdfText(mail.attachments[0]!.content)).flat;
    expect(text).toMatch(/Dato 4\. desember 2026/u);
    expect(text).toContain("22. desember 2026");
    expect(w.printHouse.submitted).toEqual([]);
    expect(balanceOf((await stored(w, caseId)).case).fees.value).toBe(0);

    expect(
      await w.reports.record({
        channel: "email",
        messageId: mail.messageId,
        outcome: "delivered",
        status: "Delivered",
        at: REMINDER_TIME,
      }),
    ).toBe("applied");
    const record = await stored(w, caseId);
    expect(balanceOf(record.case).fees.value).toBeGreaterThan(0);
    expect(record.case.steps.at(-1)).toMatchObject({ channel: "email", delivery: "sent" });
    // The same report again changes nothing; a report for a message nobody sent is ignored.
    const again = {
      channel: "email" as const,
      messageId: mail.messageId,
      outcome: "delivered" as const,
      status: "Delivered",
      at: REMINDER_TIME,
    };
    expect(await w.reports.record(again)).toBe("duplicate");
    expect(await w.reports.record({ ...again, messageId: "00000000-0000-0000-0000-000000000000" })).toBe(
      "unknown-message",
    );
    expect((await stored(w, caseId)).case.ledger.filter((e) => e.type === "fee")).toHaveLength(1);
  });

  it("falls back to post when the e-mail bounces, and charges the fee only when the letter is posted", async () => {
    const w = await world(SMS_TIME);
    const caseId = await afterSms(
      w,
      caseRecord("INV-2011", DUE, { ...CUSTOMER, email: "bounce@example.no", consent: { sms: true, email: true } }),
    );
    await makeExecuteStep(w.deps)(caseId, REMINDER_STEP);
    const mail = w.email.sent[0]!;
    await w.reports.record({
      channel: "email",
      messageId: mail.messageId,
      outcome: "failed",
      status: "Bounced",
      at: REMINDER_TIME,
    });
    let record = await stored(w, caseId);
    expect(record.deliveries?.filter((d) => d.channel !== "sms").map((d) => [d.channel, d.state])).toEqual([
      ["email", "failed"],
      ["print", "dispatched"],
    ]);
    expect(balanceOf(record.case).fees.value).toBe(0);
    expect(w.events.ofType("letter.failed")).toMatchObject([{ data: { channel: "email", status: "Bounced" } }]);
    // The next letter does not try the bounced address again (until the creditor sends another one).
    const next = await chooseChannels(["email", "letter"], record, w.deps.channels!);
    expect(next).toEqual({ usable: ["print"], passedOver: ["email: an earlier e-mail to this address bounced"] });
    w.clock.set("2026-12-08T11:00:00.000Z");
    await w.post();
    record = await stored(w, caseId);
    expect(record.case.steps.at(-1)).toMatchObject({ channel: "letter", delivery: "sent", on: "2026-12-08" });
    expect(balanceOf(record.case).fees.value).toBeGreaterThan(0);
  });

  it("writes the letter again for post when the bounce comes after the day's print batch, so its deadline still gives 14 days", async () => {
    const w = await world(SMS_TIME);
    const caseId = await afterSms(
      w,
      caseRecord("INV-2030", DUE, { ...CUSTOMER, email: "kari@example.no", consent: { sms: false, email: true } }),
    );
    await makeExecuteStep(w.deps)(caseId, REMINDER_STEP);
    // Friday 4 December 14:30 Oslo: too late for Friday's batch — posted on Wednesday 9 December at the latest.
    w.clock.set("2026-12-04T13:30:00.000Z");
    await w.reports.record({
      channel: "email",
      messageId: w.email.sent[0]!.messageId,
      outcome: "failed",
      status: "Bounced",
      at: "2026-12-04T13:30:00.000Z",
    });
    const record = await stored(w, caseId);
    expect(record.documents.map((d) => d.documentId)).toEqual(["step-1-reminder", "step-1-reminder-v2"]);
    const posted = (await pdfText(w.printHouse.submitted[0]!.pdf)).flat;
    expect(posted).toMatch(/Dato 9\. desember 2026/u);
    expect(posted).toContain("23. desember 2026");
    expect(record.case.steps.at(-1)).toMatchObject({ kind: "reminder", delivery: "pending", deadline: "2026-12-23" });
  });

  it("delivers to the digital mailbox when the debtor has one: at once, fee included", async () => {
    const w = await world(SMS_TIME);
    w.mailbox.holders.add("01017012345");
    const caseId = await afterSms(w, caseRecord("INV-2012", DUE, { ...CUSTOMER, nationalId: "01017012345" }));
    expect(await makeExecuteStep(w.deps)(caseId, REMINDER_STEP)).toMatchObject({
      delivery: { channel: "digital-mailbox" },
    });
    expect(w.mailbox.sent).toHaveLength(1);
    expect(w.mailbox.sent[0]).toMatchObject({ invoice: { kid: expect.any(String), account: expect.any(String) } });
    expect(w.mailbox.sent[0]!.subject.startsWith("[INKASSO]")).toBe(false); // a reminder is not a collection document
    const record = await stored(w, caseId);
    expect(record.case.steps.at(-1)).toMatchObject({ channel: "digital-mailbox", delivery: "sent" });
    expect(balanceOf(record.case).fees.value).toBeGreaterThan(0);
    expect(w.printHouse.submitted).toEqual([]);
  });

  it("charges nothing and waits for new contact details when no channel delivers the letter", async () => {
    const w = await world(SMS_TIME);
    const caseId = await afterSms(w);
    await makeExecuteStep(w.deps)(caseId, REMINDER_STEP);
    w.clock.set("2026-12-07T11:00:00.000Z");
    await w.printHouse.post(w.reports, w.clock.now().toISOString(), "Returned");
    const record = await stored(w, caseId);
    expect(record.case.steps.at(-1)).toMatchObject({ kind: "reminder", delivery: "undelivered", fee: null });
    expect(balanceOf(record.case).fees.value).toBe(0);
    expect(await makePlanNextStep(w.deps)(caseId)).toMatchObject({ kind: "paused", resumesOn: "contact-updated" });
    expect(w.events.ofType("letter.failed").some((e) => e.data["final"] === true)).toBe(true);

    // The creditor sends the debtor's e-mail address and consent (PATCH): the letter goes out again at once, by e-mail,
    // and the fee follows the e-mail's delivery report.
    w.clock.set("2026-12-08T09:00:00.000Z");
    const updated = await makeUpdateCaseCustomer({ ...w.deps, redeliverLetters: w.redeliverLetters })(
      "t_fjordkraft",
      caseId,
      { email: "kari@example.no", consent: { email: true } },
    );
    expect(updated.changed).toEqual(["email", "consent.email"]);
    expect(w.email.sent).toHaveLength(1);
    // Written again for the day it goes: a new version, dated today, its deadline 14 days from today — not from the
    // first version's day, and not from a posting day: the letter to this address came back, post is not tried again.
    const again = (await pdfText(w.email.sent[0]!.attachments[0]!.content)).flat;
    expect(again).toMatch(/Dato 8\. desember 2026/u);
    expect(again).toContain("22. desember 2026");
    expect((await stored(w, caseId)).documents.map((d) => d.documentId)).toEqual([
      "step-1-reminder",
      "step-1-reminder-v2",
    ]);
    let after = await stored(w, caseId);
    expect(after.case.steps.at(-1)).toMatchObject({ kind: "reminder", delivery: "pending" });
    expect(after.deliveries?.filter((d) => d.kind === "reminder").map((d) => [d.channel, d.state])).toEqual([
      ["print", "failed"],
      ["email", "dispatched"],
    ]);
    await w.reports.record({
      channel: "email",
      messageId: w.email.sent[0]!.messageId,
      outcome: "delivered",
      status: "Delivered",
      at: "2026-12-08T09:00:10.000Z",
    });
    after = await stored(w, caseId);
    expect(after.case.steps.at(-1)).toMatchObject({
      kind: "reminder",
      delivery: "sent",
      on: "2026-12-08",
      deadline: "2026-12-22",
    });
    expect(balanceOf(after.case).fees.value).toBeGreaterThan(0);
  });

  it("prints the creditor's own letterhead (address, account, contacts) rather than the platform's default", async () => {
    const own = {
      address: { lines: ["Kraftveien 7"], postalCode: "5003", city: "Bergen" },
      accountNumber: "15038754324",
      contact: { phone: "55 00 11 22", email: "faktura@vestkraft.no" },
    };
    const w = await world(SMS_TIME, tenant({ name: "Vestkraft AS", letterhead: own }));
    const caseId = await afterSms(w);
    await makeExecuteStep(w.deps)(caseId, REMINDER_STEP);
    const record = await stored(w, caseId);
    const pdf = await w.letters.get(record.tenantId, caseId, "step-1-reminder");
    const text = (await pdfText(pdf!.content)).flat;
    expect(text).toContain("Kraftveien 7");
    expect(text).toContain("1503.87.54324");
    expect(text).toContain("faktura@vestkraft.no");
    expect(text).not.toContain(LETTERHEAD.address.lines[0]);
    expect(text).not.toContain(LETTERHEAD.contact.web!);
    expect(text).not.toContain(LETTERHEAD.contact.phone!);

    const other = await world(SMS_TIME); // a tenant without its own: the LETTERHEAD setting
    const otherCase = await afterSms(other);
    await makeExecuteStep(other.deps)(otherCase, REMINDER_STEP);
    const otherPdf = await other.letters.get(record.tenantId, otherCase, "step-1-reminder");
    expect((await pdfText(otherPdf!.content)).flat).toContain(LETTERHEAD.address.lines[0]);
  });

  it("archives one letter and hands it to the print house once when a retry follows a crash before the case was updated", async () => {
    const w = await world(SMS_TIME);
    const caseId = await afterSms(w);
    let failNext = true;
    const flaky: CaseStore = {
      create: (r) => w.cases.create(r),
      get: (t, c) => w.cases.get(t, c),
      getById: (c) => w.cases.getById(c),
      findByKid: (k) => w.cases.findByKid(k),
      list: (t, f, p) => w.cases.list(t, f, p),
      listActiveCaseIds: (p) => w.cases.listActiveCaseIds(p),
      listCaseIdsWithServiceWork: (work, p) => w.cases.listCaseIdsWithServiceWork(work, p),
      pendingOutbox: (before, p) => w.cases.pendingOutbox(before, p),
      removeOutbox: (c, ids) => w.cases.removeOutbox(c, ids),
      removeOutboxes: (removals) => w.cases.removeOutboxes(removals),
      update: async (...args: Parameters<CaseStore["update"]>) => {
        if (failNext) {
          failNext = false;
          throw new Error("Cosmos DB: 503 service unavailable");
        }
        return w.cases.update(...args);
      },
    };
    const execute = makeExecuteStep({ ...w.deps, cases: flaky });
    await expect(execute(caseId, REMINDER_STEP)).rejects.toThrow("503");
    expect(await execute(caseId, REMINDER_STEP)).toMatchObject({ kind: "executed", documentId: "step-1-reminder" });
    expect(await execute(caseId, REMINDER_STEP)).toMatchObject({ kind: "already-executed" });

    expect(w.letters.letters.size).toBe(1);
    expect(w.letters.puts).toBe(1);
    expect(w.printHouse.submitted).toHaveLength(1);
    await w.post();
    const record = await stored(w, caseId);
    expect(record.documents).toHaveLength(1);
    expect(record.case.ledger.filter((e) => e.type === "fee")).toHaveLength(1);
    expect(w.events.ofType("case.step_executed").map((e) => e.id)).toEqual([
      `${caseId}:case.step_executed:step:0:lets-pay-sms`,
      `${caseId}:case.step_executed:step:1:reminder`,
    ]);
  });

  it("does not produce a letter for a customer without a postal address, and says why", async () => {
    const w = await world(SMS_TIME);
    const { address: _address, ...noAddress } = CUSTOMER;
    const caseId = await afterSms(w, caseRecord("INV-2003", DUE, noAddress));
    const outcome = await makeExecuteStep(w.deps)(caseId, REMINDER_STEP);
    expect(outcome).toEqual({
      kind: "not-executed",
      retry: "later",
      reason: expect.stringContaining("no channel reaches the debtor"),
    });
    expect(w.letters.letters.size).toBe(0);
  });
});

describe("the whole ladder through plan and execute", () => {
  it("walks the Norwegian default ladder for a power and broadband customer: suspension and reopening are commands to the partner", async () => {
    const w = await world("2026-11-21T10:00:00.000Z");
    const record = caseRecord("INV-3001", DUE, { ...CUSTOMER, consent: { sms: false, email: false } });
    record.case.services = [
      { serviceId: "bb-1", kind: "broadband", state: "active", blockers: [], lastCommand: null },
      { serviceId: "pm-1", kind: "power-meter", state: "active", blockers: [], lastCommand: null },
    ];
    const caseId = await withCase(w, record);
    const plan = makePlanNextStep(w.deps);
    const execute = makeExecuteStep(w.deps);
    const done: string[] = [];
    for (let i = 0; i < 40; i++) {
      const d = await plan(caseId);
      if (d.kind === "paused" && d.resumesOn === "letter-delivered" && (await w.post()) > 0) continue;
      if (d.kind === "done" || d.kind === "paused") break;
      if (d.kind === "wait") {
        w.clock.set(d.until);
        continue;
      }
      const outcome = await execute(caseId, d.action);
      expect(outcome.kind, `${d.action.kind} ${JSON.stringify(outcome)}`).toBe("executed");
      done.push(`${d.action.kind}${d.action.fee ? " +fee" : ""}`);
      if (d.action.kind === "suspension" && d.action.stepIndex === 6) break;
    }
    expect(done).toEqual([
      "lets-pay-sms",
      "reminder +fee",
      "suspension-notice",
      "suspension-notice",
      "collection-notice +fee",
      "suspension",
      "suspension",
    ]);
    // Each suspension ordered one command from the partner, in the service's own session; nothing is suspended
    // until the partner confirms it.
    const suspensions = w.partnerCommands.drain();
    expect(suspensions.map((m) => [m.serviceId, m.target, m.attempt])).toEqual([
      ["bb-1", "inactive", 1],
      ["pm-1", "inactive", 1],
    ]);
    expect((await stored(w, caseId)).case.services.map((s) => s.state)).toEqual(["suspending", "suspending"]);

    // The debtor pays the whole balance: the same write ends the overdue blocker and orders both reopenings.
    const today = w.clock.now().toISOString().slice(0, 10);
    const owed = balanceOn((await stored(w, caseId)).case, today, ruleSetFor("NO", today)).total;
    const workflow = {
      start: async () => undefined,
      caseChanged: async () => undefined,
      state: async () => "running" as const,
    };
    await applyIncomingPayment(
      { ...w.deps, workflow },
      { tenantId: record.tenantId, caseId, reference: "bank-9", channel: "kid", amount: owed, receivedOn: today },
    );
    const reopens = w.partnerCommands.drain();
    expect(reopens.map((m) => [m.serviceId, m.target])).toEqual([
      ["bb-1", "active"],
      ["pm-1", "active"],
    ]);
    expect(new Set(reopens.map((m) => m.commandId)).size).toBe(2);
    expect(reopens.map((m) => m.commandId)).not.toContain(suspensions[0]!.commandId);
    const final = await stored(w, caseId);
    expect(final.case.status).toBe("paid");
    expect(final.case.services.map((s) => [s.state, s.blockers.length])).toEqual([
      ["reopening", 0],
      ["reopening", 0],
    ]);
    expect(await plan(caseId)).toMatchObject({ kind: "done" });
    expect(final.documents.map((d) => d.documentId)).toEqual([
      "step-1-reminder",
      "step-2-suspension-notice",
      "step-3-suspension-notice",
      "step-4-collection-notice",
    ]);
    expect(w.sms.attempts).toEqual([]); // no consent: letters go to the print queue, the Let's pay SMS is skipped
    expect(w.events.ofType("case.step_executed")).toHaveLength(7);
    expect(w.events.ofType("service.suspending").map((e) => e.data["serviceId"])).toEqual(["bb-1", "pm-1"]);
    expect(w.events.ofType("service.reopening").map((e) => e.data["serviceId"])).toEqual(["bb-1", "pm-1"]);
  });
});

describe("a power disconnection notice (forbrukerkjøpsloven § 48 a)", () => {
  it("goes to the invoice address in writing AND is told personally by SMS, even without an explicit SMS consent", async () => {
    const w = await world("2026-11-21T10:00:00.000Z");
    const { consent: _consent, ...noConsent } = CUSTOMER;
    const record = caseRecord("INV-3002", DUE, noConsent);
    record.case.services = [
      { serviceId: "pm-1", kind: "power-meter", state: "active", blockers: [], lastCommand: null },
    ];
    const caseId = await withCase(w, record);
    const plan = makePlanNextStep(w.deps);
    const execute = makeExecuteStep(w.deps);
    for (let i = 0; i < 40; i++) {
      const d = await plan(caseId);
      if (d.kind === "paused" && d.resumesOn === "letter-delivered" && (await w.post()) > 0) continue;
      if (d.kind === "done" || d.kind === "paused") break;
      if (d.kind === "wait") {
        w.clock.set(d.until);
        continue;
      }
      const outcome = await execute(caseId, d.action);
      if (d.action.kind !== "suspension-notice") continue;
      expect(outcome).toMatchObject({ kind: "executed", delivery: { channel: "print", status: "queued" } });
      expect(w.printHouse.submitted.at(-1)?.recipient.address.lines).toEqual(["Storgata 1"]);
      const alert = w.sms.attempts.find((m) => m.idempotencyKey.endsWith(`:step:${String(d.action.stepIndex)}:alert`));
      expect(alert?.text).toMatch(/brev/);
      const sentKeys = (await stored(w, caseId)).sentKeys;
      expect(sentKeys).toEqual(
        expect.arrayContaining([`sms:step:${String(d.action.stepIndex)}:suspension-notice:alert`]),
      );
      return;
    }
    throw new Error("no suspension notice was planned");
  });
});

describe("heal orchestrations", () => {
  it("restarts the orchestrations of active cases that are missing, failed or terminated, and counts them", async () => {
    const states: Record<string, WorkflowState> = {
      a: "running",
      b: "missing",
      c: "failed",
      d: "terminated",
      e: "completed",
      f: "running",
    };
    const started: string[] = [];
    const workflow: CaseWorkflow = {
      start: async (id) => void started.push(id),
      caseChanged: async () => undefined,
      state: async (id) => {
        if (id === "g") throw new Error("status endpoint unavailable");
        return states[id]!;
      },
    };
    const ids = [...Object.keys(states), "g"];
    const cases = {
      listActiveCaseIds: async ({ limit, continuationToken }: { limit: number; continuationToken?: string }) => {
        const from = Number(continuationToken ?? 0);
        const items = ids.slice(from, from + limit);
        return from + limit < ids.length ? { items, continuationToken: String(from + limit) } : { items };
      },
    };
    const report = await makeHealOrchestrations({ cases, workflow, pageSize: 2 })();
    expect(started).toEqual(["b", "c", "d"]);
    expect(report).toEqual({
      checked: 7,
      found: 3,
      restarted: 3,
      errors: 1,
      byState: { running: 2, missing: 1, failed: 1, terminated: 1, completed: 1 },
    });
  });
});
