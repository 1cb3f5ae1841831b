/**
 * The AMQP boundary: everything that touches rhea's loosely typed messages lives here, so the rest of the broker
 * works with `AmqpMessage` and plain values.
 */
import { randomBytes } from "node:crypto";
import rhea = require("rhea");
import type { FilterableMessage } from "./filters";
import { asString } from "../text";

/* eslint-disable @typescript-eslint/no-explicit-any */
const r: any = rhea;

/** A decoded AMQP message as rhea represents it (the sections we use are typed; the rest passes through). */
export interface AmqpMessage {
  message_id?: unknown;
  correlation_id?: unknown;
  subject?: string;
  to?: string;
  reply_to?: string;
  group_id?: string;
  reply_to_group_id?: string;
  content_type?: string;
  ttl?: number;
  delivery_count?: number;
  application_properties?: Record<string, unknown>;
  message_annotations?: Record<string, unknown>;
  body?: unknown;
  [section: string]: unknown;
}

/** Service Bus message format for batches: the body is a list of data sections, each one encoded message. */
export const BATCH_FORMAT = 0x80013700;

export const ANNOTATION = {
  sequenceNumber: "x-opt-sequence-number",
  enqueuedTime: "x-opt-enqueued-time",
  lockedUntil: "x-opt-locked-until",
  scheduledEnqueueTime: "x-opt-scheduled-enqueue-time",
  messageState: "x-opt-message-state",
  deadLetterSource: "x-opt-deadletter-source",
} as const;

export function encodeMessage(m: AmqpMessage): Buffer {
  return r.message.encode(m) as Buffer;
}

export function decodeMessage(b: Buffer): AmqpMessage {
  return r.message.decode(b) as AmqpMessage;
}

/** The messages of one transfer: one message, or the messages of a Service Bus batch. */
export function messagesOfTransfer(message: unknown, format: number | undefined): AmqpMessage[] {
  if (format === BATCH_FORMAT) {
    const envelope = (Buffer.isBuffer(message) ? decodeMessage(message) : message) as { body?: any };
    const body = envelope.body;
    const parts: unknown[] = body?.multiple ? body.content : [body?.content ?? body];
    return parts.map((p) => decodeMessage(Buffer.isBuffer(p) ? p : Buffer.from(p as Uint8Array)));
  }
  return [message as AmqpMessage];
}

/** AMQP ids may be strings, numbers, uuids (Buffers) or binary; Service Bus shows them as strings. */
export function idToString(id: unknown): string | undefined {
  if (id === undefined || id === null) return undefined;
  if (typeof id === "string") return id;
  if (Buffer.isBuffer(id)) return id.length === 16 ? uuidToString(id) : id.toString("hex");
  return asString(id);
}

export function uuidToString(b: Buffer): string {
  const h = b.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The fields subscription filters read. */
export function filterView(m: AmqpMessage): FilterableMessage {
  return {
    messageId: idToString(m.message_id),
    correlationId: idToString(m.correlation_id),
    subject: m.subject,
    to: m.to,
    replyTo: m.reply_to,
    sessionId: m.group_id,
    replyToSessionId: m.reply_to_group_id,
    contentType: m.content_type,
    applicationProperties: m.application_properties ?? {},
  };
}

/** When the sender asked for later delivery (`scheduledEnqueueTimeUtc` on a plain send), in ms since the epoch. */
export function scheduledEnqueueTime(m: AmqpMessage): number | undefined {
  const v = m.message_annotations?.[ANNOTATION.scheduledEnqueueTime];
  if (v === undefined || v === null) return undefined;
  const t = v instanceof Date ? v.getTime() : typeof v === "number" ? v : Number.NaN;
  return Number.isFinite(t) ? t : undefined;
}

/**
 * Lock tokens. The delivery tag is 16 random bytes; the SDK shows it as a GUID in .NET byte order and sends that
 * GUID's bytes back in management requests. Locks are keyed by the SDK's view (`lockKeyOfTag`).
 */
export function newDeliveryTag(): Buffer {
  return randomBytes(16);
}

export function dotNetGuidOrder(b: Buffer): Buffer {
  return Buffer.from([b[3]!, b[2]!, b[1]!, b[0]!, b[5]!, b[4]!, b[7]!, b[6]!, ...b.subarray(8)]);
}

export function lockKeyOfTag(tag: Buffer): string {
  return dotNetGuidOrder(tag).toString("hex");
}

export function lockKeyOfToken(token: unknown): string {
  if (Buffer.isBuffer(token)) return token.toString("hex");
  if (typeof token === "string") return token.replace(/-/g, "").toLowerCase();
  return "";
}

/** AMQP longs arrive as numbers (when safe) or as 8 big-endian bytes. */
export function longToNumber(v: unknown): number {
  if (Buffer.isBuffer(v)) return Number(v.readBigInt64BE());
  if (typeof v === "bigint") return Number(v);
  return Number(v);
}

export function wrapLong(n: number): unknown {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt(n));
  return r.types.wrap_long(b);
}

export function wrapLongArray(ns: number[]): unknown {
  return r.types.wrap_array(
    ns.map((n) => {
      const b = Buffer.alloc(8);
      b.writeBigInt64BE(BigInt(n));
      return b;
    }),
    0x81,
  );
}

export function wrapUuid(b: Buffer): unknown {
  return r.types.wrap_uuid(b);
}

export function wrapInt(n: number): unknown {
  return r.types.wrap_int(n);
}

/** .NET ticks (100 ns since 0001-01-01) as an AMQP long: the session lock's `com.microsoft:locked-until-utc`. */
export function ticksOf(ms: number): unknown {
  const ticks = BigInt(ms) * 10_000n + 621_355_968_000_000_000n;
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(ticks);
  return r.types.wrap_long(b);
}

export function asArray(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (v === undefined || v === null) return [];
  return [v];
}

/** Outcomes the broker answers settlements with. */
export const outcomes = {
  accepted(): unknown {
    return r.message.accepted().described();
  },
  rejected(condition: string, description: string): unknown {
    return r.message.rejected({ error: { condition, description } }).described();
  },
};

export const conditions = {
  notFound: "amqp:not-found",
  lockLost: "com.microsoft:message-lock-lost",
  sessionLockLost: "com.microsoft:session-lock-lost",
  sessionCannotBeLocked: "com.microsoft:session-cannot-be-locked",
  timeout: "com.microsoft:timeout",
  notAllowed: "amqp:not-allowed",
  notImplemented: "amqp:not-implemented",
  messageNotFound: "com.microsoft:message-not-found",
  sessionFilter: "com.microsoft:session-filter",
  lockedUntilUtc: "com.microsoft:locked-until-utc",
} as const;

export { rhea };
