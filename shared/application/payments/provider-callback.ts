/**
 * `POST /api/callbacks/vipps`: a provider's webhook. Verified (signature over date, host and content hash; the date
 * within the allowed window), refused when the very same signed delivery comes again (a replay), then put on the
 * `payments` queue and answered at once — applying happens in the queue's trigger, with retries.
 */
import { createHash } from "node:crypto";
import { DomainError } from "../../domain/errors";
import type { Clock } from "../../ports/clock";
import type { IncomingWebhookRequest, PaymentWebhookVerifier } from "../../ports/payment-provider";
import type { PaymentQueue, ProviderEventMessage } from "../../ports/payment-queue";
import type { ReplayGuard } from "../../ports/replay-guard";

export interface ProviderCallbackDeps {
  paymentWebhooks?: PaymentWebhookVerifier;
  paymentQueue: PaymentQueue;
  callbackReplays: ReplayGuard;
  clock: Clock;
  /** The signature's date window (VIPPS_WEBHOOK_MAX_SKEW_SECONDS): how long a delivery is remembered. */
  maxSkewSeconds: number;
}

/** Callbacks are not configured (no webhook secret) → 503: the provider retries later. */
export class CallbacksNotConfigured extends DomainError {
  readonly code = "CALLBACKS_NOT_CONFIGURED";
}

/** Wrong or missing signature, wrong content hash, stale date, malformed payload → 401 (400 for malformed). */
export class CallbackRejected extends DomainError {
  readonly code = "CALLBACK_REJECTED";
}

/** The same signed delivery again → 409; nothing is queued. */
export class CallbackReplayed extends DomainError {
  readonly code = "CALLBACK_REPLAYED";
}

/** The queue message id for an event: one per (reference, event, psp reference), so the provider's retries collapse. */
export function providerEventId(event: {
  provider: string;
  reference: string;
  name: string;
  pspReference?: string;
}): string {
  return `${event.provider}:${event.reference}:${event.name}:${event.pspReference ?? "-"}`;
}

export function makeReceiveProviderCallback(deps: ProviderCallbackDeps) {
  return async (request: IncomingWebhookRequest): Promise<ProviderEventMessage> => {
    if (!deps.paymentWebhooks)
      throw new CallbacksNotConfigured("Payment callbacks are not configured on this installation");
    const now = deps.clock.now();
    const verdict = deps.paymentWebhooks.verify(request, now);
    if (!verdict.ok)
      throw new CallbackRejected(`The callback was refused: ${verdict.reason}`, {
        reason: verdict.reason,
        detail: verdict.detail,
      });

    const replayKey = createHash("sha256").update(verdict.deliveryId, "utf8").digest("hex");
    const until = new Date(now.getTime() + 2 * deps.maxSkewSeconds * 1000);
    if (!deps.callbackReplays.firstSeen(replayKey, until, now)) {
      throw new CallbackReplayed("This signed callback was received before", { reference: verdict.event.reference });
    }
    const message: ProviderEventMessage = {
      kind: "provider-event",
      id: providerEventId(verdict.event),
      receivedAt: now.toISOString(),
      event: verdict.event,
    };
    await deps.paymentQueue.enqueue([message]);
    return message;
  };
}
