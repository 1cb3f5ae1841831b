/** In-memory PaymentAttemptStore (tests). */
import type { PaymentAttempt, PaymentAttemptStore } from "../../ports/payment-attempt-store";

export class MemoryPaymentAttemptStore implements PaymentAttemptStore {
  readonly #attempts = new Map<string, PaymentAttempt>();

  async create(attempt: PaymentAttempt): Promise<void> {
    if (this.#attempts.has(attempt.reference)) throw new Error(`Payment attempt ${attempt.reference} exists`);
    this.#attempts.set(attempt.reference, structuredClone(attempt));
  }

  async get(reference: string): Promise<PaymentAttempt | undefined> {
    const attempt = this.#attempts.get(reference);
    return attempt === undefined ? undefined : structuredClone(attempt);
  }

  /** `read` changes nothing here: the memory store has no read to save, and always applies to what it holds. */
  async update(
    reference: string,
    mutate: (current: PaymentAttempt) => PaymentAttempt,
    _read?: PaymentAttempt,
  ): Promise<PaymentAttempt> {
    const current = this.#attempts.get(reference);
    if (!current) throw new Error(`No payment attempt ${reference}`);
    const next = mutate(structuredClone(current));
    this.#attempts.set(reference, structuredClone(next));
    return structuredClone(next);
  }

  async listUnsettled(window: {
    createdAfter: string;
    createdBefore: string;
    limit: number;
  }): Promise<PaymentAttempt[]> {
    return [...this.#attempts.values()]
      .filter(
        (a) =>
          ["created", "authorized", "captured"].includes(a.state) &&
          a.createdAt >= window.createdAfter &&
          a.createdAt < window.createdBefore,
      )
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
      .slice(0, window.limit)
      .map((a) => structuredClone(a));
  }

  /** Tests: every attempt. */
  all(): PaymentAttempt[] {
    return [...this.#attempts.values()].map((a) => structuredClone(a));
  }
}
