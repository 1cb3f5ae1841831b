/**
 * The local Service Bus broker: an AMQP 1.0 listener (rhea) that `@azure/service-bus` talks to unchanged with
 * `Endpoint=sb://127.0.0.1:PORT;SharedAccessKeyName=local;SharedAccessKey=local;UseDevelopmentEmulator=true`.
 *
 * This file is the AMQP side: SASL, `$cbs` tokens (any token is accepted), link attach (entity lookup, sessions),
 * transfers in, deliveries out, settlement outcomes and `$management` replies. Message semantics live in
 * `namespace.ts` / `endpoint.ts`, `$management` operations in `management.ts`, persistence in `persistence.ts`.
 */
import type { Server, Socket } from "node:net";
import type { DevLogger } from "../logger";
import type { WorkTracker } from "../work-tracker";
import {
  type AmqpMessage,
  asArray,
  conditions,
  lockKeyOfTag,
  messagesOfTransfer,
  outcomes,
  rhea,
  ticksOf,
} from "./amqp";
import type { Consumer, DeliveryHandle, Endpoint } from "./endpoint";
import type { ServiceBusEntities } from "./entities";
import { handleManagement, type ManagementReply, notFound } from "./management";
import { type BrokerClock, Namespace, type SendTarget } from "./namespace";
import { Persister, type PersisterOptions, restore } from "./persistence";
import type { SessionAcceptor } from "./sessions";
import { asString } from "../text";
import { z } from "zod";
import { readDevJson, sendJson, sendProblem, type DevRouteHandler } from "../dev-routes";

const OutageBody = z.object({ entities: z.array(z.string().min(1)).max(20) });

/**
 * What the broker has served since it started, counted the way Service Bus bills a Standard namespace ("an operation
 * is any API call"): each message sent (scheduled ones included), each message delivered to a receiver, each
 * settlement, each `$management` request, each receiver link attached (a session accepted or waited for included).
 * `GET /api/dev/service-bus` on the dev host.
 */
export interface ServiceBusOperationCounts {
  /** Messages accepted for a queue or topic, sent now or scheduled, per entity (a repeat the duplicate detection drops included). */
  sent: Record<string, number>;
  /** Messages delivered to a receiver, per queue, subscription or dead-letter queue. */
  delivered: Record<string, number>;
  /** Settlements received: complete, abandon, defer, dead-letter. */
  settled: number;
  /** `$management` requests per operation (schedule, cancel, renew lock, peek, session state…). */
  management: Record<string, number>;
  /** Receiver links attached to a queue, subscription or dead-letter queue (sessions accepted or waited for included). */
  receiverLinks: number;
}

export type { BrokerClock } from "./namespace";
export { loadServiceBusEntities, type ServiceBusEntities } from "./entities";

/* eslint-disable @typescript-eslint/no-explicit-any -- rhea's link, delivery and connection objects are untyped */
type RheaLink = any;
type RheaContext = any;

export interface LocalServiceBusOptions {
  entities: ServiceBusEntities;
  dataDir: string;
  clock: BrokerClock;
  /** Counts the broker's pending work (a `WorkTracker`, or a worker thread's `SharedWork`). */
  tracker?: Pick<WorkTracker, "begin">;
  logger: DevLogger;
  /** Journal settings (compaction threshold, fsync); see persistence.ts. */
  persistence?: PersisterOptions;
}

/**
 * `GET|POST /api/dev/service-bus/outage` over a broker's outage switch (`LocalServiceBus`, in this thread or another):
 * `{ "entities": ["case-events"] }` refuses sends to them; `[]` ends it; an unknown entity is a 422.
 */
export function outageRoutes(outage: {
  current: () => string[] | Promise<string[]>;
  set: (entities: string[]) => string[] | Promise<string[]>;
  /** `GET /api/dev/service-bus`: the operation counts and what each entity holds. */
  overview: () => unknown;
}): DevRouteHandler {
  return async (req, res, url) => {
    const path = url.pathname.replace(/\/+$/, "");
    if (path === "/api/dev/service-bus" && req.method === "GET") {
      sendJson(res, 200, await outage.overview(), { "cache-control": "no-store" });
      return true;
    }
    if (path !== "/api/dev/service-bus/outage") return false;
    if (req.method === "GET") {
      sendJson(res, 200, { entities: await outage.current() });
      return true;
    }
    if (req.method !== "POST") {
      sendProblem(res, 405, "Method not allowed", "Use GET or POST.");
      return true;
    }
    const body = await readDevJson(req, res, OutageBody);
    if (!body) return true;
    let entities: string[];
    try {
      entities = await outage.set(body.entities);
    } catch (error) {
      sendProblem(res, 422, "Unknown entity", error instanceof Error ? error.message : String(error));
      return true;
    }
    sendJson(res, 200, { entities });
    return true;
  };
}

/** The Standard tier's message size limit; the SDK sizes batches from it. */
const MAX_MESSAGE_SIZE = 256 * 1024;
/** How long "accept next session" waits for a session when the client does not say (the service caps at 65 s). */
const DEFAULT_SESSION_WAIT_MS = 60_000;
/** How much sooner than the client's timeout an "accept next session" with no session is answered (see its use). */
const ANSWER_BEFORE_CLIENT_TIMEOUT_MS = 1_000;

type IncomingLink = { kind: "cbs" } | { kind: "management"; path: string } | { kind: "send"; target: SendTarget };

type OutgoingLink =
  | { kind: "reply" }
  | { kind: "consume"; endpoint: Endpoint; consumer: LinkConsumer }
  | { kind: "waiting"; endpoint: Endpoint; acceptor: SessionAcceptor; cancel: () => void };

/**
 * A rhea sending link seen as a consumer of an endpoint.
 *
 * Credit: rhea counts a delivery against the link credit only when it writes the transfer out (a tick later), so the
 * credit left is rhea's credit minus the deliveries not written yet.
 * Drain (the SDK drains after each receiveMessages): answered once every queued delivery went out, with a flow that
 * has drain set — rhea only sends one while credit is left (advancing the delivery count over it), so when the
 * deliveries used up the credit the answer is forced through the same path.
 */
class LinkConsumer implements Consumer {
  private sent = 0;
  private drainAdvance = 0;
  private drainRetry = false;
  private drainAnswered = false;
  private echoDrain = false;

  constructor(
    private readonly link: RheaLink,
    readonly settleOnSend: boolean,
    private readonly repump: () => void,
    /** Resolves once the broker's changes so far are on disk: a settlement is answered only then. */
    private readonly durable: () => Promise<void>,
    /** Called for each message delivered on the link (the operation counts). */
    private readonly onDelivery: () => void,
    readonly sessionId?: string,
  ) {
    const original = link._get_drain.bind(link);
    link._get_drain = () => {
      const before = link.delivery_count as number;
      const draining: boolean = original();
      this.drainAdvance += (link.delivery_count as number) - before;
      if (draining) return true;
      if (this.echoDrain) {
        this.echoDrain = false;
        return true;
      }
      return false;
    };
  }

  private unwritten(): number {
    return this.sent - ((this.link.delivery_count as number) - this.drainAdvance);
  }

  credit(): number {
    if (!this.link.is_open() || !this.link.sendable()) return 0;
    return Math.max(0, (this.link.credit as number) - this.unwritten());
  }

  send(wire: AmqpMessage, tag: Buffer): DeliveryHandle {
    this.sent++;
    this.onDelivery();
    const delivery = this.link.send(wire, tag);
    return {
      settle: (outcome) => {
        if (delivery.settled || settling.has(delivery)) return;
        settling.add(delivery);
        const answer = () => {
          try {
            settleDelivery(delivery, outcome);
          } catch {
            /* the link went away meanwhile */
          }
        };
        void this.durable().then(answer, answer);
      },
    };
  }

  /** A flow came from the client (possibly a new drain request). */
  onFlow(): void {
    this.drainAnswered = false;
  }

  drained(): void {
    if (!this.link._draining || this.drainAnswered || !this.link.is_open()) return;
    if (this.unwritten() > 0) {
      if (!this.drainRetry) {
        this.drainRetry = true;
        setImmediate(() => {
          this.drainRetry = false;
          this.repump();
        });
      }
      return;
    }
    this.drainAnswered = true;
    if ((this.link.credit as number) > 0) {
      this.link.set_drained(true);
    } else {
      this.echoDrain = true;
      this.link.issue_flow = true;
      this.link.connection._register();
    }
  }

  close(condition: string, description: string): void {
    if (this.link.is_open()) this.link.close({ condition, description });
  }
}

export class LocalServiceBus {
  private ns: Namespace | undefined;
  private server: Server | undefined;
  private container: any;
  private persister: Persister | undefined;
  private readonly incoming = new WeakMap<RheaLink, IncomingLink>();
  private readonly outgoing = new WeakMap<RheaLink, OutgoingLink>();
  private readonly connections = new Set<any>();
  private readonly linksOf = new Map<any, Set<RheaLink>>();
  private address: { port: number; connectionString: string } | undefined;
  /** Entities whose sends are refused as by a namespace under trouble (`com.microsoft:server-busy`): for outage tests. */
  private readonly outages = new Set<string>();
  private readonly operations: ServiceBusOperationCounts = {
    sent: {},
    delivered: {},
    settled: 0,
    management: {},
    receiverLinks: 0,
  };

  constructor(private readonly options: LocalServiceBusOptions) {}

  /** The operations served since the start (a deep copy). */
  operationCounts(): ServiceBusOperationCounts {
    return structuredClone(this.operations);
  }

  private consumer(link: RheaLink, settleOnSend: boolean, endpoint: Endpoint, sessionId?: string): LinkConsumer {
    const delivered = this.operations.delivered;
    return new LinkConsumer(
      link,
      settleOnSend,
      () => endpoint.pump(),
      this.durable,
      () => (delivered[endpoint.path] = (delivered[endpoint.path] ?? 0) + 1),
      sessionId,
    );
  }

  /** Sends to these queues/topics are refused from now on (receiving goes on); an empty list ends every outage. */
  setOutages(entities: readonly string[]): string[] {
    const known = this.ns?.entityNames() ?? [];
    const unknown = entities.filter((e) => !known.includes(e));
    if (unknown.length > 0) throw new Error(`No such queue or topic: ${unknown.join(", ")}`);
    this.outages.clear();
    for (const e of entities) this.outages.add(e);
    return [...this.outages];
  }

  /** The queues and topics whose sends are refused now (`setOutages`). */
  get outageEntities(): string[] {
    return [...this.outages];
  }

  /**
   * `GET /api/dev/service-bus`: the operations served so far (`operations`) and the messages each entity holds now
   * (`entities`). `GET|POST /api/dev/service-bus/outage` — `{ "entities": ["case-events"] }` refuses sends to them;
   * `[]` ends it.
   */
  readonly handleDevHttp: DevRouteHandler = outageRoutes({
    current: () => this.outageEntities,
    set: (entities) => this.setOutages(entities),
    overview: () => ({ operations: this.operationCounts(), entities: this.stats() }),
  });

  /** Starts listening (port 0 = any free port) after loading the saved messages. */
  async start(port = 0, host = "127.0.0.1"): Promise<{ port: number; connectionString: string }> {
    if (this.address) return this.address;
    const { entities, clock, tracker, logger } = this.options;
    const persister = new Persister(this.options.dataDir, () => this.ns, logger, this.options.persistence);
    this.persister = persister;
    const saved = await persister.load();
    this.ns = new Namespace(entities, clock, persister, tracker);
    if (saved) restore(this.ns, saved, logger);

    const container = rhea.create_container({ id: "local-servicebus", autoaccept: false });
    container.sasl_server_mechanisms.enable_anonymous();
    container.sasl_server_mechanisms.enable_plain(() => true);
    this.container = container;
    this.wire(container);

    const server: Server = container.listen({ port, host });
    server.on("connection", writeOncePerTick);
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("listening", () => resolve());
      server.once("error", reject);
    });
    const actual = (server.address() as { port: number }).port;
    const advertised = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
    this.address = {
      port: actual,
      connectionString: `Endpoint=sb://${advertised}:${actual};SharedAccessKeyName=local;SharedAccessKey=local;UseDevelopmentEmulator=true`,
    };
    logger.info("service bus broker listening", {
      port: actual,
      queues: entities.queues.length,
      topics: entities.topics.length,
    });
    return this.address;
  }

  /**
   * Saves the state, closes every connection and stops listening. The state saved is the state at the call: what the
   * closing connections change afterwards (their locks, lost) is not recorded, so a locked message comes back with
   * its delivery count unchanged.
   */
  async stop(): Promise<void> {
    if (!this.server) return;
    const saved = this.persister?.close();
    for (const c of this.connections) {
      try {
        c.close({ condition: "amqp:connection:forced", description: "The local broker is stopping." });
      } catch {
        /* already closing */
      }
    }
    const server = this.server;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      setTimeout(() => {
        for (const c of this.connections) c.socket?.destroy?.();
        this.connections.clear();
      }, 20).unref?.();
      server.close(() => resolve());
    });
    this.ns?.close();
    this.ns = undefined;
    this.address = undefined;
    await saved;
  }

  private countSent(entity: string, messages: number): void {
    if (messages > 0) this.operations.sent[entity] = (this.operations.sent[entity] ?? 0) + messages;
  }

  /** Resolves once every change so far is on disk. */
  private durable = (): Promise<void> => this.persister?.durable() ?? Promise.resolve();

  /** Message counts per queue/subscription/dead-letter queue (for diagnostics and tests); only non-empty ones. */
  stats(): Record<string, { active: number; locked: number; deferred: number; scheduled?: number; busy: boolean }> {
    const out: Record<string, { active: number; locked: number; deferred: number; scheduled?: number; busy: boolean }> =
      {};
    for (const e of this.ns?.allEndpoints() ?? []) {
      const c = e.counts;
      if (c.active || c.locked || c.deferred || e.busy) out[e.path] = { ...c, busy: e.busy };
    }
    for (const t of this.ns?.allTargets() ?? []) {
      if (t.scheduled.size)
        out[t.name] = {
          ...(out[t.name] ?? { active: 0, locked: 0, deferred: 0, busy: false }),
          scheduled: t.scheduled.size,
        };
    }
    return out;
  }

  // ---- rhea events -----------------------------------------------------------------------------------------------

  private wire(container: any): void {
    container.on("connection_open", (ctx: RheaContext) => this.connections.add(ctx.connection));
    container.on("disconnected", (ctx: RheaContext) => this.onConnectionGone(ctx.connection));
    container.on("connection_close", (ctx: RheaContext) => this.onConnectionGone(ctx.connection));
    container.on("error", (err: unknown) =>
      this.options.logger.warn("service bus broker: connection error", { error: String(err) }),
    );

    container.on("receiver_open", (ctx: RheaContext) => this.onClientSender(ctx.receiver));
    container.on("sender_open", (ctx: RheaContext) => this.onClientReceiver(ctx.sender));
    container.on("message", (ctx: RheaContext) => this.onTransfer(ctx));

    const pump = (ctx: RheaContext) => {
      const state = this.outgoing.get(ctx.sender);
      if (state?.kind === "consume") state.endpoint.pump();
    };
    container.on("sendable", pump);
    container.on("sender_draining", pump);
    container.on("sender_flow", (ctx: RheaContext) => {
      const state = this.outgoing.get(ctx.sender);
      if (state?.kind === "consume") state.consumer.onFlow();
      pump(ctx);
    });
    const closed = (ctx: RheaContext) => this.onLinkGone(ctx.sender ?? ctx.receiver);
    container.on("sender_close", closed);
    container.on("receiver_close", closed);

    container.on("accepted", (ctx: RheaContext) => this.onOutcome(ctx, "accepted"));
    container.on("released", (ctx: RheaContext) => this.onOutcome(ctx, "released"));
    container.on("modified", (ctx: RheaContext) => this.onOutcome(ctx, "modified"));
    container.on("rejected", (ctx: RheaContext) => this.onOutcome(ctx, "rejected"));
  }

  /** The client attaches a sending link: to `$cbs`, to an entity's `$management`, or to a queue or topic. */
  private onClientSender(link: RheaLink): void {
    this.remember(link);
    const address: string = link.target?.address ?? "";
    link.set_target({ address });
    link.local.attach.max_message_size = MAX_MESSAGE_SIZE;
    if (address === "$cbs") {
      this.incoming.set(link, { kind: "cbs" });
      return;
    }
    const mgmt = /^(.*)\/\$management$/i.exec(address);
    if (mgmt) {
      const path = mgmt[1]!;
      if (!this.ns!.endpoint(path) && !this.ns!.sendTarget(path))
        return refuse(link, conditions.notFound, notFound(path).description!);
      this.incoming.set(link, { kind: "management", path });
      return;
    }
    const target = this.ns!.sendTarget(address);
    if (!target) return refuse(link, conditions.notFound, notFound(address).description!);
    this.incoming.set(link, { kind: "send", target });
  }

  /** The client attaches a receiving link: a reply link, or a receiver on a queue/subscription/dead-letter queue. */
  private onClientReceiver(link: RheaLink): void {
    this.remember(link);
    const address: string = link.source?.address ?? "";
    link.set_source({ address });
    if (address === "$cbs" || /\/\$management$/i.test(address)) {
      this.outgoing.set(link, { kind: "reply" });
      return;
    }
    const endpoint = this.ns!.endpoint(address);
    if (!endpoint) return refuse(link, conditions.notFound, notFound(address).description!);
    this.operations.receiverLinks++;
    const settleOnSend = link.snd_settle_mode === 1;
    const filter = link.source?.filter as Record<string, unknown> | undefined;
    const wantsSession = filter !== undefined && filter !== null && conditions.sessionFilter in filter;

    if (!wantsSession) {
      if (endpoint.requiresSession) {
        return refuse(
          link,
          conditions.notAllowed,
          `It is not possible for an entity that requires sessions to create a non-sessionful message receiver (${endpoint.path}).`,
        );
      }
      const consumer = this.consumer(link, settleOnSend, endpoint);
      this.outgoing.set(link, { kind: "consume", endpoint, consumer });
      endpoint.addConsumer(consumer);
      return;
    }
    if (!endpoint.requiresSession) {
      return refuse(
        link,
        conditions.notAllowed,
        `The entity '${endpoint.path}' does not require sessions; use a non-session receiver.`,
      );
    }
    const requested = unwrapFilterValue(filter[conditions.sessionFilter]);
    if (requested !== undefined) {
      const consumer = this.consumer(link, settleOnSend, endpoint, requested);
      const lock = endpoint.sessions.lock(requested, consumer);
      if (!lock) {
        return refuse(
          link,
          conditions.sessionCannotBeLocked,
          `The requested session '${requested}' cannot be accepted. It may be locked by another receiver.`,
        );
      }
      this.grantSession(link, address, requested, lock.until);
      this.outgoing.set(link, { kind: "consume", endpoint, consumer });
      endpoint.addConsumer(consumer);
      return;
    }
    // Next available session: answer now if one is free, else hold the attach until one comes or time runs out.
    holdAttach(link);
    // Answered a moment BEFORE the client's own timeout (by ANSWER_BEFORE_CLIENT_TIMEOUT_MS), so the client reads the
    // service's `com.microsoft:timeout` (ServiceTimeout, the normal "no session now" answer) rather than racing its own
    // timer: with the SDK's default 60 s, answering at the very same moment made every idle accept of an idle dev host
    // fail as "Unknown error encountered." — a warning per session trigger and minute (32 a minute) in the log.
    const waitMs = Math.max(
      100,
      Math.min(
        Number(link.properties?.["com.microsoft:timeout"] ?? DEFAULT_SESSION_WAIT_MS) || DEFAULT_SESSION_WAIT_MS,
        5 * 60_000,
      ) - ANSWER_BEFORE_CLIENT_TIMEOUT_MS,
    );
    const timer = setTimeout(() => {
      endpoint.removeAcceptor(acceptor);
      this.outgoing.delete(link);
      releaseAttach(link);
      refuse(link, conditions.timeout, "No unlocked session with messages became available in time.");
    }, waitMs);
    timer.unref?.();
    const acceptor: SessionAcceptor = {
      grant: (sessionId, lockedUntil) => {
        clearTimeout(timer);
        const consumer = this.consumer(link, settleOnSend, endpoint, sessionId);
        this.grantSession(link, address, sessionId, lockedUntil);
        this.outgoing.set(link, { kind: "consume", endpoint, consumer });
        releaseAttach(link);
        // Deliveries only after the attach went out (and the client gave credit).
        setImmediate(() => {
          const current = this.outgoing.get(link);
          if (current?.kind === "consume" && current.consumer === consumer) endpoint.addConsumer(consumer);
        });
        return consumer;
      },
      fail: (condition, description) => {
        clearTimeout(timer);
        this.outgoing.delete(link);
        releaseAttach(link);
        refuse(link, condition, description);
      },
    };
    this.outgoing.set(link, { kind: "waiting", endpoint, acceptor, cancel: () => clearTimeout(timer) });
    endpoint.addAcceptor(acceptor);
  }

  private grantSession(link: RheaLink, address: string, sessionId: string, lockedUntil: number): void {
    link.set_source({ address, filter: { [conditions.sessionFilter]: sessionId } });
    link.local.attach.properties = {
      ...(link.local.attach.properties ?? {}),
      [conditions.lockedUntilUtc]: ticksOf(lockedUntil),
    };
  }

  private onLinkGone(link: RheaLink): void {
    this.linksOf.get(link.connection)?.delete(link);
    this.incoming.delete(link);
    const state = this.outgoing.get(link);
    this.outgoing.delete(link);
    if (state?.kind === "consume") state.endpoint.removeConsumer(state.consumer);
    if (state?.kind === "waiting") {
      state.cancel();
      state.endpoint.removeAcceptor(state.acceptor);
    }
  }

  private remember(link: RheaLink): void {
    const c = link.connection;
    let set = this.linksOf.get(c);
    if (!set) this.linksOf.set(c, (set = new Set()));
    set.add(link);
  }

  /** A connection dropped without detaching its links: release what its receivers held. */
  private onConnectionGone(connection: any): void {
    this.connections.delete(connection);
    const links = this.linksOf.get(connection);
    this.linksOf.delete(connection);
    for (const l of links ?? []) this.onLinkGone(l);
  }

  // ---- transfers in ----------------------------------------------------------------------------------------------

  private onTransfer(ctx: RheaContext): void {
    const state = this.incoming.get(ctx.receiver);
    const delivery = ctx.delivery;
    if (!state) {
      delivery.reject({ condition: conditions.notFound, description: "Unknown link." });
      return;
    }
    if (state.kind === "cbs") {
      delivery.accept();
      this.reply(ctx, ctx.message as AmqpMessage, { status: 200, description: "OK" });
      return;
    }
    if (state.kind === "management") {
      delivery.accept();
      const request = ctx.message as AmqpMessage;
      const operation = asString(request.application_properties?.operation ?? "");
      this.operations.management[operation] = (this.operations.management[operation] ?? 0) + 1;
      if (operation === "com.microsoft:schedule-message") {
        const scheduled = asArray((request.body as { messages?: unknown } | undefined)?.messages);
        this.countSent(this.ns!.sendTarget(state.path)?.name ?? state.path, scheduled.length);
      }
      let answer: ManagementReply;
      try {
        answer = handleManagement(this.ns!, state.path, request);
      } catch (err) {
        answer = internalError(err);
      }
      // What the operation changed (scheduled, cancelled, settled, session state) is on disk before the answer.
      void this.durable().then(
        () => this.reply(ctx, request, answer),
        (err: unknown) => this.reply(ctx, request, internalError(err)),
      );
      return;
    }
    if (this.outages.has(state.target.name)) {
      delivery.reject({
        condition: "com.microsoft:server-busy",
        description: `The entity '${state.target.name}' is unavailable (dev host outage switch).`,
      });
      return;
    }
    if (!this.persister?.recording) {
      delivery.reject({ condition: "com.microsoft:server-busy", description: "The local broker is stopping." });
      return;
    }
    const messages = messagesOfTransfer(ctx.message, delivery.format);
    for (const m of messages) {
      const refused = this.ns!.refusal(state.target, m);
      if (refused) {
        delivery.reject(refused);
        return;
      }
    }
    for (const m of messages) this.ns!.send(state.target, m);
    this.countSent(state.target.name, messages.length);
    // Accepted only once the message is on disk: a kill -9 after the client saw "accepted" loses nothing.
    void this.durable().then(
      () => answerTransfer(() => delivery.accept()),
      (err: unknown) => {
        const { condition, description } = internalError(err);
        answerTransfer(() => delivery.reject({ condition, description }));
      },
    );
  }

  private reply(
    ctx: RheaContext,
    request: AmqpMessage,
    answer: { status: number; description?: string; condition?: string; body?: unknown },
  ): void {
    const replyTo = request.reply_to;
    const sender = ctx.connection.find_sender((s: RheaLink) => s.name === replyTo || s.target?.address === replyTo);
    if (!sender) {
      this.options.logger.warn("service bus broker: no reply link for a request", {
        operation: asString(request.application_properties?.operation ?? ""),
      });
      return;
    }
    const props: Record<string, unknown> = {
      "status-code": answer.status,
      statusCode: answer.status,
      "status-description": answer.description ?? "",
      statusDescription: answer.description ?? "",
    };
    if (answer.condition) props["error-condition"] = answer.condition;
    sender.send({ correlation_id: request.message_id, application_properties: props, body: answer.body });
  }

  // ---- settlement ------------------------------------------------------------------------------------------------

  private onOutcome(ctx: RheaContext, outcome: "accepted" | "released" | "modified" | "rejected"): void {
    const state = this.outgoing.get(ctx.sender);
    const delivery = ctx.delivery;
    // rhea reports a `modified` outcome twice (also as "released"): the first one decides.
    if (state?.kind !== "consume" || delivery.settled || settling.has(delivery)) return;
    this.operations.settled++;
    const tag: Buffer = Buffer.isBuffer(delivery.tag) ? delivery.tag : Buffer.from(delivery.tag);
    const key = lockKeyOfTag(tag);
    const endpoint = state.endpoint;
    const remote = delivery.remote_state ?? {};
    let ok: boolean;
    switch (outcome) {
      case "accepted":
        ok = endpoint.complete(key);
        break;
      case "released": // rhea reports a `modified` outcome as "released"
      case "modified":
        ok = remote.undeliverable_here
          ? endpoint.defer(key, remote.message_annotations)
          : endpoint.abandon(key, remote.message_annotations);
        break;
      case "rejected": {
        const info = remote.error?.info ?? {};
        const { DeadLetterReason, DeadLetterErrorDescription, ...rest } = info as Record<string, unknown>;
        ok = endpoint.deadLetterLocked(
          key,
          asOptionalString(DeadLetterReason),
          asOptionalString(DeadLetterErrorDescription),
          rest,
        );
        break;
      }
    }
    // A settlement that found its lock was answered when the lock ended (settleDelivery); one that did not is lost.
    if (!ok) settleDelivery(delivery, "lost");
  }
}

/** Deliveries whose settlement is decided and waits for the disk before it is sent. */
const settling = new WeakSet<object>();

/**
 * Answers a delivery with a settled outcome and forgets it. The client settles first (receiver settle mode
 * "second") and never confirms our settlement, so rhea would keep the delivery in its session window forever — after
 * 2048 deliveries on a session nothing more could be sent.
 */
function settleDelivery(delivery: any, outcome: "accepted" | "lost"): void {
  if (delivery.settled) return;
  delivery.update(
    true,
    outcome === "accepted"
      ? outcomes.accepted()
      : outcomes.rejected(
          conditions.lockLost,
          "The lock supplied is invalid. Either the lock expired, or the message has already been removed from the queue.",
        ),
  );
  delivery.remote_settled = true;
}

/** Settles an incoming transfer later (after a write); its connection may have gone away meanwhile. */
function answerTransfer(answer: () => void): void {
  try {
    answer();
  } catch {
    /* nobody left to answer */
  }
}

function internalError(err: unknown): ManagementReply & { condition: string } {
  return {
    status: 500,
    condition: "amqp:internal-error",
    description: err instanceof Error ? err.message : String(err),
  };
}

function asOptionalString(v: unknown): string | undefined {
  return v === undefined || v === null ? undefined : asString(v);
}

/** Session filter values may arrive plain or described. */
function unwrapFilterValue(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === "string") return v;
  if (typeof v === "object" && v !== null && "value" in v) return unwrapFilterValue(v.value);
  return asString(v);
}

/** Answers an attach with a null terminus and an error detach, as the service does for refused links. */
function refuse(link: RheaLink, condition: string, description: string): void {
  if (link.is_receiver()) link.local.attach.target = null;
  else link.local.attach.source = null;
  link.close({ condition, description });
}

/**
 * rhea answers an attach as soon as the event handler returns. "Accept next session" must wait for a session, so
 * the answer is held back (undoing rhea's pending open) and sent later by `releaseAttach`.
 */
function holdAttach(link: RheaLink): void {
  link.state.local_open = false;
  if (link.state.open_requests > 0) link.state.open_requests--;
}

function releaseAttach(link: RheaLink): void {
  link.open();
}

/**
 * rhea writes every frame to the socket as it encodes it — a system call each (a delivery, its disposition, a flow…).
 * Corked until the end of the tick, a tick's frames go out in one write, in the same order.
 */
function writeOncePerTick(socket: Socket): void {
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  socket.write = (...args: unknown[]) => {
    if (socket.writableCorked === 0) {
      socket.cork();
      process.nextTick(() => socket.uncork());
    }
    return write(...args);
  };
}
