/**
 * A simulated Vipps ePayment: its stored shape, the state changes the API and the user make to it (create, approve,
 * decline, capture, cancel, refund — each recording the event Vipps would send) and the views the API answers with.
 * Plain data and functions; time is a parameter. Semantics follow Vipps' ePayment documents (docs/vendor/vipps/):
 * cancel before authorization → TERMINATED, the whole amount cancelled, event TERMINATED; cancel after it → the state
 * stays AUTHORIZED, what was not captured is cancelled, event CANCELLED.
 */
import { z } from "zod";
import { ApiProblem } from "./api-problem";

export const Amount = z.object({ currency: z.enum(["NOK", "DKK", "EUR"]), value: z.number().int() });
export type Amount = z.infer<typeof Amount>;
const EventName = z.enum([
  "CREATED",
  "ABORTED",
  "EXPIRED",
  "CANCELLED",
  "CAPTURED",
  "REFUNDED",
  "AUTHORIZED",
  "TERMINATED",
]);
export type EventName = z.infer<typeof EventName>;
const State = z.enum(["CREATED", "AUTHORIZED", "ABORTED", "EXPIRED", "TERMINATED"]);

export const PaymentEvent = z.object({
  reference: z.string(),
  pspReference: z.string(),
  name: EventName,
  amount: Amount,
  timestamp: z.string(),
  idempotencyKey: z.string().nullable(),
  success: z.boolean(),
});
export type PaymentEvent = z.infer<typeof PaymentEvent>;

export const SimulatedPayment = z.object({
  reference: z.string(),
  pspReference: z.string(),
  msn: z.string(),
  amount: Amount,
  paymentMethodType: z.enum(["WALLET", "CARD"]),
  userFlow: z.string(),
  returnUrl: z.string().optional(),
  paymentDescription: z.string().optional(),
  state: State,
  authorized: z.number().int(),
  captured: z.number().int(),
  refunded: z.number().int(),
  cancelled: z.number().int(),
  createdAt: z.string(),
  events: z.array(PaymentEvent),
});
export type SimulatedPayment = z.infer<typeof SimulatedPayment>;

export type Modification = "capture" | "cancel" | "refund";

/** A new CREATED payment (its CREATED event is recorded by the caller). */
export function newPayment(input: {
  reference: string;
  pspReference: string;
  msn: string;
  amount: Amount;
  paymentMethodType: SimulatedPayment["paymentMethodType"];
  userFlow: string;
  returnUrl: string | undefined;
  paymentDescription: string | undefined;
  now: Date;
}): SimulatedPayment {
  return {
    reference: input.reference,
    pspReference: input.pspReference,
    msn: input.msn,
    amount: input.amount,
    paymentMethodType: input.paymentMethodType,
    userFlow: input.userFlow,
    ...(input.returnUrl !== undefined ? { returnUrl: input.returnUrl } : {}),
    ...(input.paymentDescription !== undefined ? { paymentDescription: input.paymentDescription } : {}),
    state: "CREATED",
    authorized: 0,
    captured: 0,
    refunded: 0,
    cancelled: 0,
    createdAt: input.now.toISOString(),
    events: [],
  };
}

/** Appends an event to the payment's history and returns it. */
export function record(
  payment: SimulatedPayment,
  name: EventName,
  amount: Amount,
  key: string | null,
  now: Date,
): PaymentEvent {
  const event: PaymentEvent = {
    reference: payment.reference,
    pspReference: payment.pspReference,
    name,
    amount: { ...amount },
    timestamp: now.toISOString(),
    idempotencyKey: key,
    success: true,
  };
  payment.events.push(event);
  return event;
}

/** The user approved (CREATED → AUTHORIZED) or declined (CREATED → ABORTED); anything but CREATED is a 409. */
export function decide(payment: SimulatedPayment, decision: "approve" | "decline", now: Date): PaymentEvent {
  if (payment.state !== "CREATED") {
    throw new ApiProblem(
      409,
      "Conflict",
      `The payment is ${payment.state}; only a CREATED payment can be approved or declined.`,
    );
  }
  if (decision === "approve") {
    payment.state = "AUTHORIZED";
    payment.authorized = payment.amount.value;
    return record(payment, "AUTHORIZED", payment.amount, null, now);
  }
  payment.state = "ABORTED";
  return record(payment, "ABORTED", payment.amount, null, now);
}

/** A capture of 0 (the OpenAPI `Amount` allows it) changes nothing and records no event: `undefined`. */
export function capture(payment: SimulatedPayment, value: number, key: string, now: Date): PaymentEvent | undefined {
  if (payment.state !== "AUTHORIZED") {
    throw new ApiProblem(409, "Conflict", `Only an AUTHORIZED payment can be captured; this one is ${payment.state}.`);
  }
  atMostLeft(value, payment.authorized - payment.captured - payment.cancelled, "capture");
  if (value === 0) return undefined;
  payment.captured += value;
  return record(payment, "CAPTURED", { currency: payment.amount.currency, value }, key, now);
}

/**
 * `POST …/cancel` (or a cancel on the portal). Before authorization: TERMINATED with the whole amount cancelled and a
 * TERMINATED event (cancel.md, "Cancel before Authorization"). After it — captured in part or not at all — the state
 * does NOT change: it stays AUTHORIZED, what was not captured is cancelled, and a CANCELLED event is sent (cancel.md,
 * "Cancel after Authorization", "Cancel after a partial capture").
 */
export function cancel(payment: SimulatedPayment, key: string | null, now: Date): PaymentEvent {
  if (payment.state === "CREATED") {
    payment.state = "TERMINATED";
    payment.cancelled = payment.amount.value;
    return record(payment, "TERMINATED", payment.amount, key, now);
  }
  const left = payment.authorized - payment.captured - payment.cancelled;
  if (payment.state !== "AUTHORIZED" || left <= 0) {
    throw new ApiProblem(
      409,
      "Conflict",
      `Nothing to cancel: the payment is ${payment.state} with ${Math.max(left, 0)} left authorized.`,
    );
  }
  payment.cancelled += left;
  return record(payment, "CANCELLED", { currency: payment.amount.currency, value: left }, key, now);
}

/** A refund of 0 (allowed by the OpenAPI `Amount`) changes nothing and records no event: `undefined`. */
export function refund(payment: SimulatedPayment, value: number, key: string, now: Date): PaymentEvent | undefined {
  atMostLeft(value, payment.captured - payment.refunded, "refund");
  if (value === 0) return undefined;
  payment.refunded += value;
  return record(payment, "REFUNDED", { currency: payment.amount.currency, value }, key, now);
}

/** A 400 problem when `value` is more than what is `left` to capture or refund. */
function atMostLeft(value: number, left: number, action: "capture" | "refund"): void {
  if (value > left) {
    throw new ApiProblem(
      400,
      "Bad Request",
      `modificationAmount.value ${value} is more than the ${left} left to ${action}.`,
      [{ name: "modificationAmount.value", reason: `must be at most ${left}` }],
    );
  }
}

/** `GET /epayment/v1/payments/{reference}`; `landingUrl` gives the redirect page of a payment. */
export function paymentView(p: SimulatedPayment, landingUrl: (reference: string) => string): Record<string, unknown> {
  return {
    aggregate: aggregate(p),
    amount: p.amount,
    state: p.state,
    paymentMethod: { type: p.paymentMethodType },
    profile: {},
    pspReference: p.pspReference,
    ...(p.userFlow === "PUSH_MESSAGE" ? {} : { redirectUrl: landingUrl(p.reference) }),
    reference: p.reference,
  };
}

/** The answer to capture, cancel and refund. */
export function modificationView(p: SimulatedPayment): Record<string, unknown> {
  return {
    amount: p.amount,
    state: p.state,
    aggregate: aggregate(p),
    pspReference: p.pspReference,
    reference: p.reference,
  };
}

function aggregate(p: SimulatedPayment): Record<string, Amount> {
  const c = p.amount.currency;
  return {
    authorizedAmount: { currency: c, value: p.authorized },
    cancelledAmount: { currency: c, value: p.cancelled },
    capturedAmount: { currency: c, value: p.captured },
    refundedAmount: { currency: c, value: p.refunded },
  };
}
