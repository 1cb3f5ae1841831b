/**
 * The Vipps MobilePay Webhooks API v1 (`/webhooks/v1/webhooks`): register a callback URL for events (Vipps answers
 * with the id and the signing SECRET, shown once), list and delete registrations. An operator runs this once per
 * environment (functions/payments/http-ops-vipps-webhooks.ts); the secret goes to Key Vault as VIPPS_WEBHOOK_SECRET.
 */
import { z } from "zod";
import { VippsApiClient, type VippsApiConfig } from "./api-client.vipps";
import type { PaymentWebhookRegistry } from "../../ports/payment-provider";

/** Every ePayment event a payment can produce. */
export const VIPPS_EPAYMENT_WEBHOOK_EVENTS = [
  "epayments.payment.created.v1",
  "epayments.payment.aborted.v1",
  "epayments.payment.expired.v1",
  "epayments.payment.cancelled.v1",
  "epayments.payment.captured.v1",
  "epayments.payment.refunded.v1",
  "epayments.payment.authorized.v1",
  "epayments.payment.terminated.v1",
] as const;
export type VippsEPaymentWebhookEvent = (typeof VIPPS_EPAYMENT_WEBHOOK_EVENTS)[number];

const WEBHOOKS = "/webhooks/v1/webhooks";

export const VippsWebhookRegistration = z.object({
  id: z.string().min(1),
  url: z.string(),
  events: z.array(z.string()),
});
export type VippsWebhookRegistration = z.infer<typeof VippsWebhookRegistration>;

const RegisterResponse = z.object({ id: z.string().min(1), secret: z.string().min(1) });
const ListResponse = z.object({ webhooks: z.array(VippsWebhookRegistration) });

/** A client config, or an already built client (to share its access token). */
export type VippsWebhooksTarget = VippsApiConfig | VippsApiClient;

function clientFor(target: VippsWebhooksTarget): VippsApiClient {
  return target instanceof VippsApiClient ? target : new VippsApiClient(target);
}

/** Registers `url` for `events`; the answer's `secret` verifies the callbacks and is never shown again. */
export async function registerVippsWebhook(
  target: VippsWebhooksTarget,
  registration: { url: string; events: readonly string[] },
): Promise<{ id: string; secret: string }> {
  const { json } = await clientFor(target).call({
    operation: "register webhook",
    method: "POST",
    path: WEBHOOKS,
    body: { url: registration.url, events: [...registration.events] },
  });
  const parsed = RegisterResponse.safeParse(json);
  if (!parsed.success) throw new Error("Vipps answered register webhook with an unexpected body");
  return parsed.data;
}

export async function listVippsWebhooks(target: VippsWebhooksTarget): Promise<VippsWebhookRegistration[]> {
  const { json } = await clientFor(target).call({ operation: "list webhooks", method: "GET", path: WEBHOOKS });
  const parsed = ListResponse.safeParse(json);
  if (!parsed.success) throw new Error("Vipps answered list webhooks with an unexpected body");
  return parsed.data.webhooks;
}

export async function deleteVippsWebhook(target: VippsWebhooksTarget, id: string): Promise<void> {
  await clientFor(target).call({
    operation: "delete webhook",
    method: "DELETE",
    path: `${WEBHOOKS}/${encodeURIComponent(id)}`,
  });
}

/** PaymentWebhookRegistry on the Vipps Webhooks API: registers for every ePayment event. */
export class VippsWebhookRegistry implements PaymentWebhookRegistry {
  readonly events: readonly string[] = VIPPS_EPAYMENT_WEBHOOK_EVENTS;
  readonly #client: VippsApiClient;

  constructor(target: VippsWebhooksTarget) {
    this.#client = clientFor(target);
  }

  register(url: string): Promise<{ id: string; secret: string }> {
    return registerVippsWebhook(this.#client, { url, events: this.events });
  }

  list(): Promise<VippsWebhookRegistration[]> {
    return listVippsWebhooks(this.#client);
  }
}
