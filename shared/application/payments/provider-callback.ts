/**
 * `POST /api/callbacks/vipps`: a provider's webhook. Verified (signature over date, host and content hash), then
 * de-duplicated, put on the `payments` queue and answered at once — applying happens in the queue's trigger, with
 * retries.
 *
 * Every correctly signed delivery is ACKNOWLEDGED (2xx), whatever its date and however often it comes: Vipps retries a
 * delivery that got a 4xx or 5xx for up to 7 days, and holds back that payment's later webhooks until one attempt
 * succeeds (Webhooks API guide, "Retries") — refusing a genuine repeat would stall the payment until the sweep found
 * it. Only an unsigned delivery, a wrong signature or a wrong content hash is refused (401), and a signed body that is
 * not an event (400). See `decide` below for what is queued.
 *
 * What goes on the queue: events that move money (AUTHORIZED, CAPTURED) or end a payment (ABORTED, EXPIRED,
 * TERMINATED, CANCELLED). The others (CREATED, REFUNDED…) change nothing the queue's trigger would do — it would read
 * the attempt and ignore them — so they are acknowledged and not queued.
 * CAPTURED follows our own capture, which the AUTHORIZED event's handling makes and then applies at once: the
 * CAPTURED event is there for the case that handling did not finish, so it is queued for `capturedDelaySeconds`
 * later (a scheduled message) instead of racing it — by then it finds the attempt applied with one read.
 */
import { createHash } from "node:crypto";
import { DomainError } from "../../domain/errors";
import type { Clock } from "../../ports/clock";
import type {
  IncomingWebhookRequest,
  PaymentProviderEvent,
  PaymentWebhookVerifier,
  WebhookVerdict,
} from "../../ports/payment-provider";
import type { PaymentQueue, ProviderEventMessage } from "../../ports/payment-queue";
import type { ReplayGuard } from "../../ports/replay-guard";
import { FAILED_EVENTS, MONEY_EVENTS } from "./apply-provider-event";

/** How long a CAPTURED event waits before it is applied (see the header). */
export const CAPTURED_EVENT_DELAY_SECONDS = 15;

/**
 * Vipps retries a failed webhook for up to 7 days (Webhooks API guide, "Retries"): a genuine delivery can come that
 * long after it was first signed.
 */
export const PROVIDER_RETRY_WINDOW_SECONDS = 7 * 24 * 60 * 60;

/**
 * What became of a verified callback (each is answered 2xx):
 * - `queued`: put on the `payments` queue (now, or later for CAPTURED);
 * - `not-needed`: an event that moves no money (CREATED, REFUNDED…), acknowledged only;
 * - `repeat`: the very same signed delivery was accepted before; not queued again;
 * - `outside-window`: dated more than the retry window ago or ahead of our clock by more than the allowed skew;
 *   acknowledged, not queued (the reconcile sweep reads the payment from the provider anyway).
 */
export type CallbackDisposition = "queued" | "not-needed" | "repeat" | "outside-window";

export interface ReceivedCallback {
  message: ProviderEventMessage;
  disposition: CallbackDisposition;
  /** True when this delivery put a message on the queue. */
  queued: boolean;
}

export interface ProviderCallbackDeps {
  paymentWebhooks?: PaymentWebhookVerifier;
  paymentQueue: PaymentQueue;
  callbackReplays: ReplayGuard;
  clock: Clock;
  /** How far ahead of our clock a delivery's date may be (VIPPS_WEBHOOK_MAX_SKEW_SECONDS); also the margin kept
   *  beyond the provider's retry window. */
  maxSkewSeconds: number;
  /** How long after signing a delivery may still come (default: Vipps' 7 days of retries). */
  retryWindowSeconds?: number;
}

/** Callbacks are not configured (no webhook secret) → 503: the provider retries later. */
export class CallbacksNotConfigured extends DomainError {
  readonly code = "CALLBACKS_NOT_CONFIGURED";
  override readonly title = "Callbacks not configured";
}

/**
 * Why a callback was refused: the verifier's reason (`unsigned`, `bad-signature`, `bad-date`, `malformed`, …), or
 * `stale` (partner callbacks only: Standard Webhooks' ±5 minutes).
 */
export type CallbackRejectionReason = Extract<WebhookVerdict, { ok: false }>["reason"] | "stale";

/** A refused callback: not authenticated (401) or malformed (400). Nothing is queued. */
export abstract class CallbackRejected extends DomainError {
  /** The verifier's reason, for logs (no secrets: a word such as `bad-signature`). */
  abstract readonly reason: CallbackRejectionReason;
}

/** One field at fault in a malformed callback body (pointer convention: shared/http/problem.ts). */
export interface CallbackFieldError {
  readonly pointer: string;
  readonly detail: string;
  readonly code: string;
}

/**
 * Signed and dated correctly, but the payload is not a valid event → 400, naming what is wrong with the body: one
 * error about the body, or the fields at fault when the verifier names them.
 */
export class CallbackMalformed extends CallbackRejected {
  readonly code = "CALLBACK_MALFORMED";
  override readonly title = "Malformed callback";
  readonly reason = "malformed";
  constructor(detail: string, fields?: readonly CallbackFieldError[]) {
    super("The callback was refused: malformed", undefined, {
      errors: fields && fields.length > 0 ? fields : [{ pointer: "/body", detail, code: "malformed" }],
    });
  }
}

/**
 * Unsigned, wrong signature, wrong content hash or a date that is unreadable (Vipps) or stale (partners) → 401, the
 * reason as the field error's code, the pointer naming the header at fault (`authorization` for Vipps,
 * `webhook-signature` for Standard Webhooks).
 */
export class CallbackNotAuthenticated extends CallbackRejected {
  readonly code = "CALLBACK_NOT_AUTHENTICATED";
  override readonly title = "Callback not authenticated";
  constructor(
    readonly reason: Exclude<CallbackRejectionReason, "malformed">,
    header = "authorization",
  ) {
    super(`The callback was refused: ${reason}`, undefined, {
      errors: [{ pointer: `#/header/${header}`, detail: reason, code: reason }],
    });
  }
}

/**
 * The same signed delivery again → 409; nothing is queued. Used by partner callbacks
 * (shared/application/partners/verify-partner-callback.ts); Vipps callbacks acknowledge a repeat instead (above).
 */
export class CallbackReplayed extends DomainError {
  readonly code = "CALLBACK_REPLAYED";
  override readonly title = "Callback already received";
  /** Our reference the delivery was about (a partner command id), for logs. */
  constructor(readonly reference: string) {
    super("This signed callback was received before");
  }
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
  return async (request: IncomingWebhookRequest): Promise<ReceivedCallback> => {
    if (!deps.paymentWebhooks)
      throw new CallbacksNotConfigured("Payment callbacks are not configured on this installation");
    const now = deps.clock.now();
    const verdict = deps.paymentWebhooks.verify(request);
    if (!verdict.ok)
      throw verdict.reason === "malformed"
        ? new CallbackMalformed(verdict.detail)
        : new CallbackNotAuthenticated(verdict.reason);

    // The date window and the de-duplication live together, and both exist only to keep the queue quiet: a replayed
    // GENUINE delivery can do no harm, because applying never trusts the body — it always re-reads the payment from
    // the provider and is idempotent per reference (apply-provider-event.ts). So a repeat is acknowledged (2xx, never
    // 409, or Vipps would hold back the payment's later webhooks) and not queued again. Deliveries are remembered until
    // the end of the window they are accepted in; one dated outside it cannot be told from a replay we have
    // forgotten, so it is acknowledged without being queued (the reconcile sweep asks the provider directly).
    const sentAt = Date.parse(verdict.sentAt);
    const windowMs = (deps.retryWindowSeconds ?? PROVIDER_RETRY_WINDOW_SECONDS) * 1000;
    const skewMs = deps.maxSkewSeconds * 1000;
    const inWindow = sentAt <= now.getTime() + skewMs && sentAt >= now.getTime() - windowMs - skewMs;
    const message = toMessage(verdict.event, now);
    if (!inWindow) return { message, disposition: "outside-window", queued: false };
    const replayKey = createHash("sha256").update(verdict.deliveryId, "utf8").digest("hex");
    const until = new Date(sentAt + windowMs + skewMs);
    if (!deps.callbackReplays.firstSeen(replayKey, until, now))
      return { message, disposition: "repeat", queued: false };
    const name = verdict.event.name;
    if (!MONEY_EVENTS.has(name) && !FAILED_EVENTS.has(name))
      return { message, disposition: "not-needed", queued: false };
    try {
      await deps.paymentQueue.enqueue([message]);
    } catch (error) {
      // Not queued: the provider's retry of this very delivery must be queued, not taken for a repeat.
      deps.callbackReplays.forget?.(replayKey);
      throw error;
    }
    return { message, disposition: "queued", queued: true };
  };
}

function toMessage(event: PaymentProviderEvent, now: Date): ProviderEventMessage {
  return {
    kind: "provider-event",
    id: providerEventId(event),
    receivedAt: now.toISOString(),
    event,
    ...(event.name === "CAPTURED"
      ? { notBefore: new Date(now.getTime() + CAPTURED_EVENT_DELAY_SECONDS * 1000).toISOString() }
      : {}),
  };
}
