/**
 * Case events to a Service Bus topic (`case-events`: the caller names it, see functions/webhooks/names.ts), one
 * message per event:
 * - `messageId` = the event id, so publishing the same event twice (a retried activity) is dropped by the topic's
 *   duplicate detection;
 * - `subject` = the event type (subscriptions filter on it, e.g. `payments-only`);
 * - `applicationProperties` `{ tenantId, eventType }` for SQL filters; `correlationId` = the case id;
 * - the body is the event as JSON (`contentType: application/json`).
 * Several events go out as one batch (atomic per batch), split when they exceed the maximum batch size.
 */
import { DefaultAzureCredential } from "@azure/identity";
import {
  RetryMode,
  ServiceBusClient,
  type ServiceBusClientOptions,
  type ServiceBusMessage,
  type ServiceBusSender,
} from "@azure/service-bus";
import type { CaseEventMessage, EventPublisher } from "../../ports/event-publisher";

export function caseEventToMessage(event: CaseEventMessage): ServiceBusMessage {
  return {
    messageId: event.id,
    subject: event.type,
    correlationId: event.caseId,
    contentType: "application/json",
    applicationProperties: { tenantId: event.tenantId, eventType: event.type },
    body: event,
  };
}

/**
 * Sends a list of messages with one sender: one message as is, several in batches of what fits. Shared by the
 * Service Bus adapters.
 */
export async function sendInBatches(sender: ServiceBusSender, messages: ServiceBusMessage[]): Promise<void> {
  if (messages.length === 0) return;
  if (messages.length === 1) {
    await sender.sendMessages(messages[0]!);
    return;
  }
  let batch = await sender.createMessageBatch();
  for (const message of messages) {
    if (batch.tryAddMessage(message)) continue;
    if (batch.count === 0) throw new Error("A Service Bus message is larger than the maximum message size");
    await sender.sendMessages(batch);
    batch = await sender.createMessageBatch();
    if (!batch.tryAddMessage(message)) throw new Error("A Service Bus message is larger than the maximum message size");
  }
  if (batch.count > 0) await sender.sendMessages(batch);
}

export interface ServiceBusEventPublisherOptions {
  client: ServiceBusClient;
  /** The topic the events go to (the composition root passes the one constant the triggers subscribe to). */
  topicName: string;
}

export class ServiceBusEventPublisher implements EventPublisher {
  readonly #client: ServiceBusClient;
  readonly #topicName: string;
  #sender: ServiceBusSender | undefined;

  constructor(options: ServiceBusEventPublisherOptions) {
    this.#client = options.client;
    this.#topicName = options.topicName;
  }

  async publish(events: CaseEventMessage[]): Promise<void> {
    this.#sender ??= this.#client.createSender(this.#topicName);
    await sendInBatches(this.#sender, events.map(caseEventToMessage));
  }

  /** Closes the sender (not the client, which the composition root owns). */
  async close(): Promise<void> {
    await this.#sender?.close();
    this.#sender = undefined;
  }
}

/** How to reach the namespace: a connection string, or (Azure, managed identity) its fully qualified name. */
export interface ServiceBusOptions {
  connectionString?: string | undefined;
  /** e.g. `sb-payment-follow-up.servicebus.windows.net`; used with DefaultAzureCredential when no connection string. */
  fullyQualifiedNamespace?: string | undefined;
}

/**
 * Sends are retried briefly (0.5 s, 1 s, 2 s; each try at most 20 s), not with the SDK's default of three 30-second
 * waits: every send here runs inside a request or a function that has its own retry behind it — the outbox sweep for
 * events, the caller's retry (Vipps, Event Grid, the API client) or the trigger's redelivery for queue messages — and
 * a namespace in trouble must not hold an API request for 90 seconds.
 */
const CLIENT_OPTIONS: ServiceBusClientOptions = {
  retryOptions: {
    maxRetries: 3,
    retryDelayInMs: 500,
    maxRetryDelayInMs: 2_000,
    mode: RetryMode.Exponential,
    timeoutInMs: 20_000,
  },
};

/**
 * The app's Service Bus client: from the connection string when there is one, else from the namespace with
 * DefaultAzureCredential. The composition root maps the settings to these options.
 */
export function createServiceBusClient(options: ServiceBusOptions): ServiceBusClient {
  if (options.connectionString) return new ServiceBusClient(options.connectionString, CLIENT_OPTIONS);
  const namespace = options.fullyQualifiedNamespace;
  if (namespace) return new ServiceBusClient(namespace, new DefaultAzureCredential(), CLIENT_OPTIONS);
  throw new Error(
    "Service Bus is not configured: set ServiceBusConnection or ServiceBusConnection__fullyQualifiedNamespace",
  );
}
