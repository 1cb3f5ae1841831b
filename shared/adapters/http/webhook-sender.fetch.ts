/** `WebhookSender` over the global `fetch` (Node's undici): no redirects followed, response body discarded. */
import type { WebhookSender, WebhookSendRequest, WebhookSendResult } from "../../ports/webhook-sender";

export class FetchWebhookSender implements WebhookSender {
  async send(request: WebhookSendRequest): Promise<WebhookSendResult> {
    try {
      const response = await fetch(request.url, {
        method: "POST",
        headers: request.headers,
        body: request.body,
        redirect: "manual",
        signal: AbortSignal.timeout(request.timeoutMs),
      });
      await response.body?.cancel().catch(() => undefined);
      return { kind: "answered", status: response.status };
    } catch (error) {
      const name = error instanceof Error ? error.name : "";
      return name === "TimeoutError" || name === "AbortError" ? { kind: "timeout" } : { kind: "network-error" };
    }
  }
}

export const fetchWebhookSender: WebhookSender = new FetchWebhookSender();
