/**
 * A local partner system (a broadband provider's or grid company's provisioning) speaking the partner command wire
 * contract: TMF641 service orders, a small TMF638 service inventory, hub callbacks. This file composes it and runs its
 * work; the parts live beside it:
 *
 * - api-routes.ts: the token endpoint and the TMF APIs (auth.ts authenticates, validation.ts checks bodies,
 *   api-error.ts answers TMF630 errors).
 * - order.ts: an order's steps and events; partner-store.ts: orders, inventory, hubs, pending callbacks and issued
 *   tokens, kept in `<dataDir>/partner/state.json` (written atomically before an answer is sent).
 * - callback-dispatcher.ts: one signed callback attempt and its retry booking; dev-routes.ts: /api/dev/partner.
 *
 * Its work (an order's next step, a callback attempt) is kept in the state with the virtual time it is due, and one
 * entry at the earliest of those times is scheduled with the injected `schedule` (the dev host's virtual clock): so
 * advancing the clock moves orders along, and after a restart whatever was due runs. Modes: `up`; `down` (503 to every
 * API call, no steps and no callbacks; what fell due runs once it is up again); `slow` (each callback goes out
 * `slowCallbackDelayMs` after its state change); `reject` (orders received end `rejected`).
 *
 * Logs carry ids, states and statuses only: never bodies, secrets, tokens or signatures.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { DevRouteHandler } from "../dev-routes";
import { closeServer, listen } from "../listen";
import type { DevLogger } from "../logger";
import { PartnerApiError, sendPartnerError } from "./api-error";
import { PartnerApiRoutes } from "./api-routes";
import { PartnerAuth } from "./auth";
import { CallbackDispatcher } from "./callback-dispatcher";
import { partnerDevRoutes, type PartnerMode } from "./dev-routes";
import {
  newOrder,
  orderView,
  stateChangeEvent,
  takeStep,
  type InventoryService,
  type OrderRequest,
  type SimulatedOrder,
} from "./order";
import { PartnerStore, type Delivery, type HubRegistration } from "./partner-store";

export type { PartnerMode } from "./dev-routes";
export type { InventoryService, SimulatedOrder } from "./order";
export type { Delivery, HubRegistration } from "./partner-store";

/** Runs `fire` at virtual time `at` (at once when it is past); the dev host passes its virtual clock's `schedule`. */
export type Schedule = (at: number, fire: () => unknown, label?: string) => { cancel(): void };

const WHSEC = /^whsec_[A-Za-z0-9+/]+={0,2}$/u;
const MAX_TIMEOUT = 2_147_483_647;

export interface PartnerSimulatorOptions {
  dataDir: string;
  /** The shared secret (`whsec_…`): checks request signatures and signs callbacks. */
  secret: string;
  /** OAuth2 client credentials `POST /oauth2/token` accepts; default `local-partner-client` and the secret. */
  clientId?: string;
  clientSecret?: string;
  logger: DevLogger;
  /** The simulator's time (orders, tokens, signatures); default the process's `Date`. */
  now?: () => Date;
  /** Default: real timers on `now`. */
  schedule?: Schedule;
  /** From an order's receipt to its completion (half of it to inProgress); default 200 ms. */
  processingDelayMs?: number;
  /** How late callbacks go out in the `slow` mode; default 90 s. */
  slowCallbackDelayMs?: number;
  /** Waits between callback attempts (one more attempt than waits); default 1 s, 4 s, 15 s, 1 min, 5 min. */
  callbackRetryDelaysMs?: readonly number[];
}

export class PartnerSimulator {
  private readonly now: () => number;
  private readonly schedule: Schedule;
  private readonly store: PartnerStore;
  private readonly dispatcher: CallbackDispatcher;
  private readonly api: PartnerApiRoutes;
  private readonly processingMs: number;
  private readonly slowMs: number;
  private currentMode: PartnerMode = "up";
  private server: Server | undefined;
  private base = "";
  private running = false;
  private armed: { at: number; handle: { cancel(): void } } | undefined;
  private readonly inFlight = new Map<string, Promise<void>>();

  /** Dev endpoints under /api/dev/partner; anything else answers `false`. */
  readonly handleDevHttp: DevRouteHandler;

  constructor(private readonly options: PartnerSimulatorOptions) {
    if (!WHSEC.test(options.secret))
      throw new Error("The partner simulator's secret (PARTNER_SIMULATOR_SECRET) must be whsec_ followed by base64");
    const now = options.now ?? (() => new Date());
    this.now = () => now().getTime();
    this.schedule = options.schedule ?? realTimers(this.now);
    this.processingMs = options.processingDelayMs ?? 200;
    this.slowMs = options.slowCallbackDelayMs ?? 90_000;
    this.store = new PartnerStore(options.dataDir);
    this.dispatcher = new CallbackDispatcher({
      secret: options.secret,
      logger: options.logger,
      now: this.now,
      retryDelaysMs: options.callbackRetryDelaysMs ?? [1_000, 4_000, 15_000, 60_000, 300_000],
    });
    const auth = new PartnerAuth(
      {
        secret: options.secret,
        clientId: options.clientId ?? "local-partner-client",
        clientSecret: options.clientSecret ?? options.secret,
      },
      this.store,
      this.now,
    );
    this.api = new PartnerApiRoutes({
      store: this.store,
      auth,
      isDown: () => this.currentMode === "down",
      baseUrl: () => this.base,
      placeOrder: (request) => this.placeOrder(request),
      registerHub: (callback, query) => this.registerHub({ callback, ...(query !== undefined ? { query } : {}) }),
      removeHub: (id) => this.removeHub(id),
    });
    this.handleDevHttp = partnerDevRoutes({
      store: this.store,
      mode: () => this.currentMode,
      setMode: (mode) => this.setMode(mode),
      view: (order) => orderView(order, this.base),
    });
  }

  /** Starts the API server and the work that is due; `baseUrl` is the partner system's base URL. */
  async start(port = 0): Promise<{ baseUrl: string }> {
    if (this.server) throw new Error("PartnerSimulator already started");
    await this.store.load();
    const server = createServer({ keepAlive: true }, (req, res) => {
      void this.route(req, res).catch((err: unknown) => {
        this.options.logger.error("partner simulator request failed", {
          error: err instanceof Error ? err.message : String(err),
        });
        if (!res.headersSent)
          sendPartnerError(res, new PartnerApiError(500, "Internal Server Error", "The simulator failed."));
        else res.end();
      });
    });
    const bound = await listen(server, port);
    this.server = server;
    this.base = `http://127.0.0.1:${bound}`;
    this.running = true;
    this.options.logger.info("partner simulator listening", {
      baseUrl: this.base,
      orders: this.store.allOrders().length,
      services: this.store.allServices().length,
      hubs: this.store.hubs.length,
    });
    this.arm();
    return { baseUrl: this.base };
  }

  /** Stops serving and scheduling; callbacks under way finish; the state is on disk when it resolves. */
  async stop(): Promise<void> {
    this.running = false;
    this.disarm();
    const server = this.server;
    this.server = undefined;
    if (server) await closeServer(server);
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight.values()]);
    await this.store.save();
    await this.store.idle();
  }

  get baseUrl(): string {
    return this.base;
  }

  get mode(): PartnerMode {
    return this.currentMode;
  }

  /** Sets the mode; leaving `down` runs at once whatever fell due meanwhile. */
  setMode(mode: PartnerMode): PartnerMode {
    if (mode !== this.currentMode) this.options.logger.info("partner simulator mode", { mode });
    this.currentMode = mode;
    if (mode === "down") this.disarm();
    else this.arm();
    return mode;
  }

  /**
   * Registers a callback as a client does with `POST /hub` (the same callback again keeps its registration);
   * registrations `replaces` accepts are dropped first (e.g. the app's callback on the port of a previous run).
   */
  async registerHub(input: {
    callback: string;
    query?: string;
    replaces?: (callback: string) => boolean;
  }): Promise<HubRegistration> {
    const hub = this.store.upsertHub(input.callback, input.query, input.replaces);
    await this.store.save();
    this.options.logger.info("partner simulator hub registered", { hubId: hub.id });
    return { ...hub };
  }

  /** Every order, newest first, as copies. */
  orders(): SimulatedOrder[] {
    return this.store
      .allOrders()
      .reverse()
      .map((o) => structuredClone(o));
  }

  services(): InventoryService[] {
    return this.store.allServices().map((s) => ({ ...s }));
  }

  /** The callback deliveries (pending ones and the last 200 finished), oldest first. */
  deliveryLog(): Delivery[] {
    return this.store.deliveries();
  }

  /** Resolves once no callback attempt is under way. */
  async callbacksIdle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight.values()]);
  }

  // ---- requests -----------------------------------------------------------------------------------------------------

  /** The dev endpoints, then the API. */
  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const path = url.pathname.replace(/\/+$/u, "") || "/";
    if (await this.handleDevHttp(req, res, url)) return;
    return this.api.handle(req, res, path, url);
  }

  private async placeOrder(request: OrderRequest): Promise<{ order: SimulatedOrder; created: boolean }> {
    const { logger } = this.options;
    const existing = this.store.orderByExternalId(request.externalId);
    if (existing) {
      logger.info("partner simulator order repeated", { orderId: existing.id, state: existing.state });
      return { order: existing, created: false };
    }
    const now = this.now();
    const order = newOrder(request, this.currentMode === "reject" ? "rejected" : "completed", now, this.processingMs);
    for (const item of order.serviceOrderItem) this.store.ensureService(item.service.id, now);
    this.store.addOrder(order);
    this.enqueueEvents(order, now);
    await this.store.save();
    logger.info("partner simulator order received", { orderId: order.id, state: order.state });
    this.arm();
    return { order, created: true };
  }

  private async removeHub(id: string): Promise<boolean> {
    const removed = this.store.removeHub(id);
    if (removed) {
      await this.store.save();
      this.options.logger.info("partner simulator hub removed", { hubId: id });
    }
    return removed;
  }

  // ---- work ---------------------------------------------------------------------------------------------------------

  /** A callback of the order's current state to every registered hub. */
  private enqueueEvents(order: SimulatedOrder, now: number): void {
    const due = now + (this.currentMode === "slow" ? this.slowMs : 0);
    for (const hub of this.store.hubs) {
      const { eventId, body } = stateChangeEvent(order, now);
      this.store.addDelivery({
        eventId,
        hubId: hub.id,
        orderId: order.id,
        state: order.state,
        body,
        attempts: 0,
        nextAttemptAt: due,
        status: "pending",
        at: new Date(now).toISOString(),
      });
    }
  }

  /**
   * Takes every order step and makes every callback attempt that is due (nothing while down), then schedules the
   * next; resolves when the attempts it started, and the ones they made due, have finished.
   */
  private async pump(): Promise<void> {
    if (!this.running || this.currentMode === "down") return;
    const now = this.now();
    let changed = false;
    for (const order of this.store.allOrders()) {
      while (order.nextStepAt !== undefined && order.nextStepAt <= now) {
        const services = takeStep(order, now, this.processingMs);
        for (const service of services) this.store.setServiceState(service.id, service.state, order.id, now);
        this.enqueueEvents(order, now);
        changed = true;
        this.options.logger.info("partner simulator order changed", { orderId: order.id, state: order.state });
      }
    }
    if (changed) await this.store.save();
    const attempts: Array<Promise<void>> = [];
    for (const delivery of this.store.nextDeliveries()) {
      if (delivery.nextAttemptAt > now || this.inFlight.has(delivery.eventId)) continue;
      const hub = this.store.hubById(delivery.hubId);
      if (!hub) continue;
      attempts.push(this.attempt(delivery, hub));
    }
    this.arm();
    await Promise.all(attempts);
  }

  private attempt(delivery: Delivery, hub: HubRegistration): Promise<void> {
    const work = (async () => {
      await this.dispatcher.attempt(delivery, hub);
      this.store.trimDeliveries();
      await this.store.save();
    })().finally(() => this.inFlight.delete(delivery.eventId));
    this.inFlight.set(delivery.eventId, work);
    return work.then(() => this.pump());
  }

  /** Keeps one scheduled entry at the earliest time work is due (none while down or stopped). */
  private arm(): void {
    if (!this.running || this.currentMode === "down") return this.disarm();
    let earliest: number | undefined;
    const consider = (at: number | undefined) => {
      if (at !== undefined && (earliest === undefined || at < earliest)) earliest = at;
    };
    for (const order of this.store.allOrders()) consider(order.nextStepAt);
    for (const delivery of this.store.nextDeliveries())
      if (!this.inFlight.has(delivery.eventId)) consider(delivery.nextAttemptAt);
    if (earliest === undefined) return this.disarm();
    if (this.armed?.at === earliest) return;
    this.disarm();
    const at = earliest;
    const handle = this.schedule(
      at,
      () => {
        if (this.armed?.handle === handle) this.armed = undefined;
        return this.pump();
      },
      "partner simulator",
    );
    this.armed = { at, handle };
  }

  private disarm(): void {
    this.armed?.handle.cancel();
    this.armed = undefined;
  }
}

/** `schedule` on real timers, for a simulator without a virtual clock. */
function realTimers(now: () => number): Schedule {
  return (at, fire) => {
    const timer = setTimeout(() => void fire(), Math.min(Math.max(0, at - now()), MAX_TIMEOUT));
    timer.unref();
    return { cancel: () => clearTimeout(timer) };
  };
}
