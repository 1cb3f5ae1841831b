/**
 * "Send the pay link now" from the portal's case page, with every port in memory: an SMS in the creditor's name with
 * a fresh pay link (the link opens this case), a second click within a minute sends nothing, an e-mail only with
 * consent, nothing outside contact hours or on a paid case, and the send is on the case's timeline as done by the
 * staff user — never their provider subject in the title.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { makeSendPayLinkNow, type SendPayLinkDeps } from "../../../../shared/application/portal/send-pay-link";
import { staffActorOf } from "../../../../shared/application/portal/staff-actor";
import { payLinkTokenHash } from "../../../../shared/application/pay-links";
import { messageOpenedEvents } from "../../../../shared/application/kpis/message-events";
import { makeRegisterInvoice } from "../../../../shared/application/register-invoice";
import { makeIssueCreditNote } from "../../../../shared/application/credit-note";
import type { EmailMessage } from "../../../../shared/ports/email-sender";
import type { SmsMessage } from "../../../../shared/ports/sms-sender";
import { seedTenant, testWorld, type TestWorld } from "../../functions/api/api-fixtures";
import { MemoryDebtorContactStore } from "../../../../shared/adapters/memory/debtor-contact-store.memory";
import { debtorKey, takeSmsSlot } from "../../../../shared/application/messages/debtor-sms-slot";

const ERIK = staffActorOf({ subject: "sub-erik", displayName: "Erik Endring", roles: ["creditor.editor"] });

let w: TestWorld;
let tenantId: string;
let sms: SmsMessage[];
let mails: EmailMessage[];
let deps: SendPayLinkDeps;

async function invoice(number: string, customer: Record<string, unknown> = {}): Promise<string> {
  const r = await makeRegisterInvoice(w.deps)(tenantId, {
    invoiceNumber: number,
    customer: { customerId: `c-${number}`, name: "Kari Nordmann", phone: "+4791234567", ...customer },
    amount: { value: 125_000, currency: "NOK" },
    issueDate: "2026-09-15",
    dueDate: "2026-10-01",
  });
  return r.caseId;
}

beforeEach(async () => {
  w = testWorld({ now: "2026-11-02T10:00:00Z" }); // a Monday, 11:00 in Oslo
  ({ tenantId } = await seedTenant(w));
  sms = [];
  mails = [];
  deps = {
    ...w.deps,
    sms: { send: async (m) => (sms.push(m), { ok: true, messageId: `sms-${sms.length}` }) },
    email: { send: async (m) => (mails.push(m), { ok: true, messageId: m.messageId }) },
    config: { publicBaseUrl: "https://pay.example" },
  };
});

describe("sending the pay link now", () => {
  it("sends one SMS in the creditor's name with a fresh link to this case, on the timeline as done by the staff user", async () => {
    const caseId = await invoice("1001");
    const outcome = await makeSendPayLinkNow(deps)(tenantId, caseId, { channel: "sms", actor: ERIK });
    expect(outcome.kind).toBe("sent");
    expect(sms).toHaveLength(1);
    const tenant = (await w.deps.tenants.get(tenantId))!;
    expect(sms[0]!.to).toBe("+4791234567");
    expect(sms[0]!.text).toContain(tenant.name);
    expect(sms[0]!.text).toContain("1001");
    const token = /\/p\/([A-Za-z0-9_-]+)/u.exec(sms[0]!.text)?.[1];
    expect(token).toBeTruthy();
    const link = await w.deps.payLinks.get(payLinkTokenHash(token!));
    expect(link?.caseIds).toContain(caseId);
    // issued like the ladder's links, so its first open on the pay page is counted as a `message.opened`
    expect(link?.issuedBy).toMatchObject({ caseId, step: "staff-pay-link", channel: "sms" });
    expect(messageOpenedEvents(link!, new Date())).toEqual([
      expect.objectContaining({
        type: "message.opened",
        data: expect.objectContaining({ step: "staff-pay-link", channel: "sms" }),
      }),
    ]);

    const record = (await w.deps.cases.get(tenantId, caseId))!;
    const entry = record.timeline.find((e) => e.details?.["action"] === "pay-link-sent")!;
    expect(entry.title).toBe("Pay link sent by SMS by staff Erik Endring (creditor)");
    expect(entry.title).not.toContain("sub-erik");
    expect(entry.details).toMatchObject({
      state: "sent",
      actor: { kind: "staff", subject: "sub-erik", name: "Erik Endring", role: "creditor.editor" },
    });
    expect(record.deliveries?.some((d) => d.channel === "sms" && d.state === "dispatched")).toBe(true);
  });

  it("takes the debtor's SMS slot, so the ladder's next SMS waits the creditor's interval after it", async () => {
    const contacts = new MemoryDebtorContactStore();
    const caseId = await invoice("1009");
    await makeSendPayLinkNow({ ...deps, debtorContacts: contacts })(tenantId, caseId, { channel: "sms", actor: ERIK });
    const record = (await w.deps.cases.get(tenantId, caseId))!;
    const key = debtorKey(tenantId, record.customer, record.case.country);
    const ladder = await takeSmsSlot(
      contacts,
      { tenantId, key },
      {
        caseId,
        key: "step:0:lets-pay-sms",
        kind: "lets-pay-sms",
        invoiceNumber: "1009",
        amount: { value: 125_000, currency: "NOK" },
      },
      24,
      new Date("2026-11-02T12:00:00Z"),
      async () => [],
    );
    expect(ladder).toMatchObject({ kind: "wait", until: new Date("2026-11-03T10:00:00Z") });
  });

  it("sends nothing more when clicked again within a minute, and again after it", async () => {
    const caseId = await invoice("1002");
    const send = makeSendPayLinkNow(deps);
    await send(tenantId, caseId, { channel: "sms", actor: ERIK });
    w.clock.set("2026-11-02T10:00:40Z");
    expect((await send(tenantId, caseId, { channel: "sms", actor: ERIK })).kind).toBe("already-sent");
    expect(sms).toHaveLength(1);
    w.clock.set("2026-11-02T10:01:30Z");
    expect((await send(tenantId, caseId, { channel: "sms", actor: ERIK })).kind).toBe("sent");
    expect(sms).toHaveLength(2);
  });

  it("sends by e-mail only to a debtor who consented to e-mail", async () => {
    const without = await invoice("1003", { email: "kari@example.no" });
    const refused = await makeSendPayLinkNow(deps)(tenantId, without, { channel: "email", actor: ERIK });
    expect(refused).toEqual({ kind: "refused", code: "no-email-consent" });
    const withConsent = await invoice("1004", { email: "kari@example.no", consent: { sms: true, email: true } });
    const sent = await makeSendPayLinkNow(deps)(tenantId, withConsent, { channel: "email", actor: ERIK });
    expect(sent.kind).toBe("sent");
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to.address).toBe("kari@example.no");
    expect(mails[0]!.text).toContain("https://pay.example/p/");
  });

  it("refuses without a phone number, when SMS was refused, and on a paid case", async () => {
    const noPhone = await invoice("1005", { phone: undefined });
    const refusedSms = await invoice("1006", { consent: { sms: false, email: false } });
    const paid = await invoice("1007");
    await makeIssueCreditNote(w.deps)(tenantId, paid, {
      amount: { value: 125_000, currency: "NOK" },
      reference: "cn-1",
      alsoWaive: ["fees", "interest"],
    });
    expect((await w.deps.cases.get(tenantId, paid))!.case.status).toBe("paid");
    const send = makeSendPayLinkNow(deps);
    expect(await send(tenantId, noPhone, { channel: "sms", actor: ERIK })).toEqual({
      kind: "refused",
      code: "no-phone",
    });
    expect(await send(tenantId, refusedSms, { channel: "sms", actor: ERIK })).toEqual({
      kind: "refused",
      code: "sms-refused",
    });
    expect(await send(tenantId, paid, { channel: "sms", actor: ERIK })).toEqual({ kind: "refused", code: "closed" });
    expect(sms).toHaveLength(0);
  });

  it("sends nothing outside contact hours and says when the debtor may next be contacted", async () => {
    const caseId = await invoice("1008");
    w.clock.set("2026-11-08T12:00:00Z"); // a Sunday
    const outcome = await makeSendPayLinkNow(deps)(tenantId, caseId, { channel: "sms", actor: ERIK });
    expect(outcome).toEqual({
      kind: "refused",
      code: "outside-contact-hours",
      nextContactAt: "2026-11-09T07:00:00.000Z", // Monday 08:00 in Oslo
    });
    expect(sms).toHaveLength(0);
  });
});
