/**
 * A PaymentProvider for host-free tests: payments live in a map; the test plays the debtor (`approve`, `decline`);
 * capture honours its idempotency key like Vipps does (the same key twice captures once).
 */
import type { Money } from "../../shared/domain/money";
import {
  PaymentProviderRejected,
  type CreatePaymentRequest,
  type CreatedPayment,
  type PaymentProvider,
  type ProviderPayment,
} from "../../shared/ports/payment-provider";

export class FakePaymentProvider implements PaymentProvider {
  readonly payments = new Map<string, ProviderPayment & { request: CreatePaymentRequest }>();
  readonly captureKeys = new Set<string>();
  captures = 0;
  failNextCreate: number | undefined;

  async create(request: CreatePaymentRequest): Promise<CreatedPayment> {
    if (this.failNextCreate !== undefined) {
      const status = this.failNextCreate;
      this.failNextCreate = undefined;
      throw new PaymentProviderRejected("refused", status);
    }
    const zero: Money = { value: 0, currency: request.amount.currency };
    this.payments.set(request.reference, {
      request,
      reference: request.reference,
      state: "CREATED",
      amount: request.amount,
      authorized: zero,
      captured: zero,
      refunded: zero,
      cancelled: zero,
      paymentMethodType: request.method === "card" ? "CARD" : "WALLET",
    });
    return { reference: request.reference, redirectUrl: `https://provider.test/landing/${request.reference}` };
  }

  approve(reference: string): void {
    const p = this.#get(reference);
    this.payments.set(reference, { ...p, state: "AUTHORIZED", authorized: p.amount, pspReference: `psp-${reference}` });
  }

  decline(reference: string): void {
    this.payments.set(reference, { ...this.#get(reference), state: "ABORTED" });
  }

  async get(reference: string): Promise<ProviderPayment> {
    const { request: _request, ...payment } = this.#get(reference);
    return structuredClone(payment);
  }

  async capture(reference: string, amount: Money, idempotencyKey: string): Promise<ProviderPayment> {
    const p = this.#get(reference);
    if (!this.captureKeys.has(idempotencyKey)) {
      if (p.state !== "AUTHORIZED") throw new PaymentProviderRejected("not authorized", 400);
      if (p.captured.value + amount.value > p.authorized.value - p.cancelled.value)
        throw new PaymentProviderRejected("too much", 400);
      this.captureKeys.add(idempotencyKey);
      this.captures += 1;
      this.payments.set(reference, { ...p, captured: { ...p.captured, value: p.captured.value + amount.value } });
    }
    return this.get(reference);
  }

  /** Like Vipps: before authorization the payment is TERMINATED and its whole amount cancelled; after it the state
   *  stays AUTHORIZED and what is not captured is cancelled (as a cancel on portal.vipps.no does too). */
  async cancel(reference: string): Promise<ProviderPayment> {
    const p = this.#get(reference);
    if (p.state === "CREATED") {
      this.payments.set(reference, { ...p, state: "TERMINATED", cancelled: p.amount });
      return this.get(reference);
    }
    this.payments.set(reference, {
      ...p,
      cancelled: { ...p.authorized, value: p.authorized.value - p.captured.value },
    });
    return this.get(reference);
  }

  readonly refundKeys = new Set<string>();
  refunds = 0;

  /** Like Vipps: at most what was captured and not refunded; the same idempotency key twice refunds once. */
  async refund(reference: string, amount: Money, idempotencyKey: string): Promise<ProviderPayment> {
    const p = this.#get(reference);
    if (!this.refundKeys.has(idempotencyKey)) {
      if (p.refunded.value + amount.value > p.captured.value)
        throw new PaymentProviderRejected("more than captured", 400);
      this.refundKeys.add(idempotencyKey);
      this.refunds += 1;
      this.payments.set(reference, { ...p, refunded: { ...p.refunded, value: p.refunded.value + amount.value } });
    }
    return this.get(reference);
  }

  #get(reference: string) {
    const p = this.payments.get(reference);
    if (!p) throw new PaymentProviderRejected(`no payment ${reference}`, 404);
    return p;
  }
}
