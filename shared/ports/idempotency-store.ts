/**
 * Remembers, per (scope, Idempotency-Key), which request was made and the response it got, so a retried POST is
 * answered with the first response instead of being executed twice.
 *
 * `scope` is the tenant (keys of different tenants never meet); `requestHash` identifies the request
 * (method + path + canonical body); `now` comes from the caller's clock — adapters never read the system time.
 *
 * Record life cycle:
 *   begin (no live record) ──► IN PROGRESS ──complete──► COMPLETED (replayed until it expires)
 *                                   │
 *                                   └──abandon, or its lock lapses──► gone (the next begin starts afresh)
 *
 * A Cosmos DB adapter maps this one-to-one: one document per (scope, key), partition key = scope (tenant), id =
 * SHA-256 of the key (keys may hold characters Cosmos ids forbid). `begin` is a create, which fails with 409 when
 * the document exists — the atomic "first one wins" (the same guarantee as an `If-None-Match: *` write); on 409 it
 * point-reads the document and, when the record has expired or its lock lapsed, takes it over with a replace
 * conditioned on the read etag (`If-Match`), so two racing takers cannot both win. Expired documents are deleted
 * by Cosmos itself through the per-item `ttl`; `expiresAt` is still checked on read because TTL deletion lags.
 * `complete` and `abandon` should be conditioned on the etag `begin` saw, so a request whose lock lapsed cannot
 * overwrite a record another request has taken over (cannot happen while the lock outlasts every HTTP request).
 */

import { z } from "zod";

/** A response as stored and replayed: exact status, the headers that matter, exact body bytes. */
export const StoredResponse = z.object({
  status: z.number().int(),
  /** Lower-case [name, value] pairs, in the order the response had them. */
  headers: z.array(z.tuple([z.string(), z.string()])),
  /** The body bytes, base64 (so any content type survives JSON storage byte-for-byte). */
  bodyBase64: z.string(),
});
export type StoredResponse = z.infer<typeof StoredResponse>;

export type IdempotencyBeginOutcome =
  /** No live record: one was created in progress; the caller executes the request, then completes or abandons. */
  | { kind: "new" }
  /** The same request completed before: answer with this response. */
  | { kind: "replay"; response: StoredResponse }
  /** The key was used for a DIFFERENT request (other hash) that is still remembered. */
  | { kind: "conflict" }
  /** The same request is being executed right now (its lock has not lapsed). */
  | { kind: "in-progress" };

export interface IdempotencyStore {
  begin(scope: string, key: string, requestHash: string, now: Date): Promise<IdempotencyBeginOutcome>;
  /** Stores the response of the request `begin` answered "new" for; it is replayed until `now + retention`. */
  complete(scope: string, key: string, response: StoredResponse, now: Date): Promise<void>;
  /**
   * Forgets an in-progress record (the request failed in a way worth retrying: a 5xx or an exception), so the
   * client may retry with the same key. Does nothing for completed records.
   */
  abandon(scope: string, key: string, now: Date): Promise<void>;
}

/** How long a completed response is replayed (counted from completion). */
export const IDEMPOTENCY_RETENTION_MS = 24 * 60 * 60 * 1000;

/**
 * How long an in-progress record blocks its key when the request never completes (a crashed worker). Longer than
 * any HTTP function can run (Azure's front end ends HTTP requests after 230 s), so it never lapses under a live
 * request.
 */
export const IDEMPOTENCY_LOCK_MS = 5 * 60 * 1000;
