/**
 * PaymentQueue on a Service Bus queue (`payments`: the caller names it, see functions/payments/names.ts), through an
 * SDK sender (not an output binding: the Node.js worker's output binding cannot set `messageId`, and duplicate
 * detection needs it — see webhook-delivery-queue.service-bus.ts).
 * The message id is the payment's own identity, so a provider that calls back twice, or a bank file imported twice,
 * puts the payment on the queue once within the duplicate-detection window (and applying is idempotent after that).
 */
import type { ServiceBusClient, ServiceBusMessage, ServiceBusSender } from "@azure/service-bus";
import type { PaymentMessage, PaymentQueue } from "../../ports/payment-queue";
import { sendInBatches } from "./event-publisher.service-bus";

/** Service Bus message ids are at most 128 characters. */
function messageIdOf(message: PaymentMessage): string {
  const id = `${message.kind}:${message.id}`;
  return id.length <= 128 ? id : id.slice(0, 128);
}

export function paymentToMessage(message: PaymentMessage): ServiceBusMessage {
  return {
    messageId: messageIdOf(message),
    subject: message.kind,
    contentType: "application/json",
    body: message,
    // A message for later (ProviderEventMessage.notBefore) is a scheduled message: the queue holds it until then.
    ...(message.kind === "provider-event" && message.notBefore !== undefined
      ? { scheduledEnqueueTimeUtc: new Date(message.notBefore) }
      : {}),
  };
}

export class ServiceBusPaymentQueue implements PaymentQueue {
  readonly #client: ServiceBusClient;
  readonly #queueName: string;
  #sender: ServiceBusSender | undefined;

  constructor(options: { client: ServiceBusClient; queueName: string }) {
    this.#client = options.client;
    this.#queueName = options.queueName;
  }

  async enqueue(messages: PaymentMessage[]): Promise<void> {
    if (messages.length === 0) return;
    this.#sender ??= this.#client.createSender(this.#queueName);
    await sendInBatches(this.#sender, messages.map(paymentToMessage));
  }

  async close(): Promise<void> {
    await this.#sender?.close();
    this.#sender = undefined;
  }
}
