/**
 * A digital mailbox (Digipost in Norway): finds out whether a person has one, and delivers a PDF into it — for
 * collection documents as an invoice whose subject starts with `[INKASSO] ` and carries KID, amount, account and due
 * date. A message for someone without a mailbox can fall back to print (the mailbox provider prints and posts it).
 *
 * `send` is idempotent per `messageId` (Digipost: the client-chosen message id; sending the same id again is a
 * duplicate that the adapter reports as the earlier outcome).
 */
export interface MailboxRecipient {
  /** Norwegian national identity number (fødselsnummer), 11 digits. */
  nationalId: string;
}

export interface PrintFallback {
  name: string;
  address: { lines: string[]; postalCode: string; city: string; country: string };
  returnAddress: { name: string; lines: string[]; postalCode: string; city: string; country: string };
}

export interface DigitalMailInvoice {
  kid: string;
  /** Minor units (øre). */
  amount: number;
  /** Norwegian bank account, 11 digits. */
  account: string;
  /** YYYY-MM-DD */
  dueDate: string;
}

export interface DigitalMail {
  /** Stable per message (a UUID); a retry sends the same id. */
  messageId: string;
  recipient: MailboxRecipient;
  subject: string;
  pdf: Buffer;
  /** Present for letters that ask for payment. */
  invoice?: DigitalMailInvoice;
  /** Without it a recipient with no mailbox is not reached (`no-mailbox`). */
  printFallback?: PrintFallback;
}

export type DigitalMailOutcome =
  /** `delivered`: in the recipient's mailbox; `delivered-to-print`: the provider prints and posts it. */
  | { ok: true; messageId: string; status: "delivered" | "delivered-to-print" }
  | { ok: false; retryable: boolean; reason: string; noMailbox?: boolean };

export interface DigitalMailbox {
  /** Whether the person can receive digital mail. Throws on transport failures (retry later). */
  hasMailbox(recipient: MailboxRecipient): Promise<boolean>;
  send(mail: DigitalMail): Promise<DigitalMailOutcome>;
}
