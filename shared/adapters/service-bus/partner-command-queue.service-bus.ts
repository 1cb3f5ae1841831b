/**
 * PartnerCommandQueue on the Service Bus session queue `partner-commands` (the caller names it, see
 * functions/cases/names.ts), through an SDK sender: the session id (the service id) and the message id (duplicate
 * detection) need it — an output binding cannot set them from the Node.js worker.
 */
import type { ServiceBusClient, ServiceBusMessage, ServiceBusSender } from "@azure/service-bus";
import type { PartnerCommandMessage, PartnerCommandQueue } from "../../ports/partner-command-queue";
import { sendInBatches } from "./event-publisher.service-bus";

/** Service Bus session ids and message ids are at most 128 characters. */
function clip(id: string): string {
  return id.length <= 128 ? id : id.slice(0, 128);
}

export function partnerCommandToMessage(message: PartnerCommandMessage, notBefore?: Date): ServiceBusMessage {
  return {
    messageId: clip(`${message.commandId}#${String(message.attempt)}`),
    sessionId: clip(message.serviceId),
    subject: message.target === "active" ? "reopen" : "suspend",
    contentType: "application/json",
    body: message,
    ...(notBefore ? { scheduledEnqueueTimeUtc: notBefore } : {}),
  };
}

export class ServiceBusPartnerCommandQueue implements PartnerCommandQueue {
  readonly #client: ServiceBusClient;
  readonly #queueName: string;
  #sender: ServiceBusSender | undefined;

  constructor(options: { client: ServiceBusClient; queueName: string }) {
    this.#client = options.client;
    this.#queueName = options.queueName;
  }

  async enqueue(messages: readonly PartnerCommandMessage[], options: { notBefore?: Date } = {}): Promise<void> {
    if (messages.length === 0) return;
    this.#sender ??= this.#client.createSender(this.#queueName);
    await sendInBatches(
      this.#sender,
      messages.map((m) => partnerCommandToMessage(m, options.notBefore)),
    );
  }

  async close(): Promise<void> {
    await this.#sender?.close();
    this.#sender = undefined;
  }
}
