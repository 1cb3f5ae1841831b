/**
 * In-memory IdempotencyStore for tests and the dev host. One process only: JavaScript runs each `begin` to its end
 * without interleaving (no await inside), which gives the same "first one wins" guarantee the Cosmos adapter gets
 * from a conditional create.
 */
import {
  IDEMPOTENCY_LOCK_MS,
  IDEMPOTENCY_RETENTION_MS,
  type IdempotencyBeginOutcome,
  type IdempotencyStore,
  type StoredResponse,
} from "../../ports/idempotency-store";

type StoredRecord =
  | { state: "in-progress"; requestHash: string; lockedUntil: number; expiresAt: number }
  | { state: "completed"; requestHash: string; response: StoredResponse; expiresAt: number };

export interface MemoryIdempotencyStoreOptions {
  retentionMs?: number;
  lockMs?: number;
}

export class MemoryIdempotencyStore implements IdempotencyStore {
  readonly #records = new Map<string, StoredRecord>();
  readonly #retentionMs: number;
  readonly #lockMs: number;

  constructor(options: MemoryIdempotencyStoreOptions = {}) {
    this.#retentionMs = options.retentionMs ?? IDEMPOTENCY_RETENTION_MS;
    this.#lockMs = options.lockMs ?? IDEMPOTENCY_LOCK_MS;
  }

  async begin(scope: string, key: string, requestHash: string, now: Date): Promise<IdempotencyBeginOutcome> {
    const at = now.getTime();
    this.#sweep(at);
    const id = recordId(scope, key);
    const existing = this.#records.get(id);
    const live = existing !== undefined && !(existing.state === "in-progress" && existing.lockedUntil <= at);
    if (existing !== undefined && live) {
      if (existing.requestHash !== requestHash) return { kind: "conflict" };
      if (existing.state === "completed") return { kind: "replay", response: structuredClone(existing.response) };
      return { kind: "in-progress" };
    }
    this.#records.set(id, {
      state: "in-progress",
      requestHash,
      lockedUntil: at + this.#lockMs,
      expiresAt: at + this.#retentionMs,
    });
    return { kind: "new" };
  }

  async complete(scope: string, key: string, response: StoredResponse, now: Date): Promise<void> {
    const id = recordId(scope, key);
    const existing = this.#records.get(id);
    if (existing === undefined) return; // swept or abandoned meanwhile: nothing to remember the response for
    this.#records.set(id, {
      state: "completed",
      requestHash: existing.requestHash,
      response: structuredClone(response),
      expiresAt: now.getTime() + this.#retentionMs,
    });
  }

  async abandon(scope: string, key: string, _now: Date): Promise<void> {
    const id = recordId(scope, key);
    if (this.#records.get(id)?.state === "in-progress") this.#records.delete(id);
  }

  /** Number of records held (expired ones are dropped on the next `begin`). */
  get size(): number {
    return this.#records.size;
  }

  #sweep(at: number): void {
    for (const [id, record] of this.#records) {
      if (record.expiresAt <= at) this.#records.delete(id);
    }
  }
}

function recordId(scope: string, key: string): string {
  return JSON.stringify([scope, key]);
}
