/**
 * Getting a letter to the debtor: which channel, sending through it, and what its delivery report means for the case.
 *
 * CHANNEL CHOICE. The ladder step's channels, in the creditor's order (default: digital mailbox → eFaktura → e-mail →
 * letter), each taken only when the debtor has it and has agreed to it:
 * - `digital-mailbox`: a national identity number and a mailbox at the provider (asked at send time);
 * - `email`: an e-mail address AND explicit consent to e-mail (`consent.email === true`);
 * - `letter` (print): a postal address;
 * - `efaktura` / `ehf`: no agreement is wired yet, so never available (passed over with that reason).
 * A channel that already failed for this letter is not tried again.
 *
 * STATES (ports/case-store.ts `LetterDelivery`): queued → dispatched → delivered | failed. The step is recorded on the
 * case `pending` with its fee waiting; only `delivered` (e-mail accepted by the debtor's mail server, in the digital
 * mailbox, letter posted by the print house) sends the domain event `letter-sent`, which charges the fee — if the
 * rules still allow it that day — and makes the deadline run from that day. A failure moves on to the next channel
 * (a bounced e-mail goes by post); when none is left the letter is `undelivered`: no fee, the ladder waits, a
 * `letter.failed` webhook tells the creditor, and new contact data (PATCH customer) sends it again.
 *
 * IDEMPOTENT. Message ids are derived from the case and the delivery id, so a retried send is the same message to
 * the channel (ACS operation id, Digipost message id, print letter id); the delivery index is written before the
 * send, so a report can never outrun it; states only move forward (a late "dispatched" never undoes "delivered").
 *
 * No personal data in what this records: channel, state, the channel's status word.
 */
import { createHash } from "node:crypto";
import { issuePayLink } from "../pay-links";
import { smsDeliveryOfTag } from "../messages/sms-tag";
import { messageDeliveredEvent } from "../kpis/message-events";
import { caseEvent, languageIn, todayIn } from "../case-context";
import {
  addBusinessDays,
  addDays,
  atLocalTime,
  businessDayOnOrAfter,
  compareLocalDates,
  isBusinessDay,
  timeZoneOf,
  toLocalDate,
  type CountryCode,
  type LocalDate,
} from "../../domain/calendar";
import { applyEvent, balanceOn, type CaseEvent, type ExecutedStep } from "../../domain/case";
import { DomainError } from "../../domain/errors";
import { actionForResend, letterForStep } from "./letter-for-step";
import type { Money } from "../../domain/money";
import { ladderOf } from "../case-context";
import type { Channel, LadderPolicy } from "../../domain/policy";
import { LETTER_CONTENT_TYPE, letterTitle, renderLetter, type LetterKind } from "../../letters";
import { letterEmail } from "../../letters/letter-email";
import type {
  CaseRecord,
  CaseStore,
  DocumentRef,
  LetterDelivery,
  OutboxMessage,
  TimelineEntry,
} from "../../ports/case-store";
import { eventMessages, relayOutbox, withOutbox } from "../outbox";
import type { CaseWorkflow } from "../../ports/case-workflow";
import type { Clock } from "../../ports/clock";
import type { DeliveryIndex } from "../../ports/delivery-index";
import type { DeliveryReport, DeliveryReportResult, DeliveryReportSink } from "../../ports/delivery-report";
import type { DigitalMailbox } from "../../ports/digital-mailbox";
import type { EmailSender } from "../../ports/email-sender";
import type { CaseEventMessage, EventPublisher } from "../../ports/event-publisher";
import type { LetterArchive } from "../../ports/letter-archive";
import type { PayLinkStore } from "../../ports/pay-link-store";
import type { PrintHouse } from "../../ports/print-house";
import type { Random } from "../../ports/random";
import type { Tenant, TenantStore } from "../../ports/tenant-store";
import type { RuleSet } from "../../domain/rules";
import type { Letterhead } from "../../letters";

export type WrittenChannel = "email" | "digital-mailbox" | "print";

export interface LetterChannels {
  email?: EmailSender;
  mailbox?: DigitalMailbox;
  printHouse?: PrintHouse;
}

export interface DeliverLetterDeps {
  cases: CaseStore;
  tenants: TenantStore;
  letters: LetterArchive;
  deliveryIndex: DeliveryIndex;
  channels: LetterChannels;
  payLinks: PayLinkStore;
  random: Random;
  events: EventPublisher;
  clock: Clock;
  /** Wakes the case's orchestration when a letter arrived or failed. */
  workflow?: Pick<CaseWorkflow, "caseChanged">;
  config: { publicBaseUrl: string; payLinkValidityDays?: number; letterhead?: Letterhead; minSidePinSecret?: string };
  /** The rule set the case runs under on a day (fees are checked again when a letter arrives). */
  rulesFor: (record: CaseRecord, now: Date) => Promise<RuleSet>;
}

/**
 * How long a report for an SMS indexed but not yet on its case is retried: the step is recorded a moment after the
 * gateway accepted the SMS; a step that never got recorded (the case was paid meanwhile) is not waited for longer.
 */
const SMS_STEP_GRACE_MS = 60 * 60_000;

/** A failure worth retrying later (the channel may accept the same message then). */
export class TransientDeliveryFailure extends Error {
  readonly code = "TRANSIENT_DELIVERY_FAILURE";
}

const POLICY_CHANNEL: Partial<Record<Channel, WrittenChannel>> = {
  email: "email",
  "digital-mailbox": "digital-mailbox",
  letter: "print",
};

/** How the timeline and the domain name a written channel. */
export const DOMAIN_CHANNEL: Record<WrittenChannel, Channel> = {
  email: "email",
  "digital-mailbox": "digital-mailbox",
  print: "letter",
};

export const CHANNEL_WORDS: Record<WrittenChannel, string> = {
  email: "by e-mail",
  "digital-mailbox": "to the digital mailbox",
  print: "by post",
};

export interface ChannelChoice {
  /** The written channels to try, best first. */
  usable: WrittenChannel[];
  /** Why each other channel of the step was passed over (no personal data). */
  passedOver: string[];
}

/** The step's channels the debtor can be reached through, in the creditor's order (see the file comment). */
/** What a channel answers when the address itself is wrong (not a passing fault): the address is not tried again. */
const ADDRESS_REFUSED: Record<"email" | "print", ReadonlySet<string>> = {
  email: new Set(["Bounced", "Suppressed"]),
  print: new Set(["Returned"]),
};

/**
 * True when a message to the debtor's current address came back as undeliverable there (a bounce, a returned
 * letter) and the creditor has not changed that address since (a `customer` timeline entry naming `field`).
 */
function cameBack(record: CaseRecord, channel: "email" | "print", field: "email" | "address"): boolean {
  // When the refused message was sent to the address (queued), not when the channel reported: a late bounce for the
  // old address must not mark a corrected one.
  const refused = Math.max(
    ...(record.deliveries ?? [])
      .filter((d) => d.channel === channel && d.state === "failed" && ADDRESS_REFUSED[channel].has(d.status ?? ""))
      .map((d) => Date.parse(d.queuedAt)),
  );
  if (!Number.isFinite(refused)) return false;
  const changed = Math.max(
    ...record.timeline
      .filter((t) => t.kind === "customer" && ((t.details?.["fields"] as string[] | undefined) ?? []).includes(field))
      .map((t) => Date.parse(t.at)),
  );
  return !Number.isFinite(changed) || changed < refused;
}

export async function chooseChannels(
  stepChannels: readonly Channel[],
  record: CaseRecord,
  channels: LetterChannels,
  exclude: readonly WrittenChannel[] = [],
): Promise<ChannelChoice> {
  const usable: WrittenChannel[] = [];
  const passedOver: string[] = [];
  const customer = record.customer;
  for (const channel of stepChannels) {
    const written = POLICY_CHANNEL[channel];
    if (channel === "efaktura" || channel === "ehf") {
      passedOver.push(`${channel}: no agreement configured`);
      continue;
    }
    if (!written || usable.includes(written)) continue;
    if (exclude.includes(written)) {
      passedOver.push(`${written}: already failed for this letter`);
      continue;
    }
    switch (written) {
      case "digital-mailbox":
        if (!channels.mailbox) passedOver.push("digital-mailbox: not configured");
        else if (record.case.country !== "NO" || !customer.nationalId)
          passedOver.push("digital-mailbox: no national identity number");
        else if (!(await channels.mailbox.hasMailbox({ nationalId: customer.nationalId })))
          passedOver.push("digital-mailbox: the debtor has no digital mailbox");
        else usable.push(written);
        break;
      case "email":
        if (!channels.email) passedOver.push("email: not configured");
        else if (!customer.email) passedOver.push("email: no e-mail address");
        else if (customer.consent?.email !== true) passedOver.push("email: no consent to e-mail");
        else if (cameBack(record, "email", "email"))
          passedOver.push("email: an earlier e-mail to this address bounced");
        else usable.push(written);
        break;
      case "print":
        if (!channels.printHouse) passedOver.push("letter: no print house configured");
        else if (!customer.address) passedOver.push("letter: no postal address");
        else if (cameBack(record, "print", "address"))
          passedOver.push("letter: an earlier letter to this address came back");
        else usable.push(written);
        break;
    }
  }
  return { usable, passedOver };
}

/**
 * Local time after which a letter misses the day's print batch. The print house contract (docs/print-house.md):
 * batches close on business days (`PRINT_BATCH_SCHEDULE`, 13:00 Oslo by default), postage A is posted on the first
 * business day after the batch, B on the second.
 */
export const PRINT_BATCH_CUTOFF = "13:00";

/**
 * The day a letter handed to `channel` now is expected to reach the debtor: today for e-mail and the digital mailbox;
 * for post the day the print house posts it, counted as for postage B (the later one) so that a deadline printed
 * from it is never shorter than the law's days from the day the letter really went out.
 */
export function expectedArrival(channel: WrittenChannel, now: Date, country: CountryCode): LocalDate {
  const today = toLocalDate(now, timeZoneOf(country));
  if (channel !== "print") return today;
  const beforeCutoff = now.getTime() < atLocalTime(today, PRINT_BATCH_CUTOFF, timeZoneOf(country)).getTime();
  const batchDay =
    isBusinessDay(today, country) && beforeCutoff ? today : businessDayOnOrAfter(addDays(today, 1), country);
  return addBusinessDays(batchDay, 2, country);
}

/**
 * A letter's date and the deadline printed on it, for the channels it may go through: dated the day it is expected to
 * reach the debtor through the first; its deadline `deadlineDays` from the latest of them (a bounced e-mail goes by
 * post), never before `planned` — so the days printed are never fewer than the law's from the day it really arrives.
 */
export function letterDates(
  usable: readonly WrittenChannel[],
  now: Date,
  country: CountryCode,
  on: LocalDate,
  deadlineDays: number | undefined,
  planned?: LocalDate,
): { sentDate: LocalDate; deadline?: LocalDate } {
  const arrivals = usable.map((ch) => expectedArrival(ch, now, country));
  const sentDate = arrivals[0] ?? on;
  if (deadlineDays === undefined) return { sentDate };
  const latest = arrivals.reduce((a, b) => (compareLocalDates(a, b) >= 0 ? a : b), on);
  const fromLatest = addDays(latest, deadlineDays);
  return {
    sentDate,
    deadline: planned !== undefined && compareLocalDates(planned, fromLatest) >= 0 ? planned : fromLatest,
  };
}

/** A message id the channel accepts (a UUID), derived from what identifies the delivery — the same on every retry. */
export function messageIdFor(caseId: string, deliveryId: string): string {
  const h = createHash("sha256").update(`${caseId}|${deliveryId}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}

export function newDelivery(
  record: CaseRecord,
  letter: { stepKey: string; stepIndex: number; kind: string; documentId: string },
  channel: WrittenChannel,
  attempt: number,
  now: Date,
): LetterDelivery {
  const deliveryId = `${letter.stepKey}#${attempt}`;
  return {
    deliveryId,
    stepIndex: letter.stepIndex,
    kind: letter.kind,
    documentId: letter.documentId,
    channel,
    messageId:
      channel === "print" ? `${record.caseId}-${letter.stepIndex}-${attempt}` : messageIdFor(record.caseId, deliveryId),
    attempt,
    state: "queued",
    queuedAt: now.toISOString(),
  };
}

const ORDER: Record<LetterDelivery["state"], number> = { queued: 0, dispatched: 1, delivered: 2, failed: 2 };

/** The record with one delivery changed — only forward (queued → dispatched → delivered | failed). */
export function withDelivery(record: CaseRecord, next: LetterDelivery): CaseRecord {
  const deliveries = record.deliveries ?? [];
  const current = deliveries.find((d) => d.deliveryId === next.deliveryId);
  if (current && ORDER[next.state] <= ORDER[current.state]) return record;
  return {
    ...record,
    deliveries: current
      ? deliveries.map((d) => (d.deliveryId === next.deliveryId ? { ...current, ...next } : d))
      : [...deliveries, next],
  };
}

function entry(now: Date, title: string, details: Record<string, unknown>): TimelineEntry {
  return { at: now.toISOString(), kind: "message", title, details };
}

// ---------------------------------------------------------------------------------------------------------------
// Sending one attempt

type SendResult =
  { kind: "dispatched" } | { kind: "delivered"; status: string } | { kind: "failed"; status: string; reason: string };

async function sendThrough(
  deps: DeliverLetterDeps,
  record: CaseRecord,
  tenant: Tenant,
  delivery: LetterDelivery,
  pdf: Buffer,
  payLink: string,
): Promise<SendResult> {
  const customer = record.customer;
  const kind = delivery.kind as LetterKind;
  const language = languageIn(record.case.country);
  const letterhead = tenant.letterhead ?? deps.config.letterhead;
  const step = record.case.steps.find((s) => s.stepIndex === delivery.stepIndex && s.kind === kind);
  const total = await totalDue(deps, record);
  const deadline = step?.deadline ?? todayIn(record.case.country, deps.clock.now());
  const fileName = `${letterTitle(kind, language)} ${record.invoiceNumber}.pdf`.replace(/[^\p{L}\p{N} ._-]/gu, "_");

  switch (delivery.channel) {
    case "email": {
      const mail = letterEmail({
        kind,
        language,
        creditorName: tenant.name,
        invoiceNumber: record.invoiceNumber,
        amount: total,
        deadline,
        payLink,
        kid: record.kid,
        account: letterhead?.accountNumber ?? "",
        ...(letterhead?.contact ? { contact: letterhead.contact } : {}),
      });
      const sent = await deps.channels.email!.send({
        messageId: delivery.messageId,
        to: { address: customer.email!, displayName: customer.name },
        ...(letterhead?.contact.email
          ? { replyTo: { address: letterhead.contact.email, displayName: tenant.name } }
          : {}),
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        attachments: [{ name: fileName, contentType: "application/pdf", content: pdf }],
      });
      if (sent.ok) return { kind: "dispatched" };
      if (sent.retryable) throw new TransientDeliveryFailure(`The e-mail could not be handed over yet: ${sent.reason}`);
      return { kind: "failed", status: "Refused", reason: sent.reason };
    }
    case "digital-mailbox": {
      const collection = kind === "collection-notice" || kind === "payment-demand";
      const title = `${letterTitle(kind, language)} fra ${tenant.name} – faktura ${record.invoiceNumber}`;
      const sent = await deps.channels.mailbox!.send({
        messageId: delivery.messageId,
        recipient: { nationalId: customer.nationalId! },
        subject: collection ? `[INKASSO] ${title}` : title,
        pdf,
        ...(letterhead && kind !== "suspension-notice"
          ? { invoice: { kid: record.kid, amount: total.value, account: letterhead.accountNumber, dueDate: deadline } }
          : {}),
      });
      if (sent.ok) return { kind: "delivered", status: sent.status === "delivered" ? "Delivered" : "DeliveredToPrint" };
      if (sent.retryable) throw new TransientDeliveryFailure(`The digital mailbox did not answer yet: ${sent.reason}`);
      return { kind: "failed", status: sent.noMailbox ? "NoMailbox" : "Refused", reason: sent.reason };
    }
    case "print": {
      await deps.channels.printHouse!.submit({
        letterId: delivery.messageId,
        tenantId: record.tenantId,
        pdf,
        recipient: { name: customer.name, address: customer.address! },
        postage: kind === "reminder" ? "B" : "A",
      });
      return { kind: "dispatched" };
    }
    default:
      return { kind: "failed", status: "Unsupported", reason: `no sender for ${delivery.channel}` };
  }
}

/** What the e-mail and the mailbox invoice ask for: today's balance plus the fee the letter carries once it arrives. */
async function totalDue(deps: DeliverLetterDeps, record: CaseRecord): Promise<Money> {
  const now = deps.clock.now();
  const balance = balanceOn(record.case, todayIn(record.case.country, now), await deps.rulesFor(record, now));
  const pending = record.case.steps.reduce((sum, s) => sum + (s.pendingFee?.value ?? 0), 0);
  return { value: balance.total.value + pending, currency: balance.total.currency };
}

// ---------------------------------------------------------------------------------------------------------------
// Delivering: first attempt (from the step) and the next ones (after a failure)

/**
 * Outbox entries of the case that a relay carried out and left for the case's next write to remove
 * (`relayOutboxBeforeNextWrite`): the first write takes them (`entryIds` is emptied); what is left when nothing
 * was written the caller removes.
 */
export interface RelayedEntries {
  entryIds: string[];
}

export interface LetterToDeliver {
  stepKey: string;
  stepIndex: number;
  kind: LetterKind;
  documentId: string;
  pdf: Buffer;
  payLink: string;
}

/**
 * Tries `letter` through `channels` in order until one takes it (dispatched, or delivered at once). Each attempt is a
 * delivery on the case, indexed before it is sent. Returns the updated record; when every channel failed the letter
 * is marked undelivered on the case.
 */
export async function deliverThrough(
  deps: DeliverLetterDeps,
  record: CaseRecord,
  tenant: Tenant,
  letter: LetterToDeliver,
  channels: readonly WrittenChannel[],
  relayed?: RelayedEntries,
): Promise<CaseRecord> {
  /** The relayed entries for the first write of the case here; none after (taken once). */
  const take = (): string[] => (relayed === undefined ? [] : relayed.entryIds.splice(0));
  let current = record;
  for (const channel of channels) {
    const previous = (current.deliveries ?? []).filter(
      (d) => d.stepIndex === letter.stepIndex && d.kind === letter.kind,
    );
    const existing = previous.find((d) => d.channel === channel && d.state !== "failed");
    const attempt = existing?.attempt ?? previous.reduce((n, d) => Math.max(n, d.attempt), 0) + 1;
    const delivery = existing ?? newDelivery(current, letter, channel, attempt, deps.clock.now());
    if (existing && existing.state !== "queued") return current;
    // On the case first, then in the index, then sent: a report can only come for a delivery the case knows.
    if (!existing)
      current = await deps.cases.update(
        current.tenantId,
        current.caseId,
        (r) => withDelivery(r, delivery),
        current,
        take(),
      );
    await deps.deliveryIndex.put(delivery.messageId, {
      tenantId: current.tenantId,
      caseId: current.caseId,
      deliveryId: delivery.deliveryId,
    });
    const result = await sendThrough(deps, current, tenant, delivery, letter.pdf, letter.payLink);
    const now = deps.clock.now();
    if (result.kind === "dispatched") {
      current = await deps.cases.update(
        current.tenantId,
        current.caseId,
        (r) =>
          appendOnce(
            withDelivery(r, { ...delivery, state: "dispatched", dispatchedAt: now.toISOString() }),
            entry(now, `${letterTitle(letter.kind, "en")} handed over ${CHANNEL_WORDS[channel]}`, {
              deliveryId: delivery.deliveryId,
              channel,
              state: "dispatched",
            }),
          ),
        current,
        take(),
      );
      return current;
    }
    const report: DeliveryReport = {
      channel,
      messageId: delivery.messageId,
      outcome: result.kind === "delivered" ? "delivered" : "failed",
      status: result.status,
      at: now.toISOString(),
      ...(result.kind === "failed" ? { detail: result.reason } : {}),
    };
    const applied = await applyReport(deps, current, delivery.deliveryId, report);
    current = applied.record;
    if (result.kind === "delivered") return current;
  }
  return current;
}

/**
 * Delivers a letter whose step is recorded pending: through `channels` in order; when none takes it, the letter is
 * undelivered on the case (no fee) with the reasons.
 */
export async function deliverLetter(
  deps: DeliverLetterDeps,
  record: CaseRecord,
  tenant: Tenant,
  letter: LetterToDeliver,
  choice: ChannelChoice,
  /** Outbox entries of the case already relayed: removed with the first write here (see `RelayedEntries`). */
  relayed?: RelayedEntries,
): Promise<CaseRecord> {
  const after = await deliverThrough(deps, record, tenant, letter, choice.usable, relayed);
  const attempts = (after.deliveries ?? []).filter((d) => d.stepIndex === letter.stepIndex && d.kind === letter.kind);
  if (attempts.some((d) => d.state !== "failed")) return after;
  const failures = attempts.map((d) => `${d.channel}: ${d.status ?? "failed"}`);
  return markUndelivered(deps, after, letter.stepIndex, letter.kind, [...failures, ...choice.passedOver]);
}

function appendOnce(record: CaseRecord, e: TimelineEntry): CaseRecord {
  const id = e.details?.["deliveryId"];
  const state = e.details?.["state"];
  if (record.timeline.some((t) => t.details?.["deliveryId"] === id && t.details?.["state"] === state)) return record;
  return { ...record, timeline: [...record.timeline, e] };
}

/**
 * Applies one report to the delivery `deliveryId` of the case: records its state, and for a delivered letter the
 * domain's `letter-sent` (fee, deadline); for a failed one nothing more here — `continueAfterFailure` tries the next
 * channel. Publishes `letter.delivered` / `letter.failed`.
 */
async function applyReport(
  deps: DeliverLetterDeps,
  record: CaseRecord,
  deliveryId: string,
  report: DeliveryReport,
  /** A channel's own report (not the answer of a send in progress): the orchestration is told when the step is settled. */
  fromChannel = false,
): Promise<{ record: CaseRecord; result: DeliveryReportResult }> {
  const now = deps.clock.now();
  const rules = await deps.rulesFor(record, now);
  let result = "duplicate" as DeliveryReportResult;
  const written = await deps.cases.update(
    record.tenantId,
    record.caseId,
    (current) => {
      const delivery = (current.deliveries ?? []).find((d) => d.deliveryId === deliveryId);
      if (!delivery || delivery.state === "delivered" || delivery.state === "failed") {
        result = delivery ? "duplicate" : "unknown-message";
        return current;
      }
      result = "applied";
      const at = report.at;
      const next: LetterDelivery =
        report.outcome === "delivered"
          ? // A channel that delivers at once (the digital mailbox) took it in the same moment it was handed over.
            {
              ...delivery,
              state: "delivered",
              dispatchedAt: delivery.dispatchedAt ?? at,
              deliveredAt: at,
              status: report.status,
            }
          : {
              ...delivery,
              state: "failed",
              failedAt: at,
              status: report.status,
              ...(report.detail ? { reason: report.detail.slice(0, 200) } : {}),
            };
      let r = withDelivery(current, next);
      const isSms = delivery.channel === "sms";
      const what = isSms ? "SMS" : letterTitle(delivery.kind as LetterKind, "en");
      const how = isSms ? "" : ` ${CHANNEL_WORDS[delivery.channel as WrittenChannel]}`;
      r = {
        ...r,
        timeline: [
          ...r.timeline,
          entry(
            now,
            report.outcome === "delivered"
              ? `${what} delivered${how} (${report.status})`
              : `${what} not delivered${how} (${report.status})`,
            { deliveryId, channel: delivery.channel, state: next.state, status: report.status },
          ),
        ],
      };
      if (!isSms && report.outcome === "delivered") {
        const step = r.case.steps.find((s) => s.stepIndex === delivery.stepIndex && s.kind === delivery.kind);
        if (step && step.delivery !== "sent" && step.delivery !== undefined) {
          const event: CaseEvent = {
            type: "letter-sent",
            stepIndex: step.stepIndex,
            kind: step.kind,
            on: todayIn(r.case.country, new Date(at)),
            at,
            channel: DOMAIN_CHANNEL[delivery.channel as WrittenChannel],
          };
          const c = applyEvent(r.case, event, rules);
          const sent = c.steps.find((s) => s.stepIndex === step.stepIndex && s.kind === step.kind)!;
          r = {
            ...r,
            case: c,
            timeline: [
              ...r.timeline,
              {
                at: now.toISOString(),
                kind: "step-executed",
                title: `${letterTitle(step.kind as LetterKind, "en")} sent on ${sent.on}${sent.fee ? ` — fee of ${(sent.fee.value / 100).toFixed(2)} ${sent.fee.currency} charged` : ""}; deadline ${sent.deadline ?? "none"}`,
                step: step.kind,
                details: {
                  deliveryId,
                  channel: delivery.channel,
                  state: "sent",
                  on: sent.on,
                  deadline: sent.deadline,
                  fee: sent.fee,
                },
              },
            ],
          };
        }
      }
      r = { ...r, updatedAt: now.toISOString() };
      // `message.delivered` (the KPI funnel, any channel) in the same write as the report.
      const delivered = next.state === "delivered" ? [messageDeliveredEvent(r, next, now)] : [];
      if (isSms) return withOutbox(r, eventMessages(delivered), now);
      // `letter.delivered` / `letter.failed`, and the orchestration told once the step no longer waits for delivery,
      // in the same write (the outbox).
      const messages: OutboxMessage[] = eventMessages([letterEvent(r, next, now), ...delivered]);
      const step = r.case.steps.find((s) => s.stepIndex === delivery.stepIndex && s.kind === delivery.kind);
      if (fromChannel && step?.delivery !== "pending")
        messages.push({ kind: "case-changed", reason: "letter delivery reported" });
      return withOutbox(r, messages, now);
    },
    record,
  );
  return { record: await relayOutbox(deps, written), result };
}

function letterEvent(record: CaseRecord, d: LetterDelivery, now: Date): CaseEventMessage {
  const step = record.case.steps.find((s) => s.stepIndex === d.stepIndex && s.kind === d.kind);
  return caseEvent(d.state === "delivered" ? "letter.delivered" : "letter.failed", record, d.deliveryId, now, {
    letter: d.kind,
    stepIndex: d.stepIndex,
    documentId: d.documentId,
    channel: d.channel,
    status: d.status ?? null,
    attempt: d.attempt,
    ...(d.state === "delivered"
      ? { sentOn: step?.on ?? null, deadline: step?.deadline ?? null, fee: step?.fee ?? null }
      : {}),
  });
}

/** After a failed attempt: the next usable channel, or the letter is undelivered (no fee; the ladder waits). */
async function continueAfterFailure(
  deps: DeliverLetterDeps,
  record: CaseRecord,
  failed: LetterDelivery,
): Promise<CaseRecord> {
  const tenant = await deps.tenants.get(record.tenantId);
  if (!tenant) return record;
  const kind = failed.kind as LetterKind;
  const step = record.case.steps.find((s) => s.stepIndex === failed.stepIndex && s.kind === kind);
  if (!step || step.delivery !== "pending") return record;
  const attempts = (record.deliveries ?? []).filter((d) => d.stepIndex === failed.stepIndex && d.kind === kind);
  if (attempts.some((d) => d.state === "queued" || d.state === "dispatched" || d.state === "delivered")) return record;
  const policy = ladderOf(tenant, record.case.country);
  const exclude = attempts.filter((d) => d.state === "failed").map((d) => d.channel as WrittenChannel);
  const choice = await chooseChannels(stepChannels(policy, failed.stepIndex), record, deps.channels, exclude);
  if (choice.usable.length > 0) {
    // Written again for now and the channels left: the first version's date and deadline assumed it would arrive
    // through the channel that failed (a bounce may come after the day's print batch, or days later).
    const now = deps.clock.now();
    const rules = await deps.rulesFor(record, now);
    const link = await issuePayLink(deps, deps.config, { tenantId: record.tenantId, caseIds: [record.caseId] }, now);
    const today = todayIn(record.case.country, now);
    const letter = await writeAgain(deps, record, tenant, step, choice.usable, link.url, rules, now, today);
    if (letter) {
      record = await deps.cases.update(
        record.tenantId,
        record.caseId,
        (current) => withNewVersion(current, step, letter, today, now, rules),
        record,
      );
      const after = await deliverThrough(
        deps,
        record,
        tenant,
        {
          stepKey: failed.deliveryId.replace(/#\d+$/u, ""),
          stepIndex: failed.stepIndex,
          kind,
          documentId: letter.document.documentId,
          pdf: letter.content,
          payLink: link.url,
        },
        choice.usable,
      );
      const live = (after.deliveries ?? []).some(
        (d) => d.stepIndex === failed.stepIndex && d.kind === kind && d.state !== "failed",
      );
      if (live) return after;
      record = after;
    }
  }
  return markUndelivered(deps, record, step.stepIndex, kind, choice.passedOver, failed);
}

async function markUndelivered(
  deps: DeliverLetterDeps,
  record: CaseRecord,
  stepIndex: number,
  kind: LetterKind,
  passedOver: string[],
  /** The channel's report that made it undelivered: the creditor hears (final `letter.failed`), the ladder re-plans. */
  reported?: LetterDelivery,
): Promise<CaseRecord> {
  const now = deps.clock.now();
  const rules = await deps.rulesFor(record, now);
  const reason = `no channel reached the debtor${passedOver.length ? ` (${passedOver.join("; ")})` : ""}`;
  const written = await deps.cases.update(
    record.tenantId,
    record.caseId,
    (current) => {
      const step = current.case.steps.find((s) => s.stepIndex === stepIndex && s.kind === kind);
      if (!step || step.delivery !== "pending") return current;
      const c = applyEvent(
        current.case,
        { type: "letter-undelivered", stepIndex, kind, on: todayIn(current.case.country, now), reason },
        rules,
      );
      const next: CaseRecord = {
        ...current,
        case: c,
        timeline: [
          ...current.timeline,
          {
            at: now.toISOString(),
            kind: "step-executed",
            title: `${letterTitle(kind, "en")} could not be delivered: ${reason}; no fee. Update the customer's contact details to send it again.`,
            step: kind,
            details: { stepIndex, state: "undelivered" },
          },
        ],
        updatedAt: now.toISOString(),
      };
      if (reported === undefined) return next;
      const failedEvent = letterEvent(next, reported, now);
      const final = { ...failedEvent, id: `${failedEvent.id}:undelivered`, data: { ...failedEvent.data, final: true } };
      return withOutbox(
        next,
        [...eventMessages([final]), { kind: "case-changed", reason: "letter delivery reported" }],
        now,
      );
    },
    record,
  );
  return relayOutbox(deps, written);
}

export function stepChannels(policy: LadderPolicy, stepIndex: number): Channel[] {
  return policy.steps[stepIndex]?.channels ?? ["letter"];
}

// ---------------------------------------------------------------------------------------------------------------
// Delivery reports (the sink: ACS e-mail and SMS through Event Grid, print receipts, digital mailbox)

/** The application's DeliveryReportSink: finds the message's case, records the outcome, moves the letter on. */
export function makeRecordDeliveryReport(deps: DeliverLetterDeps): DeliveryReportSink["record"] {
  return async (report) => {
    // An SMS names its case and delivery by its tag (messages/sms-tag.ts); other messages are found in the index.
    const tagged = report.channel === "sms" ? smsDeliveryOfTag(report.tag) : undefined;
    const indexed = tagged ? undefined : await deps.deliveryIndex.get(report.messageId);
    const ref = tagged ?? indexed;
    if (!ref) return "unknown-message";
    const record = indexed
      ? await deps.cases.get(indexed.tenantId, indexed.caseId)
      : await deps.cases.getById(ref.caseId);
    if (!record) return "unknown-message";
    // A tag names the delivery; the report must be for the very message tracked there (a later one would not be).
    const tracked = (record.deliveries ?? []).find((d) => d.deliveryId === ref.deliveryId);
    if (tagged && tracked && tracked.messageId !== report.messageId) return "unknown-message";
    const applied = await applyReport(deps, record, ref.deliveryId, report, true);
    if (
      applied.result === "unknown-message" &&
      report.channel === "sms" &&
      deps.clock.now().getTime() - Date.parse(report.at) < SMS_STEP_GRACE_MS
    ) {
      // An SMS is indexed when the gateway accepted it and recorded on the case with its step a moment later: the
      // report overtook the step. Thrown, so the event is delivered again (Event Grid retries) once the step is there.
      throw new TransientDeliveryFailure("The SMS is not recorded on its case yet");
    }
    if (applied.result !== "applied") return applied.result;
    const delivery = (applied.record.deliveries ?? []).find((d) => d.deliveryId === ref.deliveryId)!;
    // A failed letter goes on through the next channel, or is undelivered (which tells the creditor and the ladder).
    if (delivery.channel !== "sms" && delivery.state === "failed")
      await continueAfterFailure(deps, applied.record, delivery);
    return "applied";
  };
}

/**
 * Sends the case's undelivered letters again (after its contact details changed), each through the channels now
 * usable. Each is WRITTEN AGAIN for the day it goes (a new version in the archive, `…-v2`): what is owed that day, the
 * date it is expected to arrive, and a deadline counted from then — the first version's dates may be weeks old. Only
 * when it cannot be written again (no letterhead, a letter model the rules refuse) does the archived version go.
 * Letters still without any channel stay undelivered.
 */
export function makeRedeliverLetters(deps: DeliverLetterDeps) {
  return async (tenantId: string, caseId: string): Promise<number> => {
    let record = await deps.cases.get(tenantId, caseId);
    if (!record) return 0;
    const tenant = await deps.tenants.get(tenantId);
    if (!tenant) return 0;
    const policy = ladderOf(tenant, record.case.country);
    let sent = 0;
    for (const step of record.case.steps.filter((s) => s.delivery === "undelivered")) {
      const choice = await chooseChannels(stepChannels(policy, step.stepIndex), record, deps.channels);
      if (choice.usable.length === 0) continue;
      const now = deps.clock.now();
      const today = todayIn(record.case.country, now);
      const rules = await deps.rulesFor(record, now);
      const link = await issuePayLink(deps, deps.config, { tenantId, caseIds: [caseId] }, now);
      const letter = await writeAgain(deps, record, tenant, step, choice.usable, link.url, rules, now, today);
      if (!letter) continue;
      record = await deps.cases.update(
        tenantId,
        caseId,
        (current) => {
          const s = current.case.steps.find((x) => x.stepIndex === step.stepIndex && x.kind === step.kind);
          return s?.delivery === "undelivered" ? withNewVersion(current, step, letter, today, now, rules) : current;
        },
        record,
      );
      record = await deliverThrough(
        deps,
        record,
        tenant,
        {
          stepKey: `step:${step.stepIndex}:${step.kind}`,
          stepIndex: step.stepIndex,
          kind: step.kind as LetterKind,
          documentId: letter.document.documentId,
          pdf: letter.content,
          payLink: link.url,
        },
        choice.usable,
      );
      sent++;
    }
    if (sent > 0) await deps.workflow?.caseChanged(caseId, "letters sent again after a contact change");
    return sent;
  };
}

/** The case with the letter of `step` sent again as a new version: `letter-retried` (its printed deadline) and the document. */
function withNewVersion(
  current: CaseRecord,
  step: ExecutedStep,
  letter: { document: DocumentRef; deadline?: LocalDate },
  today: LocalDate,
  now: Date,
  rules: RuleSet,
): CaseRecord {
  return {
    ...current,
    case: applyEvent(
      current.case,
      {
        type: "letter-retried",
        stepIndex: step.stepIndex,
        kind: step.kind,
        on: today,
        ...(letter.deadline ? { deadline: letter.deadline } : {}),
      },
      rules,
    ),
    documents: current.documents.some((d) => d.documentId === letter.document.documentId)
      ? current.documents
      : [...current.documents, letter.document],
    updatedAt: now.toISOString(),
  };
}

/** The letter of `step` written again for today and `channels` (see makeRedeliverLetters), archived as a new version. */
async function writeAgain(
  deps: DeliverLetterDeps,
  record: CaseRecord,
  tenant: Tenant,
  step: ExecutedStep,
  channels: readonly WrittenChannel[],
  payLink: string,
  rules: RuleSet,
  now: Date,
  today: LocalDate,
): Promise<{ document: DocumentRef; content: Buffer; deadline?: LocalDate } | undefined> {
  const base = `step-${step.stepIndex}-${step.kind}`;
  const versions = record.documents.filter((d) => d.documentId === base || d.documentId.startsWith(`${base}-v`));
  const letterhead = tenant.letterhead ?? deps.config.letterhead;
  const kind = step.kind as LetterKind;
  if (letterhead) {
    const dates = letterDates(channels, now, record.case.country, today, step.deadlineDays);
    try {
      const action = actionForResend(record.case, step, today, now, rules);
      const content = await renderLetter(
        letterForStep({
          record,
          tenant,
          action,
          rules,
          letterhead,
          payLink,
          dates,
          ...(deps.config.minSidePinSecret ? { minSidePinSecret: deps.config.minSidePinSecret } : {}),
        }),
        {
          rules,
        },
      );
      const documentId = `${base}-v${versions.length + 1}`;
      await deps.letters.put({
        tenantId: record.tenantId,
        caseId: record.caseId,
        documentId,
        kind,
        contentType: LETTER_CONTENT_TYPE,
        content,
        createdAt: now,
      });
      const document: DocumentRef = {
        documentId,
        kind,
        createdAt: now.toISOString(),
        contentType: LETTER_CONTENT_TYPE,
      };
      return { document, content, ...(dates.deadline ? { deadline: dates.deadline } : {}) };
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
    }
  }
  const last = versions.at(-1);
  const archived = last ? await deps.letters.get(record.tenantId, record.caseId, last.documentId) : undefined;
  return last && archived ? { document: last, content: archived.content } : undefined;
}
