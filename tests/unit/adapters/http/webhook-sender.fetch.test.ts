import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FetchWebhookSender } from "../../../../shared/adapters/http/webhook-sender.fetch";

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
  const sender = new FetchWebhookSender();
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
