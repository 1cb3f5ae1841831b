/**
 * "Send the pay link now" (issue 16): a staff user asks, from the case page, for a fresh pay link to go to the debtor
 * by SMS or by e-mail — the same rules as the ladder's messages: the creditor named and its SMS sender id
 * (`smsSenderOf`), the Let's pay SMS's wording (`letsPaySmsText`), SMS only to a number whose owner has not refused
 * SMS (as the Let's pay SMS), e-mail only with explicit consent to e-mail (as letters by e-mail), and only in contact
 * hours (the rule table's `contactHours`, Europe/Oslo wall clock for Norway). A paid or closed case gets nothing.
 *
 * Idempotent for a minute: the send is first written onto the case (a timeline entry, in the store's optimistic
 * update), so a second click — or a concurrent one — within a minute finds it and sends nothing (`already-sent`).
 * The SMS gateway gets a stable idempotency key per send, so a retried request never sends twice either. The SMS is
 * tracked as a delivery on the case (tagged `{caseId}:paylink:{sendId}`, messages/sms-tag.ts), so its delivery report
 * shows on the case; an e-mail is found by its message id (the delivery index), as a letter's.
 *
 * The message text and the addresses are personal data: stored where the ladder stores them, never logged.
 */
import { isWithinContactHours, nextContactTime } from "../../domain/calendar";
import { balanceOn, ladderAnchor } from "../../domain/case";
import { formatMoney } from "../../domain/money";
import type { CaseRecord, CaseStore, LetterDelivery, TimelineEntry } from "../../ports/case-store";
import type { Clock } from "../../ports/clock";
import type { DeliveryIndex } from "../../ports/delivery-index";
import type { EmailSender } from "../../ports/email-sender";
import { CaseNotFound, TenantNotFound } from "../../ports/errors";
import type { InterestRateStore } from "../../ports/interest-rate-store";
import type { PayLinkStore } from "../../ports/pay-link-store";
import type { Random } from "../../ports/random";
import type { SmsSender } from "../../ports/sms-sender";
import type { TenantStore } from "../../ports/tenant-store";
import { languageIn, ladderOf, todayIn } from "../case-context";
import { rulesWithEnteredRates } from "../interest-rates";
import { messageIdFor, withDelivery } from "../letters/deliver-letter";
import { letsPaySmsText, smsSenderOf } from "../messages/step-sms";
import { smsTagFor } from "../messages/sms-tag";
import { debtorKey } from "../messages/debtor-sms-slot";
import type { CoalescedStep, DebtorContactStore } from "../../ports/debtor-contact-store";
import type { Money } from "../../domain/money";
import { caseIdsForLink, issuePayLink } from "../pay-links";
import { byStaff, type StaffActor } from "./staff-actor";

export type PayLinkChannel = "sms" | "email";

/** The `step` of a pay link sent from the portal ("Send betalingslenken nå"), in its `message.opened` events. */
export const STAFF_PAY_LINK_STEP = "staff-pay-link";

/** Clicks within this long of a send of the same link by the same channel send nothing more. */
export const PAY_LINK_RESEND_GUARD_MS = 60_000;

export interface SendPayLinkDeps {
  cases: CaseStore;
  tenants: TenantStore;
  payLinks: PayLinkStore;
  sms: SmsSender;
  /** Absent when e-mail is not configured (ACS_EMAIL_SENDER): an e-mail is refused as `email-not-configured`. */
  email?: EmailSender;
  /** Where an e-mail's delivery report finds its case. */
  deliveryIndex?: DeliveryIndex;
  clock: Clock;
  random: Random;
  interestRates?: InterestRateStore;
  /**
   * The debtor's SMS slot at this creditor (one SMS per debtor at a time, messages/debtor-sms-slot.ts): a pay link
   * sent by SMS takes it, so the ladder's next SMS waits the creditor's `minSmsIntervalHours` after it.
   */
  debtorContacts?: DebtorContactStore;
  config: { publicBaseUrl: string; payLinkValidityDays?: number };
}

export type SendPayLinkRefusal =
  | "closed"
  | "nothing-owed"
  | "no-phone"
  | "sms-refused"
  | "no-email"
  | "no-email-consent"
  | "email-not-configured"
  | "outside-contact-hours"
  | "send-failed";

export type SendPayLinkOutcome =
  | { kind: "sent"; channel: PayLinkChannel; at: string; payLinkExpiresAt: string }
  /** A send by this channel within the last minute: nothing more was sent. */
  | { kind: "already-sent"; channel: PayLinkChannel; at: string }
  /** `nextContactAt`: for `outside-contact-hours`, when the debtor may next be contacted (ISO). */
  | { kind: "refused"; code: SendPayLinkRefusal; nextContactAt?: string };

const CLOSED = new Set(["paid", "cancelled"]);

/** The case's recent send of the pay link by `channel`, within the guard. */
function recentSend(record: CaseRecord, channel: PayLinkChannel, now: Date): TimelineEntry | undefined {
  return [...record.timeline]
    .reverse()
    .find(
      (e) =>
        e.details?.["action"] === "pay-link-sent" &&
        e.details["channel"] === channel &&
        now.getTime() - Date.parse(e.at) < PAY_LINK_RESEND_GUARD_MS,
    );
}

function sendIdOf(random: Random): string {
  return Buffer.from(random.bytes(8)).toString("hex");
}

export function makeSendPayLinkNow(deps: SendPayLinkDeps) {
  return async (
    tenantId: string,
    caseId: string,
    input: { channel: PayLinkChannel; actor: StaffActor },
  ): Promise<SendPayLinkOutcome> => {
    const record = await deps.cases.get(tenantId, caseId);
    if (!record) throw new CaseNotFound(caseId);
    const tenant = await deps.tenants.get(tenantId);
    if (!tenant) throw new TenantNotFound(tenantId);
    const now = deps.clock.now();
    const country = record.case.country;
    const today = todayIn(country, now);
    const rules = (await rulesWithEnteredRates(deps))(country, today);
    const customer = record.customer;
    const { channel } = input;

    if (CLOSED.has(record.case.status)) return { kind: "refused", code: "closed" };
    const owed = balanceOn(record.case, today, rules).total;
    if (owed.value <= 0) return { kind: "refused", code: "nothing-owed" };
    if (channel === "sms") {
      if (!customer.phone) return { kind: "refused", code: "no-phone" };
      if (customer.consent?.sms === false) return { kind: "refused", code: "sms-refused" };
    } else {
      if (!deps.email) return { kind: "refused", code: "email-not-configured" };
      if (!customer.email) return { kind: "refused", code: "no-email" };
      if (customer.consent?.email !== true) return { kind: "refused", code: "no-email-consent" };
    }
    const hours = rules.contactHours.value;
    if (!isWithinContactHours(now, country, hours)) {
      return {
        kind: "refused",
        code: "outside-contact-hours",
        nextContactAt: nextContactTime(now, country, hours).toISOString(),
      };
    }

    // Claim the send on the case first: a second (or concurrent) click within the minute finds it.
    const sendId = sendIdOf(deps.random);
    const at = now.toISOString();
    const deliveryId = `paylink:${sendId}:${channel === "sms" ? "sms" : "email"}`;
    let already: TimelineEntry | undefined;
    const claimed = await deps.cases.update(
      tenantId,
      caseId,
      (current) => {
        already = recentSend(current, channel, now);
        if (already) return current;
        const entry: TimelineEntry = {
          at,
          kind: "message",
          title: `Pay link sent by ${channel === "sms" ? "SMS" : "e-mail"}${byStaff(input.actor)}`,
          details: {
            action: "pay-link-sent",
            channel,
            sendId,
            deliveryId,
            state: "sending",
            actor: input.actor,
            via: "portal",
          },
        };
        return { ...current, timeline: [...current.timeline, entry], updatedAt: at };
      },
      record,
    );
    if (already) return { kind: "already-sent", channel, at: already.at };

    const caseIds = await caseIdsForLink(deps.cases, claimed, today);
    // Issued like the ladder's links (execute-step.ts): the pay page's first open is then a `message.opened` event,
    // under the step STAFF_PAY_LINK_STEP with no step index (the message is not one of the ladder's steps).
    const link = await issuePayLink(
      deps,
      deps.config,
      {
        tenantId,
        caseIds,
        issuedBy: { caseId, stepKey: `staff:${sendId}:${channel}`, step: STAFF_PAY_LINK_STEP, channel },
      },
      now,
    );
    const language = languageIn(country);
    const policy = ladderOf(tenant, country);
    let sent: { ok: true; messageId: string } | { ok: false; reason: string };
    if (channel === "sms") {
      const text = letsPaySmsText({
        creditorName: tenant.name,
        invoiceNumber: claimed.invoiceNumber,
        amount: owed,
        dueDate: ladderAnchor(claimed.case),
        payLink: link.url,
        language,
      });
      sent = await deps.sms.send({
        to: customer.phone!,
        from: smsSenderOf(tenant, policy),
        text,
        idempotencyKey: `${caseId}:paylink:${sendId}`,
        tag: smsTagFor(caseId, deliveryId),
        deliveryReport: true,
      });
    } else {
      const messageId = messageIdFor(caseId, deliveryId);
      await deps.deliveryIndex?.put(messageId, { tenantId, caseId, deliveryId });
      const mail = payLinkEmail({
        creditorName: tenant.name,
        invoiceNumber: claimed.invoiceNumber,
        amount: formatMoney(owed, language === "nb" ? "nb-NO" : "en"),
        payLink: link.url,
        kid: claimed.kid,
        language,
      });
      sent = await deps.email!.send({
        messageId,
        to: { address: customer.email!, displayName: customer.name },
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        attachments: [],
      });
    }

    const done = deps.clock.now().toISOString();
    await deps.cases.update(tenantId, caseId, (current) => {
      const timeline = current.timeline.map((e) =>
        e.details?.["sendId"] === sendId
          ? {
              ...e,
              ...(sent.ok ? {} : { title: `${e.title}: not sent (${sent.reason})` }),
              details: {
                ...e.details,
                state: sent.ok ? "sent" : "failed",
                ...(sent.ok ? { payLinkExpiresAt: link.expiresAt } : { reason: sent.reason }),
              },
            }
          : e,
      );
      let next: CaseRecord = { ...current, timeline, updatedAt: done };
      if (sent.ok) {
        const delivery: LetterDelivery = {
          deliveryId,
          stepIndex: 0,
          kind: channel === "sms" ? "pay-link-sms" : "pay-link-email",
          documentId: null,
          channel,
          messageId: sent.messageId,
          attempt: 1,
          state: "dispatched",
          queuedAt: at,
          dispatchedAt: done,
        };
        next = withDelivery(next, delivery);
      }
      return next;
    });
    if (!sent.ok) return { kind: "refused", code: "send-failed" };
    if (channel === "sms") await takeSlot(deps, claimed, { sendId, at, owed });
    return { kind: "sent", channel, at, payLinkExpiresAt: link.expiresAt };
  };
}

export type SendPayLinkNow = ReturnType<typeof makeSendPayLinkNow>;

/**
 * Writes the SMS just sent as the debtor's last SMS from this creditor (If-Match; a later one already there stays).
 * Best effort: the SMS went whatever happens here; a slot that kept changing is left to the ladder's own writes.
 */
async function takeSlot(
  deps: SendPayLinkDeps,
  record: CaseRecord,
  sms: { sendId: string; at: string; owed: Money },
): Promise<void> {
  const store = deps.debtorContacts;
  const key = debtorKey(record.tenantId, record.customer, record.case.country);
  if (!store || key === null) return;
  const self: CoalescedStep = {
    caseId: record.caseId,
    key: `paylink:${sms.sendId}`,
    kind: "lets-pay-sms",
    invoiceNumber: record.invoiceNumber,
    amount: sms.owed,
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    const read = await store.get(key);
    if (read && read.contact.lastSms.at >= sms.at) return;
    const etag = await store.put(
      { schemaVersion: 1, id: key, tenantId: record.tenantId, lastSms: { at: sms.at, sender: self, steps: [self] } },
      read?.etag ?? null,
    );
    if (etag !== null) return;
  }
}

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/gu, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** The e-mail with the pay link: the creditor named, the invoice, what is owed today, the KID. */
export function payLinkEmail(m: {
  creditorName: string;
  invoiceNumber: string;
  amount: string;
  payLink: string;
  kid: string;
  language: "nb" | "en";
}): { subject: string; text: string; html: string } {
  const nb = m.language === "nb";
  const subject = nb
    ? `${m.creditorName}: betal faktura ${m.invoiceNumber}`
    : `${m.creditorName}: pay invoice ${m.invoiceNumber}`;
  const lines = nb
    ? [
        `Hei!`,
        `Her er lenken for å betale faktura ${m.invoiceNumber} fra ${m.creditorName}. Å betale i dag: ${m.amount}.`,
        `Betal med Vipps eller kort: ${m.payLink}`,
        `Betaler du fra nettbanken, bruk KID ${m.kid}.`,
        `Hilsen ${m.creditorName}`,
      ]
    : [
        `Hello,`,
        `Here is the link to pay invoice ${m.invoiceNumber} from ${m.creditorName}. To pay today: ${m.amount}.`,
        `Pay with Vipps or card: ${m.payLink}`,
        `Paying from your online bank? Use KID ${m.kid}.`,
        `Regards, ${m.creditorName}`,
      ];
  const html = `<!doctype html><html lang="${m.language}"><body>${lines
    .map((l) =>
      l.includes(m.payLink)
        ? `<p>${escapeHtml(l.replace(m.payLink, ""))}<a href="${escapeHtml(m.payLink)}">${escapeHtml(m.payLink)}</a></p>`
        : `<p>${escapeHtml(l)}</p>`,
    )
    .join("")}</body></html>`;
  return { subject, text: lines.join("\n\n"), html };
}
