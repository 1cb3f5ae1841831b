/**
 * What a channel says happened to one message (e-mail and SMS delivery reports from ACS through Event Grid, the print
 * house's receipt per letter, a digital mailbox's status), normalised. `messageId` is the id the message was sent
 * with (ACS e-mail operation id, ACS SMS message id, print letter id, Digipost message id).
 */
export type DeliveryChannelName = "email" | "sms" | "digital-mailbox" | "print";

export interface DeliveryReport {
  channel: DeliveryChannelName;
  messageId: string;
  /** `delivered`: reached the debtor (e-mail server accepted it, SMS handset, mailbox, letter posted). */
  outcome: "delivered" | "failed";
  /** The channel's own status word (e.g. Bounced, Suppressed, Posted, Returned) — no personal data. */
  status: string;
  /** ISO instant the channel gives for the outcome (e.g. the day a letter was posted). */
  at: string;
  detail?: string;
  /** The tag the message was sent with, as the channel gives it back (ACS SMS): names its case and delivery. */
  tag?: string;
}

export type DeliveryReportResult = "applied" | "duplicate" | "unknown-message";

/** Where adapters and triggers hand delivery reports to the application. */
export interface DeliveryReportSink {
  record(report: DeliveryReport): Promise<DeliveryReportResult>;
}
