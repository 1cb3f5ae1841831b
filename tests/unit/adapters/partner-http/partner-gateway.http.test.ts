import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { HttpPartnerGateway } from "../../../../shared/adapters/partner-http/partner-gateway.http";
import {
  PartnerAuthFailed,
  PartnerRejected,
  PartnerUnavailable,
  ServiceOrderCreate,
  type PartnerConnection,
  type PartnerOrderRequest,
} from "../../../../shared/ports/partner-gateway";

// ---------------------------------------------------------------------------------------------------------------
// A small partner system: TMF641 orders by externalId, a TMF638 inventory, a hub, an OAuth2 token endpoint.

const SECRET = `whsec_${Buffer.from("partner-shared-secret-32-bytes!!").toString("base64")}`;
const OTHER_SECRET = `whsec_${Buffer.from("some-other-secret-of-32-bytes!!!").toString("base64")}`;
const CLIENT_ID = "our-client";
const CLIENT_SECRET = "client-secret-never-shown";

type Mode = "up" | "reject" | "down" | "garbage" | "not-json" | "hang" | "conflict" | "redirect";

interface Seen {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
}

let server: Server;
let base: string;
let mode: Mode;
let seen: Seen[];
let tokenRequests: URLSearchParams[];
let orders: Map<string, { id: string; externalId: string; serviceId: string; state: string }>;
let validTokens: Set<string>;
let tokenExpiresIn: number | undefined;

function reply(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(body === undefined ? undefined : JSON.stringify(body));
}

function authenticated(req: IncomingMessage, body: string): boolean {
  const bearer = req.headers.authorization;
  if (bearer !== undefined) return validTokens.has(bearer.replace(/^Bearer /u, ""));
  try {
    new Webhook(SECRET).verify(body, req.headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
}

function serviceOrderJson(order: { id: string; externalId: string; serviceId: string; state: string }) {
  return {
    id: order.id,
    href: `${base}/tmf-api/serviceOrdering/v4/serviceOrder/${order.id}`,
    externalId: order.externalId,
    state: order.state,
    orderDate: "2026-12-03T10:00:00Z",
    serviceOrderItem: [{ id: "1", action: "modify", state: order.state, service: { id: order.serviceId } }],
    "@type": "ServiceOrder",
  };
}

function handle(req: IncomingMessage, res: ServerResponse, body: string): void {
  const path = req.url ?? "";
  if (path === "/oauth/token") {
    const form = new URLSearchParams(body);
    tokenRequests.push(form);
    if (form.get("client_secret") !== CLIENT_SECRET) return reply(res, 401, { error: "invalid_client" });
    if (mode === "garbage") return reply(res, 200, { token: "no" });
    const token = `token-${String(tokenRequests.length)}`;
    validTokens.add(token);
    return reply(res, 200, {
      access_token: token,
      token_type: "Bearer",
      ...(tokenExpiresIn === undefined ? {} : { expires_in: tokenExpiresIn }),
    });
  }
  seen.push({ method: req.method ?? "", path, headers: req.headers, body });
  if (mode === "hang") return; // never answers
  if (!authenticated(req, body)) return reply(res, 401, { code: "unauthorized" });
  if (mode === "down") return reply(res, 503, { code: "down" }, { "retry-after": "30" });
  if (mode === "reject") return reply(res, 400, { code: "bad", reason: `echo of ${SECRET}` });
  if (mode === "conflict") return reply(res, 409, { code: "in progress" });
  if (mode === "redirect") return reply(res, 302, undefined, { location: "/elsewhere" });
  if (mode === "not-json") return void res.writeHead(200, { "content-type": "text/html" }).end("<html>oops</html>");
  if (mode === "garbage") return reply(res, 201, { id: "x", externalId: "y", serviceOrderItem: "no" });

  const ordering = "/tmf-api/serviceOrdering/v4";
  if (req.method === "POST" && path === `${ordering}/serviceOrder`) {
    const create = ServiceOrderCreate.safeParse(JSON.parse(body));
    if (!create.success) return reply(res, 400, { code: "malformed" });
    const known = orders.get(create.data.externalId);
    if (known) return reply(res, 201, serviceOrderJson(known));
    const order = {
      id: `so-${String(orders.size + 1)}`,
      externalId: create.data.externalId,
      serviceId: create.data.serviceOrderItem[0]?.service.id ?? "",
      state: "acknowledged",
    };
    orders.set(order.externalId, order);
    return reply(res, 201, serviceOrderJson(order));
  }
  if (req.method === "GET" && path.startsWith(`${ordering}/serviceOrder/`)) {
    const id = decodeURIComponent(path.slice(`${ordering}/serviceOrder/`.length));
    const order = [...orders.values()].find((candidate) => candidate.id === id);
    return order ? reply(res, 200, serviceOrderJson(order)) : reply(res, 404, { code: "not found" });
  }
  if (req.method === "POST" && path === `${ordering}/hub`) {
    return reply(res, 201, { id: "hub-1", callback: (JSON.parse(body) as { callback: string }).callback });
  }
  if (req.method === "GET" && path === "/tmf-api/serviceInventory/v4/service/bb-1") {
    return reply(res, 200, { id: "bb-1", state: "inactive", name: "Fiber 500" });
  }
  return reply(res, 404, { code: "not found" });
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => handle(req, res, Buffer.concat(chunks).toString("utf8")));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

// ---------------------------------------------------------------------------------------------------------------
// The gateway under test: a clock that follows real time (the partner checks signature timestamps) plus an offset.

let offsetMs: number;
const clock = { now: () => new Date(Date.now() + offsetMs) };
let counter: number;
const random = {
  bytes: (n: number) => new Uint8Array(n).fill(++counter % 256),
  fraction: () => 0.5,
};

beforeEach(() => {
  mode = "up";
  seen = [];
  tokenRequests = [];
  orders = new Map();
  validTokens = new Set();
  tokenExpiresIn = 3600;
  offsetMs = 0;
  counter = 0;
});

const gateway = (timeoutMs = 2_000) => new HttpPartnerGateway({ clock, random, timeoutMs });

const hmac = (secret = SECRET): PartnerConnection => ({
  tenantId: "t_broadband",
  baseUrl: base,
  auth: { kind: "hmac", secret },
  role: "broadband-provider",
});

const oauth2 = (clientSecret = CLIENT_SECRET): PartnerConnection => ({
  tenantId: "t_grid",
  baseUrl: `${base}/`,
  auth: { kind: "oauth2", tokenUrl: `${base}/oauth/token`, clientId: CLIENT_ID, clientSecret, scope: "orders" },
  role: "power-grid-company",
});

const suspend: PartnerOrderRequest = {
  commandId: "cmd-0001",
  serviceId: "bb-1",
  targetState: "inactive",
  description: "Suspension for non-payment, case C-1",
};

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
  }
  throw new Error("expected the call to fail");
}

describe("placing a service order with an HMAC connection", () => {
  it("sends a signed TMF641 modify order with the command id as externalId and returns the acknowledged order", async () => {
    const order = await gateway().placeOrder(hmac(), suspend);

    expect(order).toMatchObject({ id: "so-1", externalId: "cmd-0001", state: "acknowledged" });
    expect(order.serviceOrderItem[0]).toMatchObject({ id: "1", state: "acknowledged", service: { id: "bb-1" } });
    const request = seen[0];
    expect(request?.headers["webhook-id"]).toBe("cmd-0001");
    expect(JSON.parse(request?.body ?? "")).toEqual({
      externalId: "cmd-0001",
      description: "Suspension for non-payment, case C-1",
      category: "collection",
      serviceOrderItem: [{ id: "1", action: "modify", service: { id: "bb-1", state: "inactive" } }],
    });
  });

  it("gets the same order back when the same command is sent twice, and the partner holds one order", async () => {
    const first = await gateway().placeOrder(hmac(), suspend);
    const again = await gateway().placeOrder(hmac(), suspend);

    expect(again.id).toBe(first.id);
    expect(orders.size).toBe(1);
    expect(seen.map((request) => JSON.parse(request.body) as { externalId: string }).map((b) => b.externalId)).toEqual([
      "cmd-0001",
      "cmd-0001",
    ]);
  });

  it("reports credentials the partner refuses (401) as PartnerAuthFailed", async () => {
    const error = await failure(gateway().placeOrder(hmac(OTHER_SECRET), suspend));

    expect(error).toBeInstanceOf(PartnerAuthFailed);
    expect(error).toMatchObject({ code: "PARTNER_AUTH_REJECTED", status: 401 });
  });

  it("reports a 400 as a permanent PartnerRejected without echoing the partner's body", async () => {
    mode = "reject";
    const error = await failure(gateway().placeOrder(hmac(), suspend));

    expect(error).toBeInstanceOf(PartnerRejected);
    expect(error).toMatchObject({ code: "PARTNER_REJECTED", status: 400 });
    expect(error.message).not.toContain("whsec_");
  });

  it("reports a 503 as PartnerUnavailable with the partner's retry-after", async () => {
    mode = "down";
    const error = await failure(gateway().placeOrder(hmac(), suspend));

    expect(error).toBeInstanceOf(PartnerUnavailable);
    expect(error).toMatchObject({ code: "PARTNER_UNAVAILABLE", reason: "server-error", status: 503 });
    expect((error as PartnerUnavailable).retryAfterSeconds).toBe(30);
  });

  it("reports a 409 as PartnerUnavailable (retry later), not as a permanent refusal", async () => {
    mode = "conflict";
    expect(await failure(gateway().placeOrder(hmac(), suspend))).toMatchObject({ reason: "conflict", status: 409 });
  });

  it("does not follow a redirect and reports it as PartnerRejected", async () => {
    mode = "redirect";
    const error = await failure(gateway().placeOrder(hmac(), suspend));
    expect(error).toBeInstanceOf(PartnerRejected);
    expect(seen).toHaveLength(1);
  });

  it("reports a 404 on create (a wrong base URL) as PartnerRejected", async () => {
    const wrongBase = { ...hmac(), baseUrl: `${base}/nothing-here` };
    const error = await failure(gateway().placeOrder(wrongBase, suspend));
    expect(error).toMatchObject({ code: "PARTNER_REJECTED", status: 404 });
  });

  it("names the fields of an answer that does not follow the contract, as PartnerUnavailable", async () => {
    mode = "garbage";
    const error = await failure(gateway().placeOrder(hmac(), suspend));

    expect(error).toBeInstanceOf(PartnerUnavailable);
    expect(error).toMatchObject({ reason: "bad-answer" });
    expect(error.message).toContain("state");
    expect(error.message).toContain("serviceOrderItem");
    expect(error.message).not.toContain(SECRET);
  });

  it("reports an answer that is not JSON as PartnerUnavailable", async () => {
    mode = "not-json";
    const error = await failure(gateway().placeOrder(hmac(), suspend));
    expect(error).toMatchObject({ code: "PARTNER_UNAVAILABLE", reason: "bad-answer" });
    expect(error.message).toContain("not JSON");
  });

  it("gives up on a partner that does not answer within the timeout", async () => {
    mode = "hang";
    const started = Date.now();
    const error = await failure(gateway(150).placeOrder(hmac(), suspend));

    expect(error).toMatchObject({ code: "PARTNER_UNAVAILABLE", reason: "timeout" });
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it("reports a partner that cannot be reached as PartnerUnavailable", async () => {
    const error = await failure(gateway().placeOrder({ ...hmac(), baseUrl: "http://127.0.0.1:1" }, suspend));
    expect(error).toMatchObject({ code: "PARTNER_UNAVAILABLE", reason: "network" });
  });
});

describe("reading orders and services, registering the callback", () => {
  it("reads an order's current state, signed over an empty body with a fresh request id", async () => {
    const placed = await gateway().placeOrder(hmac(), suspend);
    const orderOnFile = orders.get("cmd-0001");
    if (orderOnFile) orderOnFile.state = "completed";

    const read = await gateway().getOrder(hmac(), placed.id);

    expect(read?.state).toBe("completed");
    const request = seen.at(-1);
    expect(request?.method).toBe("GET");
    expect(request?.headers["webhook-id"]).toMatch(/^req_[0-9a-f]{32}$/u);
  });

  it("answers undefined for an order the partner does not know", async () => {
    expect(await gateway().getOrder(hmac(), "so-404")).toBeUndefined();
  });

  it("reads a service's state from the partner's inventory", async () => {
    expect(await gateway().getService(hmac(), "bb-1")).toEqual({ id: "bb-1", state: "inactive" });
    expect(await gateway().getService(hmac(), "bb-unknown")).toBeUndefined();
  });

  it("registers our callback URL at the partner's hub", async () => {
    const url = "https://example.test/api/callbacks/partners/t_broadband";
    expect(await gateway().registerCallback(hmac(), url)).toEqual({ id: "hub-1", callback: url });
  });
});

describe("an OAuth2 connection", () => {
  it("fetches a client credentials token once and sends it as a bearer token on every call", async () => {
    const partner = gateway();
    await partner.placeOrder(oauth2(), suspend);
    await partner.getOrder(oauth2(), "so-1");

    expect(tokenRequests).toHaveLength(1);
    expect(Object.fromEntries(tokenRequests[0] ?? [])).toEqual({
      grant_type: "client_credentials",
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      scope: "orders",
    });
    expect(seen.map((request) => request.headers.authorization)).toEqual(["Bearer token-1", "Bearer token-1"]);
  });

  it("fetches a new token shortly before the old one expires", async () => {
    tokenExpiresIn = 600;
    const partner = gateway();
    await partner.getOrder(oauth2(), "so-1");
    offsetMs = 530_000; // 70 s before expiry: still before the refresh, a minute early
    await partner.getOrder(oauth2(), "so-1");
    expect(tokenRequests).toHaveLength(1);

    offsetMs = 545_000; // 55 s before expiry
    await partner.getOrder(oauth2(), "so-1");
    expect(tokenRequests).toHaveLength(2);
    expect(seen.at(-1)?.headers.authorization).toBe("Bearer token-2");
  });

  it("fetches a new token once when the partner refuses the cached one, and the call succeeds", async () => {
    const partner = gateway();
    await partner.getOrder(oauth2(), "so-1");
    validTokens.clear(); // the partner revoked it

    const order = await partner.placeOrder(oauth2(), suspend);

    expect(order.externalId).toBe("cmd-0001");
    expect(tokenRequests).toHaveLength(2);
  });

  it("reports client credentials the token endpoint refuses as PartnerAuthFailed, without the secret", async () => {
    const error = await failure(gateway().placeOrder(oauth2("wrong-secret"), suspend));

    expect(error).toBeInstanceOf(PartnerAuthFailed);
    expect(error.message).not.toContain("wrong-secret");
    expect(seen).toHaveLength(0);
  });

  it("reports a token answer that does not follow OAuth2 as PartnerUnavailable naming the field", async () => {
    mode = "garbage";
    const error = await failure(gateway().getOrder(oauth2(), "so-1"));

    expect(error).toMatchObject({ code: "PARTNER_UNAVAILABLE", reason: "bad-answer" });
    expect(error.message).toContain("access_token");
  });
});
