/**
 * A local Vipps MobilePay that the real adapter (shared/adapters/vipps) talks to unchanged.
 *
 * - Access token: `POST /accesstoken/get` checks the configured client id/secret, subscription key and MSN (→ 401).
 * - ePayment v1: create, get, events, capture, cancel, refund, and the test environment's force-approve — validated as
 *   the OpenAPI document says (reference pattern, amount 0..65 000 000, NOK/DKK/EUR, description 3–100, CARD only with
 *   WEB_REDIRECT, returnUrl for WEB_REDIRECT, Idempotency-Key ≤ 50 and required). A repeated Idempotency-Key with the
 *   same body replays the first answer; a reference created under another key is a 409. Errors are Vipps' problem
 *   documents naming the field (`extraDetails`).
 * - `redirectUrl` is a landing page here (`/landing/{reference}`): Norwegian, no script, two buttons ("Godkjenn",
 *   "Avvis") that answer 303 to the payment's returnUrl, as Vipps does.
 * - Webhooks API v1: register (→ id and secret), list, delete. Every event goes, after the API call has answered, to
 *   each registration that asked for it, signed exactly as Vipps signs (webhook-signature.vipps.ts) with the process's
 *   `Date` (the dev host's virtual clock), retried with backoff on a non-2xx answer or a network error.
 * - Dev endpoints (`handleDevHttp`, mounted on the dev host's main server and served here too) under /api/dev/vipps:
 *   list payments, approve/decline, faults (`duplicateWebhooks`, `failNext`), reset, the delivery log.
 * - State (payments, registrations, idempotency answers) survives restarts in `<dataDir>/vipps/state.json`, written
 *   atomically before an answer is sent.
 *
 * Logs carry references, event names and statuses only: never descriptions, secrets or tokens.
 */
import { createHash, randomBytes, randomInt, randomUUID } from "node:crypto";
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { request as httpsRequest } from "node:https";
import { join } from "node:path";
import { z } from "zod";
import { VIPPS_EPAYMENT_WEBHOOK_EVENTS } from "../../shared/adapters/vipps/webhooks-api.vipps";
import { signVippsWebhook, type VippsSignedHeaders } from "../../shared/adapters/vipps/webhook-signature.vipps";
import { CoalescingWriter, readJsonFile, writeFileAtomic } from "../atomic-file";
import { readBody, sendJson, sendProblem, type DevRouteHandler, header, readDevJson, escapeHtml } from "../dev-routes";
import { listen, closeServer } from "../listen";
import type { DevLogger } from "../logger";

const DEV_BASE = "/api/dev/vipps";
const EPAYMENT = "/epayment/v1/payments";
const WEBHOOKS = "/webhooks/v1/webhooks";
const PROBLEM_TYPE = "https://developer.vippsmobilepay.com/docs/APIs/epayment-api/api-guide/errors";
const TOKEN_LIFETIME_SECONDS = 3600;
const MAX_AMOUNT = 65_000_000;
const REFERENCE = /^[a-zA-Z0-9-]{8,50}$/u;
const DELIVERY_LOG_LIMIT = 200;

// ---- state ----------------------------------------------------------------------------------------------------------

const Amount = z.object({ currency: z.enum(["NOK", "DKK", "EUR"]), value: z.number().int() });
type Amount = z.infer<typeof Amount>;
const EventName = z.enum(["CREATED", "ABORTED", "EXPIRED", "CANCELLED", "CAPTURED", "REFUNDED", "AUTHORIZED", "TERMINATED"]);
type EventName = z.infer<typeof EventName>;
const State = z.enum(["CREATED", "AUTHORIZED", "ABORTED", "EXPIRED", "TERMINATED"]);

const PaymentEvent = z.object({
  reference: z.string(),
  pspReference: z.string(),
  name: EventName,
  amount: Amount,
  timestamp: z.string(),
  idempotencyKey: z.string().nullable(),
  success: z.boolean(),
});
type PaymentEvent = z.infer<typeof PaymentEvent>;

export const SimulatedPayment = z.object({
  reference: z.string(),
  pspReference: z.string(),
  msn: z.string(),
  amount: Amount,
  paymentMethodType: z.enum(["WALLET", "CARD"]),
  userFlow: z.string(),
  returnUrl: z.string().optional(),
  paymentDescription: z.string().optional(),
  state: State,
  authorized: z.number().int(),
  captured: z.number().int(),
  refunded: z.number().int(),
  cancelled: z.number().int(),
  createdAt: z.string(),
  events: z.array(PaymentEvent),
});
export type SimulatedPayment = z.infer<typeof SimulatedPayment>;

const WebhookRegistration = z.object({ id: z.string(), url: z.string(), events: z.array(z.string()), secret: z.string() });
type WebhookRegistration = z.infer<typeof WebhookRegistration>;

const IdempotentAnswer = z.object({ requestHash: z.string(), status: z.number().int(), body: z.unknown() });
type IdempotentAnswer = z.infer<typeof IdempotentAnswer>;

const StateFile = z.object({
  version: z.literal(1),
  payments: z.array(SimulatedPayment),
  webhooks: z.array(WebhookRegistration),
  idempotency: z.record(z.string(), IdempotentAnswer),
});

// ---- API request bodies ---------------------------------------------------------------------------------------------

const CreatePaymentRequest = z
  .object({
    amount: z.object({
      currency: z.enum(["NOK", "DKK", "EUR"], { error: "must be NOK, DKK or EUR" }),
      value: z.number().int("must be an integer number of minor units").min(0, "must be at least 0").max(MAX_AMOUNT, `must be at most ${MAX_AMOUNT}`),
    }),
    paymentMethod: z.object({ type: z.enum(["WALLET", "CARD"], { error: "must be WALLET or CARD" }) }),
    reference: z.string().regex(REFERENCE, "must match ^[a-zA-Z0-9-]{8,50}$"),
    userFlow: z.enum(["PUSH_MESSAGE", "NATIVE_REDIRECT", "WEB_REDIRECT", "QR"], { error: "must be PUSH_MESSAGE, NATIVE_REDIRECT, WEB_REDIRECT or QR" }),
    returnUrl: z.string().optional(),
    paymentDescription: z.string().min(3, "must be 3–100 characters").max(100, "must be 3–100 characters").optional(),
    customer: z.record(z.string(), z.unknown()).optional(),
  })
  .loose()
  .superRefine((body, ctx) => {
    if (body.paymentMethod.type === "CARD" && body.userFlow !== "WEB_REDIRECT") {
      ctx.addIssue({ code: "custom", path: ["paymentMethod", "type"], message: "CARD can only be combined with userFlow WEB_REDIRECT" });
    }
    if (body.userFlow === "WEB_REDIRECT" && body.returnUrl === undefined) {
      ctx.addIssue({ code: "custom", path: ["returnUrl"], message: "is required when userFlow is WEB_REDIRECT" });
    }
    if (body.returnUrl !== undefined && !acceptableReturnUrl(body.returnUrl)) {
      ctx.addIssue({ code: "custom", path: ["returnUrl"], message: "must use https:// (or http:// to this machine) or a custom URL scheme" });
    }
    if (body.userFlow === "PUSH_MESSAGE" && body.customer === undefined) {
      ctx.addIssue({ code: "custom", path: ["customer"], message: "is required when userFlow is PUSH_MESSAGE" });
    }
  });

const ModificationRequest = z.object({
  modificationAmount: z.object({
    currency: z.enum(["NOK", "DKK", "EUR"], { error: "must be NOK, DKK or EUR" }),
    value: z.number().int("must be an integer number of minor units").min(1, "must be at least 1").max(MAX_AMOUNT, `must be at most ${MAX_AMOUNT}`),
  }),
});

const RegisterWebhookRequest = z.object({
  url: z.url({ protocol: /^https?$/u, error: "must be an absolute http(s) URL" }),
  events: z
    .array(z.enum(VIPPS_EPAYMENT_WEBHOOK_EVENTS, { error: `must be one of ${VIPPS_EPAYMENT_WEBHOOK_EVENTS.join(", ")}` }))
    .min(1, "must name at least one event"),
});

const FaultsBody = z
  .object({
    /** Send every webhook delivery this many times (identical signed copies: a repeated delivery). */
    duplicateWebhooks: z.number().int().min(1).max(20).optional(),
    /** Answer the next N ePayment/webhooks API calls with `status` (default 500). */
    failNext: z.number().int().min(0).max(100).optional(),
    status: z.number().int().min(429).max(599).optional(),
    /** Back to no faults. */
    reset: z.literal(true).optional(),
  })
  .strict();

export interface VippsSimulatorFaults {
  duplicateWebhooks: number;
  failNext: number;
  status: number;
}

export interface VippsWebhookDelivery {
  id: string;
  webhookId: string;
  reference: string;
  event: EventName;
  copy: number;
  attempts: number;
  status: number | "network-error" | "pending";
  at: string;
}

export interface VippsSimulatorOptions {
  dataDir: string;
  clientId: string;
  clientSecret: string;
  subscriptionKey: string;
  merchantSerialNumber: string;
  logger: DevLogger;
  /** Time of events, tokens and webhook signatures; default the process's `Date` (the dev host's virtual clock). */
  now?: () => Date;
  /** Waits between webhook delivery attempts; default [1000, 2000, 4000] (four attempts in all). */
  webhookRetryDelaysMs?: readonly number[];
  /** Wraps each background webhook delivery (the dev host tracks them as work, so "settle" waits for them). */
  track?: <T>(work: Promise<T>) => Promise<T>;
}

/** What a 2xx/4xx answer of the API is, so idempotent replays can send it again. */
interface Answer {
  status: number;
  body: unknown;
}

class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly extraDetails?: Array<{ name: string; reason: string }>,
  ) {
    super(title);
  }
}

export class VippsSimulator {
  private readonly now: () => Date;
  private readonly statePath: string;
  private readonly writer: CoalescingWriter;
  private readonly retryDelays: readonly number[];
  private payments = new Map<string, SimulatedPayment>();
  private webhooks: WebhookRegistration[] = [];
  private idempotency: Record<string, IdempotentAnswer> = {};
  private readonly tokens = new Map<string, number>();
  private faults: VippsSimulatorFaults = { duplicateWebhooks: 1, failNext: 0, status: 500 };
  private deliveries: VippsWebhookDelivery[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private server: Server | undefined;
  private base = "";
  private loaded = false;
  private stopped = false;

  constructor(private readonly options: VippsSimulatorOptions) {
    this.now = options.now ?? (() => new Date());
    this.statePath = join(options.dataDir, "vipps", "state.json");
    this.retryDelays = options.webhookRetryDelaysMs ?? [1000, 2000, 4000];
    this.writer = new CoalescingWriter(() =>
      writeFileAtomic(
        this.statePath,
        JSON.stringify({ version: 1, payments: [...this.payments.values()], webhooks: this.webhooks, idempotency: this.idempotency }),
      ),
    );
  }

  /** Starts the API server; `baseUrl` is what VIPPS_BASE_URL must say. */
  async start(port = 0): Promise<{ baseUrl: string }> {
    if (this.server) throw new Error("VippsSimulator already started");
    await this.load();
    const server = createServer({ keepAlive: true }, (req, res) => {
      void this.route(req, res).catch((err: unknown) => {
        this.options.logger.error("vipps simulator request failed", { error: err instanceof Error ? err.message : String(err) });
        if (!res.headersSent) sendVippsProblem(res, new ApiProblem(500, "Internal Server Error", "The simulator failed to handle the request."));
        else res.end();
      });
    });
    const bound = await listen(server, port);
    this.server = server;
    this.stopped = false;
    this.base = `http://127.0.0.1:${bound}`;
    this.options.logger.info("vipps simulator listening", { baseUrl: this.base, payments: this.payments.size, webhooks: this.webhooks.length });
    return { baseUrl: this.base };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const server = this.server;
    this.server = undefined;
    if (server) await closeServer(server);
    await this.deliveriesIdle();
    await this.writer.idle();
  }

  get baseUrl(): string {
    return this.base;
  }

  /** Resolves once every webhook delivery started so far has finished (or given up). */
  async deliveriesIdle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
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
    const events = [...(input.events ?? VIPPS_EPAYMENT_WEBHOOK_EVENTS)];
    const replaces = input.replaces;
    if (replaces) this.webhooks = this.webhooks.filter((w) => w.url === input.url || !replaces(w.url));
    const existing = this.webhooks.find((w) => w.url === input.url);
    const secret = input.secret ?? existing?.secret ?? newWebhookSecret();
    if (existing) {
      existing.events = events;
      existing.secret = secret;
    } else {
      this.webhooks.push({ id: randomUUID(), url: input.url, events, secret });
    }
    await this.writer.request();
    const registration = this.webhooks.find((w) => w.url === input.url)!;
    this.options.logger.info("vipps simulator webhook registered", { id: registration.id, url: input.url, events: events.length });
    return { id: registration.id, secret };
  }

  /** Every payment, newest first. */
  list(): SimulatedPayment[] {
    return [...this.payments.values()].reverse().map((p) => structuredClone(p));
  }

  /** The webhook deliveries made so far (newest last; the last 200). */
  deliveryLog(): VippsWebhookDelivery[] {
    return this.deliveries.map((d) => ({ ...d }));
  }

  setFaults(faults: Partial<VippsSimulatorFaults> & { reset?: boolean }): VippsSimulatorFaults {
    if (faults.reset) this.faults = { duplicateWebhooks: 1, failNext: 0, status: 500 };
    this.faults = {
      duplicateWebhooks: faults.duplicateWebhooks ?? this.faults.duplicateWebhooks,
      failNext: faults.failNext ?? this.faults.failNext,
      status: faults.status ?? this.faults.status,
    };
    this.options.logger.info("vipps simulator faults set", { ...this.faults });
    return { ...this.faults };
  }

  /** The user approved in the app (or on the card page): CREATED → AUTHORIZED. */
  async approve(reference: string): Promise<SimulatedPayment> {
    return this.decide(reference, "approve");
  }

  /** The user declined: CREATED → ABORTED. */
  async decline(reference: string): Promise<SimulatedPayment> {
    return this.decide(reference, "decline");
  }

  // ---- routing ------------------------------------------------------------------------------------------------------

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const path = url.pathname.replace(/\/+$/u, "") || "/";
    const method = req.method ?? "GET";

    const landing = /^\/landing\/([^/]+)$/u.exec(path);
    if (landing?.[1]) return this.handleLanding(req, res, decodeURIComponent(landing[1]));
    if (await this.handleDevHttp(req, res, url)) return;

    try {
      if (path === "/accesstoken/get") {
        if (method !== "POST") throw new ApiProblem(405, "Method Not Allowed", "Use POST.");
        return this.handleAccessToken(req, res);
      }
      if (path.startsWith(EPAYMENT) || path.startsWith("/epayment/v1/test/payments") || path.startsWith(WEBHOOKS)) {
        const body = await readBody(req);
        this.authorize(req);
        const fault = this.takeFault();
        if (fault) throw new ApiProblem(fault, fault === 429 ? "Too Many Requests" : "Service Unavailable", "Injected fault.");
        const answer = await this.handleApi(req, method, path, body);
        sendJson(res, answer.status, answer.body);
        return;
      }
      throw new ApiProblem(404, "Not Found", "No such resource.");
    } catch (err) {
      if (err instanceof ApiProblem) return sendVippsProblem(res, err);
      throw err;
    }
  }

  private async handleApi(req: IncomingMessage, method: string, path: string, body: Buffer): Promise<Answer> {
    if (path === EPAYMENT) {
      if (method !== "POST") throw new ApiProblem(405, "Method Not Allowed", "Use POST.");
      return this.createPayment(req, body);
    }
    const force = /^\/epayment\/v1\/test\/payments\/([^/]+)\/approve$/u.exec(path);
    if (force?.[1]) {
      if (method !== "POST") throw new ApiProblem(405, "Method Not Allowed", "Use POST.");
      await this.decide(decodeURIComponent(force[1]), "approve");
      return { status: 200, body: null };
    }
    const payment = /^\/epayment\/v1\/payments\/([^/]+)(?:\/(events|capture|cancel|refund))?$/u.exec(path);
    if (payment?.[1]) {
      const reference = decodeURIComponent(payment[1]);
      const action = payment[2];
      if (action === undefined || action === "events") {
        if (method !== "GET") throw new ApiProblem(405, "Method Not Allowed", "Use GET.");
        const found = this.find(reference);
        return { status: 200, body: action === "events" ? found.events : this.view(found) };
      }
      if (method !== "POST") throw new ApiProblem(405, "Method Not Allowed", "Use POST.");
      return this.adjust(req, action as "capture" | "cancel" | "refund", reference, body);
    }
    if (path === WEBHOOKS) {
      if (method === "GET") return { status: 200, body: { webhooks: this.webhooks.map(({ id, url, events }) => ({ id, url, events })) } };
      if (method !== "POST") throw new ApiProblem(405, "Method Not Allowed", "Use GET or POST.");
      const parsed = parseBody(body, RegisterWebhookRequest);
      const id = randomUUID();
      const secret = newWebhookSecret();
      this.webhooks.push({ id, url: parsed.url, events: parsed.events, secret });
      await this.writer.request();
      this.options.logger.info("vipps simulator webhook registered", { id, url: parsed.url, events: parsed.events.length });
      return { status: 201, body: { id, secret } };
    }
    const webhook = /^\/webhooks\/v1\/webhooks\/([^/]+)$/u.exec(path);
    if (webhook?.[1]) {
      if (method !== "DELETE") throw new ApiProblem(405, "Method Not Allowed", "Use DELETE.");
      const id = decodeURIComponent(webhook[1]);
      const before = this.webhooks.length;
      this.webhooks = this.webhooks.filter((w) => w.id !== id);
      if (this.webhooks.length === before) throw new ApiProblem(404, "Not Found", "No webhook with that id.");
      await this.writer.request();
      return { status: 204, body: undefined };
    }
    throw new ApiProblem(404, "Not Found", "No such resource.");
  }

  // ---- authentication -----------------------------------------------------------------------------------------------

  private handleAccessToken(req: IncomingMessage, res: ServerResponse): void {
    const o = this.options;
    const ok =
      header(req, "client_id") === o.clientId &&
      header(req, "client_secret") === o.clientSecret &&
      header(req, "ocp-apim-subscription-key") === o.subscriptionKey &&
      header(req, "merchant-serial-number") === o.merchantSerialNumber;
    if (!ok) {
      this.options.logger.warn("vipps simulator refused an access token request");
      throw new ApiProblem(401, "Unauthorized", "Invalid client_id, client_secret, subscription key or Merchant-Serial-Number.");
    }
    const token = `sim.${randomBytes(24).toString("base64url")}`;
    const now = this.now().getTime();
    const expiresOn = Math.floor(now / 1000) + TOKEN_LIFETIME_SECONDS;
    this.tokens.set(token, expiresOn * 1000);
    sendJson(res, 200, {
      token_type: "Bearer",
      expires_in: String(TOKEN_LIFETIME_SECONDS),
      ext_expires_in: String(TOKEN_LIFETIME_SECONDS),
      expires_on: String(expiresOn),
      not_before: String(Math.floor(now / 1000)),
      resource: "00000002-0000-0000-c000-000000000000",
      access_token: token,
    });
  }

  private authorize(req: IncomingMessage): void {
    if (header(req, "ocp-apim-subscription-key") !== this.options.subscriptionKey) {
      throw new ApiProblem(401, "Unauthorized", "Access denied due to a missing or invalid subscription key.");
    }
    const bearer = /^Bearer (\S+)$/u.exec(header(req, "authorization") ?? "")?.[1];
    const expiresAt = bearer ? this.tokens.get(bearer) : undefined;
    if (expiresAt === undefined || expiresAt <= this.now().getTime()) {
      throw new ApiProblem(401, "Unauthorized", "The access token is missing, unknown or expired.");
    }
    if (header(req, "merchant-serial-number") !== this.options.merchantSerialNumber) {
      throw new ApiProblem(403, "Forbidden", "The Merchant-Serial-Number is not allowed for this access token.");
    }
  }

  private takeFault(): number | undefined {
    if (this.faults.failNext <= 0) return undefined;
    this.faults.failNext--;
    return this.faults.status;
  }

  // ---- ePayment -----------------------------------------------------------------------------------------------------

  private async createPayment(req: IncomingMessage, raw: Buffer): Promise<Answer> {
    const key = idempotencyKey(req);
    const requestHash = sha256(raw);
    const slot = `create|${key}`;
    const earlier = this.idempotency[slot];
    if (earlier) {
      if (earlier.requestHash !== requestHash) {
        throw new ApiProblem(409, "Conflict", "The Idempotency-Key was already used with a different request body.", [
          { name: "Idempotency-Key", reason: "already used with a different request" },
        ]);
      }
      return { status: earlier.status, body: earlier.body };
    }
    const body = parseBody(raw, CreatePaymentRequest);
    if (this.payments.has(body.reference)) {
      throw new ApiProblem(409, "Conflict", `A payment with reference ${body.reference} already exists.`, [
        { name: "reference", reason: "already used by another payment" },
      ]);
    }
    const payment: SimulatedPayment = {
      reference: body.reference,
      pspReference: newPspReference(),
      msn: this.options.merchantSerialNumber,
      amount: body.amount,
      paymentMethodType: body.paymentMethod.type,
      userFlow: body.userFlow,
      ...(body.returnUrl !== undefined ? { returnUrl: body.returnUrl } : {}),
      ...(body.paymentDescription !== undefined ? { paymentDescription: body.paymentDescription } : {}),
      state: "CREATED",
      authorized: 0,
      captured: 0,
      refunded: 0,
      cancelled: 0,
      createdAt: this.now().toISOString(),
      events: [],
    };
    this.payments.set(payment.reference, payment);
    const event = this.record(payment, "CREATED", body.amount, key);
    const answer: Answer = {
      status: 201,
      body: body.userFlow === "PUSH_MESSAGE" ? { reference: payment.reference } : { redirectUrl: this.landingUrl(payment.reference), reference: payment.reference },
    };
    this.idempotency[slot] = { requestHash, ...answer };
    await this.writer.request();
    this.options.logger.info("vipps simulator payment created", { reference: payment.reference, method: payment.paymentMethodType });
    this.dispatch(event);
    return answer;
  }

  private async adjust(req: IncomingMessage, action: "capture" | "cancel" | "refund", reference: string, raw: Buffer): Promise<Answer> {
    const key = idempotencyKey(req);
    const requestHash = sha256(raw);
    const slot = `${action}|${reference}|${key}`;
    const earlier = this.idempotency[slot];
    if (earlier) {
      if (earlier.requestHash !== requestHash) {
        throw new ApiProblem(409, "Conflict", "The Idempotency-Key was already used with a different request body.", [
          { name: "Idempotency-Key", reason: "already used with a different request" },
        ]);
      }
      return { status: earlier.status, body: earlier.body };
    }
    const payment = this.find(reference);
    let event: PaymentEvent;
    if (action === "cancel") {
      event = this.cancel(payment, key);
    } else {
      const { modificationAmount } = parseBody(raw, ModificationRequest);
      if (modificationAmount.currency !== payment.amount.currency) {
        throw new ApiProblem(400, "Bad Request", `modificationAmount.currency must be ${payment.amount.currency}.`, [
          { name: "modificationAmount.currency", reason: `must be ${payment.amount.currency}` },
        ]);
      }
      event = action === "capture" ? this.capture(payment, modificationAmount.value, key) : this.refund(payment, modificationAmount.value, key);
    }
    const answer: Answer = { status: 200, body: this.modificationView(payment) };
    this.idempotency[slot] = { requestHash, ...answer };
    await this.writer.request();
    this.options.logger.info(`vipps simulator payment ${action}`, { reference, value: event.amount.value });
    this.dispatch(event);
    return answer;
  }

  private capture(payment: SimulatedPayment, value: number, key: string): PaymentEvent {
    if (payment.state !== "AUTHORIZED") {
      throw new ApiProblem(409, "Conflict", `Only an AUTHORIZED payment can be captured; this one is ${payment.state}.`);
    }
    const capturable = payment.authorized - payment.captured - payment.cancelled;
    if (value > capturable) {
      throw new ApiProblem(400, "Bad Request", `modificationAmount.value ${value} is more than the ${capturable} left to capture.`, [
        { name: "modificationAmount.value", reason: `must be at most ${capturable}` },
      ]);
    }
    payment.captured += value;
    return this.record(payment, "CAPTURED", { currency: payment.amount.currency, value }, key);
  }

  private cancel(payment: SimulatedPayment, key: string): PaymentEvent {
    if (payment.state === "CREATED") {
      payment.state = "TERMINATED";
      return this.record(payment, "CANCELLED", payment.amount, key);
    }
    const left = payment.authorized - payment.captured - payment.cancelled;
    if (payment.state !== "AUTHORIZED" || left <= 0) {
      throw new ApiProblem(409, "Conflict", `Nothing to cancel: the payment is ${payment.state} with ${Math.max(left, 0)} left authorized.`);
    }
    payment.cancelled += left;
    // Nothing captured: the whole payment is terminated. Partly captured: the rest is released, the state stays.
    if (payment.captured === 0) payment.state = "TERMINATED";
    return this.record(payment, "CANCELLED", { currency: payment.amount.currency, value: left }, key);
  }

  private refund(payment: SimulatedPayment, value: number, key: string): PaymentEvent {
    const refundable = payment.captured - payment.refunded;
    if (value > refundable) {
      throw new ApiProblem(400, "Bad Request", `modificationAmount.value ${value} is more than the ${refundable} left to refund.`, [
        { name: "modificationAmount.value", reason: `must be at most ${refundable}` },
      ]);
    }
    payment.refunded += value;
    return this.record(payment, "REFUNDED", { currency: payment.amount.currency, value }, key);
  }

  private async decide(reference: string, decision: "approve" | "decline"): Promise<SimulatedPayment> {
    const payment = this.find(reference);
    if (payment.state !== "CREATED") {
      throw new ApiProblem(409, "Conflict", `The payment is ${payment.state}; only a CREATED payment can be approved or declined.`);
    }
    let event: PaymentEvent;
    if (decision === "approve") {
      payment.state = "AUTHORIZED";
      payment.authorized = payment.amount.value;
      event = this.record(payment, "AUTHORIZED", payment.amount, null);
    } else {
      payment.state = "ABORTED";
      event = this.record(payment, "ABORTED", payment.amount, null);
    }
    await this.writer.request();
    this.options.logger.info(`vipps simulator payment ${decision === "approve" ? "approved" : "declined"}`, { reference });
    this.dispatch(event);
    return structuredClone(payment);
  }

  private find(reference: string): SimulatedPayment {
    const payment = this.payments.get(reference);
    if (!payment) throw new ApiProblem(404, "Not Found", `No payment with reference ${REFERENCE.test(reference) ? reference : "(invalid)"}.`);
    return payment;
  }

  private record(payment: SimulatedPayment, name: EventName, amount: Amount, key: string | null): PaymentEvent {
    const event: PaymentEvent = {
      reference: payment.reference,
      pspReference: payment.pspReference,
      name,
      amount: { ...amount },
      timestamp: this.now().toISOString(),
      idempotencyKey: key,
      success: true,
    };
    payment.events.push(event);
    return event;
  }

  private view(p: SimulatedPayment): Record<string, unknown> {
    return {
      aggregate: this.aggregate(p),
      amount: p.amount,
      state: p.state,
      paymentMethod: { type: p.paymentMethodType },
      profile: {},
      pspReference: p.pspReference,
      ...(p.userFlow === "PUSH_MESSAGE" ? {} : { redirectUrl: this.landingUrl(p.reference) }),
      reference: p.reference,
    };
  }

  private modificationView(p: SimulatedPayment): Record<string, unknown> {
    return { amount: p.amount, state: p.state, aggregate: this.aggregate(p), pspReference: p.pspReference, reference: p.reference };
  }

  private aggregate(p: SimulatedPayment): Record<string, Amount> {
    const c = p.amount.currency;
    return {
      authorizedAmount: { currency: c, value: p.authorized },
      cancelledAmount: { currency: c, value: p.cancelled },
      capturedAmount: { currency: c, value: p.captured },
      refundedAmount: { currency: c, value: p.refunded },
    };
  }

  private landingUrl(reference: string): string {
    return `${this.base}/landing/${encodeURIComponent(reference)}`;
  }

  // ---- landing page -------------------------------------------------------------------------------------------------

  private async handleLanding(req: IncomingMessage, res: ServerResponse, reference: string): Promise<void> {
    const payment = this.payments.get(reference);
    if (!payment) {
      sendHtml(res, 404, landingPage({ title: "Fant ikke betalingen", body: "<p>Denne betalingen finnes ikke, eller lenken er feil.</p>" }));
      return;
    }
    if (req.method === "POST") {
      const form = new URLSearchParams((await readBody(req)).toString("utf8"));
      const decision = form.get("decision");
      if (decision !== "approve" && decision !== "decline") {
        sendHtml(res, 400, landingPage({ title: "Ugyldig valg", body: "<p>Velg «Godkjenn» eller «Avvis».</p>" }));
        return;
      }
      if (payment.state === "CREATED") await this.decide(reference, decision);
      if (payment.returnUrl) {
        res.writeHead(303, { location: payment.returnUrl, "cache-control": "no-store" }).end();
        return;
      }
      sendHtml(res, 200, landingPage({ title: "Ferdig", body: `<p>Betalingen er ${stateText(payment.state)}.</p>` }));
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, POST" }).end();
      return;
    }
    const amount = formatAmount(payment.amount);
    const description = payment.paymentDescription ? `<p class="description">${escapeHtml(payment.paymentDescription)}</p>` : "";
    const method = payment.paymentMethodType === "CARD" ? "Kortbetaling" : "Vipps";
    const body =
      payment.state === "CREATED"
        ? `${description}
<p class="amount">Beløp: <strong>${escapeHtml(amount)}</strong></p>
<form method="post" action="/landing/${encodeURIComponent(reference)}">
<button type="submit" name="decision" value="approve">Godkjenn</button>
<button type="submit" name="decision" value="decline" class="secondary">Avvis</button>
</form>`
        : `${description}
<p class="amount">Beløp: <strong>${escapeHtml(amount)}</strong></p>
<p role="status">Betalingen er allerede ${stateText(payment.state)}.</p>
${payment.returnUrl ? `<p><a href="${escapeHtml(payment.returnUrl)}">Tilbake til butikken</a></p>` : ""}`;
    sendHtml(res, 200, landingPage({ title: `${method}: bekreft betalingen`, body }), req.method === "HEAD");
  }

  // ---- webhooks -----------------------------------------------------------------------------------------------------

  /** Sends `event` to every registration that asked for it, after the current answer (never awaited by the caller). */
  private dispatch(event: PaymentEvent): void {
    const eventType = `epayments.payment.${event.name.toLowerCase()}.v1`;
    const targets = this.webhooks.filter((w) => w.events.includes(eventType));
    if (targets.length === 0) return;
    const payload = JSON.stringify({
      msn: this.options.merchantSerialNumber,
      reference: event.reference,
      pspReference: event.pspReference,
      name: event.name,
      amount: event.amount,
      timestamp: event.timestamp,
      idempotencyKey: event.idempotencyKey,
      success: event.success,
    });
    const copies = this.faults.duplicateWebhooks;
    for (const target of targets) {
      const work = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.deliver(target, event, payload, copies));
      const tracked = (this.options.track ? this.options.track(work) : work).catch(() => undefined);
      this.inFlight.add(tracked);
      void tracked.finally(() => this.inFlight.delete(tracked));
    }
  }

  private async deliver(target: WebhookRegistration, event: PaymentEvent, payload: string, copies: number): Promise<void> {
    const url = new URL(target.url);
    const pathAndQuery = `${url.pathname}${url.search}`;
    // Copies are the very same signed delivery, sent again (as a repeated delivery arrives).
    let signed = signVippsWebhook({ secret: target.secret, pathAndQuery, host: url.host, date: this.now().toUTCString(), body: payload });
    for (let copy = 1; copy <= copies; copy++) {
      const log: VippsWebhookDelivery = {
        id: randomUUID(),
        webhookId: target.id,
        reference: event.reference,
        event: event.name,
        copy,
        attempts: 0,
        status: "pending",
        at: this.now().toISOString(),
      };
      this.deliveries.push(log);
      if (this.deliveries.length > DELIVERY_LOG_LIMIT) this.deliveries.splice(0, this.deliveries.length - DELIVERY_LOG_LIMIT);
      for (let attempt = 0; attempt <= this.retryDelays.length; attempt++) {
        if (attempt > 0) {
          await sleep(this.retryDelays[attempt - 1] ?? 0);
          if (this.stopped) return;
          // A retry is a new delivery attempt: signed again with the time it is sent.
          signed = signVippsWebhook({ secret: target.secret, pathAndQuery, host: url.host, date: this.now().toUTCString(), body: payload });
        }
        log.attempts = attempt + 1;
        const status = await post(url, payload, signed);
        log.status = status;
        log.at = this.now().toISOString();
        if (typeof status === "number" && status >= 200 && status < 300) break;
        this.options.logger.warn("vipps simulator webhook delivery failed", {
          webhookId: target.id,
          reference: event.reference,
          event: event.name,
          attempt: attempt + 1,
          status,
        });
      }
      this.options.logger.info("vipps simulator webhook delivered", {
        webhookId: target.id,
        reference: event.reference,
        event: event.name,
        copy,
        attempts: log.attempts,
        status: log.status,
      });
    }
  }

  // ---- dev endpoints ------------------------------------------------------------------------------------------------

  /** Dev endpoints under /api/dev/vipps; anything else answers `false`. */
  readonly handleDevHttp: DevRouteHandler = async (req, res, url) => {
    const path = url.pathname.replace(/\/+$/u, "");
    if (path !== DEV_BASE && !path.startsWith(DEV_BASE + "/")) return false;
    const method = req.method ?? "GET";
    try {
      if (path === DEV_BASE || path === `${DEV_BASE}/payments`) {
        if (method !== "GET") return methodNotAllowed(res, "GET");
        sendJson(res, 200, { count: this.payments.size, payments: this.list().map((p) => this.devView(p)) }, { "cache-control": "no-store" });
        return true;
      }
      if (path === `${DEV_BASE}/webhooks`) {
        if (method !== "GET") return methodNotAllowed(res, "GET");
        sendJson(res, 200, {
          registrations: this.webhooks.map(({ id, url: target, events }) => ({ id, url: target, events })),
          deliveries: this.deliveryLog(),
        });
        return true;
      }
      if (path === `${DEV_BASE}/faults`) {
        if (method === "GET") {
          sendJson(res, 200, this.faults);
          return true;
        }
        if (method !== "POST") return methodNotAllowed(res, "GET, POST");
        const body = await readDevJson(req, res, FaultsBody);
        if (!body) return true;
        sendJson(res, 200, this.setFaults(body));
        return true;
      }
      const decision = /^\/api\/dev\/vipps\/payments\/([^/]+)\/(approve|decline)$/u.exec(path);
      if (decision?.[1] && decision[2]) {
        if (method !== "POST") return methodNotAllowed(res, "POST");
        const reference = decodeURIComponent(decision[1]);
        const payment = decision[2] === "approve" ? await this.approve(reference) : await this.decline(reference);
        sendJson(res, 200, { payment: this.devView(payment) });
        return true;
      }
      const one = /^\/api\/dev\/vipps\/payments\/([^/]+)$/u.exec(path);
      if (one?.[1]) {
        if (method !== "GET") return methodNotAllowed(res, "GET");
        sendJson(res, 200, { payment: this.devView(this.find(decodeURIComponent(one[1]))) });
        return true;
      }
      return false;
    } catch (err) {
      if (err instanceof ApiProblem) {
        sendProblem(res, err.status, err.title, err.detail);
        return true;
      }
      throw err;
    }
  };

  private devView(p: SimulatedPayment): Record<string, unknown> {
    return { ...this.view(p), paymentDescription: p.paymentDescription, returnUrl: p.returnUrl, createdAt: p.createdAt, events: p.events };
  }

  // ---- persistence --------------------------------------------------------------------------------------------------

  private async load(): Promise<void> {
    if (this.loaded) return;
    const raw = await readJsonFile(this.statePath);
    if (raw !== undefined) {
      const parsed = StateFile.safeParse(raw);
      if (!parsed.success) throw new Error(`VippsSimulator: ${this.statePath} is not a valid state file`);
      this.payments = new Map(parsed.data.payments.map((p) => [p.reference, p]));
      this.webhooks = parsed.data.webhooks;
      this.idempotency = parsed.data.idempotency;
    }
    this.loaded = true;
  }
}

// ---- helpers --------------------------------------------------------------------------------------------------------

function idempotencyKey(req: IncomingMessage): string {
  const key = header(req, "idempotency-key");
  if (key === undefined || key === "") {
    throw new ApiProblem(400, "Bad Request", "The Idempotency-Key header is required.", [{ name: "Idempotency-Key", reason: "is required" }]);
  }
  if (key.length > 50) {
    throw new ApiProblem(400, "Bad Request", "The Idempotency-Key header must be at most 50 characters.", [
      { name: "Idempotency-Key", reason: "must be at most 50 characters" },
    ]);
  }
  return key;
}

function parseBody<S extends z.ZodType>(raw: Buffer, schema: S): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString("utf8"));
  } catch {
    throw new ApiProblem(400, "Bad Request", "The request body is not valid JSON.");
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const extraDetails = parsed.error.issues.map((i) => ({ name: i.path.join(".") || "(body)", reason: i.message }));
    const detail = extraDetails.map((d) => `${d.name}: ${d.reason}`).join("; ");
    throw new ApiProblem(400, "Bad Request", detail, extraDetails);
  }
  return parsed.data;
}

function acceptableReturnUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.protocol === "https:") return true;
  if (url.protocol === "http:") return ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
  return /^[a-z][a-z0-9+.-]*:$/u.test(url.protocol);
}

function sendVippsProblem(res: ServerResponse, problem: ApiProblem): void {
  res.writeHead(problem.status, { "content-type": "application/problem+json; charset=utf-8" });
  res.end(
    JSON.stringify({
      type: PROBLEM_TYPE,
      title: problem.title,
      status: problem.status,
      detail: problem.detail,
      traceId: randomUUID(),
      ...(problem.extraDetails ? { extraDetails: problem.extraDetails } : {}),
    }),
  );
}

function methodNotAllowed(res: ServerResponse, allow: string): true {
  res.setHeader("allow", allow);
  sendProblem(res, 405, "Method not allowed", `Use ${allow}.`);
  return true;
}

/** POSTs a signed webhook; the status, or "network-error". The Host header is the one that was signed. */
function post(url: URL, body: string, signed: VippsSignedHeaders): Promise<number | "network-error"> {
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = send(
      url,
      {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)), ...signed },
        timeout: 10_000,
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", () => resolve("network-error"));
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", () => resolve("network-error"));
    req.end(body);
  });
}

function sha256(data: Buffer): string {
  return createHash("sha256").update(data).digest("base64");
}

function newWebhookSecret(): string {
  return randomBytes(64).toString("base64");
}

function newPspReference(): string {
  return String(randomInt(1_000_000_000, 9_999_999_999));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function formatAmount(amount: Amount): string {
  return new Intl.NumberFormat("nb-NO", { style: "currency", currency: amount.currency }).format(amount.value / 100);
}

function stateText(state: SimulatedPayment["state"]): string {
  return { CREATED: "opprettet", AUTHORIZED: "godkjent", ABORTED: "avvist", EXPIRED: "utløpt", TERMINATED: "kansellert" }[state];
}

function sendHtml(res: ServerResponse, status: number, html: string, head = false): void {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
  res.end(head ? undefined : html);
}

function landingPage(input: { title: string; body: string }): string {
  return `<!doctype html>
<html lang="nb">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(input.title)} — Vipps-simulator</title>
<style>
body { font: 18px/1.5 system-ui, sans-serif; margin: 0; color: #1a1a1a; background: #f7f4f2; }
main { max-width: 28rem; margin: 2rem auto; padding: 1.5rem; background: #fff; border-radius: 12px; }
h1 { font-size: 1.4rem; color: #ff5b24; }
.amount strong { font-size: 1.6rem; }
form { display: flex; gap: 1rem; margin-top: 1.5rem; }
button { font: inherit; padding: .75rem 1.5rem; border-radius: 8px; border: 2px solid #ff5b24; background: #ff5b24; color: #fff; cursor: pointer; }
button.secondary { background: #fff; color: #1a1a1a; border-color: #6b6b6b; }
button:focus-visible { outline: 3px solid #0b57d0; outline-offset: 2px; }
.note { font-size: .85rem; color: #555; }
</style>
</head>
<body>
<main>
<h1>${escapeHtml(input.title)}</h1>
${input.body}
<p class="note">Dette er en lokal simulator av Vipps MobilePay. Ingen penger flyttes.</p>
</main>
</body>
</html>
`;
}
