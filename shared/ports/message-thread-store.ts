/**
 * Min side's message threads (issue 15): one thread per claim between the debtor and customer service (the creditor,
 * or the agency on its behalf), and the debtor's choice of which channels alert them to a reply. One document per case.
 * Personal data (the text): stored here and shown to the two sides, never logged and never put on the case's timeline
 * or in an event (those carry the message id only).
 */
import { z } from "zod";

export const MESSAGE_SIDES = ["debtor", "customer-service"] as const;
export const MessageSide = z.enum(MESSAGE_SIDES);
export type MessageSide = z.infer<typeof MessageSide>;

export const ALERT_CHANNELS = ["sms", "email"] as const;
export const AlertChannel = z.enum(ALERT_CHANNELS);
export type AlertChannel = z.infer<typeof AlertChannel>;

export const ThreadMessage = z.object({
  messageId: z.string().regex(/^[A-Za-z0-9_-]{1,80}$/u),
  from: MessageSide,
  text: z.string().max(4000),
  /** ISO instant. */
  at: z.string(),
  /** The debtor's file (Min side's upload checks and store), as the debtor-uploads store keeps it. */
  attachment: z.object({ uploadId: z.string(), contentType: z.string(), bytes: z.number().int() }).optional(),
  /** Who wrote it: the debtor's sign-in kind and hashed session, or "api" for customer service through the API. */
  actor: z.record(z.string(), z.unknown()).optional(),
  /**
   * Written to the thread, its case side (the timeline entry and, for the debtor's message, `case.debtor_action`
   * through the case's outbox) not yet: the message is stored first so that nothing the debtor wrote is lost, and
   * whoever touches the thread next (the writer itself, a reader on either side) writes the case side, once.
   */
  pending: z.literal(true).optional(),
});
export type ThreadMessage = z.infer<typeof ThreadMessage>;

export const MessageThread = z.object({
  schemaVersion: z.literal(1),
  tenantId: z.string(),
  caseId: z.string(),
  messages: z.array(ThreadMessage),
  /** When each side last read the thread (ISO instant). */
  readAt: z.object({ debtor: z.string().optional(), "customer-service": z.string().optional() }),
  /**
   * How many messages the thread held when each side last read (or wrote) it: a message of the other side at or
   * after that index is unread (counted, not timed, so two messages in the same millisecond are told apart).
   */
  seen: z
    .object({
      debtor: z.number().int().nonnegative().optional(),
      "customer-service": z.number().int().nonnegative().optional(),
    })
    .optional(),
  /** The channels the debtor chose for reply alerts; undefined: the channels the case has consent for. */
  alertChannels: z.array(AlertChannel).optional(),
  updatedAt: z.string(),
});
export type MessageThread = z.infer<typeof MessageThread>;

export interface MessageThreadStore {
  /** The case's thread; undefined when nobody wrote yet and no alert choice was made. */
  get(tenantId: string, caseId: string): Promise<MessageThread | undefined>;
  /**
   * Read, change, write with optimistic concurrency (tried again on a concurrent write): `change` gets the stored
   * thread (or undefined) and returns the thread to store, or the very object it got to write nothing.
   */
  update(
    tenantId: string,
    caseId: string,
    change: (current: MessageThread | undefined) => MessageThread | undefined,
  ): Promise<MessageThread | undefined>;
}

/** An empty thread for a case (what `update` starts from when none is stored). */
export function emptyThread(tenantId: string, caseId: string, at: string): MessageThread {
  return { schemaVersion: 1, tenantId, caseId, messages: [], readAt: {}, updatedAt: at };
}
