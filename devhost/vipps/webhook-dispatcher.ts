/**
 * Webhooks from the Vipps simulator: every payment event goes, after the API call has answered, to each registration
 * that asked for it, signed exactly as Vipps signs (webhook-signature.vipps.ts) with the simulator's clock (the dev
 * host's virtual clock), and is retried with backoff on a non-2xx answer or a network error. As at Vipps (Webhooks
 * API guide, "Retries"), deliveries are in order per registration and payment: a payment's next webhook waits until
 * the one before it was answered 2xx (or given up). Keeps a log of the last 200 deliveries.
 */
import { randomUUID } from "node:crypto";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { signVippsWebhook, type VippsSignedHeaders } from "../../shared/adapters/vipps/webhook-signature.vipps";
import type { DevLogger } from "../logger";
import type { EventName, PaymentEvent } from "./payment";
import type { WebhookRegistration } from "./payment-store";

const DELIVERY_LOG_LIMIT = 200;

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

export interface WebhookDispatcherOptions {
  merchantSerialNumber: string;
  logger: DevLogger;
  now: () => Date;
  /** Waits between delivery attempts (one more attempt than there are waits). */
  retryDelaysMs: readonly number[];
  /** The registrations as they are when an event is dispatched. */
  registrations: () => readonly WebhookRegistration[];
  /** How many identical copies of each delivery to send (the `duplicateWebhooks` fault). */
  copies: () => number;
  /** Wraps each background delivery (the dev host tracks them as work, so "settle" waits for them). */
  track?: <T>(work: Promise<T>) => Promise<T>;
}

export class WebhookDispatcher {
  private deliveries: VippsWebhookDelivery[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  /** The last delivery queued per registration and payment (`{webhookId}|{reference}`): the next one waits for it. */
  private readonly queues = new Map<string, Promise<void>>();
  private halted = false;

  constructor(private readonly options: WebhookDispatcherOptions) {}

  /** Sends `event` to every registration that asked for it, after the current answer (never awaited by the caller). */
  dispatch(event: PaymentEvent): void {
    const eventType = `epayments.payment.${event.name.toLowerCase()}.v1`;
    const targets = this.options.registrations().filter((w) => w.events.includes(eventType));
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
    const copies = this.options.copies();
    for (const target of targets) {
      const key = `${target.id}|${event.reference}`;
      const before = this.queues.get(key) ?? Promise.resolve();
      const work = before
        .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
        .then(() => this.deliver(target, event, payload, copies));
      const tracked = (this.options.track ? this.options.track(work) : work).catch(() => undefined);
      this.queues.set(key, tracked);
      this.inFlight.add(tracked);
      void tracked.finally(() => {
        this.inFlight.delete(tracked);
        if (this.queues.get(key) === tracked) this.queues.delete(key);
      });
    }
  }

  /** The deliveries made so far (newest last; the last 200), as copies. */
  log(): VippsWebhookDelivery[] {
    return this.deliveries.map((d) => ({ ...d }));
  }

  /** Resolves once every delivery started so far has finished (or given up). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Deliveries waiting to retry give up instead (the simulator is stopping). */
  halt(): void {
    this.halted = true;
  }

  resume(): void {
    this.halted = false;
  }

  private async deliver(
    target: WebhookRegistration,
    event: PaymentEvent,
    payload: string,
    copies: number,
  ): Promise<void> {
    const { logger, now } = this.options;
    const retryDelays = this.options.retryDelaysMs;
    const url = new URL(target.url);
    const pathAndQuery = `${url.pathname}${url.search}`;
    const sign = () =>
      signVippsWebhook({
        secret: target.secret,
        pathAndQuery,
        host: url.host,
        date: now().toUTCString(),
        body: payload,
      });
    const about = { webhookId: target.id, reference: event.reference, event: event.name };
    // Copies are the very same signed delivery, sent again (as a repeated delivery arrives).
    let signed = sign();
    for (let copy = 1; copy <= copies; copy++) {
      const log: VippsWebhookDelivery = {
        id: randomUUID(),
        webhookId: target.id,
        reference: event.reference,
        event: event.name,
        copy,
        attempts: 0,
        status: "pending",
        at: now().toISOString(),
      };
      this.deliveries.push(log);
      if (this.deliveries.length > DELIVERY_LOG_LIMIT)
        this.deliveries.splice(0, this.deliveries.length - DELIVERY_LOG_LIMIT);
      for (let attempt = 0; attempt <= retryDelays.length; attempt++) {
        if (attempt > 0) {
          await sleep(retryDelays[attempt - 1] ?? 0);
          if (this.halted) return;
          // A retry is a new delivery attempt: signed again with the time it is sent.
          signed = sign();
        }
        log.attempts = attempt + 1;
        const status = await post(url, payload, signed);
        log.status = status;
        log.at = now().toISOString();
        if (typeof status === "number" && status >= 200 && status < 300) break;
        logger.warn("vipps simulator webhook delivery failed", { ...about, attempt: attempt + 1, status });
      }
      logger.info("vipps simulator webhook delivered", { ...about, copy, attempts: log.attempts, status: log.status });
    }
  }
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

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
