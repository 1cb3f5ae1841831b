/**
 * Min side's messages (issue 15), the debtor's side: one thread per claim with customer service (the creditor, or the
 * agency on its behalf). Access is `mayAccessCase` through `accessibleCase`/`casesOf`: someone else's claim is the same
 * CaseNotFound as a missing one, on every read and write.
 *
 * - The debtor's threads across the subject's claims, newest first, with the unread replies counted.
 * - One thread: reading it marks it read for the debtor.
 * - A message from the debtor (text ≤ 2 000 characters, an optional PDF/JPEG/PNG through Min side's upload checks and
 *   store) goes into the thread, and onto the case as a timeline entry (kind `message`, the actor and the message id
 *   — never the text) and the event `case.debtor_action` with `action: "message"` (the creditor's webhook), in the
 *   case's write with its outbox.
 *
 * Nothing lost: the message is written to the thread FIRST, marked `pending`, then its case side (the timeline entry
 * and the event in the case's outbox) once — idempotent by the message id — and the mark taken off. Should the case
 * write fail, the message is kept (the debtor is not asked to write it again) and its case side is written by whoever
 * touches the thread next: the thread page the debtor is sent to after writing, customer service's GET of the thread
 * (`repairPendingMessages`), or the next message on the thread. Customer service's replies go the same way.
 *
 * The text is personal data: it is kept in the thread only, never logged, never on the timeline or in an event.
 */
import type { CaseRecord, TimelineEntry } from "../../ports/case-store";
import type { DebtorUploadStore } from "../../ports/debtor-upload-store";
import type { CaseEventMessage, EventPublisher } from "../../ports/event-publisher";
import { CaseNotFound } from "../../ports/errors";
import {
  emptyThread,
  type AlertChannel,
  type MessageThread,
  type MessageThreadStore,
  type ThreadMessage,
} from "../../ports/message-thread-store";
import type { Random } from "../../ports/random";
import { caseEvent } from "../case-context";
import { eventMessages, relayOutbox, withOutbox, type OutboxDeps } from "../outbox";
import { actorOf, type UploadedFile } from "./debtor-actions";
import { accessibleCase, casesOf, tenantsOf, type MinSidePagesDeps } from "./pages";
import { alertChannelsOf } from "./settings";
import { caseAccess, mayActOnCase, type MinSideSession, type MinSideSubject } from "./subject";
import { checkUpload, type UploadRefusal } from "./uploads";
import type { WorkItemStore } from "../../ports/work-item-store";
import { openWork } from "../portal/work-items";
import { byStaff, staffActorIn } from "../portal/staff-actor";

export const MAX_MESSAGE_LENGTH = 2000;
/** A thread holds at most this many messages (one Cosmos document per case stays far below its 2 MB). */
export const MAX_THREAD_MESSAGES = 400;

export interface MinSideMessagesDeps extends MinSidePagesDeps {
  messageThreads: MessageThreadStore;
  /** Customer service's inbox: a debtor's message awaits an answer (issue 16). */
  workItems?: WorkItemStore;
  uploads: DebtorUploadStore;
  random: Random;
  events: EventPublisher;
  workflow?: OutboxDeps["workflow"];
}

export interface ThreadSummary {
  tenantId: string;
  caseId: string;
  creditorName: string;
  invoiceNumber: string;
  lastAt: string;
  lastFrom: ThreadMessage["from"];
  count: number;
  /** Replies from customer service the debtor has not read. */
  unread: number;
}

export interface ThreadView {
  tenantId: string;
  caseId: string;
  creditorName: string;
  invoiceNumber: string;
  messages: ThreadMessage[];
  /** The ids of the replies that were unread until this reading. */
  unreadIds: string[];
  /**
   * Read through a power of attorney: whose thread it is, what the grant allows and which grant it is (a message
   * whose actor carries this `grantRef` is the reader's own). Absent: the debtor's own thread.
   */
  heldFor?: { grantorName: string; scope: "read" | "act"; grantId: string };
  /** Where a reply is alerted (consent and an address; settings.ts): none, and the debtor must look here. */
  alertChannels: AlertChannel[];
}

export type MessageRefusal = "text-missing" | "text-too-long" | "thread-full" | UploadRefusal;

export type PostOutcome =
  { kind: "sent"; messageId: string } | { kind: "refused"; field: string; code: MessageRefusal };

/** Messages from `side`'s counterpart written after `side` last read the thread. */
export function unreadFor(thread: MessageThread, side: ThreadMessage["from"]): ThreadMessage[] {
  const seen = thread.seen?.[side] ?? 0;
  return thread.messages.filter((m, i) => m.from !== side && i >= seen);
}

/** The thread as read by `side` now: everything in it seen. */
export function readBy(thread: MessageThread, side: ThreadMessage["from"], at: string): MessageThread {
  return {
    ...thread,
    readAt: { ...thread.readAt, [side]: at },
    seen: { ...thread.seen, [side]: thread.messages.length },
  };
}

/** The timeline entry a message puts on its case and, for the debtor's message, the creditor's event: never the text. */
function caseSideOf(
  record: Pick<CaseRecord, "tenantId" | "caseId">,
  message: ThreadMessage,
): { entry: TimelineEntry; event?: CaseEventMessage } {
  if (message.from === "customer-service") {
    const staff = staffActorIn({ actor: message.actor });
    return {
      entry: {
        at: message.at,
        kind: "message",
        title: `Reply from customer service to the debtor's messages on Min side${byStaff(staff)}`,
        details: {
          action: "reply",
          messageId: message.messageId,
          via: staff ? "portal" : "api",
          ...(staff ? { actor: staff } : {}),
        },
      },
    };
  }
  const attachment = message.attachment
    ? { uploadId: message.attachment.uploadId, contentType: message.attachment.contentType }
    : undefined;
  const actor = message.actor ?? {};
  return {
    entry: {
      at: message.at,
      kind: "message",
      title:
        "Message from the debtor on Min side (read and answer it through GET/POST /api/v1/cases/{caseId}/messages)",
      details: {
        action: "message",
        messageId: message.messageId,
        ...(attachment ? { attachment } : {}),
        actor,
        via: "min-side",
      },
    },
    event: caseEvent("case.debtor_action", record, `message:${message.messageId}`, new Date(message.at), {
      action: "message",
      messageId: message.messageId,
      actor,
      attachment: attachment ?? null,
      textLength: message.text.length,
    }),
  };
}

export type RecordMessageDeps = OutboxDeps & { messageThreads: MessageThreadStore; clock: { now(): Date } };

/**
 * Writes a thread message's case side — its timeline entry and event (through the case's outbox) — unless the case
 * has it already, then takes the message's `pending` mark off. Safe to run again and from two places at once: the
 * check is inside the case's optimistic write.
 */
export async function recordMessageOnCase(
  deps: RecordMessageDeps,
  record: Pick<CaseRecord, "tenantId" | "caseId">,
  message: ThreadMessage,
): Promise<void> {
  const { entry, event } = caseSideOf(record, message);
  const now = deps.clock.now();
  const written = await deps.cases.update(record.tenantId, record.caseId, (current) => {
    const has = current.timeline.some(
      (e) =>
        e.kind === "message" &&
        e.details?.messageId === message.messageId &&
        e.details.action === entry.details?.action,
    );
    if (has) return current;
    const next: CaseRecord = { ...current, timeline: [...current.timeline, entry], updatedAt: now.toISOString() };
    return event ? withOutbox(next, eventMessages([event]), now) : next;
  });
  await relayOutbox(deps, written);
  await deps.messageThreads.update(record.tenantId, record.caseId, (current) => {
    if (!current?.messages.some((m) => m.messageId === message.messageId && m.pending)) return current;
    return {
      ...current,
      messages: current.messages.map((m) => {
        if (m.messageId !== message.messageId) return m;
        const { pending: _done, ...rest } = m;
        return rest;
      }),
    };
  });
}

/**
 * Writes the case side of the thread's messages still pending (a case write that failed after the thread's), oldest
 * first. Never throws: what fails stays pending for the next reader. Returns how many were written.
 */
export async function repairPendingMessages(
  deps: RecordMessageDeps,
  thread: MessageThread | undefined,
): Promise<number> {
  let repaired = 0;
  for (const message of thread?.messages ?? []) {
    if (!message.pending) continue;
    try {
      await recordMessageOnCase(deps, thread!, message);
      repaired += 1;
    } catch {
      break;
    }
  }
  return repaired;
}

/** The subject's threads across its claims, newest first. */
export function makeListMyThreads(deps: Pick<MinSideMessagesDeps, keyof MinSidePagesDeps | "messageThreads">) {
  return async (subject: MinSideSubject): Promise<ThreadSummary[]> => {
    const records = await casesOf(deps, subject);
    const tenants = await tenantsOf(deps, records);
    const threads = await Promise.all(records.map((r) => deps.messageThreads.get(r.tenantId, r.caseId)));
    const summaries: ThreadSummary[] = [];
    records.forEach((record, i) => {
      const thread = threads[i];
      const last = thread?.messages.at(-1);
      if (!thread || !last) return;
      summaries.push({
        tenantId: record.tenantId,
        caseId: record.caseId,
        creditorName: tenants.get(record.tenantId)?.name ?? "",
        invoiceNumber: record.invoiceNumber,
        lastAt: last.at,
        lastFrom: last.from,
        count: thread.messages.length,
        // The debtor's unread replies are the debtor's: someone holding a power of attorney gets no badge that
        // their reading could never clear.
        unread: caseAccess(subject, record)?.kind === "attorney" ? 0 : unreadFor(thread, "debtor").length,
      });
    });
    return summaries.sort((a, b) => b.lastAt.localeCompare(a.lastAt));
  };
}

async function claimOf(deps: MinSidePagesDeps, subject: MinSideSubject, tenantId: string, caseId: string) {
  const record = await accessibleCase(deps, subject, tenantId, caseId);
  if (!record) throw new CaseNotFound(caseId);
  const tenant = await deps.tenants.get(record.tenantId);
  return { record, creditorName: tenant?.name ?? "" };
}

/**
 * One thread; the debtor reading it marks it read for the debtor. Someone holding a power of attorney reads it
 * without changing what the debtor has read (the debtor's unread replies stay unread for the debtor).
 */
export function makeOpenThread(
  deps: Pick<MinSideMessagesDeps, keyof MinSidePagesDeps | "messageThreads" | "events" | "workflow">,
) {
  return async (subject: MinSideSubject, tenantId: string, caseId: string): Promise<ThreadView> => {
    const { record, creditorName } = await claimOf(deps, subject, tenantId, caseId);
    const thread = await deps.messageThreads.get(record.tenantId, record.caseId);
    await repairPendingMessages(deps, thread);
    const access = caseAccess(subject, record);
    const heldFor =
      access?.kind === "attorney"
        ? { grantorName: access.grant.grantorName, scope: access.grant.scope, grantId: access.grant.grantId }
        : undefined;
    const unread = thread && !heldFor ? unreadFor(thread, "debtor") : [];
    if (thread && unread.length > 0) {
      const at = deps.clock.now().toISOString();
      await deps.messageThreads.update(record.tenantId, record.caseId, (current) =>
        current ? readBy(current, "debtor", at) : current,
      );
    }
    return {
      tenantId: record.tenantId,
      caseId: record.caseId,
      creditorName,
      invoiceNumber: record.invoiceNumber,
      messages: thread?.messages ?? [],
      unreadIds: unread.map((m) => m.messageId),
      ...(heldFor ? { heldFor } : {}),
      alertChannels: alertChannelsOf(record, thread),
    };
  };
}

/** A message id: time-ordered enough to read, random enough not to guess. */
export function newMessageId(random: Random, now: Date): string {
  return `msg-${now.getTime().toString(36)}-${Buffer.from(random.bytes(6)).toString("hex")}`;
}

/**
 * Appends a message to the case's thread (creating it), reading it for the writer's side. Idempotent by message id:
 * a message already in the thread is not added again.
 */
export async function appendMessage(
  threads: MessageThreadStore,
  record: Pick<CaseRecord, "tenantId" | "caseId">,
  message: ThreadMessage,
): Promise<"appended" | "thread-full"> {
  let full = false;
  await threads.update(record.tenantId, record.caseId, (current) => {
    const thread = current ?? emptyThread(record.tenantId, record.caseId, message.at);
    if (thread.messages.some((m) => m.messageId === message.messageId)) return current;
    if (thread.messages.length >= MAX_THREAD_MESSAGES) {
      full = true;
      return current;
    }
    const appended = { ...thread, messages: [...thread.messages, message], updatedAt: message.at };
    // Someone writing under a power of attorney reads nothing for the debtor: the debtor's unread replies stay so.
    if (message.actor?.["kind"] === "debtor-attorney") return appended;
    // The writer has seen the thread up to and with its own message.
    return readBy(appended, message.from, message.at);
  });
  return full ? "thread-full" : "appended";
}

/** The debtor writes to customer service on one claim. */
export function makePostDebtorMessage(deps: MinSideMessagesDeps) {
  return async (
    session: MinSideSession,
    tenantId: string,
    caseId: string,
    input: { text?: string; attachment?: UploadedFile },
  ): Promise<PostOutcome> => {
    const { record } = await claimOf(deps, session.subject, tenantId, caseId);
    // Writing is acting: a read-only power of attorney sees the thread but cannot write in the debtor's name.
    if (!mayActOnCase(session.subject, record)) throw new CaseNotFound(caseId);
    const text = (input.text ?? "").replace(/\r\n/gu, "\n").trim();
    if (text.length === 0) return { kind: "refused", field: "text", code: "text-missing" };
    if (text.length > MAX_MESSAGE_LENGTH) return { kind: "refused", field: "text", code: "text-too-long" };
    const now = deps.clock.now();
    const at = now.toISOString();
    const messageId = newMessageId(deps.random, now);
    let attachment: ThreadMessage["attachment"];
    if (input.attachment && input.attachment.content.length > 0) {
      const check = checkUpload(input.attachment.content);
      if (!check.ok) return { kind: "refused", field: "attachment", code: check.code };
      const content = Buffer.from(input.attachment.content);
      const uploadId = `message-${Buffer.from(deps.random.bytes(12)).toString("hex")}`;
      await deps.uploads.put({
        tenantId: record.tenantId,
        caseId: record.caseId,
        uploadId,
        purpose: "message",
        contentType: check.contentType,
        content,
        createdAt: now,
      });
      attachment = { uploadId, contentType: check.contentType, bytes: content.length };
    }
    const actor = actorOf(session, record);
    const message: ThreadMessage = {
      messageId,
      from: "debtor",
      text,
      at,
      ...(attachment ? { attachment } : {}),
      actor: { ...actor },
      pending: true,
    };
    // An earlier message whose case write failed goes onto the case first (the timeline stays in order).
    await repairPendingMessages(deps, await deps.messageThreads.get(record.tenantId, record.caseId));
    await openWork(deps.workItems, "debtor-message", record, now);
    const appended = await appendMessage(deps.messageThreads, record, message);
    if (appended === "thread-full") return { kind: "refused", field: "text", code: "thread-full" };
    try {
      await recordMessageOnCase(deps, record, message);
    } catch {
      // The message is kept (pending): the thread page the debtor is sent to next, customer service's reading or the
      // next message writes its timeline entry and event. Failing here would only make the debtor write it again.
    }
    return { kind: "sent", messageId };
  };
}
