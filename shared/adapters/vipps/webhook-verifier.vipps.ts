/**
 * Verifies Vipps MobilePay ePayment callbacks: signed headers present, content hash of the raw body, HMAC signature
 * (webhook-signature.vipps.ts), a readable `x-ms-date`, then the payload parsed with zod.
 * The delivery id is the signature itself: it is unique per signed delivery (it covers the date and the body), so a
 * replayed delivery is recognised by it. How old a correctly signed delivery may be is NOT decided here: Vipps retries
 * a delivery for up to 7 days, so the use case (shared/application/payments/provider-callback.ts) acknowledges old and
 * repeated deliveries and only decides whether to queue them.
 */
import { z } from "zod";
import type { IncomingWebhookRequest, PaymentWebhookVerifier, WebhookVerdict } from "../../ports/payment-provider";
import { verifyVippsWebhookSignature } from "./webhook-signature.vipps";

/** The ePayment webhook payload (OpenAPI `WebhookEvent`). */
export const VippsWebhookEvent = z.object({
  msn: z.string().min(1),
  reference: z.string().regex(/^[a-zA-Z0-9-]{8,50}$/u),
  pspReference: z.string().min(1),
  name: z.enum(["CREATED", "ABORTED", "EXPIRED", "CANCELLED", "CAPTURED", "REFUNDED", "AUTHORIZED", "TERMINATED"]),
  amount: z.object({ currency: z.string().min(1), value: z.number().int() }),
  timestamp: z.string().min(1),
  idempotencyKey: z.string().nullable().optional(),
  success: z.boolean(),
});
export type VippsWebhookEvent = z.infer<typeof VippsWebhookEvent>;

export interface VippsWebhookVerifierOptions {
  /** The secret Vipps returned when the callback URL was registered (VIPPS_WEBHOOK_SECRET). */
  secret: string;
}

export class VippsWebhookVerifier implements PaymentWebhookVerifier {
  constructor(private readonly options: VippsWebhookVerifierOptions) {
    if (options.secret.length === 0) throw new Error("VippsWebhookVerifier: secret must not be empty");
  }

  verify(request: IncomingWebhookRequest): WebhookVerdict {
    const header = (name: string) => request.headers[name]?.trim() || undefined;
    const authorization = header("authorization");
    const date = header("x-ms-date");
    const contentHash = header("x-ms-content-sha256");
    const host = header("host");
    const missing = [
      ["authorization", authorization],
      ["x-ms-date", date],
      ["x-ms-content-sha256", contentHash],
      ["host", host],
    ]
      .filter(([, value]) => value === undefined)
      .map(([name]) => name);
    if (!authorization || !date || !contentHash || !host) {
      return { ok: false, reason: "unsigned", detail: `missing header(s): ${missing.join(", ")}` };
    }
    const check = verifyVippsWebhookSignature({
      secret: this.options.secret,
      method: request.method,
      pathAndQuery: request.pathAndQuery,
      host,
      date,
      contentHash,
      authorization,
      body: request.body,
    });
    if (!check.ok) return { ok: false, reason: check.reason, detail: check.detail };

    const sentAt = Date.parse(date);
    if (Number.isNaN(sentAt)) return { ok: false, reason: "bad-date", detail: "x-ms-date is not a date" };

    let json: unknown;
    try {
      json = JSON.parse(request.body);
    } catch {
      return { ok: false, reason: "malformed", detail: "the body is not JSON" };
    }
    const parsed = VippsWebhookEvent.safeParse(json);
    if (!parsed.success) {
      // Name the fields, never echo their values.
      const fields = [...new Set(parsed.error.issues.map((i) => i.path.join(".") || "(body)"))];
      return { ok: false, reason: "malformed", detail: `invalid webhook payload: ${fields.join(", ")}` };
    }
    const event = parsed.data;
    return {
      ok: true,
      event: {
        provider: "vipps",
        reference: event.reference,
        name: event.name,
        pspReference: event.pspReference,
        timestamp: event.timestamp,
        success: event.success,
      },
      deliveryId: check.signature,
      sentAt: new Date(sentAt).toISOString(),
    };
  }
}
