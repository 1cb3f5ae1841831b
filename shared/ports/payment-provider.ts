/**
 * A card/wallet payment provider (Vipps MobilePay ePayment). The debtor is redirected to the provider, approves there,
 * and the provider tells us by webhook; what we apply is always re-read from the provider (`get`), never taken from
 * the webhook body alone.
 *
 * `reference` is OURS (`^[a-zA-Z0-9-]{8,50}$`), chosen before `create`, so a retried create is the same payment.
 * Every call that changes money carries an idempotency key: a retry after a lost answer does not capture twice.
 */
import { z } from "zod";
import { DomainError } from "../domain/errors";
import type { Money } from "../domain/money";

export const PaymentMethod = z.enum(["vipps", "card"]);
export type PaymentMethod = z.infer<typeof PaymentMethod>;

export interface CreatePaymentRequest {
  reference: string;
  amount: Money;
  method: PaymentMethod;
  /** Where the provider sends the debtor back (our receipt page). */
  returnUrl: string;
  /** Shown to the debtor in the app / on the card page (3–100 characters). */
  description: string;
  idempotencyKey: string;
}

export interface CreatedPayment {
  reference: string;
  /** Where to send the debtor's browser (303). */
  redirectUrl: string;
}

/** The provider's own state words (capture and refund are amounts, not states). */
export type ProviderPaymentState = "CREATED" | "AUTHORIZED" | "ABORTED" | "EXPIRED" | "TERMINATED";

export interface ProviderPayment {
  reference: string;
  state: ProviderPaymentState;
  /** The amount asked for at create. */
  amount: Money;
  authorized: Money;
  captured: Money;
  refunded: Money;
  cancelled: Money;
  pspReference?: string;
  /** WALLET (Vipps/MobilePay app) or CARD. */
  paymentMethodType?: "WALLET" | "CARD";
}

/**
 * The provider answered with an error that a retry will not fix (4xx other than 409/429): carries its status, which
 * an HTTP caller sees as `providerStatus` (502). `detail` is the provider's own text: for logs, never returned.
 */
export class PaymentProviderRejected extends DomainError {
  readonly code = "PAYMENT_PROVIDER_REJECTED";
  constructor(
    message: string,
    readonly status: number,
    readonly detail?: string,
  ) {
    super(message, undefined, { members: { providerStatus: status } });
  }
}

/** The provider could not be reached or kept failing (network, timeout, 5xx, 429) after bounded retries: try later (503). */
export class PaymentProviderUnavailable extends DomainError {
  readonly code = "PAYMENT_PROVIDER_UNAVAILABLE";
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface PaymentProvider {
  create(request: CreatePaymentRequest): Promise<CreatedPayment>;
  get(reference: string): Promise<ProviderPayment>;
  /** Captures `amount` of what is authorized (partial allowed). */
  capture(reference: string, amount: Money, idempotencyKey: string): Promise<ProviderPayment>;
  /** Cancels what is authorized and not captured. */
  cancel(reference: string, idempotencyKey: string): Promise<ProviderPayment>;
  refund(reference: string, amount: Money, idempotencyKey: string): Promise<ProviderPayment>;
}

/** A provider's webhook, verified and reduced to what we act on (the body's amounts are not trusted: we re-read). */
export interface PaymentProviderEvent {
  provider: "vipps";
  reference: string;
  /** The provider's event word: CREATED, AUTHORIZED, ABORTED, EXPIRED, CANCELLED, CAPTURED, REFUNDED, TERMINATED. */
  name: string;
  pspReference?: string;
  /** When the provider says it happened (ISO instant). */
  timestamp?: string;
  success?: boolean;
}

export interface IncomingWebhookRequest {
  method: string;
  /** Path and query exactly as received (e.g. "/api/callbacks/vipps"). */
  pathAndQuery: string;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  /** The raw body, exactly as received (the signature covers its bytes). */
  body: string;
}

export type WebhookVerdict =
  | {
      ok: true;
      event: PaymentProviderEvent;
      /** Identifies this very signed delivery (replay detection). */
      deliveryId: string;
      /** When the delivery was signed (ISO instant; the signed date header). Whether it is recent is the caller's call. */
      sentAt: string;
    }
  | { ok: false; reason: "unsigned" | "bad-content-hash" | "bad-signature" | "bad-date" | "malformed"; detail: string };

/** Checks a provider's webhook: signature, content hash and a readable signed date; then parses the event. */
export interface PaymentWebhookVerifier {
  verify(request: IncomingWebhookRequest): WebhookVerdict;
}

/** A callback URL registered at the provider (its secret is shown only when registering). */
export interface ProviderWebhookRegistration {
  id: string;
  url: string;
  events: string[];
}

/** Registering our callback URL at the provider (an operator does it once per environment). */
export interface PaymentWebhookRegistry {
  /** Every payment event the provider can call back about; what `register` subscribes to. */
  readonly events: readonly string[];
  register(url: string): Promise<{ id: string; secret: string }>;
  list(): Promise<ProviderWebhookRegistration[]>;
}
