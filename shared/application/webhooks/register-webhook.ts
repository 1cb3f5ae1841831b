/**
 * Registering a webhook subscription: `{ url, events }` → `{ id, secret }`.
 *
 * URL RULE (the choice): `https:` only, to a host that is not the machine itself; no user name or password in the URL
 * (they would be a second secret, stored and shown in plain text); at most 2 048 characters. With
 * `allowLoopback: true` — for the dev host and local testing only, NEVER in Azure, where a loopback URL would make the
 * platform call itself — `http:` and `https:` URLs to `localhost`, `127.0.0.1` (any 127/8 address) and `[::1]` are
 * accepted too. (Guarding against names that resolve to private addresses is the delivery side's job: not done yet.)
 *
 * EVENTS: a non-empty subset of the known event types; repeats are collapsed.
 *
 * The same zod schema validates at the HTTP edge (`parseJson`) and in the use case, so a bad field is reported by
 * pointer (`/url`, `/events/1`) either way.
 */
import { z } from "zod";
import type { Clock } from "../../ports/clock";
import type { Random } from "../../ports/random";
import {
  WEBHOOK_EVENT_TYPES,
  type WebhookEventType,
  type WebhookStore,
  type WebhookSubscription,
} from "../../ports/webhook-store";
import { generateWebhookSecret } from "./signing";

export const MAX_WEBHOOK_URL_LENGTH = 2048;

export interface WebhookUrlPolicy {
  /** Accept `http:`/`https:` URLs to the loopback host (dev host and tests only). Default false. */
  allowLoopback?: boolean;
}

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === "localhost" || host === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/u.test(host);
}

/** Why `url` is not acceptable as a webhook URL, or undefined when it is. */
export function webhookUrlProblem(url: string, policy: WebhookUrlPolicy = {}): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "Not a valid absolute URL.";
  }
  if (parsed.username !== "" || parsed.password !== "") return "The URL must not contain a user name or password.";
  const loopback = isLoopbackHost(parsed.hostname);
  if (loopback && !policy.allowLoopback) return "The URL must not point to the local machine.";
  if (parsed.protocol === "https:") return undefined;
  if (parsed.protocol === "http:" && loopback) return undefined;
  return "The URL must use https.";
}

/** The request body of `POST /api/v1/webhooks` (and the use case's input), for a given URL policy. */
export function registerWebhookBody(policy: WebhookUrlPolicy = {}) {
  return z.strictObject({
    url: z
      .string()
      .max(MAX_WEBHOOK_URL_LENGTH)
      .superRefine((url, ctx) => {
        const problem = webhookUrlProblem(url, policy);
        if (problem !== undefined)
          ctx.addIssue({ code: "custom", message: problem, params: { code: "INVALID_WEBHOOK_URL" } });
      })
      .meta({
        description: "Where deliveries are POSTed: an https URL.",
        example: "https://erp.example.no/hooks/payment-follow-up",
      }),
    events: z
      .array(z.enum(WEBHOOK_EVENT_TYPES))
      .min(1)
      .meta({ description: "The event types to deliver (at least one).", example: ["case.created", "case.paid"] }),
  });
}
/** The production body schema (no loopback URLs), as documented in OpenAPI. */
export const RegisterWebhookBody = registerWebhookBody().meta({ id: "RegisterWebhookRequest" });
export type RegisterWebhookInput = z.input<typeof RegisterWebhookBody>;

export interface WebhookRegistered {
  id: string;
  /** The signing secret: returned this once, stored only for signing. */
  secret: string;
  url: string;
  events: WebhookEventType[];
}

export interface WebhookIds {
  webhookId(): string;
}

/** `wh_` + 128 random bits in hex. */
export function randomWebhookIds(random: Random): WebhookIds {
  return { webhookId: () => `wh_${Buffer.from(random.bytes(16)).toString("hex")}` };
}

export interface RegisterWebhookDeps extends WebhookUrlPolicy {
  webhooks: WebhookStore;
  clock: Clock;
  /** Subscription ids (unless `ids` is given) and signing secrets. */
  random: Random;
  ids?: WebhookIds;
}

/**
 * Validates (throws a ZodError naming the field), stores the subscription with a new secret, returns id and secret.
 * `body` is the request body schema for the same URL policy, for the HTTP edge to parse with.
 */
export interface RegisterWebhook {
  (tenantId: string, input: RegisterWebhookInput): Promise<WebhookRegistered>;
  readonly body: ReturnType<typeof registerWebhookBody>;
}

export function makeRegisterWebhook(deps: RegisterWebhookDeps): RegisterWebhook {
  const schema = registerWebhookBody(deps);
  const ids = deps.ids ?? randomWebhookIds(deps.random);
  const register = async (tenantId: string, input: RegisterWebhookInput): Promise<WebhookRegistered> => {
    const parsed = schema.parse(input);
    const url = parsed.url;
    const events = [...new Set(parsed.events)];
    const subscription: WebhookSubscription = {
      schemaVersion: 1,
      id: ids.webhookId(),
      tenantId,
      url,
      events,
      secret: generateWebhookSecret(deps.random),
      createdAt: deps.clock.now().toISOString(),
    };
    await deps.webhooks.create(subscription);
    return { id: subscription.id, secret: subscription.secret, url, events };
  };
  return Object.assign(register, { body: schema });
}

/** A subscription as listed to its tenant: never the secret. */
export interface WebhookView {
  id: string;
  url: string;
  events: WebhookEventType[];
  createdAt: string;
  /** When deliveries stopped for good (the receiver answered 410 Gone), and why; null while active. */
  disabledAt: string | null;
  disabledReason: string | null;
}

export type ListWebhooks = (tenantId: string) => Promise<WebhookView[]>;

export function makeListWebhooks(deps: { webhooks: WebhookStore }): ListWebhooks {
  return async (tenantId) =>
    (await deps.webhooks.listForTenant(tenantId))
      .filter((s) => s.tenantId === tenantId)
      .map(({ id, url, events, createdAt, disabledAt, disabledReason }) => ({
        id,
        url,
        events,
        createdAt,
        disabledAt: disabledAt ?? null,
        disabledReason: disabledReason ?? null,
      }));
}

/** Removes one of the tenant's subscriptions; false when it has none with this id. */
export type DeleteWebhook = (tenantId: string, id: string) => Promise<boolean>;

export function makeDeleteWebhook(deps: { webhooks: WebhookStore }): DeleteWebhook {
  return (tenantId, id) => deps.webhooks.delete(tenantId, id);
}

/** A subscription's new signing secret, shown once; the old one signs too until `previousSecretValidUntil`. */
export interface RotatedSecret {
  id: string;
  secret: string;
  previousSecretValidUntil: string;
}

export type RotateWebhookSecret = (
  tenantId: string,
  id: string,
  overlapHours: number,
) => Promise<RotatedSecret | undefined>;

/** Default and longest overlap during which both the old and the new secret sign every delivery. */
export const SECRET_OVERLAP_HOURS = { default: 24, max: 168 } as const;

export function makeRotateWebhookSecret(deps: {
  webhooks: WebhookStore;
  clock: Clock;
  random: Random;
}): RotateWebhookSecret {
  return async (tenantId, id, overlapHours) => {
    const secret = generateWebhookSecret(deps.random);
    const until = new Date(deps.clock.now().getTime() + overlapHours * 3_600_000);
    if (!(await deps.webhooks.rotateSecret(tenantId, id, secret, until))) return undefined;
    return { id, secret, previousSecretValidUntil: until.toISOString() };
  };
}
