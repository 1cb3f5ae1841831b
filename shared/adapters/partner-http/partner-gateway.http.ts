/**
 * `PartnerGateway` over the global `fetch`: TMF641 ServiceOrders to a partner's provisioning system, per the partner
 * command wire contract.
 *
 * - Authentication per connection: `hmac` signs every request with Standard Webhooks headers (`webhook-id` = the
 *   command id for a create, a fresh request id otherwise; the body "" for a GET); `oauth2` fetches a client
 *   credentials token, caches it until shortly before it expires and fetches a new one once on a 401.
 * - One attempt per call with a timeout (default 10 s): retrying, backing off and escalating belong to the queue that
 *   sends commands. A retried create is safe: `externalId` = the command id, so the partner answers the same order.
 * - Every answer is decoded with the port's schemas. Failures become the port's errors: `PartnerUnavailable`
 *   (network, timeout, 5xx, 429, 409, an answer that is not what the contract says — naming the fields, never their
 *   values), `PartnerRejected` (any other 4xx, a redirect), `PartnerAuthFailed` (401; the token endpoint's 4xx).
 *   Messages name the operation, the tenant and the status: never a secret, a token or the partner's body.
 *
 * Give it the system clock: the partner checks the signature's timestamp against real time.
 */
import { createHash } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { z } from "zod";
import type { Clock } from "../../ports/clock";
import {
  PartnerAuthFailed,
  PartnerHubRegistration,
  PartnerRejected,
  PartnerService,
  PartnerServiceOrder,
  PartnerUnavailable,
  type PartnerConnection,
  type PartnerGateway,
  type PartnerOrder,
  type PartnerOrderRequest,
  type ServiceOrderCreate,
} from "../../ports/partner-gateway";
import type { Random } from "../../ports/random";

export const SERVICE_ORDERING_PATH = "/tmf-api/serviceOrdering/v4";
export const SERVICE_INVENTORY_PATH = "/tmf-api/serviceInventory/v4";

export interface HttpPartnerGatewayOptions {
  /** Signing timestamps and token expiry (the system clock: see the file comment). */
  clock: Clock;
  /** Request ids for the `webhook-id` of requests that are not a create. */
  random: Random;
  /** Per request (the token request included); default 10 000 ms. */
  timeoutMs?: number;
  /** Fetch a new token this long before the current one expires (or halfway through a shorter life); default 60 s. */
  tokenEarlyRefreshMs?: number;
  fetch?: typeof fetch;
}

/** The OAuth2 token answer (RFC 6749 §5.1). */
const TokenAnswer = z.object({
  access_token: z.string().min(1),
  token_type: z.string().regex(/^bearer$/iu, { message: "Expected token_type Bearer" }),
  expires_in: z.coerce.number().positive().optional(),
});

/** A token without `expires_in` is kept this long. */
const DEFAULT_TOKEN_LIFETIME_MS = 60_000;

interface PartnerRequest {
  /** For messages: "create service order", "read service order", … */
  operation: string;
  method: "GET" | "POST";
  path: string;
  body?: unknown;
  /** The `webhook-id` of an HMAC-signed request. */
  requestId: string;
  /** A 404 is an answer (an unknown order or service); otherwise it is a refusal (a wrong base URL). */
  notFoundIsAnswer?: boolean;
}

interface PartnerAnswer {
  status: number;
  text: string;
}

type OAuth2Auth = Extract<PartnerConnection["auth"], { kind: "oauth2" }>;

export class HttpPartnerGateway implements PartnerGateway {
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;
  readonly #earlyRefreshMs: number;
  readonly #tokens = new Map<string, { value: string; refreshAt: number }>();
  readonly #tokenRequests = new Map<string, Promise<string>>();

  constructor(private readonly options: HttpPartnerGatewayOptions) {
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#earlyRefreshMs = options.tokenEarlyRefreshMs ?? 60_000;
  }

  async placeOrder(connection: PartnerConnection, order: PartnerOrderRequest): Promise<PartnerOrder> {
    const operation = "create service order";
    const answer = await this.#call(connection, {
      operation,
      method: "POST",
      path: `${SERVICE_ORDERING_PATH}/serviceOrder`,
      body: serviceOrderFor(order),
      requestId: order.commandId,
    });
    if (answer.status !== 200 && answer.status !== 201) throw unexpectedStatus(connection, operation, answer.status);
    const placed = decode(connection, operation, PartnerServiceOrder, answer.text);
    if (placed.externalId !== order.commandId) {
      throw new PartnerUnavailable(
        `Partner ${operation} (tenant ${connection.tenantId}): the answer is an order for another externalId`,
        "bad-answer",
        answer.status,
      );
    }
    return placed;
  }

  async getOrder(connection: PartnerConnection, partnerOrderId: string): Promise<PartnerOrder | undefined> {
    const operation = "read service order";
    const answer = await this.#call(connection, {
      operation,
      method: "GET",
      path: `${SERVICE_ORDERING_PATH}/serviceOrder/${encodeURIComponent(partnerOrderId)}`,
      requestId: this.#requestId(),
      notFoundIsAnswer: true,
    });
    if (answer.status === 404) return undefined;
    if (answer.status !== 200) throw unexpectedStatus(connection, operation, answer.status);
    const order = decode(connection, operation, PartnerServiceOrder, answer.text);
    if (order.id !== partnerOrderId) {
      throw new PartnerUnavailable(
        `Partner ${operation} (tenant ${connection.tenantId}): the answer is another order`,
        "bad-answer",
        answer.status,
      );
    }
    return order;
  }

  async getService(connection: PartnerConnection, serviceId: string): Promise<PartnerService | undefined> {
    const operation = "read service";
    const answer = await this.#call(connection, {
      operation,
      method: "GET",
      path: `${SERVICE_INVENTORY_PATH}/service/${encodeURIComponent(serviceId)}`,
      requestId: this.#requestId(),
      notFoundIsAnswer: true,
    });
    if (answer.status === 404) return undefined;
    if (answer.status !== 200) throw unexpectedStatus(connection, operation, answer.status);
    return decode(connection, operation, PartnerService, answer.text);
  }

  async registerCallback(connection: PartnerConnection, url: string): Promise<PartnerHubRegistration> {
    const operation = "register callback";
    const answer = await this.#call(connection, {
      operation,
      method: "POST",
      path: `${SERVICE_ORDERING_PATH}/hub`,
      body: { callback: url },
      requestId: this.#requestId(),
    });
    if (answer.status !== 200 && answer.status !== 201) throw unexpectedStatus(connection, operation, answer.status);
    return decode(connection, operation, PartnerHubRegistration, answer.text);
  }

  #requestId(): string {
    return `req_${Buffer.from(this.options.random.bytes(16)).toString("hex")}`;
  }

  /**
   * One request, authenticated; a 2xx (or a 404 when `notFoundIsAnswer`) is returned, every other answer is thrown as
   * the port's error. An OAuth2 401 fetches a new token and sends once more.
   */
  async #call(connection: PartnerConnection, request: PartnerRequest): Promise<PartnerAnswer> {
    const body = request.body === undefined ? "" : JSON.stringify(request.body);
    let answer = await this.#send(connection, request, body);
    if (answer.status === 401 && connection.auth.kind === "oauth2") {
      this.#tokens.delete(tokenKey(connection.tenantId, connection.auth));
      answer = await this.#send(connection, request, body);
    }
    const where = `Partner ${request.operation} (tenant ${connection.tenantId})`;
    const { status } = answer;
    if ((status >= 200 && status < 300) || (status === 404 && request.notFoundIsAnswer === true)) return answer;
    if (status === 401) throw new PartnerAuthFailed(`${where}: our credentials were refused (401)`, status);
    if (status === 409) throw new PartnerUnavailable(`${where}: answered 409 (conflict)`, "conflict", status);
    if (status === 429 || status >= 500) {
      throw new PartnerUnavailable(
        `${where}: answered ${String(status)}`,
        status === 429 ? "throttled" : "server-error",
        status,
        answer.retryAfterSeconds,
      );
    }
    if (status >= 300 && status < 400)
      throw new PartnerRejected(`${where}: answered a redirect (${String(status)})`, status);
    throw new PartnerRejected(`${where}: refused the request (${String(status)})`, status);
  }

  async #send(
    connection: PartnerConnection,
    request: PartnerRequest,
    body: string,
  ): Promise<PartnerAnswer & { retryAfterSeconds?: number }> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (request.method === "POST") headers["content-type"] = "application/json";
    if (connection.auth.kind === "hmac") {
      Object.assign(headers, signatureHeaders(connection, request.requestId, this.options.clock.now(), body));
    } else {
      headers["authorization"] = `Bearer ${await this.#accessToken(connection.tenantId, connection.auth)}`;
    }
    const url = `${connection.baseUrl.replace(/\/+$/u, "")}${request.path}`;
    const where = `Partner ${request.operation} (tenant ${connection.tenantId})`;
    const answer = await this.#exchange(where, url, {
      method: request.method,
      headers,
      ...(request.method === "POST" ? { body } : {}),
    });
    return answer;
  }

  /** fetch with the timeout, no redirects followed, the body read as text; a failure is `PartnerUnavailable`. */
  async #exchange(
    where: string,
    url: string,
    init: RequestInit,
  ): Promise<PartnerAnswer & { retryAfterSeconds?: number }> {
    try {
      const response = await this.#fetch(url, {
        ...init,
        redirect: "manual",
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      const text = await response.text();
      const retryAfterSeconds = parseRetryAfter(response.headers.get("retry-after"), this.options.clock.now());
      return retryAfterSeconds === undefined
        ? { status: response.status, text }
        : { status: response.status, text, retryAfterSeconds };
    } catch (error) {
      const name = error instanceof Error ? error.name : "";
      if (name === "TimeoutError" || name === "AbortError") {
        throw new PartnerUnavailable(`${where}: no answer within ${String(this.#timeoutMs)} ms`, "timeout");
      }
      throw new PartnerUnavailable(`${where}: could not be reached`, "network");
    }
  }

  /** A cached token, or a new one (concurrent callers share one token request). */
  async #accessToken(tenantId: string, auth: OAuth2Auth): Promise<string> {
    const key = tokenKey(tenantId, auth);
    const cached = this.#tokens.get(key);
    if (cached && this.options.clock.now().getTime() < cached.refreshAt) return cached.value;
    let pending = this.#tokenRequests.get(key);
    if (!pending) {
      pending = this.#fetchToken(tenantId, auth, key).finally(() => this.#tokenRequests.delete(key));
      this.#tokenRequests.set(key, pending);
    }
    return pending;
  }

  async #fetchToken(tenantId: string, auth: OAuth2Auth, key: string): Promise<string> {
    const operation = "access token";
    const where = `Partner ${operation} (tenant ${tenantId})`;
    const form = new URLSearchParams({
      grant_type: "client_credentials",
      client_id: auth.clientId,
      client_secret: auth.clientSecret,
    });
    if (auth.scope !== undefined) form.set("scope", auth.scope);
    const answer = await this.#exchange(where, auth.tokenUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: form.toString(),
    });
    const { status } = answer;
    if (status === 429 || status >= 500) {
      throw new PartnerUnavailable(
        `${where}: answered ${String(status)}`,
        status === 429 ? "throttled" : "server-error",
        status,
        answer.retryAfterSeconds,
      );
    }
    if (status >= 300)
      throw new PartnerAuthFailed(`${where}: the token endpoint refused our credentials (${String(status)})`, status);
    const token = decode({ tenantId }, operation, TokenAnswer, answer.text);
    const now = this.options.clock.now().getTime();
    const lifetime = token.expires_in !== undefined ? token.expires_in * 1000 : DEFAULT_TOKEN_LIFETIME_MS;
    const refreshAt = now + Math.max(lifetime - this.#earlyRefreshMs, lifetime / 2);
    this.#tokens.set(key, { value: token.access_token, refreshAt });
    return token.access_token;
  }
}

/** The TMF641 ServiceOrder for one command. */
export function serviceOrderFor(order: PartnerOrderRequest): ServiceOrderCreate {
  return {
    externalId: order.commandId,
    description: order.description,
    category: "collection",
    serviceOrderItem: [{ id: "1", action: "modify", service: { id: order.serviceId, state: order.targetState } }],
  };
}

/** The Standard Webhooks headers for one request (HMAC-SHA256 over `{id}.{timestamp}.{body}`). */
function signatureHeaders(connection: PartnerConnection, id: string, now: Date, body: string): Record<string, string> {
  if (connection.auth.kind !== "hmac") return {};
  let signer: Webhook;
  try {
    signer = new Webhook(connection.auth.secret);
  } catch {
    throw new PartnerAuthFailed(
      `Partner connection (tenant ${connection.tenantId}): the HMAC secret is not a valid Standard Webhooks secret`,
    );
  }
  return {
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
    "webhook-signature": signer.sign(id, now, body),
  };
}

/** Where a token is cached: the tenant and every credential (a changed secret is a new entry), the secret hashed. */
function tokenKey(tenantId: string, auth: OAuth2Auth): string {
  const secret = createHash("sha256").update(auth.clientSecret, "utf8").digest("hex");
  return JSON.stringify([tenantId, auth.tokenUrl, auth.clientId, auth.scope ?? "", secret]);
}

/** An answer that the contract does not allow for this operation (e.g. a 204 to a create): a bad answer. */
function unexpectedStatus(connection: PartnerConnection, operation: string, status: number): PartnerUnavailable {
  return new PartnerUnavailable(
    `Partner ${operation} (tenant ${connection.tenantId}): answered an unexpected status ${String(status)}`,
    "bad-answer",
    status,
  );
}

/** The answer decoded with `schema`; otherwise a `PartnerUnavailable` naming the fields at fault (not their values). */
function decode<T>(connection: { tenantId: string }, operation: string, schema: z.ZodType<T>, text: string): T {
  const where = `Partner ${operation} (tenant ${connection.tenantId})`;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new PartnerUnavailable(`${where}: the answer is not JSON`, "bad-answer");
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(body)"}: ${issue.message}`);
  throw new PartnerUnavailable(
    `${where}: the answer does not follow the contract (${[...new Set(fields)].join("; ")})`,
    "bad-answer",
  );
}

/** `retry-after` as seconds from `now`: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: Date): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/u.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}
