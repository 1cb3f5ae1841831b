/**
 * `SmsSender` over Azure Communication Services with the real `SmsClient`.
 *
 * Idempotency: ACS deduplicates on the per-recipient `repeatabilityRequestId`, but `SmsClient.send` (1.1.0) always
 * puts a fresh random UUID there and offers no option to choose it. So each call carries the id derived from the
 * message's `idempotencyKey` in a private request header, and a per-call pipeline policy — which runs before the
 * client's HMAC / bearer-token policy signs the request — moves it into the JSON body and drops the header. Retries
 * (the SDK's own and the caller's) then repeat the same id, and ACS answers with the first result instead of sending
 * a second message.
 *
 * Never logs or returns the phone number or the text: failure reasons carry status codes and ACS error codes only.
 */
import { SmsClient, type SmsClientOptions } from "@azure/communication-sms";
import { DefaultAzureCredential, type TokenCredential } from "@azure/identity";
import { createHash } from "node:crypto";
import type { SmsMessage, SmsSendOutcome, SmsSender } from "../../ports/sms-sender";

export type AcsSmsSenderOptions = (
  | { connectionString: string }
  /** Managed identity / developer credential; DefaultAzureCredential unless given. */
  | { endpoint: string; credential?: TokenCredential }
) & {
  /** The SDK's retry policy (defaults: 3 retries, exponential from 1 s). */
  retryOptions?: SmsClientOptions["retryOptions"];
};

const REPEATABILITY_HEADER = "x-pfu-repeatability-request-id";
/** Namespace for deriving repeatability ids (UUIDv5-style) from idempotency keys; never change it. */
const IDEMPOTENCY_NAMESPACE = "3f6b1c52-8a0e-4f7d-9b1a-6d2e5c4a9f10";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class AcsSmsSender implements SmsSender {
  private readonly client: SmsClient;

  constructor(options: AcsSmsSenderOptions) {
    const endpoint =
      "connectionString" in options ? endpointOfConnectionString(options.connectionString) : options.endpoint;
    const clientOptions: SmsClientOptions = {
      // Plain http only when the endpoint itself says so (a property of the URL, not of the environment).
      allowInsecureConnection: new URL(endpoint).protocol === "http:",
      additionalPolicies: [{ policy: repeatabilityPolicy, position: "perCall" }],
      ...(options.retryOptions ? { retryOptions: options.retryOptions } : {}),
    };
    this.client =
      "connectionString" in options
        ? new SmsClient(options.connectionString, clientOptions)
        : new SmsClient(options.endpoint, options.credential ?? new DefaultAzureCredential(), clientOptions);
  }

  async send(message: SmsMessage): Promise<SmsSendOutcome> {
    let results;
    try {
      results = await this.client.send(
        { from: message.from, to: [message.to], message: message.text },
        {
          enableDeliveryReport: message.deliveryReport ?? false,
          ...(message.tag !== undefined ? { tag: message.tag } : {}),
          requestOptions: { customHeaders: { [REPEATABILITY_HEADER]: repeatabilityRequestId(message.idempotencyKey) } },
        },
      );
    } catch (err) {
      return failureFromError(err);
    }
    const result = results[0];
    if (!result) return { ok: false, retryable: true, reason: "ACS returned no result for the recipient" };
    if (result.successful && result.messageId) return { ok: true, messageId: result.messageId };
    const status = result.httpStatusCode;
    return {
      ok: false,
      retryable: isRetryableStatus(status),
      reason: `ACS refused the recipient (HTTP ${status}${result.errorMessage ? `: ${redact(result.errorMessage)}` : ""})`,
    };
  }
}

/** The repeatabilityRequestId for a key: the key itself when it is a UUID, else a UUIDv5-style hash of it. */
export function repeatabilityRequestId(idempotencyKey: string): string {
  if (UUID.test(idempotencyKey)) return idempotencyKey.toLowerCase();
  const namespace = Buffer.from(IDEMPOTENCY_NAMESPACE.replace(/-/g, ""), "hex");
  const hash = createHash("sha1").update(namespace).update(idempotencyKey, "utf8").digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50; // version 5
  hash[8] = (hash[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const repeatabilityPolicy: NonNullable<SmsClientOptions["additionalPolicies"]>[number]["policy"] = {
  name: "pfuRepeatabilityRequestIdPolicy",
  async sendRequest(request, next) {
    const id = request.headers.get(REPEATABILITY_HEADER);
    if (id !== undefined) {
      request.headers.delete(REPEATABILITY_HEADER);
      if (typeof request.body === "string") {
        const body = JSON.parse(request.body) as { smsRecipients?: Array<{ repeatabilityRequestId?: string }> };
        for (const recipient of body.smsRecipients ?? []) recipient.repeatabilityRequestId = id;
        request.body = JSON.stringify(body);
      }
    }
    return next(request);
  },
};

function endpointOfConnectionString(connectionString: string): string {
  const match = /(?:^|;)\s*endpoint=([^;]+)/i.exec(connectionString);
  if (!match?.[1]) throw new Error("AcsSmsSender: the connection string has no endpoint=");
  return match[1];
}

function isRetryableStatus(status: number | undefined): boolean {
  return status === undefined || status === 408 || status === 429 || status >= 500;
}

function failureFromError(err: unknown): SmsSendOutcome {
  const e = err as { name?: string; statusCode?: number; code?: string; message?: string };
  if (typeof e?.statusCode === "number") {
    return {
      ok: false,
      retryable: isRetryableStatus(e.statusCode),
      reason: `ACS answered HTTP ${e.statusCode}${e.code ? ` (${e.code})` : ""}`,
    };
  }
  // No HTTP answer: network failure, timeout, abort — worth another try (the repeatability id makes it safe).
  return { ok: false, retryable: true, reason: `No answer from ACS: ${e?.code ?? e?.name ?? "unknown error"}` };
}

/** Removes anything that looks like a phone number from a service message before it is returned. */
function redact(text: string): string {
  return text.replace(/\+?\d[\d\s-]{5,}\d/g, "[redacted]").slice(0, 200);
}
