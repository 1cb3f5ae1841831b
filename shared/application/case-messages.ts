/**
 * Customer service's side of Min side's message threads (issue 15), until the staff portal exists (issue 16): the
 * partner API lists a case's thread (`GET /api/v1/cases/{caseId}/messages`, which marks it read for customer service)
 * and replies (`POST …/messages {text}`). Tenant-scoped: another creditor's case is not found.
 *
 * A reply ALERTS the debtor through the channels the debtor chose on Min side's settings (default: every channel the
 * case has consent for), and only where the case has consent and the address today: an SMS through the SMS sender, an
 * e-mail through the e-mail sender. The alert never carries the message text — only "You have a new message from
 * {creditor} on Min side" and the link to the thread, which needs the debtor's sign-in. Each alert's outcome is a
 * timeline entry (channel and outcome, no address). Contact hours are not applied: the alert answers the debtor's own
 * question and asks for nothing (like the service-reopened confirmation).
 *
 * Known gap (issue 15 follow-up 4, not done): a reply written at 23:30 alerts by SMS at 23:30. Holding the SMS until
 * the next contact hour (`nextContactTime` with the rule set's `contactHours`, as the ladder's sendAt does) needs a
 * place for the due alert (on the thread, by message id) and something that sends it when due (a timer, or the
 * case's orchestration): nothing here can wait without one. The e-mail alert may go at once.
 */
import { DomainError } from "../domain/errors";
import type { CaseRecord, TimelineEntry } from "../ports/case-store";
import type { Clock } from "../ports/clock";
import type { EmailSender } from "../ports/email-sender";
import { CaseNotFound } from "../ports/errors";
import type { EventPublisher } from "../ports/event-publisher";
import type { AlertChannel, MessageThread, MessageThreadStore, ThreadMessage } from "../ports/message-thread-store";
import type { Random } from "../ports/random";
import type { SmsSender } from "../ports/sms-sender";
import type { TenantStore } from "../ports/tenant-store";
import type { WorkItemStore } from "../ports/work-item-store";
import { clearWork } from "./portal/work-items";
import type { StaffActor } from "./portal/staff-actor";
import type { CaseStore } from "../ports/case-store";
import { languageIn, ladderOf } from "./case-context";
import { messageIdFor } from "./letters/deliver-letter";
import { smsSenderOf } from "./messages/step-sms";
import {
  appendMessage,
  MAX_MESSAGE_LENGTH,
  newMessageId,
  readBy,
  recordMessageOnCase,
  repairPendingMessages,
  unreadFor,
} from "./min-side/messages";

export interface CaseMessagesDeps {
  cases: CaseStore;
  tenants: TenantStore;
  clock: Clock;
  random: Random;
  events: EventPublisher;
  messageThreads: MessageThreadStore;
  sms: SmsSender;
  email?: EmailSender;
  /** Customer service's inbox: a reply answers the debtor's message (issue 16). */
  workItems?: WorkItemStore;
}

export interface CaseMessagesConfig {
  /** The thread's page on Min side, absolute (PUBLIC_BASE_URL + path): the one thing an alert links to. */
  threadUrl: (tenantId: string, caseId: string) => string;
}

export interface CaseMessageDto {
  messageId: string;
  from: ThreadMessage["from"];
  text: string;
  at: string;
  attachment?: { uploadId: string; contentType: string; bytes: number };
  /** For customer service: whether it had read this debtor message before this request. */
  unread?: boolean;
}

export interface CaseMessagesDto {
  caseId: string;
  messages: CaseMessageDto[];
  /** The channels a reply alerts the debtor through now (the debtor's choice within the consent given). */
  alertChannels: AlertChannel[];
}

export interface AlertOutcome {
  channel: AlertChannel;
  outcome: "sent" | "failed" | "skipped";
  /** skipped: "no-consent" | "no-address" | "not-configured"; failed: the sender's reason code. */
  reason?: string;
}

export interface ReplyDto {
  message: CaseMessageDto;
  alerts: AlertOutcome[];
}

async function caseOf(deps: Pick<CaseMessagesDeps, "cases">, tenantId: string, caseId: string): Promise<CaseRecord> {
  const record = await deps.cases.get(tenantId, caseId);
  if (!record) throw new CaseNotFound(caseId);
  return record;
}

/** The channels a reply would alert through: the debtor's choice (default: all), within the consent on the case. */
export function alertChannelsOf(
  record: Pick<CaseRecord, "customer">,
  thread: MessageThread | undefined,
): AlertChannel[] {
  const consent = record.customer.consent ?? {};
  const chosen: readonly AlertChannel[] = thread?.alertChannels ?? ["sms", "email"];
  return chosen.filter((c) => consent[c] === true);
}

function dto(m: ThreadMessage, unread?: boolean): CaseMessageDto {
  return {
    messageId: m.messageId,
    from: m.from,
    text: m.text,
    at: m.at,
    ...(m.attachment ? { attachment: m.attachment } : {}),
    ...(unread !== undefined ? { unread } : {}),
  };
}

/** GET: the thread, oldest first; marks it read for customer service. */
export function makeListCaseMessages(deps: Pick<CaseMessagesDeps, "cases" | "clock" | "messageThreads" | "events">) {
  return async (tenantId: string, caseId: string): Promise<CaseMessagesDto> => {
    const record = await caseOf(deps, tenantId, caseId);
    const thread = await deps.messageThreads.get(tenantId, caseId);
    // A message whose case write failed after the thread's gets its timeline entry and event now.
    await repairPendingMessages(deps, thread);
    const unread = new Set(thread ? unreadFor(thread, "customer-service").map((m) => m.messageId) : []);
    if (unread.size > 0) {
      const at = deps.clock.now().toISOString();
      await deps.messageThreads.update(tenantId, caseId, (current) =>
        current ? readBy(current, "customer-service", at) : current,
      );
    }
    return {
      caseId,
      messages: (thread?.messages ?? []).map((m) => dto(m, m.from === "debtor" ? unread.has(m.messageId) : undefined)),
      alertChannels: alertChannelsOf(record, thread),
    };
  };
}

/** The app was wired without a thread store (a host that has no Min side): 503. */
export class MessagesNotConfigured extends DomainError {
  readonly code = "MESSAGES_NOT_CONFIGURED";
  constructor() {
    super("Messages with debtors are not set up on this installation.");
  }
}

/** The thread store, or MessagesNotConfigured. */
export function threadsOf(deps: { messageThreads?: MessageThreadStore | undefined }): MessageThreadStore {
  if (!deps.messageThreads) throw new MessagesNotConfigured();
  return deps.messageThreads;
}

/** The refusal of a reply that cannot be stored (the thread has reached its size). */
export class ThreadFull extends DomainError {
  readonly code = "MESSAGE_THREAD_CONFLICT";
  override readonly title = "The message thread is full";
  constructor() {
    super("The thread has reached its size: reach the debtor another way.");
  }
}

const ALERT_TEXT = {
  nb: (creditor: string, url: string) => `Du har en ny melding fra ${creditor} på Min side: ${url}`,
  en: (creditor: string, url: string) => `You have a new message from ${creditor} on Min side: ${url}`,
} as const;
const ALERT_SUBJECT = {
  nb: (creditor: string) => `Ny melding fra ${creditor}`,
  en: (creditor: string) => `New message from ${creditor}`,
} as const;

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/gu, (c) => `&#${c.charCodeAt(0)};`);
}

/** POST: customer service replies; the debtor is alerted (never with the text) and each alert is on the timeline. */
export function makeReplyToDebtor(deps: CaseMessagesDeps, config: CaseMessagesConfig) {
  return async (
    tenantId: string,
    caseId: string,
    input: { text: string; /** The portal's staff user (issue 16); absent: the partner API. */ actor?: StaffActor },
  ): Promise<ReplyDto> => {
    const record = await caseOf(deps, tenantId, caseId);
    const text = input.text.replace(/\r\n/gu, "\n").trim().slice(0, MAX_MESSAGE_LENGTH);
    const now = deps.clock.now();
    const message: ThreadMessage = {
      messageId: newMessageId(deps.random, now),
      from: "customer-service",
      text,
      at: now.toISOString(),
      actor: input.actor ? { ...input.actor } : { kind: "api" },
      pending: true,
    };
    await repairPendingMessages(deps, await deps.messageThreads.get(tenantId, caseId));
    if ((await appendMessage(deps.messageThreads, record, message)) === "thread-full") throw new ThreadFull();
    await clearWork(deps.workItems, "debtor-message", caseId);
    try {
      // The reply's timeline entry, once (see recordMessageOnCase); should it fail, the reply is kept (pending) and
      // the next GET of the thread writes it — failing the request would only make customer service send it again.
      await recordMessageOnCase(deps, record, message);
    } catch {
      // left pending
    }
    const thread = await deps.messageThreads.get(tenantId, caseId);
    const tenant = await deps.tenants.get(tenantId);
    const chosen: readonly AlertChannel[] = thread?.alertChannels ?? ["sms", "email"];
    const consent = record.customer.consent ?? {};
    const lang = languageIn(record.case.country) === "nb" ? "nb" : "en";
    const creditor = tenant?.name ?? "";
    const url = config.threadUrl(tenantId, caseId);
    const alerts: AlertOutcome[] = [];
    for (const channel of chosen) {
      if (consent[channel] !== true) {
        alerts.push({ channel, outcome: "skipped", reason: "no-consent" });
        continue;
      }
      if (channel === "sms") {
        if (!record.customer.phone || !tenant) {
          alerts.push({ channel, outcome: "skipped", reason: "no-address" });
          continue;
        }
        const sent = await deps.sms.send({
          to: record.customer.phone,
          from: smsSenderOf(tenant, ladderOf(tenant, record.case.country)),
          text: ALERT_TEXT[lang](creditor, url),
          idempotencyKey: `${caseId}:message-alert:${message.messageId}`,
          tag: `${caseId}:message-alert`,
        });
        alerts.push(
          sent.ok
            ? { channel, outcome: "sent" }
            : { channel, outcome: "failed", reason: sent.retryable ? "retryable" : "refused" },
        );
      } else {
        if (!deps.email) {
          alerts.push({ channel, outcome: "skipped", reason: "not-configured" });
          continue;
        }
        if (!record.customer.email) {
          alerts.push({ channel, outcome: "skipped", reason: "no-address" });
          continue;
        }
        const body = ALERT_TEXT[lang](creditor, url);
        const sent = await deps.email.send({
          messageId: messageIdFor(caseId, `message-alert:${message.messageId}`),
          to: { address: record.customer.email },
          subject: ALERT_SUBJECT[lang](creditor),
          text: body,
          html: `<p>${escapeHtml(ALERT_TEXT[lang](creditor, ""))}<a href="${escapeHtml(url)}">${escapeHtml(url)}</a></p>`,
          attachments: [],
        });
        alerts.push(
          sent.ok
            ? { channel, outcome: "sent" }
            : { channel, outcome: "failed", reason: sent.retryable ? "retryable" : "refused" },
        );
      }
    }
    const at = now.toISOString();
    const entries: TimelineEntry[] = [
      ...alerts
        .filter((a) => a.outcome !== "skipped" || a.reason !== "no-consent")
        .map((a): TimelineEntry => ({
          at,
          kind: a.channel === "sms" ? "sms" : "message",
          title: `Message alert ${a.outcome === "sent" ? "sent" : a.outcome === "failed" ? "failed" : "not sent"} by ${a.channel === "sms" ? "SMS" : "e-mail"}${a.reason ? ` (${a.reason})` : ""}`,
          details: {
            action: "message-alert",
            messageId: message.messageId,
            channel: a.channel,
            outcome: a.outcome,
            ...(a.reason ? { reason: a.reason } : {}),
          },
        })),
    ];
    if (entries.length > 0)
      await deps.cases.update(tenantId, caseId, (current) => ({
        ...current,
        timeline: [...current.timeline, ...entries],
        updatedAt: at,
      }));
    return { message: dto(message), alerts };
  };
}
