/**
 * `PaymentProvider` over the Vipps MobilePay ePayment API v1 (https://developer.vippsmobilepay.com/api/epayment):
 * create (WEB_REDIRECT, WALLET for Vipps / CARD for card), get, capture, cancel, refund. Responses are parsed with
 * zod and reduced to `ProviderPayment` (the `aggregate` amounts). Transport, token, retries and errors:
 * api-client.vipps.ts.
 */
import { z } from "zod";
import type {
  CreatedPayment,
  CreatePaymentRequest,
  PaymentProvider,
  ProviderPayment,
} from "../../ports/payment-provider";
import type { Money } from "../../domain/money";
import { VippsApiClient, type VippsApiConfig } from "./api-client.vipps";

export type VippsPaymentProviderOptions = VippsApiConfig;

const EPAYMENT = "/epayment/v1/payments";

const VippsAmount = z.object({ currency: z.enum(["NOK", "DKK", "EUR"]), value: z.number().int() });
const VippsState = z.enum(["CREATED", "AUTHORIZED", "ABORTED", "EXPIRED", "TERMINATED"]);
const VippsAggregate = z.object({
  authorizedAmount: VippsAmount,
  cancelledAmount: VippsAmount,
  capturedAmount: VippsAmount,
  refundedAmount: VippsAmount,
});

/** GetPaymentResponse and ModificationResponse share these members (paymentMethod only in the former). */
const VippsPaymentResponse = z.object({
  reference: z.string(),
  state: VippsState,
  amount: VippsAmount,
  aggregate: VippsAggregate,
  pspReference: z.string().optional(),
  paymentMethod: z
    .object({ type: z.enum(["WALLET", "CARD"]) })
    .loose()
    .optional(),
});

const VippsCreateResponse = z.object({ reference: z.string(), redirectUrl: z.string().min(1).optional() });

export class VippsPaymentProvider implements PaymentProvider {
  private readonly client: VippsApiClient;

  constructor(options: VippsPaymentProviderOptions) {
    this.client = new VippsApiClient(options);
  }

  async create(request: CreatePaymentRequest): Promise<CreatedPayment> {
    const { json } = await this.client.call({
      operation: "create payment",
      method: "POST",
      path: EPAYMENT,
      idempotencyKey: request.idempotencyKey,
      body: {
        amount: vippsAmount(request.amount),
        paymentMethod: { type: request.method === "card" ? "CARD" : "WALLET" },
        reference: request.reference,
        userFlow: "WEB_REDIRECT",
        returnUrl: request.returnUrl,
        paymentDescription: request.description,
      },
    });
    const parsed = VippsCreateResponse.safeParse(json);
    if (!parsed.success || parsed.data.redirectUrl === undefined) {
      throw new Error("Vipps answered create payment without a redirectUrl");
    }
    return { reference: parsed.data.reference, redirectUrl: parsed.data.redirectUrl };
  }

  async get(reference: string): Promise<ProviderPayment> {
    const { json } = await this.client.call({ operation: "get payment", method: "GET", path: paymentPath(reference) });
    return toProviderPayment(json, "get payment");
  }

  async capture(reference: string, amount: Money, idempotencyKey: string): Promise<ProviderPayment> {
    const { json } = await this.client.call({
      operation: "capture",
      method: "POST",
      path: `${paymentPath(reference)}/capture`,
      idempotencyKey,
      body: { modificationAmount: vippsAmount(amount) },
    });
    return toProviderPayment(json, "capture");
  }

  async cancel(reference: string, idempotencyKey: string): Promise<ProviderPayment> {
    const { json } = await this.client.call({
      operation: "cancel",
      method: "POST",
      path: `${paymentPath(reference)}/cancel`,
      idempotencyKey,
    });
    return toProviderPayment(json, "cancel");
  }

  async refund(reference: string, amount: Money, idempotencyKey: string): Promise<ProviderPayment> {
    const { json } = await this.client.call({
      operation: "refund",
      method: "POST",
      path: `${paymentPath(reference)}/refund`,
      idempotencyKey,
      body: { modificationAmount: vippsAmount(amount) },
    });
    return toProviderPayment(json, "refund");
  }
}

function paymentPath(reference: string): string {
  return `${EPAYMENT}/${encodeURIComponent(reference)}`;
}

function vippsAmount(amount: Money): { currency: string; value: number } {
  return { currency: amount.currency, value: amount.value };
}

function toProviderPayment(json: unknown, operation: string): ProviderPayment {
  const parsed = VippsPaymentResponse.safeParse(json);
  if (!parsed.success) throw new Error(`Vipps answered ${operation} with an unexpected body`);
  const p = parsed.data;
  return {
    reference: p.reference,
    state: p.state,
    amount: p.amount,
    authorized: p.aggregate.authorizedAmount,
    captured: p.aggregate.capturedAmount,
    refunded: p.aggregate.refundedAmount,
    cancelled: p.aggregate.cancelledAmount,
    ...(p.pspReference !== undefined ? { pspReference: p.pspReference } : {}),
    ...(p.paymentMethod ? { paymentMethodType: p.paymentMethod.type } : {}),
  };
}
