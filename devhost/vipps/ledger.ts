/**
 * The simulator's settlement ledger, as the Report API serves it (production only at Vipps, so this is where the
 * integration is exercised): every capture and refund the ePayment API performs is booked as a `funds` entry, kept in
 * the state file with the payments (written before the answer, like them), and served by
 *
 * - `GET /settlement/v1/ledgers[?settlesForRecipientHandles=api:{MSN}]`: the one ledger, settling for `api:{MSN}`;
 * - `GET /report/v2/ledgers/{ledgerId}/{funds|fees}/feed[?cursor=…]`: up to `pageSize` entries after the cursor, the
 *   cursor to ask with next (an opaque token of the position, never empty) and `tryLater: true` once caught up. The
 *   fees topic is always caught up (no fees here). An unknown ledger is a 404, a cursor not ours a 400.
 *
 * Entries carry what Vipps documents: pspReference (one per movement), time, ledgerDate (Europe/Oslo), entryType,
 * reference, currency, amount (minor units; a refund negative), balanceBefore/After, recipientHandle.
 */
import { randomInt } from "node:crypto";
import { z } from "zod";
import { toLocalDate } from "../../shared/domain/calendar";
import { ApiProblem } from "./api-problem";
import type { Amount } from "./payment";

export const LedgerEntry = z.object({
  pspReference: z.string(),
  time: z.string(),
  ledgerDate: z.string(),
  entryType: z.enum(["capture", "refund"]),
  reference: z.string(),
  currency: z.string(),
  amount: z.number().int(),
  balanceBefore: z.number().int(),
  balanceAfter: z.number().int(),
  recipientHandle: z.string(),
});
export type LedgerEntry = z.infer<typeof LedgerEntry>;

/** The simulator's one ledger (a real ledger id is digits, not the MSN). */
export const SIMULATED_LEDGER_ID = "302321";

/** Vipps answers up to 1000 entries a page. */
export const LEDGER_PAGE_SIZE = 1000;

/** The entry a capture (positive) or refund (negative `amount.value`) books after `last`. */
export function bookEntry(input: {
  last: LedgerEntry | undefined;
  entryType: LedgerEntry["entryType"];
  reference: string;
  amount: Amount;
  merchantSerialNumber: string;
  now: Date;
}): LedgerEntry {
  const before = input.last?.balanceAfter ?? 0;
  const amount = input.entryType === "refund" ? -input.amount.value : input.amount.value;
  return {
    pspReference: String(randomInt(1_000_000_000, 9_999_999_999)),
    time: input.now.toISOString(),
    ledgerDate: toLocalDate(input.now, "Europe/Oslo"),
    entryType: input.entryType,
    reference: input.reference,
    currency: input.amount.currency,
    amount,
    balanceBefore: before,
    balanceAfter: before + amount,
    recipientHandle: `api:${input.merchantSerialNumber}`,
  };
}

/** `GET /settlement/v1/ledgers`: the one ledger, unless the filter names another sales unit. */
export function ledgersView(merchantSerialNumber: string, query: URLSearchParams): Record<string, unknown> {
  const handle = `api:${merchantSerialNumber}`;
  const filter = query.get("settlesForRecipientHandles");
  const items =
    filter && filter !== handle
      ? []
      : [
          {
            ledgerId: SIMULATED_LEDGER_ID,
            currency: "NOK",
            payoutBankAccount: { scheme: "BBAN:NO", id: "12345678903" },
            owner: { scheme: "business:NO:ORG", id: "999999999" },
            settlesForRecipientHandles: [handle],
          },
        ];
  return { items, cursor: "" };
}

/** `GET /report/v2/ledgers/{ledgerId}/{topic}/feed`. */
export function feedView(
  entries: readonly LedgerEntry[],
  ledgerId: string,
  topic: string,
  query: URLSearchParams,
  pageSize = LEDGER_PAGE_SIZE,
): Record<string, unknown> {
  if (ledgerId !== SIMULATED_LEDGER_ID) throw new ApiProblem(404, "Not Found", "No such ledgerId.");
  if (topic !== "funds" && topic !== "fees")
    throw new ApiProblem(400, "Bad Request", "topic must be funds or fees.", [
      { name: "topic", reason: "must be funds or fees" },
    ]);
  const raw = query.get("cursor");
  const after = raw ? decodeCursor(raw) : 0;
  const items = topic === "funds" ? entries.slice(after, after + pageSize) : [];
  return { cursor: encodeCursor(after + items.length), items, tryLater: items.length === 0 };
}

function encodeCursor(after: number): string {
  return Buffer.from(JSON.stringify({ after }), "utf8").toString("base64url");
}

function decodeCursor(cursor: string): number {
  try {
    const parsed = z
      .object({ after: z.number().int().min(0) })
      .safeParse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
    if (parsed.success) return parsed.data.after;
  } catch {
    // falls through to the 400
  }
  throw new ApiProblem(400, "Bad Request", "Invalid cursor.", [
    { name: "cursor", reason: "not a cursor of this feed" },
  ]);
}
