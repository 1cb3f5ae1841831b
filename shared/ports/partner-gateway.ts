/**
 * Commands to a partner's provisioning system (broadband provider, power grid company, power retailer): suspending and
 * reopening a service with a TM Forum TMF641 ServiceOrder, reading the order back (the polling fallback), and
 * registering the callback the partner posts its ServiceOrderStateChangeEvents to.
 *
 * The wire shapes follow the partner command contract (`/tmf-api/serviceOrdering/v4`, `/tmf-api/serviceInventory/v4`);
 * the partner's answers and callbacks are decoded with the schemas here, tolerant of members we do not use.
 *
 * The gateway takes the tenant's connection on every call (its base URL, credentials and role), so one gateway serves
 * every tenant; credentials (an HMAC secret, OAuth2 client secret) are never logged nor put in error messages.
 */
import { z } from "zod";
import { DomainError } from "../domain/errors";
import { TenantRole } from "../domain/policy";

// ---------------------------------------------------------------------------------------------------------------
// The connection to a tenant's partner system

/** A Standard Webhooks signing secret: `whsec_` + base64 of the key bytes. */
export const StandardWebhooksSecret = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/]{16,}={0,2}$/u, { message: "Expected a Standard Webhooks secret: whsec_<base64>" });

const HttpUrl = z.url({ protocol: /^https?$/u });

/** HMAC: every request signed with Standard Webhooks headers; the partner signs its callbacks with the same secret. */
export const PartnerHmacAuth = z.object({ kind: z.literal("hmac"), secret: StandardWebhooksSecret });

/** OAuth2 client credentials: a bearer token from `tokenUrl` on every request. */
export const PartnerOAuth2Auth = z.object({
  kind: z.literal("oauth2"),
  tokenUrl: HttpUrl,
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  scope: z.string().min(1).optional(),
});

export const PartnerAuth = z.discriminatedUnion("kind", [PartnerHmacAuth, PartnerOAuth2Auth]);
export type PartnerAuth = z.infer<typeof PartnerAuth>;

/** One tenant's partner system. */
export const PartnerConnection = z.object({
  tenantId: z.string().min(1),
  /** The partner system's root; the TMF paths are appended (`{baseUrl}/tmf-api/serviceOrdering/v4/…`). */
  baseUrl: HttpUrl,
  auth: PartnerAuth,
  /** What the tenant is (the domain's one role enum), which decides which command is lawful. */
  role: TenantRole,
  /**
   * The Standard Webhooks secret the partner signs its callbacks with. An `hmac` connection's callbacks are signed
   * with `auth.secret` (this member, when present, wins); an `oauth2` connection has no shared secret otherwise.
   */
  callbackSecret: StandardWebhooksSecret.optional(),
});
export type PartnerConnection = z.infer<typeof PartnerConnection>;

/** The secret the partner signs its callbacks with, or undefined when the connection has none. */
export function callbackSecretOf(connection: PartnerConnection): string | undefined {
  return connection.callbackSecret ?? (connection.auth.kind === "hmac" ? connection.auth.secret : undefined);
}

// ---------------------------------------------------------------------------------------------------------------
// TMF641 / TMF638 vocabulary

/** TMF641 ServiceOrder (and ServiceOrderItem) states. */
export const ServiceOrderState = z.enum([
  "acknowledged",
  "rejected",
  "pending",
  "held",
  "inProgress",
  "cancelled",
  "completed",
  "failed",
  "partial",
  "assessingCancellation",
  "pendingCancellation",
]);
export type ServiceOrderState = z.infer<typeof ServiceOrderState>;

/** The states after which an order never changes again. */
export const FINAL_SERVICE_ORDER_STATES: ReadonlySet<ServiceOrderState> = new Set([
  "completed",
  "failed",
  "rejected",
  "cancelled",
  "partial",
]);

/** TMF638 v4 service states (v4 has no `suspended`: a suspension sets the service `inactive`). */
export const ServiceState = z.enum(["feasibilityChecked", "designed", "reserved", "inactive", "active", "terminated"]);
export type ServiceState = z.infer<typeof ServiceState>;

/** The states a command asks for: `inactive` suspends, `active` reopens. */
export const TargetServiceState = z.enum(["inactive", "active"]);
export type TargetServiceState = z.infer<typeof TargetServiceState>;

// ---------------------------------------------------------------------------------------------------------------
// What we send

/** The ServiceOrder we create (`POST /serviceOrder`): one `modify` item on one service. */
export const ServiceOrderCreate = z.strictObject({
  /** Our command id: the idempotency key (the same command sent again is the same order at the partner). */
  externalId: z.string().min(1),
  description: z.string(),
  category: z.literal("collection"),
  serviceOrderItem: z
    .array(
      z.strictObject({
        id: z.string().min(1),
        action: z.literal("modify"),
        service: z.strictObject({ id: z.string().min(1), state: TargetServiceState }),
      }),
    )
    .length(1),
});
export type ServiceOrderCreate = z.infer<typeof ServiceOrderCreate>;

/** The command a use case asks the gateway to place. */
export interface PartnerOrderRequest {
  /** Our command id; sent as `externalId`, so a retried command is not a second order. */
  commandId: string;
  /** The partner's id of the service (a subscription, a metering point). */
  serviceId: string;
  targetState: TargetServiceState;
  /** Shown at the partner; never personal data (e.g. "Suspension for non-payment, case C-…"). */
  description: string;
}

// ---------------------------------------------------------------------------------------------------------------
// What the partner answers and calls back with

const IsoInstant = z.iso.datetime({ offset: true });

/** A ServiceOrderItem as the partner reports it. */
export const PartnerServiceOrderItem = z.object({
  id: z.string().min(1),
  action: z.string().optional(),
  state: ServiceOrderState.optional(),
  service: z.object({ id: z.string().min(1), state: ServiceState.optional() }),
});

/** The ServiceOrder the partner answers (create, read): members we do not use are dropped. */
export const PartnerServiceOrder = z.object({
  id: z.string().min(1),
  href: z.string().optional(),
  externalId: z.string().min(1),
  state: ServiceOrderState,
  orderDate: IsoInstant.optional(),
  completionDate: IsoInstant.optional(),
  serviceOrderItem: z.array(PartnerServiceOrderItem).min(1),
});
/** A placed order as the partner knows it. */
export type PartnerOrder = z.infer<typeof PartnerServiceOrder>;

/** `GET /serviceInventory/v4/service/{id}`: the service as the partner's inventory has it. */
export const PartnerService = z.object({ id: z.string().min(1), state: ServiceState });
export type PartnerService = z.infer<typeof PartnerService>;

/** `POST /serviceOrdering/v4/hub`'s answer. */
export const PartnerHubRegistration = z.object({ id: z.string().min(1), callback: z.string().min(1) });
export type PartnerHubRegistration = z.infer<typeof PartnerHubRegistration>;

/** The callback body: a TMF641 ServiceOrderStateChangeEvent (`webhook-id` = `eventId`). */
export const ServiceOrderStateChangeEvent = z.object({
  eventId: z.string().min(1),
  eventTime: IsoInstant,
  eventType: z.literal("ServiceOrderStateChangeEvent"),
  event: z.object({
    serviceOrder: z.object({
      id: z.string().min(1),
      externalId: z.string().min(1),
      state: ServiceOrderState,
      completionDate: IsoInstant.optional(),
      serviceOrderItem: z
        .array(
          z.object({
            id: z.string().min(1),
            state: ServiceOrderState,
            service: z.object({ id: z.string().min(1), state: ServiceState }),
          }),
        )
        .min(1),
    }),
  }),
});
export type ServiceOrderStateChangeEvent = z.infer<typeof ServiceOrderStateChangeEvent>;

// ---------------------------------------------------------------------------------------------------------------
// The port

export interface PartnerGateway {
  /**
   * Places the order (idempotent by `commandId`: the partner answers the same order again). The answer means
   * *received* (`acknowledged`); completion comes by callback or `getOrder`.
   */
  placeOrder(connection: PartnerConnection, order: PartnerOrderRequest): Promise<PartnerOrder>;
  /** The order's current state; undefined when the partner does not know it (404). */
  getOrder(connection: PartnerConnection, partnerOrderId: string): Promise<PartnerOrder | undefined>;
  /** The service as the partner's inventory has it; undefined when unknown (404). */
  getService(connection: PartnerConnection, serviceId: string): Promise<PartnerService | undefined>;
  /** Registers `url` as the tenant's callback (the TMF641 hub). */
  registerCallback(connection: PartnerConnection, url: string): Promise<PartnerHubRegistration>;
}

// ---------------------------------------------------------------------------------------------------------------
// The errors the port promises (messages name the operation and the status, never a secret or the partner's body)

/** Why the partner could not be used now; `vault`: the connection's secrets could not be read from the secret vault. */
export type PartnerUnavailableReason =
  "timeout" | "network" | "server-error" | "throttled" | "conflict" | "bad-answer" | "vault";

/** Down, slow, answering 5xx/429/409 or garbage: retry later (503). */
export class PartnerUnavailable extends DomainError {
  readonly code = "PARTNER_UNAVAILABLE";
  override readonly title = "The partner system is unavailable";
  constructor(
    message: string,
    readonly reason: PartnerUnavailableReason,
    readonly status?: number,
    /** From the partner's `retry-after`, when it sent one. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message, status === undefined ? { reason } : { reason, partnerStatus: status });
  }
}

/** The partner refused the request with a 4xx (other than 401/409) or a redirect: a retry will not help (502). */
export class PartnerRejected extends DomainError {
  readonly code = "PARTNER_REJECTED";
  override readonly title = "The partner system refused the request";
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message, { partnerStatus: status }, { members: { partnerStatus: status } });
  }
}

/** The partner (or its token endpoint) refused our credentials (401, or OAuth2 `invalid_client`): fix the connection (502). */
export class PartnerAuthFailed extends DomainError {
  readonly code = "PARTNER_AUTH_REJECTED";
  override readonly title = "The partner system refused our credentials";
  constructor(
    message: string,
    /** The partner's status; undefined when our own credentials are unusable (a secret that is not whsec_…). */
    readonly status?: number,
  ) {
    super(
      message,
      status === undefined ? undefined : { partnerStatus: status },
      status === undefined ? undefined : { members: { partnerStatus: status } },
    );
  }
}
