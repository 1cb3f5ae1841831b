/**
 * The real Report API adapter (ledger-feed.vipps.ts) against the Vipps simulator's ledger (devhost/vipps/ledger.ts):
 * the ledger found by our MSN, every capture and refund the ePayment API performed read as an entry, paging with the
 * opaque cursor, caught up, the ledger kept across a simulator restart, and the errors Vipps answers.
 */
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../../../devhost/logger";
import { SIMULATED_LEDGER_ID } from "../../../../devhost/vipps/ledger";
import { VippsSimulator } from "../../../../devhost/vipps/vipps-simulator";
import { VippsApiClient } from "../../../../shared/adapters/vipps/api-client.vipps";
import { VippsLedgerFeed } from "../../../../shared/adapters/vipps/ledger-feed.vipps";
import { VippsPaymentProvider } from "../../../../shared/adapters/vipps/payment-provider.vipps";
import { PaymentProviderRejected } from "../../../../shared/ports/payment-provider";
import type { LedgerEntry } from "../../../../shared/ports/payment-ledger-feed";

const credentials = {
  clientId: "local-vipps-client-id",
  clientSecret: "local-vipps-client-secret",
  subscriptionKey: "local-vipps-subscription-key",
  merchantSerialNumber: "123456",
};
const nok = (value: number) => ({ value, currency: "NOK" as const });

let dataDir: string;
let sim: VippsSimulator;
let baseUrl: string;

function start(): Promise<{ baseUrl: string }> {
  sim = new VippsSimulator({ dataDir, ...credentials, logger: silentLogger, ledgerPageSize: 2 });
  return sim.start(0);
}

function config() {
  return { baseUrl, ...credentials, retryDelaysMs: [5, 5] };
}

/** A payment approved and captured in full; `refund` of it refunded. */
async function captured(value: number, refund = 0): Promise<string> {
  const provider = new VippsPaymentProvider(config());
  const reference = `ledger-${randomUUID().slice(0, 13)}`;
  await provider.create({
    reference,
    amount: nok(value),
    method: "vipps",
    returnUrl: "http://127.0.0.1:7071/p/t/receipt",
    description: "Faktura",
    idempotencyKey: `create-${reference}`,
  });
  await sim.approve(reference);
  await provider.capture(reference, nok(value), `${reference}-capture`);
  await provider.capture(reference, nok(value), `${reference}-capture`); // a retry: the same capture, booked once
  if (refund > 0) await provider.refund(reference, nok(refund), `${reference}-refund`);
  return reference;
}

/** Reads from `cursor` until caught up. */
async function readAll(
  feed: VippsLedgerFeed,
  cursor?: string,
): Promise<{ entries: LedgerEntry[]; cursor: string; reads: number }> {
  const entries: LedgerEntry[] = [];
  let reads = 0;
  for (;;) {
    const page = await feed.read(cursor);
    reads++;
    entries.push(...page.entries);
    cursor = page.cursor;
    if (!page.more) return { entries, cursor, reads };
  }
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "vipps-ledger-"));
  ({ baseUrl } = await start());
});

afterAll(async () => {
  await sim?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe("the Vipps Report API feed (against the simulator)", () => {
  it("finds our ledger by MSN and reads every capture and refund, a page at a time, until caught up", async () => {
    const a = await captured(10_000, 2_500);
    const b = await captured(20_000);
    const feed = new VippsLedgerFeed(new VippsApiClient(config()));
    const all = await readAll(feed);
    expect(all.entries).toEqual([
      { reference: a, pspReference: expect.any(String), kind: "capture", amount: nok(10_000), at: expect.any(String) },
      { reference: a, pspReference: expect.any(String), kind: "refund", amount: nok(-2_500), at: expect.any(String) },
      { reference: b, pspReference: expect.any(String), kind: "capture", amount: nok(20_000), at: expect.any(String) },
    ]);
    expect(new Set(all.entries.map((e) => e.pspReference)).size).toBe(3); // one per movement
    expect(all.reads).toBe(3); // two entries a page here; the third read, empty, says the feed has caught up

    // Caught up: the same cursor comes back with nothing; a new capture comes after it.
    expect(await feed.read(all.cursor)).toEqual({ entries: [], cursor: all.cursor, more: false });
    const c = await captured(30_000);
    expect((await readAll(feed, all.cursor)).entries.map((e) => e.reference)).toEqual([c]);
  });

  it("keeps the ledger across a restart of the simulator (its state file), and a named ledger needs no lookup", async () => {
    const before = await readAll(new VippsLedgerFeed(config()));
    await sim.stop();
    ({ baseUrl } = await start());
    const feed = new VippsLedgerFeed(config(), { ledgerId: SIMULATED_LEDGER_ID });
    const after = await readAll(feed);
    expect(after.entries).toEqual(before.entries);
    expect(after.cursor).toBe(before.cursor);
  });

  it("answers as Vipps does: an unknown ledger is 404, a cursor not of the feed 400, no token 401", async () => {
    await expect(new VippsLedgerFeed(config(), { ledgerId: "999999" }).read()).rejects.toMatchObject({ status: 404 });
    await expect(new VippsLedgerFeed(config()).read("not-a-cursor")).rejects.toBeInstanceOf(PaymentProviderRejected);
    await expect(new VippsLedgerFeed(config()).read("not-a-cursor")).rejects.toMatchObject({ status: 400 });
    const res = await fetch(`${baseUrl}/settlement/v1/ledgers`);
    expect(res.status).toBe(401); // no token
    await res.arrayBuffer();
  });
});
