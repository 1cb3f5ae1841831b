/**
 * The reconcile sweep asks the provider's ledger for captures it does not know (sweep-provider-ledger.ts): an unknown
 * capture is queued once and, applied like a callback, lands on the unmatched list; a known attempt is skipped; the
 * cursor is saved; a cursor rolled back only re-reads, without duplicates.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { MemoryBankPaymentStore } from "../../../../shared/adapters/memory/bank-payment-store.memory";
import { MemoryLedgerCursorStore } from "../../../../shared/adapters/memory/ledger-cursor-store.memory";
import { MemoryPaymentAttemptStore } from "../../../../shared/adapters/memory/payment-attempt-store.memory";
import { MemoryPaymentQueue } from "../../../../shared/adapters/memory/payment-queue.memory";
import { makeApplyProviderEvent } from "../../../../shared/application/payments/apply-provider-event";
import { makeSweepProviderLedger } from "../../../../shared/application/payments/sweep-provider-ledger";
import type { PaymentAttempt } from "../../../../shared/ports/payment-attempt-store";
import type { LedgerEntry, LedgerFeedPage, PaymentLedgerFeed } from "../../../../shared/ports/payment-ledger-feed";
import type { ProviderEventMessage } from "../../../../shared/ports/payment-queue";
import { FakePaymentProvider } from "../../../support/fake-payment-provider";
import { testWorld, type TestWorld } from "../../functions/api/api-fixtures";

const nok = (value: number) => ({ value, currency: "NOK" as const });

/** A ledger as a list; the cursor is the index of the next entry; `pageSize` entries a read. */
class FakeLedgerFeed implements PaymentLedgerFeed {
  readonly provider = "vipps" as const;
  readonly entries: LedgerEntry[] = [];
  reads: Array<string | undefined> = [];
  constructor(private readonly pageSize = 2) {}

  book(reference: string, kind: LedgerEntry["kind"], value: number): void {
    const n = this.entries.length + 1;
    this.entries.push({
      reference,
      pspReference: `psp-${n}`,
      kind,
      amount: nok(value),
      at: `2026-11-12T10:0${n % 10}:00Z`,
    });
  }

  async read(cursor?: string): Promise<LedgerFeedPage> {
    this.reads.push(cursor);
    const from = cursor === undefined ? 0 : Number(cursor);
    const entries = this.entries.slice(from, from + this.pageSize);
    const next = from + entries.length;
    return { entries, cursor: String(next), more: entries.length > 0 && next < this.entries.length };
  }
}

function attempt(reference: string): PaymentAttempt {
  return {
    schemaVersion: 1,
    reference,
    provider: "vipps",
    method: "vipps",
    tenantId: "t1",
    tokenHash: "hash",
    option: "full",
    amount: nok(129_900),
    parts: [{ caseId: "c1", amount: nok(129_900) }],
    valueDate: "2026-11-12",
    state: "applied",
    appliedTo: ["c1"],
    createdAt: "2026-11-12T10:00:00Z",
    updatedAt: "2026-11-12T10:00:00Z",
  };
}

let w: TestWorld;
let feed: FakeLedgerFeed;
let cursors: MemoryLedgerCursorStore;
let attempts: MemoryPaymentAttemptStore;
let bankPayments: MemoryBankPaymentStore;
let queue: MemoryPaymentQueue;
let provider: FakePaymentProvider;

function sweep(options: { maxPages?: number } = {}) {
  return makeSweepProviderLedger(
    {
      ledgerFeed: feed,
      ledgerCursors: cursors,
      paymentAttempts: attempts,
      bankPayments,
      paymentQueue: queue,
      clock: w.clock,
    },
    options,
  );
}

/** A payment at the provider, captured in full (what a run before the store's rollback did). */
async function capturedAtProvider(reference: string, value = 129_900): Promise<void> {
  await provider.create({
    reference,
    amount: nok(value),
    method: "vipps",
    returnUrl: "https://pay.example.test/r",
    description: "Faktura",
    idempotencyKey: `create-${reference}`,
  });
  provider.approve(reference);
  await provider.capture(reference, nok(value), `${reference}-capture`);
}

beforeEach(() => {
  w = testWorld({ now: "2026-11-12T10:30:00Z" });
  feed = new FakeLedgerFeed();
  cursors = new MemoryLedgerCursorStore();
  attempts = new MemoryPaymentAttemptStore();
  bankPayments = new MemoryBankPaymentStore();
  queue = new MemoryPaymentQueue();
  provider = new FakePaymentProvider();
});

describe("the provider's ledger in the reconcile sweep", () => {
  it("queues a capture no attempt knows, once; applied like a callback it is listed as unmatched", async () => {
    await attempts.create(attempt("known-1"));
    await capturedAtProvider("lost-1");
    feed.book("known-1", "capture", 129_900);
    feed.book("lost-1", "capture", 129_900);
    feed.book("known-1", "refund", -10_000);

    expect(await sweep()()).toEqual({ read: 3, captures: 2, queued: 1 });
    const messages = queue.drain() as ProviderEventMessage[];
    expect(messages).toEqual([
      expect.objectContaining({
        kind: "provider-event",
        event: { provider: "vipps", reference: "lost-1", name: "CAPTURED", pspReference: "psp-2" },
      }),
    ]);
    expect(await cursors.get("vipps")).toBe("3");

    // The `payments` trigger applies it: the provider is asked, the money is listed for operators.
    const apply = makeApplyProviderEvent({
      ...w.deps,
      paymentProvider: provider,
      paymentAttempts: attempts,
      bankPayments,
    });
    expect(await apply(messages[0]!)).toMatchObject({
      outcome: "unmatched",
      reference: "lost-1",
      amount: nok(129_900),
    });
    expect((await bankPayments.listUnmatched({ limit: 10 })).items).toEqual([
      expect.objectContaining({ paymentId: "vipps:lost-1", why: "unknown-provider-payment", amount: nok(129_900) }),
    ]);

    // The next sweep reads on from the cursor: nothing new, nothing queued.
    expect(await sweep()()).toEqual({ read: 0, captures: 0, queued: 0 });
    expect(feed.reads.at(-1)).toBe("3");
  });

  it("after a rollback of the cursor re-reads, and skips what is known or listed already: no duplicates", async () => {
    await capturedAtProvider("lost-1");
    feed.book("lost-1", "capture", 129_900);
    await sweep()();
    const apply = makeApplyProviderEvent({
      ...w.deps,
      paymentProvider: provider,
      paymentAttempts: attempts,
      bankPayments,
    });
    for (const m of queue.drain()) await apply(m as ProviderEventMessage);

    cursors.rollBack("vipps"); // the store came back from before the cursor was saved
    w.clock.set("2026-11-12T10:35:00Z");
    expect(await sweep()()).toEqual({ read: 1, captures: 1, queued: 0 });
    expect(queue.messages).toEqual([]);
    expect((await bankPayments.listUnmatched({ limit: 10 })).items).toHaveLength(1);
  });

  it("is bounded per run and saves the position after every page", async () => {
    for (let i = 0; i < 7; i++) feed.book(`lost-${i}`, "capture", 100);
    expect(await sweep({ maxPages: 2 })()).toEqual({ read: 4, captures: 4, queued: 4 });
    expect(await cursors.get("vipps")).toBe("4");
    expect(await sweep({ maxPages: 2 })()).toEqual({ read: 3, captures: 3, queued: 3 });
    expect(await cursors.get("vipps")).toBe("7");
    expect(new Set(queue.drain().map((m) => (m as ProviderEventMessage).event.reference)).size).toBe(7);
  });

  it("looks once at a payment captured in parts, and does nothing without a feed", async () => {
    feed.book("lost-1", "capture", 100);
    feed.book("lost-1", "capture", 200);
    expect(await sweep()()).toEqual({ read: 2, captures: 2, queued: 1 });
    const none = makeSweepProviderLedger({
      paymentAttempts: attempts,
      bankPayments,
      paymentQueue: queue,
      clock: w.clock,
    });
    expect(await none()).toEqual({ read: 0, captures: 0, queued: 0 });
  });

  it("keeps the cursor when a read fails, so the next run reads the same entries again", async () => {
    feed.book("lost-1", "capture", 100);
    feed.read = async () => {
      throw new Error("Vipps read ledger feed: answered 503 after 3 attempts");
    };
    await expect(sweep()()).rejects.toThrow(/503/u);
    expect(await cursors.get("vipps")).toBeUndefined();
  });
});
