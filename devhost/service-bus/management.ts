/**
 * `$management` operations (request/response over the entity's `$management` node), as `@azure/service-bus` 7.x
 * sends them: schedule/cancel, peek, renew-lock, receive-by-sequence-number (deferred messages), update-disposition,
 * session lock renewal and session state.
 */
import { randomBytes } from "node:crypto";
import {
  type AmqpMessage,
  asArray,
  conditions,
  decodeMessage,
  encodeMessage,
  lockKeyOfToken,
  longToNumber,
  wrapLongArray,
  wrapUuid,
} from "./amqp";
import type { Endpoint } from "./endpoint";
import type { Namespace } from "./namespace";
import { asString } from "../text";

export interface ManagementReply {
  status: number;
  description?: string;
  condition?: string;
  body?: unknown;
}

const OK = (body?: unknown): ManagementReply => ({ status: 200, description: "OK", body });
const error = (status: number, condition: string, description: string): ManagementReply => ({
  status,
  condition,
  description,
});

/** `path` is the entity path the request was sent to, without `/$management`. */
export function handleManagement(ns: Namespace, path: string, request: AmqpMessage): ManagementReply {
  const operation = asString(request.application_properties?.operation ?? "");
  const body = (request.body ?? {}) as Record<string, unknown>;
  const endpoint = ns.endpoint(path);
  const target = ns.sendTarget(path);
  if (!endpoint && !target) return notFound(path);

  switch (operation) {
    case "com.microsoft:schedule-message": {
      if (!target) return notAllowed(operation, path);
      const seqs: number[] = [];
      for (const entry of asArray(body.messages) as Array<Record<string, unknown>>) {
        const message = decodeMessage(Buffer.from(entry.message as Uint8Array));
        const { result, seq } = ns.send(target, message);
        if (!result.accepted) return error(400, result.error!.condition, result.error!.description);
        seqs.push(seq ?? 0);
      }
      return OK({ "sequence-numbers": wrapLongArray(seqs) });
    }
    case "com.microsoft:cancel-scheduled-message": {
      if (!target) return notAllowed(operation, path);
      ns.cancelScheduled(target, asArray(body["sequence-numbers"]).map(longToNumber));
      return OK({});
    }
    case "com.microsoft:peek-message": {
      if (!endpoint) return notAllowed(operation, path);
      const from = longToNumber(body["from-sequence-number"] ?? 0);
      const count = Number(body["message-count"] ?? 1);
      const sessionId = body["session-id"] as string | undefined;
      const found = endpoint.peek(from, count, sessionId ?? undefined, ns.scheduledOf(ns.queueTargetOf(endpoint)));
      if (found.length === 0) return { status: 204, description: "No messages" };
      return OK({ messages: found.map(({ m, state }) => ({ message: encodeMessage(endpoint.toWire(m, { state })) })) });
    }
    case "com.microsoft:renew-lock": {
      if (!endpoint) return notAllowed(operation, path);
      const expirations: Date[] = [];
      for (const token of asArray(body["lock-tokens"])) {
        const until = endpoint.renewLock(lockKeyOfToken(token));
        if (until === undefined) return lockLost();
        expirations.push(new Date(until));
      }
      return OK({ expirations });
    }
    case "com.microsoft:receive-by-sequence-number": {
      if (!endpoint) return notAllowed(operation, path);
      const seqs = asArray(body["sequence-numbers"]).map(longToNumber);
      const settleOnReceive = Number(body["receiver-settle-mode"] ?? 1) === 0;
      if (!seqs.every((s) => endpoint.hasDeferred(s))) {
        return error(
          404,
          conditions.messageNotFound,
          "Failed to retrieve the deferred message(s) with the given sequence number(s).",
        );
      }
      const got = endpoint.receiveDeferred(seqs, settleOnReceive, () => randomBytes(16));
      return OK({
        messages: got.map((g) => ({
          message: encodeMessage(g.wire),
          ...(g.lockToken ? { "lock-token": wrapUuid(g.lockToken) } : {}),
        })),
      });
    }
    case "com.microsoft:update-disposition": {
      if (!endpoint) return notAllowed(operation, path);
      const status = asString(body["disposition-status"] ?? "");
      const props = body["properties-to-modify"] as Record<string, unknown> | undefined;
      for (const token of asArray(body["lock-tokens"])) {
        const key = lockKeyOfToken(token);
        const ok = settle(
          endpoint,
          key,
          status,
          props,
          body["deadletter-reason"] as string | undefined,
          body["deadletter-description"] as string | undefined,
        );
        if (!ok) return lockLost();
      }
      return OK({});
    }
    case "com.microsoft:renew-session-lock": {
      if (!endpoint) return notAllowed(operation, path);
      const until = endpoint.sessions.renewById(String(body["session-id"]));
      if (until === undefined)
        return error(410, conditions.sessionLockLost, "The session lock has expired or was released.");
      return OK({ expiration: new Date(until) });
    }
    case "com.microsoft:get-session-state": {
      if (!endpoint) return notAllowed(operation, path);
      const state = endpoint.sessions.getState(String(body["session-id"]));
      return OK(state ? { "session-state": state } : {});
    }
    case "com.microsoft:set-session-state": {
      if (!endpoint) return notAllowed(operation, path);
      const raw = body["session-state"];
      endpoint.setSessionState(
        String(body["session-id"]),
        raw === null || raw === undefined ? undefined : Buffer.from(raw as Uint8Array),
      );
      return OK({});
    }
    default:
      return error(501, conditions.notImplemented, `The local Service Bus broker does not implement '${operation}'.`);
  }
}

function settle(
  endpoint: Endpoint,
  key: string,
  status: string,
  props: Record<string, unknown> | undefined,
  reason: string | undefined,
  description: string | undefined,
): boolean {
  switch (status) {
    case "completed":
      return endpoint.complete(key);
    case "abandoned":
      return endpoint.abandon(key, props);
    case "defered":
    case "deferred":
      return endpoint.defer(key, props);
    case "suspended":
      return endpoint.deadLetterLocked(key, reason, description, props);
    default:
      return false;
  }
}

export function notFound(path: string): ManagementReply {
  return error(404, conditions.notFound, `The messaging entity '${path}' could not be found.`);
}

function notAllowed(operation: string, path: string): ManagementReply {
  return error(400, conditions.notAllowed, `'${operation}' is not supported on '${path}'.`);
}

function lockLost(): ManagementReply {
  return error(
    410,
    conditions.lockLost,
    "The lock supplied is invalid. Either the lock expired, or the message has already been removed from the queue.",
  );
}
