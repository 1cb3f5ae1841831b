/**
 * What the Vipps simulator accepts: the ePayment and Webhooks API request bodies as the Vipps OpenAPI documents
 * describe them (docs/vendor/vipps: reference pattern, amount 0..65 000 000 — a capture or refund of 0 too —,
 * NOK/DKK/EUR, description 3–100, CARD only with WEB_REDIRECT, returnUrl for WEB_REDIRECT, customer for
 * PUSH_MESSAGE; a webhook URL must use HTTPS), the Idempotency-Key header (required, ≤ 50), and how a failed check
 * becomes a 400 problem naming the field.
 */
import type { IncomingMessage } from "node:http";
import { z } from "zod";
import { VIPPS_EPAYMENT_WEBHOOK_EVENTS } from "../../shared/adapters/vipps/webhooks-api.vipps";
import { header } from "../dev-routes";
import { ApiProblem } from "./api-problem";

const MAX_AMOUNT = 65_000_000;
export const REFERENCE = /^[a-zA-Z0-9-]{8,50}$/u;

const Currency = z.enum(["NOK", "DKK", "EUR"], { error: "must be NOK, DKK or EUR" });

/** An amount in minor units from `min` up to Vipps' maximum. */
function minorUnits(min: number) {
  return z
    .number()
    .int("must be an integer number of minor units")
    .min(min, `must be at least ${min}`)
    .max(MAX_AMOUNT, `must be at most ${MAX_AMOUNT}`);
}

export const CreatePaymentRequest = z
  .object({
    amount: z.object({ currency: Currency, value: minorUnits(0) }),
    paymentMethod: z.object({ type: z.enum(["WALLET", "CARD"], { error: "must be WALLET or CARD" }) }),
    reference: z.string().regex(REFERENCE, "must match ^[a-zA-Z0-9-]{8,50}$"),
    userFlow: z.enum(["PUSH_MESSAGE", "NATIVE_REDIRECT", "WEB_REDIRECT", "QR"], {
      error: "must be PUSH_MESSAGE, NATIVE_REDIRECT, WEB_REDIRECT or QR",
    }),
    returnUrl: z.string().optional(),
    paymentDescription: z.string().min(3, "must be 3–100 characters").max(100, "must be 3–100 characters").optional(),
    customer: z.record(z.string(), z.unknown()).optional(),
  })
  .loose()
  .superRefine((body, ctx) => {
    if (body.paymentMethod.type === "CARD" && body.userFlow !== "WEB_REDIRECT") {
      ctx.addIssue({
        code: "custom",
        path: ["paymentMethod", "type"],
        message: "CARD can only be combined with userFlow WEB_REDIRECT",
      });
    }
    if (body.userFlow === "WEB_REDIRECT" && body.returnUrl === undefined) {
      ctx.addIssue({ code: "custom", path: ["returnUrl"], message: "is required when userFlow is WEB_REDIRECT" });
    }
    if (body.returnUrl !== undefined && !acceptableReturnUrl(body.returnUrl)) {
      ctx.addIssue({
        code: "custom",
        path: ["returnUrl"],
        message: "must use https:// (or http:// to this machine) or a custom URL scheme",
      });
    }
    if (body.userFlow === "PUSH_MESSAGE" && body.customer === undefined) {
      ctx.addIssue({ code: "custom", path: ["customer"], message: "is required when userFlow is PUSH_MESSAGE" });
    }
  });

/** Capture and refund: the OpenAPI `Amount` (0 allowed: a capture of 0 captures nothing and is answered as any other). */
export const ModificationRequest = z.object({
  modificationAmount: z.object({ currency: Currency, value: minorUnits(0) }),
});

/** Loopback hosts: the only ones a webhook may reach over plain http (see `acceptableWebhookUrl`). */
const LOOPBACK = ["127.0.0.1", "localhost", "[::1]"];

/**
 * A webhook URL Vipps would call: HTTPS (Webhooks API `RegisterRequest.url`: "The URL must use HTTPS"). The one
 * exception, the simulator's own: plain http to this machine (127.0.0.1, localhost, ::1), because the dev host serves
 * the app on http://127.0.0.1 and real Vipps cannot reach a loopback address anyway — nothing that works here
 * would be refused by Vipps for being http rather than unreachable.
 */
export function acceptableWebhookUrl(value: string): boolean {
  const url = urlOf(value);
  return url !== undefined && httpsOrLoopback(url);
}

function urlOf(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

function httpsOrLoopback(url: URL): boolean {
  return url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK.includes(url.hostname));
}

export const RegisterWebhookRequest = z.object({
  url: z.url({ error: "must be an absolute URL" }).refine(acceptableWebhookUrl, {
    error: "must use https:// (plain http:// only to this machine)",
  }),
  events: z
    .array(
      z.enum(VIPPS_EPAYMENT_WEBHOOK_EVENTS, { error: `must be one of ${VIPPS_EPAYMENT_WEBHOOK_EVENTS.join(", ")}` }),
    )
    .min(1, "must name at least one event"),
});

/** The Idempotency-Key header, or a 400 problem when it is missing or longer than 50 characters. */
export function idempotencyKey(req: IncomingMessage): string {
  const key = header(req, "idempotency-key");
  if (key === undefined || key === "") {
    throw new ApiProblem(400, "Bad Request", "The Idempotency-Key header is required.", [
      { name: "Idempotency-Key", reason: "is required" },
    ]);
  }
  if (key.length > 50) {
    throw new ApiProblem(400, "Bad Request", "The Idempotency-Key header must be at most 50 characters.", [
      { name: "Idempotency-Key", reason: "must be at most 50 characters" },
    ]);
  }
  return key;
}

/** `raw` as JSON checked against `schema`, or a 400 problem whose `extraDetails` name each field at fault. */
export function parseBody<S extends z.ZodType>(raw: Buffer, schema: S): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString("utf8"));
  } catch {
    throw new ApiProblem(400, "Bad Request", "The request body is not valid JSON.");
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const extraDetails = parsed.error.issues.map((i) => ({ name: i.path.join(".") || "(body)", reason: i.message }));
    const detail = extraDetails.map((d) => `${d.name}: ${d.reason}`).join("; ");
    throw new ApiProblem(400, "Bad Request", detail, extraDetails);
  }
  return parsed.data;
}

function acceptableReturnUrl(value: string): boolean {
  const url = urlOf(value);
  if (url === undefined) return false;
  if (url.protocol === "https:" || url.protocol === "http:") return httpsOrLoopback(url);
  return /^[a-z][a-z0-9+.-]*:$/u.test(url.protocol);
}
