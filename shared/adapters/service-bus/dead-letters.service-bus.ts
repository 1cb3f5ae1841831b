/**
 * `DeadLetters` over the real Service Bus SDK: the dead-letter sub-queue is peeked for the list; a replay receives
 * from it (peek-lock) until it holds the message with the sequence number asked for, sends a copy to the queue and
 * completes the dead letter (the others it locked on the way are abandoned at once). Send before complete: a crash in
 * between leaves the dead letter in place and the copy queued — the consumers are idempotent on the message's own id.
 */
import type { ServiceBusClient, ServiceBusReceivedMessage } from "@azure/service-bus";
import Long from "long";
import type { DeadLetter, DeadLetters } from "../../ports/dead-letters";

const SCAN_BATCH = 50;
const SCAN_LIMIT = 5_000;

export class ServiceBusDeadLetters implements DeadLetters {
  constructor(private readonly client: ServiceBusClient) {}

  async list(queue: string, limit: number): Promise<DeadLetter[]> {
    const receiver = this.client.createReceiver(queue, { subQueueType: "deadLetter" });
    try {
      // From the start each time: the SDK's peek cursor is kept per entity across receivers of one client.
      const messages = await receiver.peekMessages(limit, { fromSequenceNumber: Long.fromNumber(0) });
      return messages.map((m) => view(queue, m));
    } finally {
      await receiver.close();
    }
  }

  async replay(queue: string, sequenceNumber: string): Promise<boolean> {
    const receiver = this.client.createReceiver(queue, { subQueueType: "deadLetter", receiveMode: "peekLock" });
    const sender = this.client.createSender(queue);
    // Locked while looking, abandoned at the end (abandoning at once would hand the same ones back to this loop).
    const passed: ServiceBusReceivedMessage[] = [];
    try {
      while (passed.length < SCAN_LIMIT) {
        const batch = await receiver.receiveMessages(SCAN_BATCH, { maxWaitTimeInMs: 1_000 });
        if (batch.length === 0) return false;
        const match = batch.find((m) => m.sequenceNumber?.toString() === sequenceNumber);
        passed.push(...batch.filter((m) => m !== match));
        if (!match) continue;
        await sender.sendMessages({
          body: match.body as unknown,
          ...(match.messageId !== undefined ? { messageId: match.messageId } : {}),
          ...(match.sessionId !== undefined ? { sessionId: match.sessionId } : {}),
          ...(match.subject !== undefined ? { subject: match.subject } : {}),
          ...(match.contentType !== undefined ? { contentType: match.contentType } : {}),
          ...(match.correlationId !== undefined ? { correlationId: match.correlationId } : {}),
          applicationProperties: { ...(match.applicationProperties ?? {}), replayedFromDeadLetter: true },
        });
        await receiver.completeMessage(match);
        return true;
      }
      return false;
    } finally {
      for (const m of passed) await receiver.abandonMessage(m).catch(() => undefined);
      await receiver.close();
      await sender.close();
    }
  }
}

function view(queue: string, m: ServiceBusReceivedMessage): DeadLetter {
  return {
    queue,
    sequenceNumber: m.sequenceNumber?.toString() ?? "",
    messageId: m.messageId === undefined ? null : String(m.messageId),
    sessionId: m.sessionId ?? null,
    subject: m.subject ?? null,
    enqueuedAt: m.enqueuedTimeUtc?.toISOString() ?? null,
    deliveryCount: m.deliveryCount ?? 0,
    reason: m.deadLetterReason ?? null,
    description: m.deadLetterErrorDescription ?? null,
    body: m.body as unknown,
  };
}
