/**
 * One SMS per debtor at a time (issue 20). Before a ladder step sends the debtor an SMS (the Let's pay SMS, a letter's
 * alert) it takes the debtor's SMS slot at this creditor:
 *
 * - the slot is free (no SMS within the ladder's `minSmsIntervalHours`): this step SENDS, and its SMS speaks for every
 *   invoice of the same debtor at this creditor whose message is due now too (`othersDue`), written down in the same
 *   write that takes the slot (If-Match, so of several cases' orchestrations waking at the same instant exactly one
 *   sends);
 * - the slot was taken by an SMS that already speaks for this step: the step is COVERED — it is recorded as told by
 *   that SMS and sends nothing;
 * - otherwise the step WAITs until the interval has passed (the orchestration plans again then, in contact hours).
 *
 * The debtor is the national id when the creditor gave one, else the phone number (E.164); the key is a SHA-256 of
 * (tenant, that), so each creditor's messages stay its own and the document holds no personal data. A retry of the
 * step that sent finds itself as the sender and sends again with the same idempotency key (at most once at the
 * gateway), with the same text (the invoices are read from the document, not gathered again).
 */
import { createHash } from "node:crypto";
import type { CountryCode } from "../../domain/calendar";
import { normalizePhone } from "../../domain/identifiers/phone";
import type { CustomerDetails } from "../../ports/case-store";
import type { CoalescedStep, DebtorContactStore } from "../../ports/debtor-contact-store";

export type SmsSlot =
  /**
   * This step sends; `steps` are what its SMS speaks for, this step first. `taken`: the slot as this call wrote it
   * (to give back with `releaseSmsSlot` when the step then sends nothing).
   */
  | { kind: "send"; steps: CoalescedStep[]; taken?: { id: string; etag: string } }
  /** Another step's SMS (sent at `at`) already speaks for this one. */
  | { kind: "covered"; by: CoalescedStep; at: string }
  /** The debtor had an SMS from this creditor at `lastAt`; the next may go at `until`. */
  | { kind: "wait"; until: Date; lastAt: string };

/** Who the debtor is for "one SMS at a time": null when there is neither a national id nor a phone number. */
export function debtorKey(tenantId: string, customer: CustomerDetails, country: CountryCode): string | null {
  const nationalId = customer.nationalId?.replace(/\s+/gu, "");
  let who: string | null = null;
  if (nationalId) who = `nid:${nationalId}`;
  else if (customer.phone) {
    const phone = normalizePhone(customer.phone, country);
    who = `tel:${phone.ok ? phone.e164 : customer.phone.replace(/\s+/gu, "")}`;
  }
  return who === null ? null : createHash("sha256").update(`${tenantId}\n${who}`, "utf8").digest("hex");
}

const HOUR_MS = 3_600_000;
const ATTEMPTS = 5;

/** A concurrent writer kept winning: worth a retry of the activity. */
export class SmsSlotContention extends Error {
  readonly code = "SMS_SLOT_CONTENTION";
}

export async function takeSmsSlot(
  store: DebtorContactStore | undefined,
  debtor: { tenantId: string; key: string | null },
  self: CoalescedStep,
  intervalHours: number,
  now: Date,
  othersDue: () => Promise<CoalescedStep[]>,
): Promise<SmsSlot> {
  if (store === undefined || debtor.key === null) return { kind: "send", steps: [self] };
  const intervalMs = intervalHours * HOUR_MS;
  const same = (a: CoalescedStep) => a.caseId === self.caseId && a.key === self.key;
  let others: CoalescedStep[] | undefined;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const read = await store.get(debtor.key);
    const last = read?.contact.lastSms;
    if (last) {
      if (same(last.sender)) return { kind: "send", steps: last.steps };
      const until = Date.parse(last.at) + intervalMs;
      if (until > now.getTime()) {
        if (last.steps.some(same)) return { kind: "covered", by: last.sender, at: last.at };
        return { kind: "wait", until: new Date(until), lastAt: last.at };
      }
    }
    others ??= (await othersDue()).filter((s) => !same(s));
    const steps = [self, ...others];
    const etag = await store.put(
      {
        schemaVersion: 1,
        id: debtor.key,
        tenantId: debtor.tenantId,
        lastSms: { at: now.toISOString(), sender: self, steps },
      },
      read?.etag ?? null,
    );
    if (etag !== null) return { kind: "send", steps, taken: { id: debtor.key, etag } };
  }
  throw new SmsSlotContention("The debtor's SMS slot kept changing underneath; try again");
}

/**
 * Gives back a slot this step took but did not use (its letter could not be produced): the SMS it stood for never
 * went, so the debtor's next message need not wait for it. The SMS before it was at least the interval ago (else the
 * slot would not have been free), so removing the document loses no constraint.
 */
export async function releaseSmsSlot(store: DebtorContactStore | undefined, slot: SmsSlot | undefined): Promise<void> {
  if (store === undefined || slot?.kind !== "send" || slot.taken === undefined) return;
  await store.remove(slot.taken.id, slot.taken.etag);
}
