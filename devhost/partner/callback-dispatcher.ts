/**
 * Callbacks from the partner simulator: one attempt at delivering an order's state-change event to a registered hub,
 * signed with Standard Webhooks (`webhook-id` = the event id, the timestamp of this attempt on the simulator's clock,
 * the shared secret). A non-2xx answer or a network error books the next attempt after the next of the retry delays
 * (virtual time); when they are used up the delivery has failed. A 409 means the receiver has the event already (a
 * replayed `webhook-id`): delivered. The simulator decides when attempts are made.
 */
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { Webhook } from "standardwebhooks";
import type { DevLogger } from "../logger";
import type { Delivery, HubRegistration } from "./partner-store";

export interface CallbackDispatcherOptions {
  secret: string;
  logger: DevLogger;
  now: () => number;
  /** Waits between attempts (one more attempt than there are waits). */
  retryDelaysMs: readonly number[];
}

export class CallbackDispatcher {
  private readonly webhook: Webhook;

  constructor(private readonly options: CallbackDispatcherOptions) {
    this.webhook = new Webhook(options.secret);
  }

  /** Makes one attempt and records its outcome on `delivery` (delivered, the next attempt's time, or failed). */
  async attempt(delivery: Delivery, hub: HubRegistration): Promise<void> {
    const { logger, now, retryDelaysMs } = this.options;
    const sentAt = now();
    const headers = {
      "webhook-id": delivery.eventId,
      "webhook-timestamp": String(Math.floor(sentAt / 1000)),
      "webhook-signature": this.webhook.sign(delivery.eventId, new Date(sentAt), delivery.body),
    };
    const status = await post(new URL(hub.callback), delivery.body, headers);
    delivery.attempts += 1;
    delivery.lastStatus = status;
    delivery.at = new Date(now()).toISOString();
    const about = { eventId: delivery.eventId, orderId: delivery.orderId, state: delivery.state, hubId: hub.id };
    if (typeof status === "number" && ((status >= 200 && status < 300) || status === 409)) {
      delivery.status = "delivered";
      logger.info("partner simulator callback delivered", { ...about, attempts: delivery.attempts, status });
      return;
    }
    const wait = retryDelaysMs[delivery.attempts - 1];
    if (wait === undefined) {
      delivery.status = "failed";
      logger.warn("partner simulator callback gave up", { ...about, attempts: delivery.attempts, status });
      return;
    }
    delivery.nextAttemptAt = now() + wait;
    logger.warn("partner simulator callback failed", { ...about, attempt: delivery.attempts, status });
  }
}

/** POSTs a signed callback; the status, or "network-error". */
function post(url: URL, body: string, signed: Record<string, string>): Promise<number | "network-error"> {
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
