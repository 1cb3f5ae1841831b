/**
 * The Vipps simulator's API: `POST /accesstoken/get`, ePayment v1 (create, get, events, capture, cancel, refund, and
 * the test environment's force-approve), Webhooks v1 (register, list, delete) and the Report API's ledger list and
 * funds feed (ledger.ts; each capture and refund is booked there). Each call is authenticated, may be
 * failed by an injected fault, is validated (validation.ts), replayed when its Idempotency-Key comes again with the
 * same body, written to the store before it is answered, and its event dispatched as a webhook after.
 */
import { randomInt } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { readBody, sendJson } from "../dev-routes";
import type { DevLogger } from "../logger";
import type { AccessTokens } from "./access-tokens";
import { ApiProblem, sendVippsProblem } from "./api-problem";
import type { Faults } from "./faults";
import { bookEntry, feedView, ledgersView } from "./ledger";
import {
  cancel,
  capture,
  modificationView,
  newPayment,
  record,
  refund,
  type Modification,
  type PaymentEvent,
  type SimulatedPayment,
} from "./payment";
import type { Answer, PaymentStore } from "./payment-store";
import {
  CreatePaymentRequest,
  idempotencyKey,
  ModificationRequest,
  parseBody,
  RegisterWebhookRequest,
} from "./validation";
import type { WebhookDispatcher } from "./webhook-dispatcher";

const EPAYMENT = "/epayment/v1/payments";
const WEBHOOKS = "/webhooks/v1/webhooks";
const LEDGERS = "/settlement/v1/ledgers";
const REPORT = "/report/v2/ledgers/";

export interface VippsApiDeps {
  merchantSerialNumber: string;
  logger: DevLogger;
  now: () => Date;
  store: PaymentStore;
  tokens: AccessTokens;
  faults: Faults;
  dispatcher: WebhookDispatcher;
  /** The URL of a payment's landing page (its `redirectUrl`). */
  landingUrl: (reference: string) => string;
  /** The API's view of a payment. */
  view: (payment: SimulatedPayment) => Record<string, unknown>;
  decide: (reference: string, decision: "approve" | "decline") => Promise<unknown>;
  /** Entries a feed page holds at most (Vipps: 1000). */
  ledgerPageSize?: number;
}

export class VippsApiRoutes {
  constructor(private readonly deps: VippsApiDeps) {}

  /** Answers any request the landing page and dev routes did not take: the API, or a 404 problem. */
  async handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const method = req.method ?? "GET";
    try {
      if (path === "/accesstoken/get") {
        if (method !== "POST") throw new ApiProblem(405, "Method Not Allowed", "Use POST.");
        return this.deps.tokens.issue(req, res);
      }
      if (
        path.startsWith(EPAYMENT) ||
        path.startsWith("/epayment/v1/test/payments") ||
        path.startsWith(WEBHOOKS) ||
        path === LEDGERS ||
        path.startsWith(REPORT)
      ) {
        const body = await readBody(req);
        this.deps.tokens.authorize(req);
        const fault = this.deps.faults.takeFailure();
        if (fault)
          throw new ApiProblem(fault, fault === 429 ? "Too Many Requests" : "Service Unavailable", "Injected fault.");
        const answer = await this.api(req, method, path, body);
        sendJson(res, answer.status, answer.body);
        return;
      }
      throw new ApiProblem(404, "Not Found", "No such resource.");
    } catch (err) {
      if (err instanceof ApiProblem) return sendVippsProblem(res, err);
      throw err;
    }
  }

  private async api(req: IncomingMessage, method: string, path: string, body: Buffer): Promise<Answer> {
    const { store } = this.deps;
    if (path === EPAYMENT) {
      if (method !== "POST") throw new ApiProblem(405, "Method Not Allowed", "Use POST.");
      return this.createPayment(req, body);
    }
    const force = /^\/epayment\/v1\/test\/payments\/([^/]+)\/approve$/u.exec(path);
    if (force?.[1]) {
      if (method !== "POST") throw new ApiProblem(405, "Method Not Allowed", "Use POST.");
      await this.deps.decide(decodeURIComponent(force[1]), "approve");
      return { status: 200, body: null };
    }
    const payment = /^\/epayment\/v1\/payments\/([^/]+)(?:\/(events|capture|cancel|refund))?$/u.exec(path);
    if (payment?.[1]) {
      const reference = decodeURIComponent(payment[1]);
      const action = payment[2];
      if (action === undefined || action === "events") {
        if (method !== "GET") throw new ApiProblem(405, "Method Not Allowed", "Use GET.");
        const found = store.find(reference);
        return { status: 200, body: action === "events" ? found.events : this.deps.view(found) };
      }
      if (method !== "POST") throw new ApiProblem(405, "Method Not Allowed", "Use POST.");
      return this.modify(req, action as Modification, reference, body);
    }
    if (path === WEBHOOKS) {
      if (method === "GET")
        return { status: 200, body: { webhooks: store.webhooks.map(({ id, url, events }) => ({ id, url, events })) } };
      if (method !== "POST") throw new ApiProblem(405, "Method Not Allowed", "Use GET or POST.");
      const parsed = parseBody(body, RegisterWebhookRequest);
      const { id, secret } = await store.addWebhook(parsed.url, parsed.events);
      this.deps.logger.info("vipps simulator webhook registered", {
        id,
        url: parsed.url,
        events: parsed.events.length,
      });
      return { status: 201, body: { id, secret } };
    }
    const webhook = /^\/webhooks\/v1\/webhooks\/([^/]+)$/u.exec(path);
    if (webhook?.[1]) {
      if (method !== "DELETE") throw new ApiProblem(405, "Method Not Allowed", "Use DELETE.");
      if (!(await store.removeWebhook(decodeURIComponent(webhook[1]))))
        throw new ApiProblem(404, "Not Found", "No webhook with that id.");
      return { status: 204, body: undefined };
    }
    if (path === LEDGERS) {
      if (method !== "GET") throw new ApiProblem(405, "Method Not Allowed", "Use GET.");
      return { status: 200, body: ledgersView(this.deps.merchantSerialNumber, query(req)) };
    }
    const feed = /^\/report\/v2\/ledgers\/([^/]+)\/([^/]+)\/feed$/u.exec(path);
    if (feed?.[1] && feed[2]) {
      if (method !== "GET") throw new ApiProblem(405, "Method Not Allowed", "Use GET.");
      const [ledgerId, topic] = [decodeURIComponent(feed[1]), decodeURIComponent(feed[2])];
      return { status: 200, body: feedView(store.ledger, ledgerId, topic, query(req), this.deps.ledgerPageSize) };
    }
    throw new ApiProblem(404, "Not Found", "No such resource.");
  }

  private async createPayment(req: IncomingMessage, raw: Buffer): Promise<Answer> {
    const { store, now } = this.deps;
    const key = idempotencyKey(req);
    const slot = `create|${key}`;
    const earlier = store.replay(slot, raw);
    if (earlier) return earlier;
    const body = parseBody(raw, CreatePaymentRequest);
    if (store.has(body.reference)) {
      throw new ApiProblem(409, "Conflict", `A payment with reference ${body.reference} already exists.`, [
        { name: "reference", reason: "already used by another payment" },
      ]);
    }
    const payment = newPayment({
      reference: body.reference,
      pspReference: newPspReference(),
      msn: this.deps.merchantSerialNumber,
      amount: body.amount,
      paymentMethodType: body.paymentMethod.type,
      userFlow: body.userFlow,
      returnUrl: body.returnUrl,
      paymentDescription: body.paymentDescription,
      now: now(),
    });
    store.add(payment);
    const event = record(payment, "CREATED", body.amount, key, now());
    const answer: Answer = {
      status: 201,
      body:
        body.userFlow === "PUSH_MESSAGE"
          ? { reference: payment.reference }
          : { redirectUrl: this.deps.landingUrl(payment.reference), reference: payment.reference },
    };
    await store.remember(slot, raw, answer);
    this.deps.logger.info("vipps simulator payment created", {
      reference: payment.reference,
      method: payment.paymentMethodType,
    });
    this.deps.dispatcher.dispatch(event);
    return answer;
  }

  private async modify(req: IncomingMessage, action: Modification, reference: string, raw: Buffer): Promise<Answer> {
    const { store, now } = this.deps;
    const key = idempotencyKey(req);
    const slot = `${action}|${reference}|${key}`;
    const earlier = store.replay(slot, raw);
    if (earlier) return earlier;
    const payment = store.find(reference);
    let event: PaymentEvent | undefined;
    if (action === "cancel") {
      event = cancel(payment, key, now());
    } else {
      const { modificationAmount } = parseBody(raw, ModificationRequest);
      if (modificationAmount.currency !== payment.amount.currency) {
        throw new ApiProblem(400, "Bad Request", `modificationAmount.currency must be ${payment.amount.currency}.`, [
          { name: "modificationAmount.currency", reason: `must be ${payment.amount.currency}` },
        ]);
      }
      event =
        action === "capture"
          ? capture(payment, modificationAmount.value, key, now())
          : refund(payment, modificationAmount.value, key, now());
    }
    if (action !== "cancel" && event) {
      // Money moved: booked on the settlement ledger, written with the answer.
      store.book(
        bookEntry({
          last: store.ledger.at(-1),
          entryType: action,
          reference,
          amount: event.amount,
          merchantSerialNumber: this.deps.merchantSerialNumber,
          now: now(),
        }),
      );
    }
    const answer: Answer = { status: 200, body: modificationView(payment) };
    await store.remember(slot, raw, answer);
    this.deps.logger.info(`vipps simulator payment ${action}`, { reference, value: event?.amount.value ?? 0 });
    if (event) this.deps.dispatcher.dispatch(event);
    return answer;
  }
}

function query(req: IncomingMessage): URLSearchParams {
  return new URL(req.url ?? "/", "http://127.0.0.1").searchParams;
}

function newPspReference(): string {
  return String(randomInt(1_000_000_000, 9_999_999_999));
}
