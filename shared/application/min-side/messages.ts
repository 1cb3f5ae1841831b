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
 * The text is personal data: it is kept in the thread only, never logged, never on the timeline or in an event.
 */
import type { CaseRecord, TimelineEntry } from "../../ports/case-store";
import type { DebtorUploadStore } from "../../ports/debtor-upload-store";
import type { EventPublisher } from "../../ports/event-publisher";
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
import { mayActOnCase, type MinSideSession, type MinSideSubject } from "./subject";
import { checkUpload, type UploadRefusal } from "./uploads";

export const MAX_MESSAGE_LENGTH = 2000;
/** A thread holds at most this many messages (one Cosmos document per case stays far below its 2 MB). */
export const MAX_THREAD_MESSAGES = 400;

export interface MinSideMessagesDeps extends MinSidePagesDeps {
  messageThreads: MessageThreadStore;
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
        unread: unreadFor(thread, "debtor").length,
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

/** One thread; reading it marks it read for the debtor. */
export function makeOpenThread(deps: Pick<MinSideMessagesDeps, keyof MinSidePagesDeps | "messageThreads">) {
  return async (subject: MinSideSubject, tenantId: string, caseId: string): Promise<ThreadView> => {
    const { record, creditorName } = await claimOf(deps, subject, tenantId, caseId);
    const thread = await deps.messageThreads.get(record.tenantId, record.caseId);
    const unread = thread ? unreadFor(thread, "debtor") : [];
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
      alertChannels: alertChannelsOf(record, thread),
    };
  };
}

/** A message id: time-ordered enough to read, random enough not to guess. */
export function newMessageId(random: Random, now: Date): string {
  return `msg-${now.getTime().toString(36)}-${Buffer.from(random.bytes(6)).toString("hex")}`;
}

/** Appends a message to the case's thread (creating it), reading it for the writer's side. */
export async function appendMessage(
  threads: MessageThreadStore,
  record: Pick<CaseRecord, "tenantId" | "caseId">,
  message: ThreadMessage,
): Promise<"appended" | "thread-full"> {
  let full = false;
  await threads.update(record.tenantId, record.caseId, (current) => {
    const thread = current ?? emptyThread(record.tenantId, record.caseId, message.at);
    if (thread.messages.length >= MAX_THREAD_MESSAGES) {
      full = true;
      return current;
    }
    // The writer has seen the thread up to and with its own message.
    return readBy(
      { ...thread, messages: [...thread.messages, message], updatedAt: message.at },
      message.from,
      message.at,
    );
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
    const appended = await appendMessage(deps.messageThreads, record, {
      messageId,
      from: "debtor",
      text,
      at,
      ...(attachment ? { attachment } : {}),
      actor: { ...actor },
    });
    if (appended === "thread-full") return { kind: "refused", field: "text", code: "thread-full" };
    const entry: TimelineEntry = {
      at,
      kind: "message",
      title:
        "Message from the debtor on Min side (read and answer it through GET/POST /api/v1/cases/{caseId}/messages)",
      details: {
        action: "message",
        messageId,
        ...(attachment ? { attachment: { uploadId: attachment.uploadId, contentType: attachment.contentType } } : {}),
        actor,
        via: "min-side",
      },
    };
    const written = await deps.cases.update(record.tenantId, record.caseId, (current) => {
      const next: CaseRecord = { ...current, timeline: [...current.timeline, entry], updatedAt: at };
      const event = caseEvent("case.debtor_action", current, `message:${messageId}`, now, {
        action: "message",
        messageId,
        actor,
        attachment: attachment ? { uploadId: attachment.uploadId, contentType: attachment.contentType } : null,
        textLength: text.length,
      });
      return withOutbox(next, eventMessages([event]), now);
    });
    await relayOutbox(deps, written);
    return { kind: "sent", messageId };
  };
}
