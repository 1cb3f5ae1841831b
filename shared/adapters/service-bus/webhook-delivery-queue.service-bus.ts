/**
 * Webhook deliveries to a Service Bus queue (`webhook-deliveries`: the caller names it, see functions/webhooks/names.ts)
 * through the SDK — for the fan-out AND for the scheduled retries.
 *
 * Why not the Functions output binding: in the Node.js worker a Service Bus output binding sends the value as the
 * message BODY only; `messageId`, `applicationProperties` and `scheduledEnqueueTimeUtc` cannot be set through it
 * (Azure/azure-functions-nodejs-worker#293). The dev host's output handler accepts message objects with those fields,
 * but the same code in Azure would send `{ body, messageId, … }` as the body, lose duplicate detection and deliver
 * every "scheduled" retry at once. A sender works the same in both places.
 */
import type { ServiceBusClient, ServiceBusMessage, ServiceBusSender } from "@azure/service-bus";
import {
  deliveryMessageId,
  type WebhookDeliveryMessage,
  type WebhookDeliveryQueue,
} from "../../ports/webhook-delivery-queue";
import { sendInBatches } from "./event-publisher.service-bus";

export function deliveryToMessage(delivery: WebhookDeliveryMessage): ServiceBusMessage {
  return {
    messageId: deliveryMessageId(delivery),
    subject: delivery.event.type,
    correlationId: delivery.event.caseId,
    contentType: "application/json",
    applicationProperties: {
      tenantId: delivery.tenantId,
      subscriptionId: delivery.subscriptionId,
      eventId: delivery.event.id,
      attempt: delivery.attempt,
    },
    body: delivery,
  };
}

export class ServiceBusWebhookDeliveryQueue implements WebhookDeliveryQueue {
  readonly #client: ServiceBusClient;
  readonly #queueName: string;
  #sender: ServiceBusSender | undefined;

  constructor(options: { client: ServiceBusClient; queueName: string }) {
    this.#client = options.client;
    this.#queueName = options.queueName;
  }

  async send(deliveries: WebhookDeliveryMessage[]): Promise<void> {
    await sendInBatches(this.#getSender(), deliveries.map(deliveryToMessage));
  }

  async schedule(delivery: WebhookDeliveryMessage, at: Date): Promise<void> {
    await this.#getSender().scheduleMessages(deliveryToMessage(delivery), at);
  }

  async close(): Promise<void> {
    await this.#sender?.close();
    this.#sender = undefined;
  }

  #getSender(): ServiceBusSender {
    this.#sender ??= this.#client.createSender(this.#queueName);
    return this.#sender;
  }
}
