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
/** Etags of the records this instance began, until completed or abandoned (bounded: old entries are dropped). */
const MAX_REMEMBERED = 10_000;

export class CosmosIdempotencyStore implements IdempotencyStore {
  readonly #container: Container;
  readonly #retentionMs: number;
  readonly #lockMs: number;
  readonly #begunEtags = new Map<string, string>();

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
        this.#remember(id, resource?._etag);
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
        this.#remember(id, resource?._etag);
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
    const existing = await this.#read(id);
    const etag = this.#begunEtags.get(id) ?? existing?._etag;
    this.#begunEtags.delete(id);
    if (existing === undefined || etag === undefined) return; // abandoned or expired meanwhile: nothing to keep
    const completed: IdempotencyDocument = {
      id,
      key: id,
      type: "idempotency",
      schemaVersion: 1,
      scope,
      requestHash: existing.requestHash,
      state: "completed",
      response: structuredClone(response),
      expiresAt: now.getTime() + this.#retentionMs,
      ttl: ttlSeconds(this.#retentionMs),
    };
    try {
      await this.#container
        .item(id, id)
        .replace<IdempotencyDocument>(completed, { accessCondition: { type: "IfMatch", condition: etag } });
    } catch (error) {
      const status = statusOf(error);
      if (status !== 412 && status !== 404) throw error; // another request owns the record now: leave it alone
    }
  }

  async abandon(scope: string, key: string, _now: Date): Promise<void> {
    const id = documentId(scope, key);
    const existing = await this.#read(id);
    const etag = this.#begunEtags.get(id) ?? existing?._etag;
    this.#begunEtags.delete(id);
    if (existing === undefined || existing.state !== "in-progress" || etag === undefined) return;
    try {
      await this.#container.item(id, id).delete({ accessCondition: { type: "IfMatch", condition: etag } });
    } catch (error) {
      const status = statusOf(error);
      if (status !== 412 && status !== 404) throw error;
    }
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

  #remember(id: string, etag: string | undefined): void {
    if (etag === undefined) return;
    if (this.#begunEtags.size >= MAX_REMEMBERED) {
      const oldest = this.#begunEtags.keys().next();
      if (oldest.done !== true) this.#begunEtags.delete(oldest.value);
    }
    this.#begunEtags.set(id, etag);
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
