/**
 * The dev host's partner system simulator (devhost/partner), in-process on a free port with a virtual clock and a
 * local callback receiver: signed and token-authenticated service orders, callbacks for every state that pass a
 * Standard Webhooks verifier, the service inventory, idempotency on externalId, validation, the modes, and a restart.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../../../devhost/clock";
import { silentLogger } from "../../../devhost/logger";
import { PartnerSimulator } from "../../../devhost/partner/partner-simulator";
import { WorkTracker } from "../../../devhost/work-tracker";

const SECRET = `whsec_${randomBytes(32).toString("base64")}`;
const ORDERING = "/tmf-api/serviceOrdering/v4";
const INVENTORY = "/tmf-api/serviceInventory/v4";

interface Callback {
  headers: Record<string, string>;
  body: string;
}

const tracker = new WorkTracker();
const clock = new VirtualClock(tracker);
let dataDir: string;
let sim: PartnerSimulator;
let base: string;
let receiver: Server;
let callbackUrl: string;
const received: Callback[] = [];
/** Answer the next N callbacks with `failStatus` (to see the simulator retry, or take a 409 as delivered). */
let failCallbacks = 0;
let failStatus = 500;

function newSimulator(): PartnerSimulator {
  return new PartnerSimulator({
    dataDir,
    secret: SECRET,
    logger: silentLogger,
    now: () => clock.nowDate(),
    schedule: (at, fire, label) => clock.schedule(at, fire, label),
    callbackRetryDelaysMs: [1_000, 2_000],
  });
}

/** Standard Webhooks headers over `body` with `secret`, timestamped on the virtual clock. */
function signature(body: string, secret = SECRET): Record<string, string> {
  const id = `req_${randomUUID()}`;
  const at = clock.nowDate();
  return {
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": new Webhook(secret).sign(id, at, body),
  };
}

function signedPost(path: string, body: unknown, secret = SECRET): Promise<Response> {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return fetch(`${base}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...signature(text, secret) },
    body: text,
  });
}

function signedGet(path: string): Promise<Response> {
  return fetch(`${base}${path}`, { headers: signature("") });
}

function order(serviceId: string, state: "active" | "inactive" = "inactive", externalId = `cmd-${randomUUID()}`) {
  return {
    externalId,
    description: "Suspension for non-payment",
    category: "collection",
    serviceOrderItem: [{ id: "1", action: "modify", service: { id: serviceId, state } }],
  };
}

async function placeOrder(body: unknown): Promise<{ id: string; externalId: string; state: string }> {
  const res = await signedPost(`${ORDERING}/serviceOrder`, body);
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; externalId: string; state: string };
}

async function devPost(path: string, body: unknown): Promise<Response> {
  return fetch(`${base}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

interface ReceivedEvent {
  eventId: string;
  eventType: string;
  event: {
    serviceOrder: {
      id: string;
      externalId: string;
      state: string;
      completionDate?: string;
      serviceOrderItem: Array<{ id: string; state: string; service: { id: string; state: string } }>;
    };
  };
}

/** The callbacks about `orderId` that pass a Standard Webhooks verifier with the secret, in arrival order. */
function verifiedEvents(orderId: string): Array<ReceivedEvent & { webhookId: string }> {
  const verifier = new Webhook(SECRET);
  return received
    .map((c) => ({ ...(verifier.verify(c.body, c.headers) as ReceivedEvent), webhookId: c.headers["webhook-id"]! }))
    .filter((e) => e.event.serviceOrder.id === orderId);
}

function statesOf(orderId: string): string[] {
  return verifiedEvents(orderId).map((e) => e.event.serviceOrder.state);
}

/** Moves the virtual clock on and waits until the simulator's work (and its callbacks) has settled. */
async function advance(ms: number): Promise<void> {
  await clock.advanceBy(ms);
  await tracker.settle();
}

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "partner-sim-"));
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k] = v;
      received.push({ headers, body: Buffer.concat(chunks).toString("utf8") });
      if (failCallbacks > 0) {
        failCallbacks--;
        res.writeHead(failStatus).end();
      } else res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  callbackUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/api/callbacks/partners/tenant-1`;
  sim = newSimulator();
  base = (await sim.start(0)).baseUrl;
  const hub = await signedPost(`${ORDERING}/hub`, { callback: callbackUrl });
  expect(hub.status).toBe(201);
  expect(await hub.json()).toMatchObject({ callback: callbackUrl });
});

afterAll(async () => {
  await sim.stop();
  clock.stop();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
  await rm(dataDir, { recursive: true, force: true });
});

describe("the partner simulator", () => {
  it("acknowledges a signed order at once, completes it after the delay with a signed callback for every state, and shows the service inactive", async () => {
    const created = await placeOrder(order("bb-1001"));
    expect(created).toMatchObject({ state: "acknowledged", externalId: expect.stringMatching(/^cmd-/) });

    await advance(1_000);
    expect(statesOf(created.id)).toEqual(["acknowledged", "inProgress", "completed"]);
    for (const event of verifiedEvents(created.id)) {
      expect(event.webhookId).toBe(event.eventId);
      expect(event.eventType).toBe("ServiceOrderStateChangeEvent");
    }
    const completed = verifiedEvents(created.id).at(-1)!.event.serviceOrder;
    expect(completed.serviceOrderItem).toEqual([
      { id: "1", state: "completed", service: { id: "bb-1001", state: "inactive" } },
    ]);
    expect(completed.completionDate).toEqual(expect.any(String));

    const now = await signedGet(`${ORDERING}/serviceOrder/${created.id}`);
    expect(await now.json()).toMatchObject({ state: "completed", completionDate: expect.any(String) });
    const service = await signedGet(`${INVENTORY}/service/bb-1001`);
    expect(service.status).toBe(200);
    expect(await service.json()).toMatchObject({ id: "bb-1001", state: "inactive", lastOrderId: created.id });
  });

  it("answers the same externalId twice with the same single order", async () => {
    const body = order("bb-1002");
    const first = await placeOrder(body);
    const again = await signedPost(`${ORDERING}/serviceOrder`, body);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ id: first.id, externalId: body.externalId });
    const listed = await signedGet(`${ORDERING}/serviceOrder?externalId=${encodeURIComponent(body.externalId)}`);
    expect(((await listed.json()) as unknown[]).length).toBe(1);
    expect(sim.orders().filter((o) => o.externalId === body.externalId)).toHaveLength(1);
    await advance(1_000);
    expect(statesOf(first.id)).toEqual(["acknowledged", "inProgress", "completed"]);
  });

  it("refuses a wrong signature, a missing one and an unknown token with 401 and makes no order", async () => {
    const body = order("bb-1003");
    const wrong = await signedPost(`${ORDERING}/serviceOrder`, body, `whsec_${randomBytes(32).toString("base64")}`);
    expect(wrong.status).toBe(401);
    const unsigned = await fetch(`${base}${ORDERING}/serviceOrder`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(unsigned.status).toBe(401);
    const madeUp = await fetch(`${base}${ORDERING}/serviceOrder`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer psim.made-up" },
      body: JSON.stringify(body),
    });
    expect(madeUp.status).toBe(401);
    expect(sim.orders().some((o) => o.externalId === body.externalId)).toBe(false);
  });

  it("accepts a bearer token it issued for client credentials, and refuses a wrong client secret", async () => {
    const form = (secret: string) =>
      fetch(`${base}/oauth2/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          grant_type: "client_credentials",
          client_id: "local-partner-client",
          client_secret: secret,
        }),
      });
    expect((await form("not-the-secret")).status).toBe(401);
    const issued = await form(SECRET);
    expect(issued.status).toBe(200);
    const token = (await issued.json()) as { access_token: string; token_type: string; expires_in: number };
    expect(token).toMatchObject({ token_type: "Bearer", expires_in: 3600 });
    const res = await fetch(`${base}${ORDERING}/serviceOrder`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token.access_token}` },
      body: JSON.stringify(order("bb-1004")),
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ state: "acknowledged" });
    await advance(1_000);
  });

  it("answers garbage with 400 naming the field at fault", async () => {
    const badState = order("bb-1005") as unknown as { serviceOrderItem: Array<{ service: { state: string } }> };
    badState.serviceOrderItem[0]!.service.state = "suspended";
    const res = await signedPost(`${ORDERING}/serviceOrder`, badState);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ field: "serviceOrderItem.0.service.state" });

    const noExternalId = await signedPost(`${ORDERING}/serviceOrder`, { serviceOrderItem: [] });
    expect(noExternalId.status).toBe(400);
    expect(await noExternalId.json()).toMatchObject({ field: "externalId" });

    const notJson = await signedPost(`${ORDERING}/serviceOrder`, "{not json");
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ field: "(body)" });
  });

  it("when down answers 503 to every call and sends no callbacks, then sends them once it is up again", async () => {
    const created = await placeOrder(order("bb-1006"));
    await until(() => statesOf(created.id).length === 1);
    expect((await devPost("/api/dev/partner/mode", { mode: "down" })).status).toBe(200);

    expect((await signedGet(`${ORDERING}/serviceOrder/${created.id}`)).status).toBe(503);
    expect((await signedPost(`${ORDERING}/serviceOrder`, order("bb-1007"))).status).toBe(503);
    await advance(2_000);
    expect(statesOf(created.id)).toEqual(["acknowledged"]);

    expect(await (await devPost("/api/dev/partner/mode", { mode: "up" })).json()).toEqual({ mode: "up" });
    await until(() => statesOf(created.id).length === 3);
    expect(statesOf(created.id)).toEqual(["acknowledged", "inProgress", "completed"]);
    expect(await (await signedGet(`${INVENTORY}/service/bb-1006`)).json()).toMatchObject({ state: "inactive" });
  });

  it("when rejecting ends orders rejected and leaves the service as it was", async () => {
    await devPost("/api/dev/partner/mode", { mode: "reject" });
    const created = await placeOrder(order("bb-1008"));
    await advance(1_000);
    await devPost("/api/dev/partner/mode", { mode: "up" });
    expect(statesOf(created.id)).toEqual(["acknowledged", "rejected"]);
    expect(await (await signedGet(`${ORDERING}/serviceOrder/${created.id}`)).json()).toMatchObject({
      state: "rejected",
    });
    expect(await (await signedGet(`${INVENTORY}/service/bb-1008`)).json()).toMatchObject({ state: "active" });
  });

  it("retries a refused callback with the same event id, backing off, and keeps the order's events in order", async () => {
    failCallbacks = 2;
    const created = await placeOrder(order("bb-1009", "active"));
    await advance(500);
    expect(statesOf(created.id)).toEqual(["acknowledged"]);
    await advance(1_000);
    expect(statesOf(created.id)).toEqual(["acknowledged", "acknowledged"]);
    await advance(2_000);
    const events = verifiedEvents(created.id);
    expect(events.map((e) => e.event.serviceOrder.state)).toEqual([
      "acknowledged",
      "acknowledged",
      "acknowledged",
      "inProgress",
      "completed",
    ]);
    expect(new Set(events.slice(0, 3).map((e) => e.webhookId)).size).toBe(1);
    expect(await (await signedGet(`${INVENTORY}/service/bb-1009`)).json()).toMatchObject({ state: "active" });
  });

  it("takes a 409 from the receiver as a delivery it already has and goes on with the order's next events", async () => {
    failCallbacks = 1;
    failStatus = 409;
    const created = await placeOrder(order("bb-1012"));
    await advance(1_000);
    failStatus = 500;
    expect(statesOf(created.id)).toEqual(["acknowledged", "inProgress", "completed"]);
    expect(
      sim
        .deliveryLog()
        .filter((d) => d.orderId === created.id)
        .map((d) => d.status),
    ).toEqual(["delivered", "delivered", "delivered"]);
  });

  it("when slow completes orders on time but sends their callbacks 90 seconds late", async () => {
    await devPost("/api/dev/partner/mode", { mode: "slow" });
    const created = await placeOrder(order("bb-1010"));
    await advance(60_000);
    expect(statesOf(created.id)).toEqual([]);
    expect(await (await signedGet(`${ORDERING}/serviceOrder/${created.id}`)).json()).toMatchObject({
      state: "completed",
    });
    await advance(31_000);
    await devPost("/api/dev/partner/mode", { mode: "up" });
    expect(statesOf(created.id)).toEqual(["acknowledged", "inProgress", "completed"]);
  });

  it("lists its orders and services on the dev endpoints", async () => {
    const orders = (await (await fetch(`${base}/api/dev/partner/orders`)).json()) as {
      count: number;
      orders: Array<{ externalId: string; state: string }>;
    };
    expect(orders.count).toBe(sim.orders().length);
    expect(orders.orders[0]).toMatchObject({ state: "completed" });
    const services = (await (await fetch(`${base}/api/dev/partner/services`)).json()) as {
      services: Array<{ id: string; state: string }>;
    };
    expect(services.services).toContainEqual(expect.objectContaining({ id: "bb-1001", state: "inactive" }));
  });

  it("keeps orders and inventory across a restart and finishes an order that was in flight", async () => {
    const created = await placeOrder(order("bb-1011"));
    const ordersBefore = sim.orders().length;
    await sim.stop();

    sim = newSimulator();
    base = (await sim.start(0)).baseUrl;
    expect(sim.orders()).toHaveLength(ordersBefore);
    expect(await (await signedGet(`${INVENTORY}/service/bb-1001`)).json()).toMatchObject({ state: "inactive" });

    await advance(1_000);
    await until(() => statesOf(created.id).includes("completed"));
    expect(statesOf(created.id)).toEqual(["acknowledged", "inProgress", "completed"]);
    expect(await (await signedGet(`${ORDERING}/serviceOrder/${created.id}`)).json()).toMatchObject({
      state: "completed",
    });
    expect(await (await signedGet(`${INVENTORY}/service/bb-1011`)).json()).toMatchObject({
      state: "inactive",
      lastOrderId: created.id,
    });
  });
});
