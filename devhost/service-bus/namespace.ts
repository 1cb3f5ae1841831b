/**
 * The namespace: queues and topics built from the declared entities, addressing (`queue`, `topic/Subscriptions/sub`,
 * `…/$DeadLetterQueue`), routing (topic fan-out through subscription rules), duplicate detection and scheduled
 * messages on the injected clock. Knows nothing about AMQP links.
 */
import { randomUUID } from "node:crypto";
import type { WorkTracker } from "../work-tracker";
import { type AmqpMessage, filterView, idToString, scheduledEnqueueTime } from "./amqp";
import { Endpoint, type MessageState, NO_STORE_EVENTS, type StoreEvents, type StoredMessage } from "./endpoint";
import type { ServiceBusEntities } from "./entities";
import { type MessagePredicate, subscriptionPredicate } from "./filters";

export interface BrokerClock {
  now(): number;
  schedule(at: number, fire: () => unknown, label?: string): { cancel(): void };
}

interface Scheduled {
  m: StoredMessage;
  handle: { cancel(): void };
}

/** Something you can send to: a queue or a topic. */
export class SendTarget {
  readonly dedupe = new Map<string, number>();
  readonly scheduled = new Map<number, Scheduled>();

  constructor(
    readonly kind: "queue" | "topic",
    readonly name: string,
    readonly duplicateWindowMs: number,
    /** Where a message goes once it is enqueued: the queue's store, or the matching subscriptions. */
    readonly route: (m: StoredMessage) => void,
  ) {}
}

export interface SubscriptionRuntime {
  name: string;
  endpoint: Endpoint;
  matches: MessagePredicate;
}

export interface SendResult {
  accepted: boolean;
  /** Why the message was refused (e.g. no session id for a session entity). */
  error?: { condition: string; description: string };
}

export class Namespace {
  private nextSeq = 1;
  private readonly queues = new Map<string, { target: SendTarget; endpoint: Endpoint }>();
  private readonly topics = new Map<string, { target: SendTarget; subscriptions: Map<string, SubscriptionRuntime> }>();
  private readonly endpoints = new Map<string, Endpoint>();

  constructor(
    entities: ServiceBusEntities,
    private readonly clock: BrokerClock,
    private readonly events: StoreEvents = NO_STORE_EVENTS,
    tracker?: Pick<WorkTracker, "begin">,
  ) {
    const now = () => clock.now();
    const makeEndpoint = (
      path: string,
      d: { maxDeliveryCount: number; lockDurationSeconds: number; requiresSession: boolean },
    ) => {
      const dlq = new Endpoint({
        path: `${path}/$DeadLetterQueue`,
        maxDeliveryCount: Number.POSITIVE_INFINITY,
        lockDurationMs: d.lockDurationSeconds * 1000,
        requiresSession: false,
        now,
        tracker,
        events,
      });
      const main = new Endpoint({
        path,
        maxDeliveryCount: d.maxDeliveryCount,
        lockDurationMs: d.lockDurationSeconds * 1000,
        requiresSession: d.requiresSession,
        deadLetter: dlq,
        now,
        tracker,
        events,
      });
      this.endpoints.set(path.toLowerCase(), main);
      this.endpoints.set(dlq.path.toLowerCase(), dlq);
      return main;
    };
    for (const q of entities.queues) {
      const endpoint = makeEndpoint(q.name, q);
      const target = new SendTarget("queue", q.name, (q.duplicateDetectionWindowMinutes ?? 0) * 60_000, (m) =>
        endpoint.enqueue(m),
      );
      this.queues.set(q.name.toLowerCase(), { target, endpoint });
    }
    for (const t of entities.topics) {
      const subscriptions = new Map<string, SubscriptionRuntime>();
      for (const s of t.subscriptions) {
        const endpoint = makeEndpoint(`${t.name}/Subscriptions/${s.name}`, s);
        subscriptions.set(s.name.toLowerCase(), { name: s.name, endpoint, matches: subscriptionPredicate(s.rules) });
      }
      const target = new SendTarget("topic", t.name, (t.duplicateDetectionWindowMinutes ?? 0) * 60_000, (m) => {
        const view = filterView(m.message);
        for (const sub of subscriptions.values()) {
          if (!sub.matches(view)) continue;
          const copy = { ...m };
          sub.endpoint.enqueue(copy);
          m.encoded ??= copy.encoded; // encoded once (for the journal), shared by the other subscriptions' copies
        }
      });
      this.topics.set(t.name.toLowerCase(), { target, subscriptions });
    }
  }

  // ---- addressing ----------------------------------------------------------------------------------------------

  /** A queue or topic by name (case-insensitive, like the service). */
  sendTarget(address: string): SendTarget | undefined {
    const key = stripHost(address).toLowerCase();
    return this.queues.get(key)?.target ?? this.topics.get(key)?.target;
  }

  /** A queue, subscription, or dead-letter queue of either. */
  endpoint(address: string): Endpoint | undefined {
    return this.endpoints.get(stripHost(address).toLowerCase());
  }

  /** The queue behind an endpoint path, when it is a queue (scheduled messages live there). */
  queueTargetOf(endpoint: Endpoint): SendTarget | undefined {
    const q = this.queues.get(endpoint.path.toLowerCase());
    return q?.endpoint === endpoint ? q.target : undefined;
  }

  allEndpoints(): Endpoint[] {
    return [...new Set(this.endpoints.values())];
  }

  allTargets(): SendTarget[] {
    return [...[...this.queues.values()].map((q) => q.target), ...[...this.topics.values()].map((t) => t.target)];
  }

  // ---- sending -------------------------------------------------------------------------------------------------

  /** Why the service would refuse this message on this entity, if it would. */
  /** The names of every queue and topic. */
  entityNames(): string[] {
    return [...this.queues.keys(), ...this.topics.keys()];
  }

  refusal(target: SendTarget, message: AmqpMessage): SendResult["error"] | undefined {
    if (this.requiresSession(target) && (message.group_id === undefined || message.group_id === null)) {
      return {
        condition: "amqp:not-allowed",
        description: `The SessionId was not set on a message, and it cannot be sent to the entity '${target.name}'. Entities that have session support enabled can only receive messages that have the SessionId set.`,
      };
    }
    return undefined;
  }

  /** One sent message: duplicate detection, then scheduled for later or routed now. */
  send(target: SendTarget, message: AmqpMessage, forcedScheduleAt?: number): { result: SendResult; seq?: number } {
    const refused = this.refusal(target, message);
    if (refused) return { result: { accepted: false, error: refused } };
    const messageId = idToString(message.message_id) ?? randomUUID();
    if (message.message_id === undefined || message.message_id === null)
      message = { ...message, message_id: messageId };
    const now = this.clock.now();
    if (this.isDuplicate(target, messageId, now)) return { result: { accepted: true } };
    const m: StoredMessage = {
      seq: this.nextSeq++,
      message,
      messageId,
      sessionId: message.group_id ?? undefined,
      enqueuedAt: now,
      deliveryCount: 0,
    };
    const at = forcedScheduleAt ?? scheduledEnqueueTime(message);
    if (at !== undefined && at > now) {
      m.scheduledAt = at;
      this.addScheduled(target, m);
      this.events.scheduled(target.name, m);
    } else {
      target.route(m);
    }
    return { result: { accepted: true }, seq: m.seq };
  }

  cancelScheduled(target: SendTarget, seqs: number[]): void {
    for (const seq of seqs) {
      const s = target.scheduled.get(seq);
      if (!s) continue;
      s.handle.cancel();
      target.scheduled.delete(seq);
      this.events.unscheduled(target.name, seq);
    }
  }

  /** Scheduled messages of a queue as peek shows them. */
  scheduledOf(target: SendTarget | undefined): Array<{ m: StoredMessage; state: MessageState }> {
    if (!target) return [];
    return [...target.scheduled.values()].map((s) => ({ m: s.m, state: "scheduled" as const }));
  }

  private requiresSession(target: SendTarget): boolean {
    if (target.kind === "queue") return this.queues.get(target.name.toLowerCase())!.endpoint.requiresSession;
    return false;
  }

  private isDuplicate(target: SendTarget, messageId: string, now: number): boolean {
    if (target.duplicateWindowMs <= 0) return false;
    if (target.dedupe.size > 10_000) {
      for (const [id, until] of target.dedupe) if (until <= now) target.dedupe.delete(id);
    }
    const until = target.dedupe.get(messageId);
    if (until !== undefined && until > now) return true;
    target.dedupe.set(messageId, now + target.duplicateWindowMs);
    this.events.dedupe(target.name, messageId, now + target.duplicateWindowMs);
    return false;
  }

  /** Puts a scheduled message on the clock: when it fires, it is enqueued (enqueued time = its scheduled time). */
  addScheduled(target: SendTarget, m: StoredMessage): void {
    const at = m.scheduledAt ?? this.clock.now();
    const handle = this.clock.schedule(
      at,
      () => {
        if (!target.scheduled.delete(m.seq)) return;
        this.events.unscheduled(target.name, m.seq);
        target.route({ ...m, enqueuedAt: at, scheduledAt: undefined });
      },
      `service-bus scheduled message ${target.name}#${m.seq}`,
    );
    target.scheduled.set(m.seq, { m, handle });
  }

  // ---- persistence support ---------------------------------------------------------------------------------------

  /** Forgets message ids whose duplicate detection window has passed. */
  pruneDuplicateDetection(): void {
    const now = this.clock.now();
    for (const t of this.allTargets()) for (const [id, until] of t.dedupe) if (until <= now) t.dedupe.delete(id);
  }

  get sequence(): number {
    return this.nextSeq;
  }

  set sequence(next: number) {
    this.nextSeq = Math.max(this.nextSeq, next);
  }

  close(): void {
    for (const t of this.allTargets()) for (const s of t.scheduled.values()) s.handle.cancel();
    for (const e of this.allEndpoints()) e.close();
  }
}

/** Addresses may come as `sb://host/entity` or `amqps://host/entity`. */
function stripHost(address: string): string {
  const m = /^[a-z]+:\/\/[^/]+\/(.*)$/i.exec(address);
  return (m ? m[1]! : address).replace(/^\/+/, "");
}
