/**
 * A tenant's connection to its partner system, set through the partner API: `PUT` (create or replace), `GET` (a
 * view without any secret), `DELETE`.
 *
 * URL RULE: the webhook area's (`webhookUrlProblem`): `https:` only, not the machine itself, no user name or
 * password; with `allowLoopback` (the dev host and local runs, never Azure) `http:`/`https:` to localhost too. It
 * applies to the base URL and to an OAuth2 token URL. A base URL has no query or fragment (the TMF paths are
 * appended to it); a trailing slash is dropped.
 *
 * SECRETS: an `hmac` connection's secret may be given (`whsec_…`); left out, one is generated with the Random port.
 * An `oauth2` connection gets a callback secret (the partner signs its callbacks with it) the same way. A generated
 * secret is in the PUT's answer (`secrets`) and nowhere else, ever: GET and later answers never carry a secret, and
 * a secret the caller sent is never echoed. A PUT is a full replacement: secrets left out are generated anew. Where
 * the store keeps them (Key Vault in Azure) is the store's business (shared/ports/partner-connection-store.ts); a
 * vault that cannot take them fails the PUT with a 503 and nothing is stored.
 *
 * The same zod schema validates at the HTTP edge (`parseJson`) and in the use case, so a bad field is reported by
 * pointer (`/baseUrl`, `/role`, `/auth/tokenUrl`) either way — 422 for a bad value.
 */
import { z } from "zod";
import { DomainError } from "../../domain/errors";
import { validatePolicy } from "../../domain/policy";
import type { PartnerGateway } from "../../ports/partner-gateway";
import { TenantNotFound } from "../../ports/errors";
import type { TenantStore } from "../../ports/tenant-store";
import { ladderOf, rulesOn, todayIn } from "../case-context";
import { UnlawfulPolicy } from "../policy";
import { TenantRole } from "../../domain/policy";
import type { Clock } from "../../ports/clock";
import {
  connectionOf,
  PartnerConnectionNotFound,
  StoredPartnerConnection,
  type PartnerConnectionStore,
} from "../../ports/partner-connection-store";
import { StandardWebhooksSecret, type PartnerConnection } from "../../ports/partner-gateway";
import type { Random } from "../../ports/random";
import { generateWebhookSecret } from "../webhooks/signing";
import { MAX_WEBHOOK_URL_LENGTH, webhookUrlProblem, type WebhookUrlPolicy } from "../webhooks/register-webhook";

/** Why `url` cannot be a partner system's base URL, or undefined when it can. */
export function partnerUrlProblem(url: string, policy: WebhookUrlPolicy = {}): string | undefined {
  const problem = webhookUrlProblem(url, policy);
  if (problem !== undefined) return problem;
  const parsed = new URL(url);
  if (parsed.search !== "" || parsed.hash !== "") return "The URL must not have a query or a fragment.";
  return undefined;
}

function partnerUrl(policy: WebhookUrlPolicy, description: string, example: string) {
  return z
    .string()
    .max(MAX_WEBHOOK_URL_LENGTH)
    .superRefine((url, ctx) => {
      const problem = partnerUrlProblem(url, policy);
      if (problem !== undefined)
        ctx.addIssue({ code: "custom", message: problem, params: { code: "INVALID_PARTNER_URL" } });
    })
    .meta({ description, example });
}

/** The body of `PUT /api/v1/partner-connection` (and the use case's input), for a given URL policy. */
export function putPartnerConnectionBody(policy: WebhookUrlPolicy = {}) {
  return z.strictObject({
    baseUrl: partnerUrl(
      policy,
      "The partner system's root: the TMF641/TMF638 paths are appended (`{baseUrl}/tmf-api/serviceOrdering/v4/…`). An https URL.",
      "https://provisioning.fjordnett.no",
    ),
    role: TenantRole.meta({
      description:
        "What the tenant is, which decides which service actions are lawful (only a power grid company may disconnect a meter).",
      example: "broadband-provider",
    }),
    auth: z
      .discriminatedUnion("kind", [
        z
          .strictObject({
            kind: z.literal("hmac"),
            secret: StandardWebhooksSecret.optional().meta({
              description:
                "The shared Standard Webhooks secret (`whsec_` + base64) our requests and the partner's callbacks are signed with. Leave it out to have one generated: it is returned once, in this answer.",
              example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            }),
          })
          .meta({ description: "Standard Webhooks signatures on every request." }),
        z
          .strictObject({
            kind: z.literal("oauth2"),
            tokenUrl: partnerUrl(
              policy,
              "The partner's OAuth2 token endpoint (client credentials grant). An https URL.",
              "https://auth.fjordnett.no/oauth2/token",
            ),
            clientId: z.string().trim().min(1).max(500).meta({ example: "payment-follow-up" }),
            clientSecret: z
              .string()
              .min(1)
              .max(2000)
              .meta({ description: "Stored for fetching tokens; never returned." }),
            scope: z.string().trim().min(1).max(1000).optional().meta({ example: "serviceOrdering" }),
          })
          .meta({
            description:
              "OAuth2 client credentials; the partner signs its callbacks with a callback secret generated for it (returned once, in this answer).",
          }),
      ])
      .meta({ description: "How we authenticate to the partner system." }),
  });
}
/** The production body schema (no loopback URLs), as documented in OpenAPI. */
export const PutPartnerConnectionBody = putPartnerConnectionBody().meta({ id: "PartnerConnectionRequest" });
export type PutPartnerConnectionInput = z.input<typeof PutPartnerConnectionBody>;

/** A connection as its tenant sees it: never a secret. */
export interface PartnerConnectionView {
  baseUrl: string;
  role: TenantRole;
  auth: { kind: "hmac" } | { kind: "oauth2"; tokenUrl: string; clientId: string; scope?: string };
  /** Where the partner posts its ServiceOrderStateChangeEvents (register it at the partner's hub). */
  callbackUrl: string;
  createdAt: string;
  updatedAt: string;
}

/** The PUT's answer: the view, plus the secrets generated for this PUT — shown this once, never again. */
export interface PartnerConnectionSaved {
  connection: PartnerConnectionView;
  /** True when the tenant had no connection before (201), false when one was replaced (200). */
  created: boolean;
  /** Our callback URL registered at the partner's hub (best effort: the connection is saved either way). */
  hub: { registered: boolean; id?: string; problem?: string };
  secrets: {
    /** The generated HMAC secret (an `hmac` connection whose secret was left out). */
    secret?: string;
    /** The generated callback secret (an `oauth2` connection). */
    callbackSecret?: string;
  };
}

export interface PartnerConnectionDeps extends WebhookUrlPolicy {
  partnerConnections: PartnerConnectionStore;
  /** The tenant's ladder is checked against the role (a power retailer's ladder may not disconnect power: § 48 a). */
  tenants: TenantStore;
  clock: Clock;
  random: Random;
  /** `PUBLIC_BASE_URL`: the base of the callback URL the partner calls. */
  publicBaseUrl: string;
  /** Registers our callback URL at the partner's hub after a PUT. */
  partnerGateway: Pick<PartnerGateway, "registerCallback">;
}

/** `{publicBaseUrl}/api/callbacks/partners/{tenantId}`: where the tenant's partner posts its state changes. */
export function partnerCallbackUrl(publicBaseUrl: string, tenantId: string): string {
  return `${publicBaseUrl.replace(/\/+$/u, "")}/api/callbacks/partners/${encodeURIComponent(tenantId)}`;
}

function viewOf(stored: StoredPartnerConnection, publicBaseUrl: string): PartnerConnectionView {
  const auth: PartnerConnectionView["auth"] =
    stored.auth.kind === "hmac"
      ? { kind: "hmac" }
      : {
          kind: "oauth2",
          tokenUrl: stored.auth.tokenUrl,
          clientId: stored.auth.clientId,
          ...(stored.auth.scope === undefined ? {} : { scope: stored.auth.scope }),
        };
  return {
    baseUrl: stored.baseUrl,
    role: stored.role,
    auth,
    callbackUrl: partnerCallbackUrl(publicBaseUrl, stored.tenantId),
    createdAt: stored.createdAt,
    updatedAt: stored.updatedAt,
  };
}

export interface PutPartnerConnection {
  (tenantId: string, input: PutPartnerConnectionInput): Promise<PartnerConnectionSaved>;
  /** The body schema for the same URL policy, for the HTTP edge to parse with. */
  readonly body: ReturnType<typeof putPartnerConnectionBody>;
}

/** Validates (throws a ZodError naming the field), generates what was left out, creates or replaces the connection. */
export function makePutPartnerConnection(deps: PartnerConnectionDeps): PutPartnerConnection {
  const schema = putPartnerConnectionBody(deps);
  const put = async (tenantId: string, input: PutPartnerConnectionInput): Promise<PartnerConnectionSaved> => {
    const parsed = schema.parse(input);
    const secrets: PartnerConnectionSaved["secrets"] = {};
    let auth: PartnerConnection["auth"];
    let callbackSecret: string | undefined;
    if (parsed.auth.kind === "hmac") {
      const secret = parsed.auth.secret ?? generateWebhookSecret(deps.random);
      if (parsed.auth.secret === undefined) secrets.secret = secret;
      auth = { kind: "hmac", secret };
    } else {
      const { tokenUrl, clientId, clientSecret, scope } = parsed.auth;
      auth = { kind: "oauth2", tokenUrl, clientId, clientSecret, ...(scope === undefined ? {} : { scope }) };
      callbackSecret = generateWebhookSecret(deps.random);
      secrets.callbackSecret = callbackSecret;
    }
    await requireLawfulLadderFor(deps, tenantId, parsed.role);
    const now = deps.clock.now().toISOString();
    let created = false;
    const stored = await deps.partnerConnections.put(tenantId, (current) => {
      created = current === undefined;
      return StoredPartnerConnection.parse({
        schemaVersion: 1,
        tenantId,
        baseUrl: parsed.baseUrl.replace(/\/+$/u, ""),
        role: parsed.role,
        auth,
        ...(callbackSecret === undefined ? {} : { callbackSecret }),
        createdAt: current?.createdAt ?? now,
        updatedAt: now,
      });
    });
    const view = viewOf(stored, deps.publicBaseUrl);
    let hub: PartnerConnectionSaved["hub"];
    try {
      const registered = await deps.partnerGateway.registerCallback(connectionOf(stored), view.callbackUrl);
      hub = { registered: true, id: registered.id };
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      hub = { registered: false, problem: error.title ? `${error.title}: ${error.message}` : error.message };
    }
    return { connection: view, created, hub, secrets };
  };
  return Object.assign(put, { body: schema });
}

/**
 * The ladder the tenant's cases follow (its own, or the lawful default) must be lawful for the role it declares: a
 * power retailer whose ladder would disconnect a power meter is refused (422 with the legal basis) until it sets a
 * ladder without disconnection.
 */
async function requireLawfulLadderFor(
  deps: Pick<PartnerConnectionDeps, "tenants" | "clock">,
  tenantId: string,
  role: TenantRole,
): Promise<void> {
  const tenant = await deps.tenants.get(tenantId);
  if (!tenant) throw new TenantNotFound(tenantId);
  const now = deps.clock.now();
  const validation = validatePolicy(
    ladderOf(tenant, tenant.country),
    rulesOn(tenant.country, todayIn(tenant.country, now)),
    { role },
  );
  if (!validation.ok) throw new UnlawfulPolicy(validation.problems);
}

/** The tenant's connection without any secret; PartnerConnectionNotFound (404) when it has none. */
export function makeGetPartnerConnection(
  deps: Pick<PartnerConnectionDeps, "partnerConnections" | "publicBaseUrl">,
): (tenantId: string) => Promise<PartnerConnectionView> {
  return async (tenantId) => {
    const stored = await deps.partnerConnections.get(tenantId);
    if (stored === undefined) throw new PartnerConnectionNotFound(tenantId);
    return viewOf(stored, deps.publicBaseUrl);
  };
}

/** Removes the tenant's connection; PartnerConnectionNotFound (404) when it has none. */
export function makeDeletePartnerConnection(
  deps: Pick<PartnerConnectionDeps, "partnerConnections">,
): (tenantId: string) => Promise<void> {
  return async (tenantId) => {
    if (!(await deps.partnerConnections.delete(tenantId))) throw new PartnerConnectionNotFound(tenantId);
  };
}
