/**
 * Sends one SMS. Implementations must deliver at most once per `idempotencyKey`: retrying a send with the same key
 * (after a timeout, a crash, a retried activity) must not send a second message.
 */
export interface SmsMessage {
  /** Recipient, E.164 (`+4791234567`). */
  to: string;
  /** Sender: an alphanumeric sender id or a number the account owns. */
  from: string;
  text: string;
  /** Stable for every attempt to send this very message (e.g. `${caseId}:${stepId}`). */
  idempotencyKey: string;
  /** Free text carried to delivery reports. */
  tag?: string;
  deliveryReport?: boolean;
}

export type SmsSendOutcome =
  | { ok: true; messageId: string }
  /** `retryable`: throttling, server errors and network failures; everything else will fail the same way again. */
  | { ok: false; retryable: boolean; reason: string };

export interface SmsSender {
  send(message: SmsMessage): Promise<SmsSendOutcome>;
}
