/** In-memory BankPaymentStore (tests). */
import type { Page } from "../../ports/case-store";
import type { BankPayment, BankPaymentStore, UnmatchedBankPayment } from "../../ports/bank-payment-store";
import { pageOf } from "./paging.memory";

export class MemoryBankPaymentStore implements BankPaymentStore {
  readonly #payments = new Map<string, BankPayment>();

  async record(payment: BankPayment): Promise<void> {
    this.#payments.set(payment.paymentId, structuredClone(payment));
  }

  async get(paymentId: string): Promise<BankPayment | undefined> {
    const payment = this.#payments.get(paymentId);
    return payment === undefined ? undefined : structuredClone(payment);
  }

  async listUnmatched(page: { limit: number; continuationToken?: string }): Promise<Page<UnmatchedBankPayment>> {
    const unmatched = [...this.#payments.values()].filter((p): p is UnmatchedBankPayment => p.status === "unmatched");
    return pageOf(
      unmatched.map((p) => structuredClone(p)),
      page,
    );
  }

  /** Tests: every recorded payment. */
  all(): BankPayment[] {
    return [...this.#payments.values()].map((p) => structuredClone(p));
  }
}
