import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FetchWebhookSender, isBlockedAddress } from "../../../../shared/adapters/http/webhook-sender.fetch";

let server: Server;
let base: string;
const requests: Array<{ method?: string; path?: string; body: string }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      requests.push({ method: req.method, path: req.url, body: Buffer.concat(chunks).toString("utf8") });
      if (req.url === "/slow") return; // never answers
      if (req.url === "/moved") return void res.writeHead(301, { location: "/ok" }).end("moved");
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("the fetch webhook sender", () => {
  // The receiver here is on 127.0.0.1: allowed as the local setting WEBHOOK_ALLOW_LOOPBACK_URLS does.
  const sender = new FetchWebhookSender({ allowPrivateAddresses: true });
  const send = (path: string, timeoutMs = 2_000) =>
    sender.send({ url: `${base}${path}`, headers: { "content-type": "application/json" }, body: '{"a":1}', timeoutMs });

  it("POSTs the body and reports the status", async () => {
    expect(await send("/ok")).toEqual({ kind: "answered", status: 204 });
    expect(requests.at(-1)).toEqual({ method: "POST", path: "/ok", body: '{"a":1}' });
  });

  it("does not follow redirects", async () => {
    const before = requests.length;
    expect(await send("/moved")).toEqual({ kind: "answered", status: 301 });
    expect(requests.length).toBe(before + 1);
  });

  it("reports a receiver that does not answer in time as a timeout, and a refused connection as a network error", async () => {
    expect(await send("/slow", 50)).toEqual({ kind: "timeout" });
    expect(await sender.send({ url: "http://127.0.0.1:1/nothing", headers: {}, body: "", timeoutMs: 2_000 })).toEqual({
      kind: "network-error",
    });
  });
});

describe("the fetch webhook sender in production (no private receivers)", () => {
  const sender = new FetchWebhookSender();
  const send = (url: string) => sender.send({ url, headers: {}, body: "{}", timeoutMs: 2_000 });

  it("refuses, without a request, a receiver that is or resolves to a loopback or private address", async () => {
    const before = requests.length;
    expect(await send(`${base}/ok`)).toEqual({ kind: "refused", reason: "private-address" });
    expect(await send(base.replace("127.0.0.1", "localhost") + "/ok")).toEqual({
      kind: "refused",
      reason: "private-address",
    });
    expect(await send("http://[::1]:9/ok")).toEqual({ kind: "refused", reason: "private-address" });
    expect(await send("http://169.254.169.254/latest/meta-data")).toEqual({
      kind: "refused",
      reason: "private-address",
    });
    expect(requests.length).toBe(before);
  });

  it("knows private, reserved and mapped addresses from public ones", () => {
    for (const a of ["10.1.2.3", "172.20.0.1", "192.168.1.1", "100.64.0.1", "0.0.0.0", "::1", "fd00::1", "fe80::1"])
      expect(isBlockedAddress(a), a).toBe(true);
    expect(isBlockedAddress("::ffff:127.0.0.1")).toBe(true);
    for (const a of ["8.8.8.8", "151.101.1.69", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
      expect(isBlockedAddress(a), a).toBe(false);
  });
});
