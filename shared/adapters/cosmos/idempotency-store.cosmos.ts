/**
 * IdempotencyStore on Cosmos DB, container `idempotency`, following the design in ports/idempotency-store.ts:
 * one document per (scope, key); `begin` is a create (409 = someone was first); a record that expired or whose
 * lock lapsed is taken over with a replace conditioned on the etag just read (If-Match), so two racing takers cannot
 * both win; `complete`/`abandon` are conditioned on the etag `begin` saw.
 *
 * PARTITION KEY /key, where `key` (and `id`) is the SHA-256 of (scope, Idempotency-Key) — not the tenant as the
 * port's note suggests: every operation knows both parts, so each record is its own logical partition and every
 * access is a point read; a creditor posting a big batch never makes one hot partition, and hashing keeps
 * characters Cosmos forbids in ids out of them. Nothing is ever queried by tenant.
 *
 * EXPIRY: each document carries `ttl` (seconds, until its `expiresAt`), so Cosmos deletes it; `expiresAt` and
 * `lockedUntil` are still checked on every read, because TTL deletion lags (and the local stand-in never deletes).
 * `complete` and `abandon` after a `begin` of this instance write at once, conditioned on the etag that `begin`'s
 * write returned (remembered with the request hash): no read first. Only when that is not known here (another
 * instance began it, or it was forgotten) do they read the record for its etag.
 * Times are the caller's `now` — the adapter never reads the clock. Documents read are decoded with
 * `IdempotencyDocument` (this adapter's storage format, around the port's `StoredResponse`), never cast.
 */
import type { Container, Database } from "@azure/cosmos";
import { createHash } from "node:crypto";
import { z } from "zod";
import {
  IDEMPOTENCY_LOCK_MS,
  IDEMPOTENCY_RETENTION_MS,
  StoredResponse,
  type IdempotencyBeginOutcome,
  type IdempotencyStore,
} from "../../ports/idempotency-store";
import { decodeDocument, statusOf } from "./cosmos-errors.cosmos";
import { COSMOS_CONTAINERS } from "./database.cosmos";

const IdempotencyFields = z.object({
  id: z.string(),
  /** Partition key: the same hash as `id`. */
  key: z.string(),
  type: z.literal("idempotency"),
  schemaVersion: z.literal(1),
  scope: z.string(),
  requestHash: z.string(),
  /** Epoch ms. */
  expiresAt: z.number(),
  /** Seconds Cosmos keeps the document after this write. */
  ttl: z.number(),
});
/** The stored record (the whole document is the record here: no field is storage-only). */
const IdempotencyDocument = z.discriminatedUnion("state", [
  IdempotencyFields.extend({ state: z.literal("in-progress"), lockedUntil: z.number() }),
  IdempotencyFields.extend({ state: z.literal("completed"), response: StoredResponse }),
]);
type IdempotencyDocument = z.infer<typeof IdempotencyDocument>;
type StoredDocument = IdempotencyDocument & { _etag: string };

export interface CosmosIdempotencyStoreOptions {
  database: Database;
  /** Container id; default "idempotency". */
  containerId?: string;
  retentionMs?: number;
  lockMs?: number;
}

/** Rounds of create → read → take over before `begin` gives up under extreme contention on one key. */
const MAX_BEGIN_ROUNDS = 10;
/** Records this instance began, until completed or abandoned (bounded: old entries are dropped). */
const MAX_REMEMBERED = 10_000;

/** What `begin` wrote: the etag it got back and the request hash it stored. */
interface Begun {
  etag: string;
  requestHash: string;
}

export class CosmosIdempotencyStore implements IdempotencyStore {
  readonly #container: Container;
  readonly #retentionMs: number;
  readonly #lockMs: number;
  readonly #begun = new Map<string, Begun>();

  constructor(options: CosmosIdempotencyStoreOptions) {
    this.#container = options.database.container(options.containerId ?? COSMOS_CONTAINERS.idempotency);
    this.#retentionMs = options.retentionMs ?? IDEMPOTENCY_RETENTION_MS;
    this.#lockMs = options.lockMs ?? IDEMPOTENCY_LOCK_MS;
  }

  async begin(scope: string, key: string, requestHash: string, now: Date): Promise<IdempotencyBeginOutcome> {
    const at = now.getTime();
    const id = documentId(scope, key);
    const fresh: IdempotencyDocument = {
      id,
      key: id,
      type: "idempotency",
      schemaVersion: 1,
      scope,
      requestHash,
      state: "in-progress",
      lockedUntil: at + this.#lockMs,
      expiresAt: at + this.#retentionMs,
      ttl: ttlSeconds(this.#retentionMs),
    };
    for (let round = 0; round < MAX_BEGIN_ROUNDS; round += 1) {
      try {
        const { resource } = await this.#container.items.create<IdempotencyDocument>(fresh);
        this.#remember(id, resource?._etag, requestHash);
        return { kind: "new" };
      } catch (error) {
        if (statusOf(error) !== 409) throw error;
      }
      const existing = await this.#read(id);
      if (existing === undefined) continue; // deleted since our create failed: create again
      if (isLive(existing, at)) {
        if (existing.requestHash !== requestHash) return { kind: "conflict" };
        if (existing.state === "completed") return { kind: "replay", response: structuredClone(existing.response) };
        return { kind: "in-progress" };
      }
      // Expired, or its lock lapsed: take it over — only if nobody wrote it since we read it.
      try {
        const { resource } = await this.#container
          .item(id, id)
          .replace<IdempotencyDocument>(fresh, { accessCondition: { type: "IfMatch", condition: existing._etag } });
        this.#remember(id, resource?._etag, requestHash);
        return { kind: "new" };
      } catch (error) {
        const status = statusOf(error);
        if (status !== 412 && status !== 404) throw error; // someone else took it over or it was deleted: look again
      }
    }
    throw new Error("Idempotency record kept changing; giving up");
  }

  async complete(scope: string, key: string, response: StoredResponse, now: Date): Promise<void> {
    const id = documentId(scope, key);
    const begun = this.#begun.get(id) ?? (await this.#readBegun(id));
    this.#begun.delete(id);
    if (begun === undefined) return; // abandoned or expired meanwhile: nothing to keep
    const completed: IdempotencyDocument = {
      id,
      key: id,
      type: "idempotency",
      schemaVersion: 1,
      scope,
      requestHash: begun.requestHash,
      state: "completed",
      response: structuredClone(response),
      expiresAt: now.getTime() + this.#retentionMs,
      ttl: ttlSeconds(this.#retentionMs),
    };
    try {
      await this.#container
        .item(id, id)
        .replace<IdempotencyDocument>(completed, { accessCondition: { type: "IfMatch", condition: begun.etag } });
    } catch (error) {
      const status = statusOf(error);
      // 412: another request owns the record now; 404: it was abandoned or expired. Either way: leave it alone.
      if (status !== 412 && status !== 404) throw error;
    }
  }

  async abandon(scope: string, key: string, _now: Date): Promise<void> {
    const id = documentId(scope, key);
    // What this instance began is still in progress unless its etag changed (which the delete's condition checks).
    const begun = this.#begun.get(id) ?? (await this.#readBegun(id, "in-progress"));
    this.#begun.delete(id);
    if (begun === undefined) return;
    try {
      await this.#container.item(id, id).delete({ accessCondition: { type: "IfMatch", condition: begun.etag } });
    } catch (error) {
      const status = statusOf(error);
      if (status !== 412 && status !== 404) throw error;
    }
  }

  /** The record's etag and request hash as stored now (when `begin` ran elsewhere); undefined when gone. */
  async #readBegun(id: string, state?: IdempotencyDocument["state"]): Promise<Begun | undefined> {
    const existing = await this.#read(id);
    if (existing === undefined || (state !== undefined && existing.state !== state)) return undefined;
    return { etag: existing._etag, requestHash: existing.requestHash };
  }

  /** The decoded document with the etag it was read at. */
  async #read(id: string): Promise<StoredDocument | undefined> {
    const { resource, etag } = await this.#container.item(id, id).read<Record<string, unknown>>();
    if (resource === undefined) return undefined;
    return {
      ...decodeDocument(IdempotencyDocument, resource, { container: this.#container.id, storageOnly: [] }),
      _etag: etag,
    };
  }

  #remember(id: string, etag: string | undefined, requestHash: string): void {
    if (etag === undefined) return;
    if (this.#begun.size >= MAX_REMEMBERED) {
      const oldest = this.#begun.keys().next();
      if (oldest.done !== true) this.#begun.delete(oldest.value);
    }
    this.#begun.set(id, { etag, requestHash });
  }
}

function isLive(doc: IdempotencyDocument, at: number): boolean {
  if (doc.expiresAt <= at) return false;
  return doc.state === "completed" || doc.lockedUntil > at;
}

/** SHA-256 of (scope, key): fixed length, and free of the characters Cosmos ids may not hold. */
function documentId(scope: string, key: string): string {
  return createHash("sha256")
    .update(JSON.stringify([scope, key]), "utf8")
    .digest("hex");
}

function ttlSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
