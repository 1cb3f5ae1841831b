/**
 * Sends one e-mail (Azure Communication Services Email in production). `send` resolves once the message was handed
 * over (ACS: the send operation `Succeeded`); that says nothing about delivery — the outcome arrives later as a
 * delivery report (Event Grid `Microsoft.Communication.EmailDeliveryReportReceived`) carrying `messageId`.
 *
 * Implementations send at most once per `messageId`: a retry with the same id (after a timeout, a crash, a retried
 * activity) does not send a second e-mail; it resolves with the same outcome.
 */
export interface EmailAttachment {
  name: string;
  contentType: string;
  content: Buffer;
}

export interface EmailMessage {
  /** Chosen by the caller and stable for every attempt to send this very message (ACS: the operation id, a UUID). */
  messageId: string;
  to: { address: string; displayName?: string };
  /** Replies go to the creditor (the sender address itself is the platform's verified domain). */
  replyTo?: { address: string; displayName?: string };
  subject: string;
  text: string;
  html: string;
  attachments: EmailAttachment[];
}

export type EmailSendOutcome =
  | { ok: true; messageId: string }
  /** `retryable`: throttling, server errors and network failures; everything else fails the same way again. */
  | { ok: false; retryable: boolean; reason: string };

export interface EmailSender {
  send(message: EmailMessage): Promise<EmailSendOutcome>;
}
