/**
 * `POST /api/callbacks/vipps`: a provider's webhook. Verified (signature over date, host and content hash; the date
 * within the allowed window), refused when the very same signed delivery comes again (a replay), then put on the
 * `payments` queue and answered at once — applying happens in the queue's trigger, with retries.
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
import type { IncomingWebhookRequest, PaymentWebhookVerifier, WebhookVerdict } from "../../ports/payment-provider";
import type { PaymentQueue, ProviderEventMessage } from "../../ports/payment-queue";
import type { ReplayGuard } from "../../ports/replay-guard";
import { FAILED_EVENTS, MONEY_EVENTS } from "./apply-provider-event";

/** How long a CAPTURED event waits before it is applied (see the header). */
export const CAPTURED_EVENT_DELAY_SECONDS = 15;

/** What became of a verified callback: queued (now or for later), or acknowledged only. */
export interface ReceivedCallback {
  message: ProviderEventMessage;
  queued: boolean;
}

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
  override readonly title = "Callbacks not configured";
}

/** Why a callback was refused: the verifier's reason (`unsigned`, `bad-signature`, `stale`, `malformed`, …). */
export type CallbackRejectionReason = Extract<WebhookVerdict, { ok: false }>["reason"];

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
 * Unsigned, wrong signature, wrong content hash or a stale date → 401, the reason as the field error's code, the
 * pointer naming the header at fault (`authorization` for Vipps, `webhook-signature` for Standard Webhooks).
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

/** The same signed delivery again → 409; nothing is queued. */
export class CallbackReplayed extends DomainError {
  readonly code = "CALLBACK_REPLAYED";
  override readonly title = "Callback already received";
  /** Our reference the delivery was about (a payment reference, a partner command id), for logs. */
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
    const verdict = deps.paymentWebhooks.verify(request, now);
    if (!verdict.ok)
      throw verdict.reason === "malformed"
        ? new CallbackMalformed(verdict.detail)
        : new CallbackNotAuthenticated(verdict.reason);

    const replayKey = createHash("sha256").update(verdict.deliveryId, "utf8").digest("hex");
    const until = new Date(now.getTime() + 2 * deps.maxSkewSeconds * 1000);
    if (!deps.callbackReplays.firstSeen(replayKey, until, now)) {
      throw new CallbackReplayed(verdict.event.reference);
    }
    const name = verdict.event.name;
    const message: ProviderEventMessage = {
      kind: "provider-event",
      id: providerEventId(verdict.event),
      receivedAt: now.toISOString(),
      event: verdict.event,
      ...(name === "CAPTURED"
        ? { notBefore: new Date(now.getTime() + CAPTURED_EVENT_DELAY_SECONDS * 1000).toISOString() }
        : {}),
    };
    if (!MONEY_EVENTS.has(name) && !FAILED_EVENTS.has(name)) return { message, queued: false };
    await deps.paymentQueue.enqueue([message]);
    return { message, queued: true };
  };
}
