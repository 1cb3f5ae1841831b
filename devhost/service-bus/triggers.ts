/**
 * Service Bus triggers and output bindings in the dev host, behaving like the Functions host, through the real
 * `@azure/service-bus` SDK (so they work against the local broker and against Azure alike).
 *
 * Triggers (`app.serviceBusQueue` / `app.serviceBusTopic`):
 * - receive in peek-lock; complete after a successful invocation, abandon after a failed one (the message comes back
 *   with its delivery count one higher and, after the entity's max delivery count, lands in the dead-letter queue);
 * - `isSessionsEnabled: true`: up to `maxConcurrentSessions` sessions at a time, each session's messages one at a time
 *   in order; a session is released after `sessionIdleMs` without messages (the dev host passes host.json's
 *   settings: host-settings.ts);
 * - `cardinality: "many"`: batches of up to 32 messages, completed or abandoned together;
 * - the trigger input is the body, deserialised like the host does (JSON → object, other text → string); trigger
 *   metadata carries plain data only (no receiver or actions): messageId, deliveryCount (1 on the first delivery, as
 *   the host reports it), enqueuedTimeUtc, expiresAtUtc (ISO strings), applicationProperties (also as
 *   userProperties), sessionId, correlationId, contentType, subject and label, to, replyTo, lockToken,
 *   sequenceNumber; for `many` the same keys with an `Array` suffix.
 * - `autoCompleteMessages: false` needs SDK-type bindings to settle from the function, which the dev host does not
 *   offer: it is reported once and the message is completed as usual.
 *
 * Outputs (`output.serviceBusQueue` / `output.serviceBusTopic`, as extra output or `return`): the value is one message
 * or an array of messages. Each message is either a plain body (object → JSON, string, number, Buffer…) or a message
 * object: an object with a `body` whose other keys are all ServiceBusMessage fields — messageId, sessionId,
 * correlationId, contentType, subject, to, replyTo, replyToSessionId, timeToLive, partitionKey,
 * applicationProperties, scheduledEnqueueTimeUtc (Date or ISO string: delivered at that time). Arrays go out in
 * batches.
 *
 * Connections: the binding's `connection` names an app setting (default `AzureWebJobsServiceBus`) holding a
 * connection string, or `<name>__fullyQualifiedNamespace` for an identity-based connection (DefaultAzureCredential).
 */
import { DefaultAzureCredential } from "@azure/identity";
import {
  type ServiceBusClient as Client,
  ServiceBusClient,
  type ServiceBusMessage,
  type ServiceBusReceivedMessage,
  type ServiceBusReceiver,
  type ServiceBusSender,
  type ServiceBusSessionReceiver,
} from "@azure/service-bus";
import type { BindingMetadata, FunctionRegistry, Registration } from "../functions-core";
import { InvocationFailed, type Invoker } from "../invoker";
import type { DevLogger } from "../logger";
import { asString } from "../text";

export interface ServiceBusTriggersOptions {
  registry: Pick<FunctionRegistry, "byTrigger">;
  /** Runs the functions (the dev host's `Invoker`, or one that asks the host's thread: triggers-thread.ts). */
  invoker: Pick<Invoker, "invoke" | "setOutputHandler">;
  logger: DevLogger;
  /** Reads app settings, e.g. `(name) => process.env[name]`. */
  setting: (name: string) => string | undefined;
  /** Concurrent messages per non-session trigger (host default: 16 per core; default here 16). */
  maxConcurrentCalls?: number;
  /** Concurrent sessions per session trigger (host default: 8). */
  maxConcurrentSessions?: number;
  /** How long a session trigger waits for more messages before releasing the session (default here 1 s). */
  sessionIdleMs?: number;
}

const DEFAULT_CONNECTION = "AzureWebJobsServiceBus";
const READY_TIMEOUT_MS = 10_000;
const MANY_BATCH_SIZE = 32;

const MESSAGE_FIELDS = new Set([
  "body",
  "messageId",
  "sessionId",
  "correlationId",
  "contentType",
  "subject",
  "to",
  "replyTo",
  "replyToSessionId",
  "timeToLive",
  "partitionKey",
  "applicationProperties",
  "scheduledEnqueueTimeUtc",
]);

interface Worker {
  done: Promise<void>;
  /** Resolves once the worker listens (so that messages sent after `start()` are seen as pending work). */
  ready: Promise<void>;
  stop(): Promise<void>;
}

export class ServiceBusTriggers {
  private readonly clients = new Map<string, Client>();
  private readonly senders = new Map<string, ServiceBusSender>();
  private readonly workers: Worker[] = [];
  private readonly abort = new AbortController();
  private readonly stopped = new Promise<undefined>((resolve) =>
    this.abort.signal.addEventListener("abort", () => resolve(undefined)),
  );
  private readonly warned = new Set<string>();
  private stopping = false;

  constructor(private readonly options: ServiceBusTriggersOptions) {}

  /**
   * Registers the output handler and starts one receiver (or session pump) per Service Bus trigger; resolves once
   * they listen (bounded: a trigger whose entity is unreachable is reported, not waited for).
   */
  async start(): Promise<void> {
    this.options.invoker.setOutputHandler("serviceBus", (binding, value) => this.sendOutput(binding, value));
    for (const registration of this.options.registry.byTrigger("serviceBusTrigger")) {
      try {
        this.startTrigger(registration);
      } catch (err) {
        this.options.logger.error("service bus trigger not started", {
          function: registration.name,
          error: errorMessage(err),
        });
      }
    }
    await Promise.all(this.workers.map((w) => w.ready));
  }

  /** Stops receiving, closes senders and clients (which also ends pending session accepts). */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.abort.abort();
    await Promise.allSettled(this.workers.map((w) => w.stop()));
    await Promise.allSettled([...this.senders.values()].map((s) => s.close()));
    await Promise.allSettled([...this.clients.values()].map((c) => c.close()));
    await Promise.race([Promise.allSettled(this.workers.map((w) => w.done)), sleep(5_000)]);
    this.senders.clear();
    this.clients.clear();
  }

  // ---- triggers --------------------------------------------------------------------------------------------------

  private startTrigger(registration: Registration): void {
    const t = registration.trigger;
    // A client (an AMQP connection) per trigger: the client's processing walks every link of its connection on each
    // frame, so one shared connection made the busy triggers pay for the session trigger's many waiting accepts.
    const client = this.client(asString(t.connection ?? DEFAULT_CONNECTION), registration.name);
    const queue = t.queueName as string | undefined;
    const topic = t.topicName as string | undefined;
    const subscription = t.subscriptionName as string | undefined;
    if (!queue && !(topic && subscription))
      throw new Error("a Service Bus trigger needs queueName, or topicName and subscriptionName");
    if (t.autoCompleteMessages === false) {
      this.warnOnce(
        `autocomplete:${registration.name}`,
        "autoCompleteMessages: false is not supported by the dev host; messages are completed after success",
        registration.name,
      );
    }
    const entity = queue ? { queue } : { topic: topic!, subscription: subscription! };
    if (t.isSessionsEnabled === true) {
      const n = this.options.maxConcurrentSessions ?? 8;
      for (let i = 0; i < n; i++) this.workers.push(this.sessionWorker(registration, client, entity));
    } else if (t.cardinality === "many") {
      this.workers.push(this.batchWorker(registration, client, entity));
    } else {
      this.workers.push(this.streamingWorker(registration, client, entity));
    }
    this.options.logger.info("service bus trigger listening", {
      function: registration.name,
      entity: queue ?? `${topic}/${subscription}`,
      sessions: t.isSessionsEnabled === true,
    });
  }

  private receiver(
    client: Client,
    entity: { queue: string } | { topic: string; subscription: string },
  ): ServiceBusReceiver {
    return "queue" in entity
      ? client.createReceiver(entity.queue)
      : client.createReceiver(entity.topic, entity.subscription);
  }

  /** One message at a time per call, up to maxConcurrentCalls in parallel. */
  private streamingWorker(
    registration: Registration,
    client: Client,
    entity: { queue: string } | { topic: string; subscription: string },
  ): Worker {
    const receiver = this.receiver(client, entity);
    const subscription = receiver.subscribe(
      {
        processMessage: (m) => this.process(registration, receiver, [m]),
        processError: async (args) => {
          if (!this.stopping)
            this.options.logger.warn("service bus receive error", {
              function: registration.name,
              error: errorMessage(args.error),
            });
        },
      },
      { autoCompleteMessages: false, maxConcurrentCalls: this.options.maxConcurrentCalls ?? 16 },
    );
    return {
      done: Promise.resolve(),
      ready: waitUntil(() => isReceiving(receiver), READY_TIMEOUT_MS),
      stop: async () => {
        await subscription.close();
        await receiver.close();
      },
    };
  }

  /** `cardinality: "many"`: batches, settled together. */
  private batchWorker(
    registration: Registration,
    client: Client,
    entity: { queue: string } | { topic: string; subscription: string },
  ): Worker {
    const receiver = this.receiver(client, entity);
    const loop = async () => {
      while (!this.stopping) {
        let batch: ServiceBusReceivedMessage[];
        try {
          batch = await receiver.receiveMessages(MANY_BATCH_SIZE, {
            maxWaitTimeInMs: 1_000,
            abortSignal: this.abort.signal,
          });
        } catch (err) {
          if (this.stopping) break;
          this.options.logger.warn("service bus receive error", {
            function: registration.name,
            error: errorMessage(err),
          });
          await sleep(500);
          continue;
        }
        if (batch.length) await this.process(registration, receiver, batch, true);
      }
    };
    const done = loop();
    return { done, ready: waitUntil(() => isReceiving(receiver), READY_TIMEOUT_MS), stop: () => receiver.close() };
  }

  /** Sessions: accept the next session with messages, process its messages one by one in order, release it. */
  private sessionWorker(
    registration: Registration,
    client: Client,
    entity: { queue: string } | { topic: string; subscription: string },
  ): Worker {
    const idleMs = this.options.sessionIdleMs ?? 1_000;
    let current: ServiceBusSessionReceiver | undefined;
    const loop = async () => {
      while (!this.stopping) {
        try {
          const accepting =
            "queue" in entity
              ? client.acceptNextSession(entity.queue, { abortSignal: this.abort.signal })
              : client.acceptNextSession(entity.topic, entity.subscription, { abortSignal: this.abort.signal });
          // The SDK does not always give up a pending accept when aborted: stop waiting for it on stop.
          const accepted = await Promise.race([accepting, this.stopped]);
          if (!accepted) {
            accepting.then((r) => r.close()).catch(() => undefined);
            break;
          }
          current = accepted;
        } catch (err) {
          if (this.stopping) break;
          // No session became available in time (the normal idle case) or a transient error: ask again.
          if (!isNoSessionError(err)) {
            this.options.logger.warn("service bus session accept error", {
              function: registration.name,
              error: errorMessage(err),
            });
            await sleep(500);
          }
          continue;
        }
        const receiver = current;
        try {
          while (!this.stopping) {
            const [m] = await receiver.receiveMessages(1, { maxWaitTimeInMs: idleMs });
            if (!m) break;
            await this.process(registration, receiver, [m]);
          }
        } catch (err) {
          if (!this.stopping)
            this.options.logger.warn("service bus session receive error", {
              function: registration.name,
              error: errorMessage(err),
            });
        } finally {
          current = undefined;
          await receiver.close().catch(() => undefined);
        }
      }
    };
    // The SDK does not tell when "accept next session" is waiting at the broker: open the connection first (a peek on
    // the entity), then give the accept requests a moment to arrive.
    const ready = (async () => {
      const probe = this.receiver(client, entity);
      await probe.peekMessages(1).catch(() => undefined);
      await probe.close().catch(() => undefined);
      await sleep(50);
    })();
    const done = ready.then(loop);
    return { done, ready, stop: async () => void (await current?.close().catch(() => undefined)) };
  }

  /** Invokes the function; completes on success, abandons on failure. Never throws. */
  private async process(
    registration: Registration,
    receiver: ServiceBusReceiver,
    messages: ServiceBusReceivedMessage[],
    many = false,
  ): Promise<void> {
    const input = many ? messages.map(bodyOf) : bodyOf(messages[0]!);
    const triggerMetadata = many ? arrayMetadata(messages.map(metadataOf)) : metadataOf(messages[0]!);
    let succeeded = false;
    try {
      await this.options.invoker.invoke(registration, input, { triggerMetadata });
      succeeded = true;
    } catch (err) {
      if (!(err instanceof InvocationFailed)) {
        this.options.logger.error("service bus trigger could not invoke", {
          function: registration.name,
          error: errorMessage(err),
        });
      }
    }
    for (const m of messages) {
      try {
        if (succeeded) await receiver.completeMessage(m);
        else await receiver.abandonMessage(m);
      } catch (err) {
        if (!this.stopping) {
          this.options.logger.warn("service bus settlement failed", {
            function: registration.name,
            outcome: succeeded ? "complete" : "abandon",
            error: errorMessage(err),
          });
        }
      }
    }
  }

  // ---- outputs ---------------------------------------------------------------------------------------------------

  private async sendOutput(binding: BindingMetadata, value: unknown): Promise<void> {
    const entity = (binding.queueName ?? binding.topicName) as string | undefined;
    if (!entity) throw new Error(`Service Bus output "${binding.name}" has neither queueName nor topicName`);
    const connection = asString(binding.connection ?? DEFAULT_CONNECTION);
    const key = `${connection}\u0000${entity}`;
    let sender = this.senders.get(key);
    if (!sender) {
      sender = this.client(connection).createSender(entity);
      this.senders.set(key, sender);
    }
    const messages = (Array.isArray(value) ? value : [value]).filter((v) => v !== undefined).map(toOutgoingMessage);
    if (messages.length === 0) return;
    if (messages.length === 1) {
      await sender.sendMessages(messages[0]!);
      return;
    }
    let batch = await sender.createMessageBatch();
    for (const m of messages) {
      if (batch.tryAddMessage(m)) continue;
      if (batch.count === 0) throw new Error("A Service Bus output message is larger than the maximum message size");
      await sender.sendMessages(batch);
      batch = await sender.createMessageBatch();
      if (!batch.tryAddMessage(m))
        throw new Error("A Service Bus output message is larger than the maximum message size");
    }
    if (batch.count > 0) await sender.sendMessages(batch);
  }

  // ---- connections -----------------------------------------------------------------------------------------------

  /**
   * Resolves a connection setting like the host: `<name>` (connection string) or `<name>__fullyQualifiedNamespace`;
   * one client per `use` (a trigger's name; outputs share one).
   */
  private client(connection: string, use = ""): Client {
    const key = `${connection}\u0000${use}`;
    const cached = this.clients.get(key);
    if (cached) return cached;
    const connectionString = this.options.setting(connection);
    let client: Client;
    if (connectionString) {
      client = new ServiceBusClient(connectionString);
    } else {
      const namespace = this.options.setting(`${connection}__fullyQualifiedNamespace`);
      if (!namespace) {
        throw new Error(
          `The app setting "${connection}" (or "${connection}__fullyQualifiedNamespace") for a Service Bus connection is not set`,
        );
      }
      client = new ServiceBusClient(namespace, new DefaultAzureCredential());
    }
    this.clients.set(key, client);
    return client;
  }

  private warnOnce(key: string, message: string, functionName: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.options.logger.warn(message, { function: functionName });
  }
}

// ---- message conversion ------------------------------------------------------------------------------------------

/** The body as the host hands it to a Node function: JSON → value, other text → string, other bytes → Buffer. */
export function bodyOf(m: ServiceBusReceivedMessage): unknown {
  const b: unknown = m.body;
  if (Buffer.isBuffer(b) || b instanceof Uint8Array) {
    const text = Buffer.from(b).toString("utf8");
    return parseJsonOr(text, text);
  }
  if (typeof b === "string") {
    const trimmed = b.trimStart();
    return trimmed.startsWith("{") || trimmed.startsWith("[") ? parseJsonOr(b, b) : b;
  }
  return b;
}

function parseJsonOr(text: string, fallback: unknown): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return fallback;
  }
}

export function metadataOf(m: ServiceBusReceivedMessage): Record<string, unknown> {
  const props = { ...(m.applicationProperties ?? {}) };
  const meta: Record<string, unknown> = {
    messageId: m.messageId === undefined ? undefined : String(m.messageId),
    deliveryCount: (m.deliveryCount ?? 0) + 1,
    enqueuedTimeUtc: m.enqueuedTimeUtc?.toISOString(),
    expiresAtUtc: m.expiresAtUtc?.toISOString(),
    applicationProperties: props,
    userProperties: props,
    sessionId: m.sessionId,
    correlationId: m.correlationId === undefined ? undefined : String(m.correlationId),
    contentType: m.contentType,
    subject: m.subject,
    label: m.subject,
    to: m.to,
    replyTo: m.replyTo,
    lockToken: m.lockToken,
    sequenceNumber: m.sequenceNumber === undefined ? undefined : Number(m.sequenceNumber.toString()),
    deadLetterSource: m.deadLetterSource,
  };
  for (const k of Object.keys(meta)) if (meta[k] === undefined) delete meta[k];
  return meta;
}

function arrayMetadata(items: Array<Record<string, unknown>>): Record<string, unknown> {
  const keys = new Set(items.flatMap((i) => Object.keys(i)));
  const out: Record<string, unknown> = {};
  for (const k of keys) out[`${k}Array`] = items.map((i) => i[k]);
  return out;
}

/** A plain body, or a message object (a `body` plus only ServiceBusMessage fields). */
export function toOutgoingMessage(value: unknown): ServiceBusMessage {
  if (isMessageObject(value)) {
    const { scheduledEnqueueTimeUtc, ...rest } = value as Record<string, unknown>;
    const m = { ...rest } as unknown as ServiceBusMessage;
    if (scheduledEnqueueTimeUtc !== undefined) {
      const at =
        scheduledEnqueueTimeUtc instanceof Date ? scheduledEnqueueTimeUtc : new Date(asString(scheduledEnqueueTimeUtc));
      if (Number.isNaN(at.getTime())) throw new Error("scheduledEnqueueTimeUtc is not a valid date");
      m.scheduledEnqueueTimeUtc = at;
    }
    return m;
  }
  return { body: value };
}

function isMessageObject(value: unknown): boolean {
  if (typeof value !== "object" || value === null || Array.isArray(value) || Buffer.isBuffer(value)) return false;
  const keys = Object.keys(value);
  return keys.includes("body") && keys.every((k) => MESSAGE_FIELDS.has(k));
}

/**
 * Whether a receiver's link is open and asking for messages. The SDK has no public signal for this; it is read from
 * the receiver's internal state when present (otherwise assumed ready).
 */
function isReceiving(receiver: ServiceBusReceiver): boolean {
  const probe = (receiver as unknown as { _isReceivingMessages?: () => boolean })._isReceivingMessages;
  return typeof probe === "function" ? probe.call(receiver) : true;
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (!condition() && Date.now() - started < timeoutMs) await sleep(10);
  // Credit follows the attach by one round trip.
  await sleep(10);
}

function isNoSessionError(err: unknown): boolean {
  const e = err as { code?: string; name?: string };
  return (
    e?.code === "ServiceTimeout" ||
    e?.code === "ServiceUnavailable" ||
    e?.code === "SessionCannotBeLocked" ||
    e?.name === "AbortError"
  );
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref?.());
}
