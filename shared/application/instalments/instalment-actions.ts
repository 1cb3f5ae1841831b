/**
 * What an agreed instalment plan does on its own (issue 15), carried out by the case's orchestration like a ladder step
 * (execute-step.ts routes the planner's `instalment-reminder` / `instalment-missed` actions here):
 *
 * - REMINDER, `instalmentReminderDaysBefore` days before each instalment (policy; planned at `sendAt`, in contact
 *   hours): an SMS with the debtor's explicit SMS consent and a phone, else an e-mail with e-mail consent and an
 *   address, else nothing (said on the timeline). It names the creditor, the instalment's amount (what is left of it)
 *   and date, and carries a pay link whose page has the instalment chosen (`?option=instalment`). Not planned once the
 *   instalment is covered, so a paid one gets none.
 * - MISSED, when an instalment is still not covered `instalmentGraceDays` days after its due date: the plan ends
 *   (`instalment-missed`), `case.instalment_missed` is published, the debtor is told (same channels, pay link for the
 *   whole claim), and the planner then resumes the ladder where it stood: steps already carried out are never carried
 *   out or charged again, the next one goes when its day has come (at once when that has passed, one letter for all
 *   the days passed: the planner's catch-up).
 *
 * ONCE PER INSTALMENT across retries, replays and restarts: the action's key (`instalment:{dueDate}:reminder|missed`)
 * goes into the record's `sentKeys` as `executed:{key}` in the same write that applies the event; the SMS is sent with
 * the idempotency key `{caseId}:{key}` (the SmsSender port sends at most once per key) and the e-mail with a message id
 * derived from it, so a retry after a crash between sending and recording sends nothing twice. The debtor's message is
 * on the timeline with its channel and state; an SMS's delivery report (its tag names the case and the delivery) adds
 * "SMS delivered" there. No personal data in logs or events: ids, dates and amounts only.
 */
import type { LocalDate } from "../../domain/calendar";
import { applyEvent, type CaseEvent } from "../../domain/case";
import { formatMoney, type Money } from "../../domain/money";
import type { PlannedAction } from "../../domain/planner";
import type { InstalmentActionKind, LadderPolicy } from "../../domain/policy";
import type { RuleSet } from "../../domain/rules";
import type { CaseRecord, TimelineEntry } from "../../ports/case-store";
import type { CaseEventMessage } from "../../ports/event-publisher";
import type { Tenant } from "../../ports/tenant-store";
import { caseEvent, languageIn } from "../case-context";
import { TransientStepFailure, type Delivery, type ExecuteStepDeps } from "../execute-step";
import { messageIdFor, withDelivery } from "../letters/deliver-letter";
import {
  instalmentEmailHtml,
  instalmentEmailSubject,
  instalmentMissedText,
  instalmentReminderText,
  type InstalmentMessage,
} from "../messages/instalment-messages";
import { smsTagFor } from "../messages/sms-tag";
import { smsSenderOf } from "../messages/step-sms";
import { eventMessages, relayOutbox, withOutbox } from "../outbox";
import { issuePayLink } from "../pay-links";

/** The stable key of an instalment action on a case (see "ONCE PER INSTALMENT" above). */
export function instalmentKey(kind: InstalmentActionKind, dueDate: LocalDate): string {
  return `instalment:${dueDate}:${kind === "instalment-reminder" ? "reminder" : "missed"}`;
}

/** The pay page with the instalment option chosen (the page falls back to its first option when it is not offered). */
export function instalmentPayLink(url: string): string {
  return `${url}?option=instalment`;
}

interface Sent {
  delivery: Delivery;
  /** The SMS accepted by the gateway, tracked on the case until its delivery report. */
  sms?: { deliveryId: string; messageId: string };
}

async function tellDebtor(
  deps: ExecuteStepDeps,
  record: CaseRecord,
  tenant: Tenant,
  policy: LadderPolicy,
  kind: InstalmentActionKind,
  key: string,
  message: InstalmentMessage,
): Promise<Sent> {
  const customer = record.customer;
  const text = kind === "instalment-reminder" ? instalmentReminderText(message) : instalmentMissedText(message);
  if (customer.phone && customer.consent?.sms === true) {
    const deliveryId = `${key}:sms`;
    const sent = await deps.sms.send({
      to: customer.phone,
      from: smsSenderOf(tenant, policy),
      text,
      idempotencyKey: `${record.caseId}:${key}`,
      tag: smsTagFor(record.caseId, deliveryId),
      deliveryReport: true,
    });
    if (!sent.ok && sent.retryable)
      throw new TransientStepFailure(`The instalment SMS could not be sent yet: ${sent.reason}`);
    if (!sent.ok) return { delivery: { channel: "sms", status: "failed", reason: sent.reason } };
    return { delivery: { channel: "sms", status: "sent" }, sms: { deliveryId, messageId: sent.messageId } };
  }
  const email = deps.channels?.email;
  if (customer.email && customer.consent?.email === true && email) {
    const contact = tenant.contact?.email ?? tenant.letterhead?.contact.email;
    const sent = await email.send({
      messageId: messageIdFor(record.caseId, `${key}:email`),
      to: { address: customer.email },
      ...(contact ? { replyTo: { address: contact, displayName: tenant.name } } : {}),
      subject: `${tenant.name}: ${instalmentEmailSubject(kind, message)}`,
      text,
      html: instalmentEmailHtml(text, message.payLink),
      attachments: [],
    });
    if (!sent.ok && sent.retryable)
      throw new TransientStepFailure(`The instalment e-mail could not be sent yet: ${sent.reason}`);
    if (!sent.ok) return { delivery: { channel: "email", status: "failed", reason: sent.reason } };
    return { delivery: { channel: "email", status: "sent" } };
  }
  const why = !customer.phone && !customer.email ? "no phone number or e-mail address" : "no consent to SMS or e-mail";
  return { delivery: { channel: "none", status: "skipped", reason: `the debtor was not told: ${why}` } };
}

const CHANNEL_WORDS: Record<Delivery["channel"], string> = {
  sms: "by SMS",
  "sms-alert": "by SMS",
  email: "by e-mail",
  "digital-mailbox": "to the digital mailbox",
  print: "by post",
  "partner-system": "to the partner system",
  none: "",
};

function told(delivery: Delivery): string {
  if (delivery.status === "skipped") return delivery.reason ?? "the debtor was not told";
  if (delivery.status === "failed")
    return `the message ${CHANNEL_WORDS[delivery.channel]} failed (${delivery.reason ?? "refused"})`;
  return `the debtor was told ${CHANNEL_WORDS[delivery.channel]}`;
}

function titleOf(kind: InstalmentActionKind, left: Money, dueDate: LocalDate, delivery: Delivery): string {
  const amount = formatMoney(left, "en");
  if (kind === "instalment-reminder") {
    return delivery.status === "sent"
      ? `Instalment reminder sent ${CHANNEL_WORDS[delivery.channel]}: ${amount} due ${dueDate}, with a pay link for the instalment`
      : `Instalment reminder for ${amount} due ${dueDate} not sent: ${told(delivery)}`;
  }
  return `Instalment plan ended: the instalment due ${dueDate} was not paid (${amount} left); the ladder resumes where it stood; ${told(delivery)}`;
}

/** The events of a recorded instalment action, rebuilt from its timeline entry (a retry publishes the same ones). */
export function instalmentEventsOf(record: CaseRecord, key: string): CaseEventMessage[] {
  const entry = record.timeline.find((t) => t.details?.["key"] === key);
  if (!entry || entry.details?.["action"] !== "instalment-missed") return [];
  const d = entry.details;
  return [
    caseEvent("case.instalment_missed", record, key, new Date(entry.at), {
      dueDate: d["dueDate"],
      amountLeft: d["left"],
      on: d["on"],
      delivery: d["delivery"],
      title: entry.title,
      legalBasis: entry.legalBasis ?? null,
    }),
  ];
}

/** Carries out the instalment action (already re-planned and due) and records it; returns the written record. */
export async function executeInstalmentAction(
  deps: ExecuteStepDeps,
  record: CaseRecord,
  tenant: Tenant,
  policy: LadderPolicy,
  action: PlannedAction & { kind: InstalmentActionKind },
  rules: RuleSet,
  key: string,
  now: Date,
): Promise<{ record: CaseRecord; delivery: Delivery }> {
  const instalment = action.instalment!;
  const link = await issuePayLink(deps, deps.config, { tenantId: record.tenantId, caseIds: [record.caseId] }, now);
  const message: InstalmentMessage = {
    creditorName: tenant.name,
    invoiceNumber: record.invoiceNumber,
    amount: instalment.left,
    dueDate: instalment.dueDate,
    payLink: action.kind === "instalment-reminder" ? instalmentPayLink(link.url) : link.url,
    language: languageIn(record.case.country),
  };
  const sent = await tellDebtor(deps, record, tenant, policy, action.kind, key, message);

  const written = await deps.cases.update(
    record.tenantId,
    record.caseId,
    (current) => {
      if (current.sentKeys.includes(`executed:${key}`)) return current;
      const event: CaseEvent =
        action.kind === "instalment-reminder"
          ? { type: "instalment-reminded", on: action.on, dueDate: instalment.dueDate }
          : { type: "instalment-missed", on: action.on, dueDate: instalment.dueDate };
      const c = applyEvent(current.case, event, rules, { allocationOrder: policy.allocationOrder });
      const entry: TimelineEntry = {
        at: now.toISOString(),
        kind: action.kind === "instalment-reminder" ? (sent.delivery.channel === "sms" ? "sms" : "message") : "note",
        title: titleOf(action.kind, instalment.left, instalment.dueDate, sent.delivery),
        legalBasis: action.legalBasis,
        details: {
          key,
          action: action.kind,
          on: action.on,
          dueDate: instalment.dueDate,
          amount: instalment.amount,
          left: instalment.left,
          delivery: sent.delivery,
        },
      };
      let next: CaseRecord = {
        ...current,
        case: c,
        timeline: [...current.timeline, entry],
        sentKeys: [...new Set([...current.sentKeys, `executed:${key}`])],
        updatedAt: now.toISOString(),
      };
      if (sent.sms) {
        // Tracked until its delivery report (stepIndex 0: an instalment message belongs to no ladder step; its kind
        // matches no step, so nothing of the ladder's letters reads it).
        next = withDelivery(next, {
          deliveryId: sent.sms.deliveryId,
          stepIndex: 0,
          kind: action.kind,
          documentId: null,
          channel: "sms",
          messageId: sent.sms.messageId,
          attempt: 1,
          state: "dispatched",
          queuedAt: now.toISOString(),
          dispatchedAt: now.toISOString(),
        });
      }
      return withOutbox(next, eventMessages(instalmentEventsOf(next, key)), now);
    },
    record,
  );
  return { record: await relayOutbox(deps, written), delivery: sent.delivery };
}
