/**
 * The HTTP side of every Vipps MobilePay API call: access token (cached until shortly before it expires, fetched
 * again once on a 401), the standard headers (subscription key, MSN, Vipps-System-*), a timeout per attempt, a
 * bounded retry on network errors, timeouts, 5xx and 429 (the SAME Idempotency-Key on every attempt, so a retry
 * after a lost answer is not a second payment), and 4xx answers as `PaymentProviderRejected`.
 *
 * Error messages name the operation and the status only: never a token, a secret or a key.
 */
import { z } from "zod";
import { PaymentProviderRejected, PaymentProviderUnavailable } from "../../ports/payment-provider";

export interface VippsApiConfig {
  /** https://apitest.vipps.no or https://api.vipps.no (VIPPS_BASE_URL). */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  subscriptionKey: string;
  merchantSerialNumber: string;
  /** Vipps-System-Name (≤ 30 characters); default "payment-follow-up". */
  systemName?: string;
  systemVersion?: string;
  pluginName?: string;
  pluginVersion?: string;
  fetch?: typeof fetch;
  now?: () => Date;
  /** Per attempt; default 10 000 ms. */
  timeoutMs?: number;
  /** Waits before the 2nd, 3rd, … attempt; default [250, 1000] (three attempts in all). */
  retryDelaysMs?: readonly number[];
}

/** Vipps could not be reached or kept failing (network, timeout, 5xx, 429) after the bounded retries: try later. */
export class VippsUnavailable extends PaymentProviderUnavailable {
  override readonly title = "Vipps is unavailable";
}

/** Vipps refused a call with a 4xx that a retry will not fix. */
export class VippsRejected extends PaymentProviderRejected {
  override readonly title = "Vipps refused the request";
}

/** The access token answer (`expires_in` comes as a string of seconds). */
const AccessTokenResponse = z.object({
  access_token: z.string().min(1),
  expires_in: z.coerce.number().positive().optional(),
  expires_on: z.coerce.number().positive().optional(),
});

/** Vipps' problem document (fields are optional: only used for the message). */
const VippsProblem = z
  .object({
    title: z.string().optional(),
    detail: z.string().optional(),
    status: z.number().optional(),
    traceId: z.string().optional(),
  })
  .loose();

/** Refresh this long before the token's stated expiry. */
const TOKEN_EARLY_REFRESH_MS = 5 * 60_000;

export interface VippsRequest {
  /** For messages: "create payment", "capture", … */
  operation: string;
  method: "GET" | "POST" | "DELETE";
  path: string;
  body?: unknown;
  idempotencyKey?: string;
}

export interface VippsResponse {
  status: number;
  json: unknown;
}

export class VippsApiClient {
  private readonly fetch: typeof fetch;
  private readonly now: () => Date;
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly retryDelaysMs: readonly number[];
  private token: { value: string; refreshAt: number } | undefined;
  private tokenRequest: Promise<string> | undefined;

  constructor(private readonly config: VippsApiConfig) {
    this.fetch = config.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.now = config.now ?? (() => new Date());
    this.baseUrl = config.baseUrl.replace(/\/+$/u, "");
    this.timeoutMs = config.timeoutMs ?? 10_000;
    this.retryDelaysMs = config.retryDelaysMs ?? [250, 1000];
  }

  get merchantSerialNumber(): string {
    return this.config.merchantSerialNumber;
  }

  /** One API call with the bearer token: a 2xx answer's JSON (or null), else throws (see the file comment). */
  async call(request: VippsRequest): Promise<VippsResponse> {
    let response = await this.send(request, await this.accessToken());
    if (response.status === 401) {
      // The token may have been revoked or expired early: fetch a new one, once.
      this.token = undefined;
      response = await this.send(request, await this.accessToken());
    }
    if (response.status >= 200 && response.status < 300) return response;
    throw rejection(request.operation, response);
  }

  private async accessToken(): Promise<string> {
    const cached = this.token;
    if (cached && this.now().getTime() < cached.refreshAt) return cached.value;
    this.tokenRequest ??= this.fetchToken().finally(() => {
      this.tokenRequest = undefined;
    });
    return this.tokenRequest;
  }

  private async fetchToken(): Promise<string> {
    const response = await this.withRetries("access token", () =>
      this.fetch(`${this.baseUrl}/accesstoken/get`, {
        method: "POST",
        headers: {
          client_id: this.config.clientId,
          client_secret: this.config.clientSecret,
          "Ocp-Apim-Subscription-Key": this.config.subscriptionKey,
          "Merchant-Serial-Number": this.config.merchantSerialNumber,
          ...this.systemHeaders(),
        },
        signal: AbortSignal.timeout(this.timeoutMs),
      }),
    );
    if (response.status < 200 || response.status >= 300) throw rejection("access token", response);
    const parsed = AccessTokenResponse.safeParse(response.json);
    if (!parsed.success) throw new Error("Vipps answered the access token request with an unexpected body");
    const now = this.now().getTime();
    const expiresAt = parsed.data.expires_in !== undefined ? now + parsed.data.expires_in * 1000 : now + 3600_000;
    const lifetime = expiresAt - now;
    // Refresh 5 minutes early, or halfway through a very short lifetime.
    const refreshAt = now + Math.max(lifetime - TOKEN_EARLY_REFRESH_MS, lifetime / 2);
    this.token = { value: parsed.data.access_token, refreshAt };
    return parsed.data.access_token;
  }

  private systemHeaders(): Record<string, string> {
    return {
      "Vipps-System-Name": this.config.systemName ?? "payment-follow-up",
      "Vipps-System-Version": this.config.systemVersion ?? "0.1.0",
      "Vipps-System-Plugin-Name": this.config.pluginName ?? "payment-follow-up-vipps",
      "Vipps-System-Plugin-Version": this.config.pluginVersion ?? "1.0.0",
    };
  }

  private send(request: VippsRequest, token: string): Promise<VippsResponse> {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${token}`,
      "Ocp-Apim-Subscription-Key": this.config.subscriptionKey,
      "Merchant-Serial-Number": this.config.merchantSerialNumber,
      Accept: "application/json",
      ...this.systemHeaders(),
    };
    if (request.idempotencyKey !== undefined) headers["Idempotency-Key"] = request.idempotencyKey;
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    if (body !== undefined) headers["Content-Type"] = "application/json";
    return this.withRetries(request.operation, () =>
      this.fetch(`${this.baseUrl}${request.path}`, {
        method: request.method,
        headers,
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      }),
    );
  }

  /** Runs `attempt` until it answers something other than 5xx/429, at most 1 + retryDelaysMs.length times. */
  private async withRetries(operation: string, attempt: () => Promise<Response>): Promise<VippsResponse> {
    let last: { status?: number; reason: string } = { reason: "no attempt" };
    for (let i = 0; i <= this.retryDelaysMs.length; i++) {
      if (i > 0) await sleep(this.retryDelaysMs[i - 1] ?? 0);
      let response: Response;
      try {
        response = await attempt();
      } catch (err) {
        last = { reason: isTimeout(err) ? "timed out" : "network error" };
        continue;
      }
      const json = await readJson(response);
      if (response.status >= 500 || response.status === 429) {
        last = { status: response.status, reason: `answered ${response.status}` };
        continue;
      }
      return { status: response.status, json };
    }
    throw new VippsUnavailable(
      `Vipps ${operation}: ${last.reason} after ${this.retryDelaysMs.length + 1} attempts`,
      last.status,
    );
  }
}

function rejection(operation: string, response: VippsResponse): VippsRejected {
  const problem = VippsProblem.safeParse(response.json);
  const title = problem.success ? problem.data.title : undefined;
  const detail = problem.success ? (problem.data.detail ?? title) : undefined;
  return new VippsRejected(
    `Vipps refused ${operation} (${response.status}${title ? `: ${title}` : ""})`,
    response.status,
    detail,
  );
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text().catch(() => "");
  if (text.trim() === "") return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

function isTimeout(err: unknown): boolean {
  return err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
