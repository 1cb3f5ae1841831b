/**
 * The Service Bus queue `payments`: every payment to apply waits here, whatever brought it, so applying is retried
 * and dead-lettered in one place and the callback can answer the provider at once.
 * `id` becomes the message id: the queue's duplicate detection drops a second copy within its window.
 */
import type { Money } from "../domain/money";
import type { PaymentProviderEvent } from "./payment-provider";

export interface ProviderEventMessage {
  kind: "provider-event";
  id: string;
  receivedAt: string;
  event: PaymentProviderEvent;
  /** Not to be handed to the trigger before this instant (ISO 8601): a scheduled message. */
  notBefore?: string;
}

/** One KID payment from the bank's OCR giro file. */
export interface BankPaymentMessage {
  kind: "bank-payment";
  /** The bank's transaction identity (stable across re-imports of the same file). */
  id: string;
  kid: string;
  amount: Money;
  /** Value date (YYYY-MM-DD). */
  paidOn: string;
  /** The file it came from (blob name), for operators. */
  source: string;
  details?: Record<string, string>;
}

export type PaymentMessage = ProviderEventMessage | BankPaymentMessage;

export interface PaymentQueue {
  enqueue(messages: PaymentMessage[]): Promise<void>;
}
