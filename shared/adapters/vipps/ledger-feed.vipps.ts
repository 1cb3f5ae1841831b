/**
 * `PaymentLedgerFeed` over the Vipps MobilePay Report API (https://developer.vippsmobilepay.com/api/report), with the
 * ePayment sales unit's own keys and access token (api-client.vipps.ts: same token, headers, retries and errors):
 *
 * - `GET /settlement/v1/ledgers?settlesForRecipientHandles=api:{MSN}` finds the ledger of our sales unit (one ledger
 *   settles for one MSN), unless VIPPS_LEDGER_ID names it. Looked up once per process; again after a failure.
 * - `GET /report/v2/ledgers/{ledgerId}/funds/feed?cursor=…` answers `{ items, cursor, tryLater }`: the entries after
 *   the cursor (up to 1000), the cursor to ask with next (never empty; the same one when nothing came) and whether we
 *   have caught up. Entries: `entryType` (capture, refund, fees-retained, payout-scheduled, … — new types may come
 *   without notice: anything not a capture or refund is "other"), `reference` (the ePayment reference),
 *   `pspReference` (this one movement), `amount` in minor units signed by its effect on the balance, `currency`,
 *   `time`, `ledgerDate`.
 *
 * The Report API exists in production only (api.vipps.no): against the test environment the ledger lookup is refused,
 * and the sweep says so in its warning.
 */
import { z } from "zod";
import { Currency } from "../../domain/money";
import type { LedgerEntry, LedgerFeedPage, PaymentLedgerFeed } from "../../ports/payment-ledger-feed";
import { VippsApiClient, VippsRejected, type VippsApiConfig } from "./api-client.vipps";

const LEDGERS = "/settlement/v1/ledgers";
/** Pages of the ledger list followed at most (a merchant's keys see a handful of ledgers). */
const MAX_LEDGER_PAGES = 10;

const Ledger = z
  .object({
    ledgerId: z.string().min(1),
    settlesForRecipientHandles: z.array(z.string()).optional(),
    salesUnits: z.array(z.object({ recipientHandle: z.string().nullish() }).loose()).optional(),
  })
  .loose();
const LedgersResponse = z.object({ items: z.array(Ledger), cursor: z.string().nullish() }).loose();

const FeedItem = z
  .object({
    pspReference: z.string().nullish(),
    time: z.string().nullish(),
    ledgerDate: z.string().nullish(),
    entryType: z.string(),
    reference: z.string().nullish(),
    currency: z.string(),
    amount: z.number().int(),
  })
  .loose();
const FeedResponse = z
  .object({
    items: z.array(FeedItem).nullish(),
    cursor: z.string().nullish(),
    tryLater: z.boolean().nullish(),
  })
  .loose();

export interface VippsLedgerFeedOptions {
  /** VIPPS_LEDGER_ID: the ledger to read; looked up by our MSN when not given. */
  ledgerId?: string;
}

export class VippsLedgerFeed implements PaymentLedgerFeed {
  readonly provider = "vipps" as const;
  readonly #client: VippsApiClient;
  #ledgerId: Promise<string> | undefined;

  /** A client config, or the ePayment adapter's client (to share its access token). */
  constructor(target: VippsApiConfig | VippsApiClient, options: VippsLedgerFeedOptions = {}) {
    this.#client = target instanceof VippsApiClient ? target : new VippsApiClient(target);
    if (options.ledgerId) this.#ledgerId = Promise.resolve(options.ledgerId);
  }

  async read(cursor?: string): Promise<LedgerFeedPage> {
    const ledgerId = await this.ledgerId();
    const query = cursor ? `?cursor=${encodeURIComponent(cursor)}` : "";
    const { json } = await this.#client.call({
      operation: "read ledger feed",
      method: "GET",
      path: `/report/v2/ledgers/${encodeURIComponent(ledgerId)}/funds/feed${query}`,
    });
    const parsed = FeedResponse.safeParse(json);
    if (!parsed.success) throw new Error("Vipps answered read ledger feed with an unexpected body");
    const items = parsed.data.items ?? [];
    const entries = items.flatMap((item): LedgerEntry[] => {
      const currency = Currency.safeParse(item.currency);
      if (!item.reference || !item.pspReference || !currency.success) return []; // payouts, fees: no payment of ours
      return [
        {
          reference: item.reference,
          pspReference: item.pspReference,
          kind: item.entryType === "capture" || item.entryType === "refund" ? item.entryType : "other",
          amount: { value: item.amount, currency: currency.data },
          at: item.time ?? item.ledgerDate ?? "",
        },
      ];
    });
    return {
      entries,
      // Never empty at Vipps; should it be, the position we had is kept.
      cursor: parsed.data.cursor || cursor || "",
      more: parsed.data.tryLater !== true && items.length > 0,
    };
  }

  /** The ledger that settles for our MSN (`api:{MSN}`), looked up once; a failed lookup is tried again next time. */
  private ledgerId(): Promise<string> {
    this.#ledgerId ??= this.findLedger().catch((error: unknown) => {
      this.#ledgerId = undefined;
      throw error;
    });
    return this.#ledgerId;
  }

  private async findLedger(): Promise<string> {
    const handle = `api:${this.#client.merchantSerialNumber}`;
    let cursor: string | undefined;
    for (let page = 0; page < MAX_LEDGER_PAGES; page++) {
      const query = cursor
        ? `cursor=${encodeURIComponent(cursor)}`
        : `settlesForRecipientHandles=${encodeURIComponent(handle)}`;
      const { json } = await this.#client.call({
        operation: "list ledgers",
        method: "GET",
        path: `${LEDGERS}?${query}`,
      });
      const parsed = LedgersResponse.safeParse(json);
      if (!parsed.success) throw new Error("Vipps answered list ledgers with an unexpected body");
      const ours = parsed.data.items.find(
        (l) =>
          (l.settlesForRecipientHandles ?? []).includes(handle) ||
          (l.salesUnits ?? []).some((u) => u.recipientHandle === handle),
      );
      if (ours) return ours.ledgerId;
      cursor = parsed.data.cursor || undefined;
      if (!cursor) break;
    }
    throw new VippsRejected(`Vipps list ledgers: no ledger settles for sales unit ${handle}`, 404);
  }
}
