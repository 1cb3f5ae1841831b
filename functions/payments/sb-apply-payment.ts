/**
 * Service Bus trigger on the queue `payments`: applies each payment waiting there — a provider event (Vipps or card,
 * from the callback or the receipt page's poll) or a KID payment from the bank's OCR file. Every path is idempotent
 * on the payment's own reference, so the queue's redeliveries (and the provider's) credit once. A transient failure
 * throws: Service Bus redelivers, and after the queue's max delivery count the message is dead-lettered where an
 * operator sees it. Needs the durable client: applying a payment tells the case's orchestration to re-plan.
 */
import { app, type InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import { makeApplyBankPayment } from "../../shared/application/payments/apply-bank-payment";
import { makeApplyProviderEvent } from "../../shared/application/payments/apply-provider-event";
import { parsePaymentMessage } from "../../shared/application/payments/payment-message";
import type { BankPaymentMessage } from "../../shared/ports/payment-queue";
import { forInvocation, type RequestDeps } from "../deps";
import type { PaymentsDeps } from "./deps";
import {
  APPLY_PAYMENT_FUNCTION,
  PAYMENTS_QUEUE,
  SERVICE_BUS_CONNECTION,
  UNMATCHED_PROVIDER_PAYMENT_EVENT,
} from "./names";

export type BankPaymentHandler = (
  deps: RequestDeps,
) => (message: BankPaymentMessage) => Promise<{ outcome: string; caseId?: string }>;

export function makeApplyPaymentHandler(
  resolve: (context: InvocationContext) => RequestDeps,
  applyBankPayment: BankPaymentHandler,
) {
  return async (body: unknown, context: InvocationContext): Promise<void> => {
    const message = parsePaymentMessage(body);
    const deps = resolve(context);
    if (message.kind === "provider-event") {
      const result = await makeApplyProviderEvent(deps)(message);
      if (result.outcome === "unmatched") {
        // An alert, not a shrug: money at the provider that no case here expected (GET /api/v1/ops/unmatched-payments).
        context.error(UNMATCHED_PROVIDER_PAYMENT_EVENT, {
          event: UNMATCHED_PROVIDER_PAYMENT_EVENT,
          reference: message.event.reference,
          provider: message.event.provider,
          amount: result.amount.value,
          currency: result.amount.currency,
          state: result.state,
        });
      }
      context.info("payment event handled", {
        reference: message.event.reference,
        event: message.event.name,
        outcome: result.outcome,
      });
      return;
    }
    const result = await applyBankPayment(deps)(message);
    context.info("bank payment handled", {
      id: message.id,
      outcome: result.outcome,
      ...(result.caseId ? { caseId: result.caseId } : {}),
    });
  };
}

export function registerApplyPaymentFunction(deps: () => PaymentsDeps): void {
  app.serviceBusQueue(APPLY_PAYMENT_FUNCTION, {
    connection: SERVICE_BUS_CONNECTION,
    queueName: PAYMENTS_QUEUE,
    extraInputs: [df.input.durableClient()],
    handler: makeApplyPaymentHandler(
      (context) => forInvocation(deps(), context),
      (d) => makeApplyBankPayment(d),
    ),
  });
}
