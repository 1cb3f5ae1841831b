/** The `payments` queue's messages, parsed at the trigger with zod (the queue is a boundary like any other). */
import { z } from "zod";
import { LocalDate } from "../../domain/calendar";
import { Money } from "../../domain/money";
import type { PaymentMessage } from "../../ports/payment-queue";

export const ProviderEventMessageSchema = z.object({
  kind: z.literal("provider-event"),
  id: z.string().min(1),
  receivedAt: z.string().min(1),
  event: z.object({
    provider: z.literal("vipps"),
    reference: z.string().regex(/^[a-zA-Z0-9-]{8,50}$/u),
    name: z.string().min(1),
    pspReference: z.string().optional(),
    timestamp: z.string().optional(),
    success: z.boolean().optional(),
  }),
});

export const BankPaymentMessageSchema = z.object({
  kind: z.literal("bank-payment"),
  id: z.string().min(1),
  kid: z.string().min(1),
  amount: Money,
  paidOn: LocalDate,
  source: z.string(),
  details: z.record(z.string(), z.string()).optional(),
});

export const PaymentMessageSchema = z.discriminatedUnion("kind", [
  ProviderEventMessageSchema,
  BankPaymentMessageSchema,
]);

export function parsePaymentMessage(body: unknown): PaymentMessage {
  return PaymentMessageSchema.parse(typeof body === "string" ? JSON.parse(body) : body);
}
