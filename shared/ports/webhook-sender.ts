/**
 * POSTs one signed webhook delivery to a receiver. The adapter never follows redirects (a 3xx is an answer like any
 * other), discards the response body, and gives up after `timeoutMs`. It reports failures as values, not throws, and
 * never puts the URL or the response body in what it returns.
 */
export interface WebhookSendRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

export type WebhookSendResult =
  | { kind: "answered"; status: number }
  | { kind: "timeout" }
  | { kind: "network-error" }
  /** Not sent: the receiver is (or resolves to) a private, loopback or reserved address. */
  | { kind: "refused"; reason: "private-address" };

export interface WebhookSender {
  send(request: WebhookSendRequest): Promise<WebhookSendResult>;
}
