/**
 * `WebhookSender` over undici's `fetch`: no redirects followed, response body discarded.
 *
 * SSRF guard (unless `allowPrivateAddresses`, the local setting `WEBHOOK_ALLOW_LOOPBACK_URLS`): a receiver whose
 * host IS or RESOLVES TO a loopback, private, link-local, carrier-grade NAT, multicast or otherwise reserved address is
 * refused without a request. The check sits in the connection's own DNS lookup (undici `Agent` `connect.lookup`), so
 * the address checked is the address connected to — a name that resolves differently a moment later (DNS rebinding)
 * cannot slip past it. An IP literal in the URL is checked before connecting.
 */
import { lookup, type LookupAddress } from "node:dns";
import { BlockList, isIP, type LookupFunction } from "node:net";
import { Agent, fetch } from "undici";
import type { WebhookSender, WebhookSendRequest, WebhookSendResult } from "../../ports/webhook-sender";

/** Addresses a webhook may never be sent to in production. */
const BLOCKED = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const)
  BLOCKED.addSubnet(net, prefix, "ipv4");
for (const [net, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
  ["2001:db8::", 32],
] as const)
  BLOCKED.addSubnet(net, prefix, "ipv6");

/** True for an address a webhook must not reach (IPv4-mapped IPv6 judged as its IPv4). */
export function isBlockedAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/iu.exec(address)?.[1];
  if (mapped) return BLOCKED.check(mapped, "ipv4");
  const family = isIP(address);
  if (family === 0) return true;
  return BLOCKED.check(address, family === 4 ? "ipv4" : "ipv6");
}

class BlockedAddress extends Error {
  override readonly name = "BlockedAddress";
}

/** dns.lookup, refusing the connection when any address the name resolves to is blocked. */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  lookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, "", 0);
    if (addresses.length === 0 || addresses.some((a) => isBlockedAddress(a.address)))
      return callback(new BlockedAddress("the receiver resolves to a private or reserved address"), "", 0);
    if ((options as { all?: boolean }).all)
      return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    const first = addresses[0]!;
    return callback(null, first.address, first.family);
  });
};

export interface FetchWebhookSenderOptions {
  /** Allow loopback and private receivers (local runs and tests only; never in Azure). Default false. */
  allowPrivateAddresses?: boolean;
}

export class FetchWebhookSender implements WebhookSender {
  readonly #allowPrivate: boolean;
  readonly #dispatcher: Agent;

  constructor(options: FetchWebhookSenderOptions = {}) {
    this.#allowPrivate = options.allowPrivateAddresses ?? false;
    this.#dispatcher = new Agent(this.#allowPrivate ? {} : { connect: { lookup: guardedLookup } });
  }

  async send(request: WebhookSendRequest): Promise<WebhookSendResult> {
    if (!this.#allowPrivate) {
      const host = new URL(request.url).hostname.replace(/^\[(.*)\]$/u, "$1");
      if (isIP(host) !== 0 && isBlockedAddress(host)) return { kind: "refused", reason: "private-address" };
    }
    try {
      const response = await fetch(request.url, {
        method: "POST",
        headers: request.headers,
        body: request.body,
        redirect: "manual",
        signal: AbortSignal.timeout(request.timeoutMs),
        dispatcher: this.#dispatcher,
      });
      await response.body?.cancel().catch(() => undefined);
      return { kind: "answered", status: response.status };
    } catch (error) {
      if (causes(error).some((e) => e instanceof BlockedAddress)) return { kind: "refused", reason: "private-address" };
      const name = error instanceof Error ? error.name : "";
      return name === "TimeoutError" || name === "AbortError" ? { kind: "timeout" } : { kind: "network-error" };
    }
  }
}

function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let e: unknown = error;
  while (e !== undefined && e !== null && chain.length < 10) {
    chain.push(e);
    e = (e as { cause?: unknown }).cause;
  }
  return chain;
}
