/**
 * `EmailSender` over Azure Communication Services Email with the real `EmailClient` (@azure/communication-email 1.1.0).
 *
 * `send` starts the operation with `beginSend(message, { operationId })` — the operation id is the message's
 * `messageId` (a UUID; any other id is turned into a stable UUIDv5-style id, which is then the `messageId` returned and
 * the one delivery reports carry) — and polls it to its end: `Succeeded` → ok; `Failed`/`Canceled` → a permanent failure
 * with the service's error code. HTTP 429, 408, 5xx and network failures are retryable; any other HTTP error is not.
 *
 * Idempotency: every attempt to send one message carries the same operation id, and the service answers a send whose
 * operation id it knows with that operation (the dev stand-in does exactly this; ACS documents no other behaviour), so
 * a retry after a timeout does not send a second e-mail.
 *
 * Never logs or returns addresses, subjects or content: failure reasons carry status and error codes only.
 */
import { EmailClient, type EmailClientOptions, type EmailMessage as AcsEmailMessage } from "@azure/communication-email";
import { DefaultAzureCredential, type TokenCredential } from "@azure/identity";
import { createHash } from "node:crypto";
import type { EmailMessage, EmailSendOutcome, EmailSender } from "../../ports/email-sender";

export type AcsEmailSenderOptions = (
  | { connectionString: string }
  /** Managed identity / developer credential; DefaultAzureCredential unless given. */
  | { endpoint: string; credential?: TokenCredential }
) & {
  /** `DoNotReply@<verified domain>` (ACS_EMAIL_SENDER). */
  senderAddress: string;
  /** The SDK's retry policy for each HTTP request (defaults: 3 retries, exponential from 1 s). */
  retryOptions?: EmailClientOptions["retryOptions"];
  /** Wait between status polls while the operation runs; default 1000 ms (the service's Retry-After wins). */
  pollIntervalMs?: number;
  /** Give up polling after this long (a retryable failure; the retry resumes the same operation); default 120 s. */
  maxPollMs?: number;
};

/** Namespace for deriving operation ids from non-UUID message ids (UUIDv5-style); never change it. */
const OPERATION_NAMESPACE = "8d2f4b1e-6c3a-4e5f-9a7b-1c0d2e3f4a5b";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface OperationBody {
  id?: string;
  status?: string;
  error?: { code?: string };
}

export class AcsEmailSender implements EmailSender {
  private readonly client: EmailClient;

  constructor(private readonly options: AcsEmailSenderOptions) {
    const endpoint =
      "connectionString" in options ? endpointOfConnectionString(options.connectionString) : options.endpoint;
    const clientOptions: EmailClientOptions = {
      // Plain http only when the endpoint itself says so (a property of the URL, not of the environment).
      allowInsecureConnection: new URL(endpoint).protocol === "http:",
      ...(options.retryOptions ? { retryOptions: options.retryOptions } : {}),
    };
    this.client =
      "connectionString" in options
        ? new EmailClient(options.connectionString, clientOptions)
        : new EmailClient(options.endpoint, options.credential ?? new DefaultAzureCredential(), clientOptions);
  }

  async send(message: EmailMessage): Promise<EmailSendOutcome> {
    const operationId = emailOperationId(message.messageId);
    const acsMessage: AcsEmailMessage = {
      senderAddress: this.options.senderAddress,
      recipients: { to: [definedAddress(message.to)] },
      content: { subject: message.subject, plainText: message.text, html: message.html },
      attachments: message.attachments.map((a) => ({
        name: a.name,
        contentType: a.contentType,
        contentInBase64: a.content.toString("base64"),
      })),
      ...(message.replyTo ? { replyTo: [definedAddress(message.replyTo)] } : {}),
    };
    // The operation's last status body, from the initial answer and every poll (the SDK's poller turns a Failed
    // operation into an Error whose text may quote the service's message; the code is taken from the body instead).
    let last: OperationBody | undefined;
    const pollInterval = this.options.pollIntervalMs ?? 1000;
    const deadline = Date.now() + (this.options.maxPollMs ?? 120_000);
    try {
      const poller = await this.client.beginSend(acsMessage, {
        operationId,
        updateIntervalInMs: pollInterval,
        onResponse: (raw) => {
          const body = raw.parsedBody as OperationBody | undefined;
          if (body && typeof body.status === "string") last = body;
        },
      });
      while (!poller.isDone()) {
        if (Date.now() > deadline)
          return { ok: false, retryable: true, reason: `ACS e-mail operation still ${last?.status ?? "running"}` };
        await new Promise((resolve) => setTimeout(resolve, pollInterval));
        await poller.poll();
      }
      const result = poller.getResult();
      if (result?.status === "Succeeded") return { ok: true, messageId: operationId };
      return unsuccessful(result ?? last);
    } catch (err) {
      if (last && (last.status === "Failed" || last.status === "Canceled")) return unsuccessful(last);
      return failureFromError(err);
    }
  }
}

/** The operation id for a message id: the id itself when it is a UUID, else a UUIDv5-style hash of it. */
export function emailOperationId(messageId: string): string {
  if (UUID.test(messageId)) return messageId.toLowerCase();
  const namespace = Buffer.from(OPERATION_NAMESPACE.replace(/-/g, ""), "hex");
  const hash = createHash("sha1").update(namespace).update(messageId, "utf8").digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50; // version 5
  hash[8] = (hash[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function definedAddress(a: { address: string; displayName?: string }): { address: string; displayName?: string } {
  return a.displayName !== undefined ? { address: a.address, displayName: a.displayName } : { address: a.address };
}

function unsuccessful(body: OperationBody | undefined): EmailSendOutcome {
  const status = body?.status ?? "unknown";
  const code = body?.error?.code;
  return { ok: false, retryable: false, reason: `ACS e-mail operation ${status}${code ? ` (${code})` : ""}` };
}

function endpointOfConnectionString(connectionString: string): string {
  const match = /(?:^|;)\s*endpoint=([^;]+)/i.exec(connectionString);
  if (!match?.[1]) throw new Error("AcsEmailSender: the connection string has no endpoint=");
  return match[1];
}

function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

function failureFromError(err: unknown): EmailSendOutcome {
  const e = err as { name?: string; statusCode?: number; code?: string };
  if (typeof e?.statusCode === "number") {
    return {
      ok: false,
      retryable: isRetryableStatus(e.statusCode),
      reason: `ACS answered HTTP ${e.statusCode}${e.code ? ` (${e.code})` : ""}`,
    };
  }
  // No HTTP answer: network failure, timeout, abort — worth another try (the operation id makes it safe).
  return { ok: false, retryable: true, reason: `No answer from ACS: ${e?.code ?? e?.name ?? "unknown error"}` };
}
