/**
 * A local Vipps MobilePay that the real adapter (shared/adapters/vipps) talks to unchanged. This file composes it and
 * keeps the API the dev host and tests use; the parts live beside it:
 *
 * - api-routes.ts: the access token, ePayment v1 and Webhooks v1 endpoints (access-tokens.ts authenticates,
 *   validation.ts checks requests as the OpenAPI document says, api-problem.ts answers Vipps' problem documents), and
 *   the Report API's ledger list and funds feed over the captures and refunds booked (ledger.ts).
 * - payment.ts: a payment's states and events; payment-store.ts: payments, webhook registrations and idempotent
 *   answers, kept in `<dataDir>/vipps/state.json` (written atomically before an answer is sent).
 * - webhook-dispatcher.ts: signed webhooks, after the answer, retried with backoff, on the given clock.
 * - landing-page.ts: the `redirectUrl` page with "Godkjenn"/"Avvis"; dev-routes.ts: /api/dev/vipps; faults.ts.
 *
 * Logs carry references, event names and statuses only: never descriptions, secrets or tokens.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { VIPPS_EPAYMENT_WEBHOOK_EVENTS } from "../../shared/adapters/vipps/webhooks-api.vipps";
import type { DevRouteHandler } from "../dev-routes";
import { closeServer, listen } from "../listen";
import type { DevLogger } from "../logger";
import { AccessTokens, type VippsCredentials } from "./access-tokens";
import { ApiProblem, sendVippsProblem } from "./api-problem";
import { VippsApiRoutes } from "./api-routes";
import { vippsDevRoutes } from "./dev-routes";
import { Faults, type VippsSimulatorFaults } from "./faults";
import { landingPath, landingReference, serveLandingPage, type LandingPageDeps } from "./landing-page";
import { cancel, decide, paymentView, type SimulatedPayment } from "./payment";
import { PaymentStore } from "./payment-store";
import { acceptableWebhookUrl } from "./validation";
import { WebhookDispatcher, type VippsWebhookDelivery } from "./webhook-dispatcher";

export { SimulatedPayment } from "./payment";
export type { VippsSimulatorFaults } from "./faults";
export type { VippsWebhookDelivery } from "./webhook-dispatcher";

export interface VippsSimulatorOptions extends VippsCredentials {
  dataDir: string;
  logger: DevLogger;
  /** Time of events, tokens and webhook signatures; default the process's `Date` (the dev host's virtual clock). */
  now?: () => Date;
  /** Waits between webhook delivery attempts; default [1000, 2000, 4000] (four attempts in all). */
  webhookRetryDelaysMs?: readonly number[];
  /** Wraps each background webhook delivery (the dev host tracks them as work, so "settle" waits for them). */
  track?: <T>(work: Promise<T>) => Promise<T>;
  /** Entries a Report API feed page holds at most; default 1000 as at Vipps (tests page with fewer). */
  ledgerPageSize?: number;
}

export class VippsSimulator {
  private readonly now: () => Date;
  private readonly store: PaymentStore;
  private readonly faults: Faults;
  private readonly dispatcher: WebhookDispatcher;
  private readonly api: VippsApiRoutes;
  private readonly landing: LandingPageDeps;
  private server: Server | undefined;
  private base = "";

  /** Dev endpoints under /api/dev/vipps; anything else answers `false`. */
  readonly handleDevHttp: DevRouteHandler;

  constructor(private readonly options: VippsSimulatorOptions) {
    this.now = options.now ?? (() => new Date());
    this.store = new PaymentStore(options.dataDir);
    this.faults = new Faults(options.logger);
    this.dispatcher = new WebhookDispatcher({
      merchantSerialNumber: options.merchantSerialNumber,
      logger: options.logger,
      now: this.now,
      retryDelaysMs: options.webhookRetryDelaysMs ?? [1000, 2000, 4000],
      registrations: () => this.store.webhooks,
      copies: () => this.faults.current.duplicateWebhooks,
      ...(options.track ? { track: options.track } : {}),
    });
    const view = (payment: SimulatedPayment) => paymentView(payment, (reference) => this.landingUrl(reference));
    const decideOne = (reference: string, decision: "approve" | "decline") => this.decide(reference, decision);
    this.api = new VippsApiRoutes({
      merchantSerialNumber: options.merchantSerialNumber,
      logger: options.logger,
      now: this.now,
      store: this.store,
      tokens: new AccessTokens(options, this.now, options.logger),
      faults: this.faults,
      dispatcher: this.dispatcher,
      landingUrl: (reference) => this.landingUrl(reference),
      view,
      decide: decideOne,
      ...(options.ledgerPageSize ? { ledgerPageSize: options.ledgerPageSize } : {}),
    });
    this.landing = { payment: (reference) => this.store.get(reference), decide: decideOne };
    this.handleDevHttp = vippsDevRoutes({
      store: this.store,
      dispatcher: this.dispatcher,
      faults: this.faults,
      view,
      decide: decideOne,
      cancelOnPortal: (reference) => this.cancelOnPortal(reference),
    });
  }

  /** Starts the API server; `baseUrl` is what VIPPS_BASE_URL must say. */
  async start(port = 0): Promise<{ baseUrl: string }> {
    if (this.server) throw new Error("VippsSimulator already started");
    await this.store.load();
    const server = createServer({ keepAlive: true }, (req, res) => {
      void this.route(req, res).catch((err: unknown) => {
        this.options.logger.error("vipps simulator request failed", {
          error: err instanceof Error ? err.message : String(err),
        });
        if (!res.headersSent)
          sendVippsProblem(
            res,
            new ApiProblem(500, "Internal Server Error", "The simulator failed to handle the request."),
          );
        else res.end();
      });
    });
    const bound = await listen(server, port);
    this.server = server;
    this.dispatcher.resume();
    this.base = `http://127.0.0.1:${bound}`;
    this.options.logger.info("vipps simulator listening", {
      baseUrl: this.base,
      payments: this.store.paymentCount,
      webhooks: this.store.webhooks.length,
    });
    return { baseUrl: this.base };
  }

  async stop(): Promise<void> {
    this.dispatcher.halt();
    const server = this.server;
    this.server = undefined;
    if (server) await closeServer(server);
    await this.dispatcher.idle();
    await this.store.idle();
  }

  get baseUrl(): string {
    return this.base;
  }

  /** Resolves once every webhook delivery started so far has finished (or given up). */
  deliveriesIdle(): Promise<void> {
    return this.dispatcher.idle();
  }

  /**
   * Registers (or, for a URL already registered, updates) a callback as an operator does once in Azure with
   * `POST /webhooks/v1/webhooks`, but with a chosen secret (the app's VIPPS_WEBHOOK_SECRET).
   */
  async registerWebhook(input: {
    url: string;
    secret?: string;
    events?: readonly string[];
    /** Earlier registrations this one supersedes (e.g. the app's callback on the port of a previous run). */
    replaces?: (url: string) => boolean;
  }): Promise<{ id: string; secret: string }> {
    if (!acceptableWebhookUrl(input.url))
      throw new Error("A Vipps webhook URL must use https:// (plain http:// only to this machine)");
    const events = [...(input.events ?? VIPPS_EPAYMENT_WEBHOOK_EVENTS)];
    const registration = await this.store.upsertWebhook({
      url: input.url,
      secret: input.secret,
      events,
      replaces: input.replaces,
    });
    this.options.logger.info("vipps simulator webhook registered", {
      id: registration.id,
      url: input.url,
      events: events.length,
    });
    return { id: registration.id, secret: registration.secret };
  }

  /** Every payment, newest first. */
  list(): SimulatedPayment[] {
    return this.store.list();
  }

  /** The webhook deliveries made so far (newest last; the last 200). */
  deliveryLog(): VippsWebhookDelivery[] {
    return this.dispatcher.log();
  }

  setFaults(faults: Partial<VippsSimulatorFaults> & { reset?: boolean }): VippsSimulatorFaults {
    return this.faults.set(faults);
  }

  /** The user approved in the app (or on the card page): CREATED → AUTHORIZED. */
  async approve(reference: string): Promise<SimulatedPayment> {
    return this.decide(reference, "approve");
  }

  /** The user declined: CREATED → ABORTED. */
  async decline(reference: string): Promise<SimulatedPayment> {
    return this.decide(reference, "decline");
  }

  /**
   * The merchant cancels on portal.vipps.no: the same change as `POST …/cancel` (before authorization TERMINATED,
   * after it still AUTHORIZED with the rest cancelled), the same webhook; no idempotency key of ours.
   */
  async cancelOnPortal(reference: string): Promise<SimulatedPayment> {
    const payment = this.store.find(reference);
    const event = cancel(payment, null, this.now());
    await this.store.save();
    this.options.logger.info("vipps simulator payment cancelled on the portal", { reference, event: event.name });
    this.dispatcher.dispatch(event);
    return structuredClone(payment);
  }

  /** The landing page, then the dev endpoints, then the API. */
  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const path = url.pathname.replace(/\/+$/u, "") || "/";
    const landing = landingReference(path);
    if (landing !== undefined) return serveLandingPage(req, res, landing, this.landing);
    if (await this.handleDevHttp(req, res, url)) return;
    return this.api.handle(req, res, path);
  }

  private async decide(reference: string, decision: "approve" | "decline"): Promise<SimulatedPayment> {
    const payment = this.store.find(reference);
    const event = decide(payment, decision, this.now());
    await this.store.save();
    this.options.logger.info(`vipps simulator payment ${decision === "approve" ? "approved" : "declined"}`, {
      reference,
    });
    this.dispatcher.dispatch(event);
    return structuredClone(payment);
  }

  private landingUrl(reference: string): string {
    return `${this.base}${landingPath(reference)}`;
  }
}
