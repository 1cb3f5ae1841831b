/**
 * Verifies a partner's callback (`POST /api/callbacks/partners/{tenantId}`): a TMF641 ServiceOrderStateChangeEvent
 * signed with Standard Webhooks and the tenant's partner connection secret.
 *
 * In order: the three signature headers present and the signature right (`CallbackNotAuthenticated`, 401); the
 * timestamp within ±maxSkewSeconds of the clock (401, `stale`); the body decoded with the event schema and its
 * `eventId` equal to `webhook-id` (`CallbackMalformed`, 400, naming each field at fault); then the very same delivery
 * (tenant + `webhook-id`) refused when it comes again (`CallbackReplayed`, 409). Malformed deliveries are not
 * remembered. The HTTP edge maps these through the one problem table; nothing is changed here. Synchronous: the
 * replay guard is the only port and answers at once.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { Webhook } from "standardwebhooks";
import type { z } from "zod";
import type { Clock } from "../../ports/clock";
import { callbackSecretOf, ServiceOrderStateChangeEvent, type PartnerConnection } from "../../ports/partner-gateway";
import type { ReplayGuard } from "../../ports/replay-guard";
import {
  CallbackMalformed,
  CallbackNotAuthenticated,
  CallbackReplayed,
  CallbacksNotConfigured,
  type CallbackFieldError,
} from "../payments/provider-callback";

/** Standard Webhooks' recommended tolerance, and the wire contract's: 5 minutes either way. */
export const PARTNER_CALLBACK_MAX_SKEW_SECONDS = 300;

export interface VerifyPartnerCallbackDeps {
  /**
   * Deliveries seen recently: the very same one again is refused as soon as it is verified. Leave it out to decide
   * that only once the delivery was acted on (`firstPartnerCallback`), so that a delivery we failed to act on is not
   * taken for a replay when the partner sends it again.
   */
  partnerCallbackReplays?: ReplayGuard;
  clock: Clock;
  /** How far `webhook-timestamp` may be from now, either way; default 300 s. */
  maxSkewSeconds?: number;
}

export interface PartnerCallbackRequest {
  /** The connection of the tenant named in the callback's path. */
  connection: PartnerConnection;
  /** The request's headers (any case). */
  headers: Readonly<Record<string, string | undefined>>;
  /** The raw body, exactly as received (the signature covers it). */
  body: string;
}

export const SIGNATURE_HEADER = "webhook-signature";

/** The Standard Webhooks headers, present and well formed (401 `unsigned` / `stale` otherwise). */
function signedHeaders(headersIn: Readonly<Record<string, string | undefined>>): {
  id: string;
  sentAt: Date;
  signatures: string;
} {
  const headers = lowerCased(headersIn);
  const id = headers["webhook-id"];
  const timestamp = headers["webhook-timestamp"];
  const signatures = headers[SIGNATURE_HEADER];
  if (!id || !timestamp || !signatures) throw new CallbackNotAuthenticated("unsigned", SIGNATURE_HEADER);
  if (!/^\d{1,12}$/u.test(timestamp)) throw new CallbackNotAuthenticated("stale", SIGNATURE_HEADER);
  return { id, sentAt: new Date(Number(timestamp) * 1000), signatures };
}

/**
 * The refusal for a callback naming a tenant with no partner connection: exactly what a wrong secret would get for
 * the same headers (unsigned / stale / bad-signature), so an unauthenticated caller cannot tell which tenants exist.
 */
export function refuseUnverifiable(headers: Readonly<Record<string, string | undefined>>): never {
  signedHeaders(headers);
  throw new CallbackNotAuthenticated("bad-signature", SIGNATURE_HEADER);
}

export function makeVerifyPartnerCallback(deps: VerifyPartnerCallbackDeps) {
  const maxSkewSeconds = deps.maxSkewSeconds ?? PARTNER_CALLBACK_MAX_SKEW_SECONDS;
  return (request: PartnerCallbackRequest): ServiceOrderStateChangeEvent => {
    const secret = callbackSecretOf(request.connection);
    if (secret === undefined) {
      throw new CallbacksNotConfigured("This tenant's partner connection has no secret to verify callbacks with");
    }
    const { id, sentAt, signatures } = signedHeaders(request.headers);
    if (!signatureMatches(secret, id, sentAt, request.body, signatures)) {
      throw new CallbackNotAuthenticated("bad-signature", SIGNATURE_HEADER);
    }
    const now = deps.clock.now();
    if (Math.abs(now.getTime() - sentAt.getTime()) > maxSkewSeconds * 1000) {
      throw new CallbackNotAuthenticated("stale", SIGNATURE_HEADER);
    }

    const event = decodeEvent(request.body, id);
    const replays = deps.partnerCallbackReplays;
    if (replays && !firstPartnerCallback(replays, request.connection.tenantId, id, now, maxSkewSeconds)) {
      throw new CallbackReplayed(event.event.serviceOrder.externalId);
    }
    return event;
  };
}

/**
 * True the first time this tenant's delivery `webhookId` is seen (it is remembered from then on, until the signature's
 * date window has passed); false for the very same delivery again.
 */
export function firstPartnerCallback(
  replays: ReplayGuard,
  tenantId: string,
  webhookId: string,
  now: Date,
  maxSkewSeconds = PARTNER_CALLBACK_MAX_SKEW_SECONDS,
): boolean {
  const replayKey = createHash("sha256").update(`partner:${tenantId}:${webhookId}`, "utf8").digest("hex");
  return replays.firstSeen(replayKey, new Date(now.getTime() + 2 * maxSkewSeconds * 1000), now);
}

function lowerCased(headers: Readonly<Record<string, string | undefined>>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value?.trim()]));
}

/** True when one of the `v1,<base64>` signatures (space-separated) is the HMAC of `{id}.{timestamp}.{body}`. */
function signatureMatches(secret: string, id: string, sentAt: Date, body: string, header: string): boolean {
  let expected: Buffer;
  try {
    expected = Buffer.from(new Webhook(secret).sign(id, sentAt, body), "utf8");
  } catch {
    throw new CallbacksNotConfigured("This tenant's partner callback secret is not a usable Standard Webhooks secret");
  }
  return header.split(" ").some((candidate) => {
    const given = Buffer.from(candidate, "utf8");
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

/** The body decoded, or `CallbackMalformed` naming each field at fault (never echoing a value). */
function decodeEvent(body: string, webhookId: string): ServiceOrderStateChangeEvent {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new CallbackMalformed("the body is not JSON", [{ pointer: "", detail: "Not JSON.", code: "INVALID_JSON" }]);
  }
  const parsed = ServiceOrderStateChangeEvent.safeParse(json);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => fieldError(issue, json));
    throw new CallbackMalformed(`invalid event: ${fields.map((field) => field.pointer).join(", ")}`, fields);
  }
  if (parsed.data.eventId !== webhookId) {
    throw new CallbackMalformed("eventId is not the webhook-id", [
      { pointer: "/eventId", detail: "Must equal the webhook-id header.", code: "INVALID_VALUE" },
    ]);
  }
  return parsed.data;
}

function fieldError(issue: z.core.$ZodIssue, input: unknown): CallbackFieldError {
  const pointer = issue.path
    .map((segment) => `/${String(segment).replaceAll("~", "~0").replaceAll("/", "~1")}`)
    .join("");
  const missing = issue.path.length > 0 && valueAt(input, issue.path) === undefined;
  return {
    pointer,
    detail: missing ? "Required." : issue.message,
    code: missing ? "REQUIRED" : issue.code === "invalid_type" ? "INVALID_TYPE" : "INVALID_VALUE",
  };
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const segment of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}
