/**
 * Operators' view of the messages Service Bus gave up on (each queue's dead-letter queue): list them with why, and
 * send one back to its queue once the cause is fixed. Message bodies are case events, payments and commands — no
 * personal data by design — and are only ever returned to operators, never logged.
 */
export interface DeadLetter {
  queue: string;
  /** The dead-letter queue's own sequence number: what `replay` names. */
  sequenceNumber: string;
  messageId: string | null;
  sessionId: string | null;
  subject: string | null;
  enqueuedAt: string | null;
  deliveryCount: number;
  reason: string | null;
  description: string | null;
  body: unknown;
}

export interface DeadLetters {
  /** The oldest `limit` dead letters of `queue` (peeked: nothing is locked or removed). */
  list(queue: string, limit: number): Promise<DeadLetter[]>;
  /**
   * Sends the dead letter back to its queue (same body, message id, session and properties) and removes it from the
   * dead-letter queue. False when no dead letter has that sequence number.
   */
  replay(queue: string, sequenceNumber: string): Promise<boolean>;
}
