/**
 * The real Vipps adapter against the local Vipps simulator (devhost/vipps), in-process on free ports: token, create,
 * approve, signed webhooks that pass the real verifier, capture, refund, cancel, validation, idempotency, faults.
 */
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../../../devhost/logger";
import { VippsSimulator } from "../../../../devhost/vipps/vipps-simulator";
import { VippsPaymentProvider } from "../../../../shared/adapters/vipps/payment-provider.vipps";
import { VippsWebhookVerifier } from "../../../../shared/adapters/vipps/webhook-verifier.vipps";
import {
  VIPPS_EPAYMENT_WEBHOOK_EVENTS,
  deleteVippsWebhook,
  listVippsWebhooks,
  registerVippsWebhook,
} from "../../../../shared/adapters/vipps/webhooks-api.vipps";
import { MemoryPaymentAttemptStore } from "../../../../shared/adapters/memory/payment-attempt-store.memory";
import { MemoryPaymentQueue } from "../../../../shared/adapters/memory/payment-queue.memory";
import { pollProvider } from "../../../../shared/application/payments/reconcile-payments";
import type { PaymentAttempt } from "../../../../shared/ports/payment-attempt-store";
import { PaymentProviderRejected, type IncomingWebhookRequest } from "../../../../shared/ports/payment-provider";

const credentials = {
  clientId: "local-vipps-client-id",
  clientSecret: "local-vipps-client-secret",
  subscriptionKey: "local-vipps-subscription-key",
  merchantSerialNumber: "123456",
};
const WEBHOOK_SECRET = "local-vipps-webhook-secret-for-the-dev-host";
const nok = (value: number) => ({ value, currency: "NOK" as const });

let dataDir: string;
let sim: VippsSimulator;
let baseUrl: string;
let provider: VippsPaymentProvider;
let receiver: Server;
let callbackUrl: string;
let received: IncomingWebhookRequest[] = [];
/** Answer the next N callbacks with 500 (to see the simulator retry). */
let failCallbacks = 0;
const verifier = new VippsWebhookVerifier({ secret: WEBHOOK_SECRET });

function newProvider(overrides: Partial<typeof credentials> = {}): VippsPaymentProvider {
  return new VippsPaymentProvider({ baseUrl, ...credentials, ...overrides, retryDelaysMs: [5, 5] });
}

function newReference(): string {
  return `it-${randomUUID()}`;
}

async function createPayment(method: "vipps" | "card" = "vipps", value = 49_900) {
  const reference = newReference();
  const created = await provider.create({
    reference,
    amount: nok(value),
    method,
    returnUrl: `http://127.0.0.1:7071/p/token-1/receipt?ref=${reference}`,
    description: "Faktura 10023 fra Nettlev AS",
    idempotencyKey: `create-${reference}`,
  });
  return { reference, created };
}

async function devPost(path: string, body?: unknown): Promise<Response> {
  return fetch(`${baseUrl}${path}`, {
    method: "POST",
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** The verified events that reached the callback for `reference`, in order. */
function verifiedEvents(reference: string): string[] {
  return received
    .map((r) => verifier.verify(r))
    .flatMap((v) => (v.ok && v.event.reference === reference ? [v.event.name] : []));
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "vipps-sim-"));
  sim = new VippsSimulator({ dataDir, ...credentials, logger: silentLogger, webhookRetryDelaysMs: [5, 5, 5] });
  ({ baseUrl } = await sim.start(0));
  provider = newProvider();
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (failCallbacks > 0) {
        failCallbacks--;
        res.writeHead(500).end();
        return;
      }
      const headers: Record<string, string | undefined> = {};
      for (const [name, value] of Object.entries(req.headers)) headers[name] = Array.isArray(value) ? value[0] : value;
      received.push({
        method: req.method ?? "",
        pathAndQuery: req.url ?? "/",
        headers,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  callbackUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/api/callbacks/vipps`;
  await sim.registerWebhook({ url: callbackUrl, secret: WEBHOOK_SECRET, events: VIPPS_EPAYMENT_WEBHOOK_EVENTS });
});

afterAll(async () => {
  await sim?.stop();
  await new Promise<void>((resolve) => receiver?.close(() => resolve()));
  await rm(dataDir, { recursive: true, force: true });
});

beforeEach(async () => {
  await sim.deliveriesIdle();
  sim.setFaults({ reset: true });
  received = [];
  failCallbacks = 0;
});

describe("Vipps adapter against the simulator", () => {
  it("creates a Vipps payment, which the user approves; a signed AUTHORIZED webhook arrives and get shows it authorized", async () => {
    const { reference, created } = await createPayment("vipps");
    expect(created).toEqual({ reference, redirectUrl: `${baseUrl}/landing/${reference}` });
    expect(await provider.get(reference)).toMatchObject({
      state: "CREATED",
      paymentMethodType: "WALLET",
      authorized: nok(0),
    });

    const approved = await devPost(`/api/dev/vipps/payments/${reference}/approve`);
    expect(approved.status).toBe(200);
    expect(((await approved.json()) as { payment: { state: string } }).payment.state).toBe("AUTHORIZED");
    await sim.deliveriesIdle();

    const authorized = received.find((r) => r.body.includes('"AUTHORIZED"') && r.body.includes(reference));
    expect(authorized).toBeDefined();
    const verdict = verifier.verify(authorized!);
    expect(verdict).toMatchObject({
      ok: true,
      event: { provider: "vipps", reference, name: "AUTHORIZED", success: true },
    });
    expect(authorized!.headers.host).toBe(new URL(callbackUrl).host);

    const payment = await provider.get(reference);
    expect(payment).toMatchObject({
      reference,
      state: "AUTHORIZED",
      amount: nok(49_900),
      authorized: nok(49_900),
      captured: nok(0),
    });
    expect(payment.pspReference).toEqual(expect.any(String));
  });

  it("captures and refunds an approved card payment, with CAPTURED and REFUNDED webhooks", async () => {
    const { reference } = await createPayment("card", 10_000);
    expect((await provider.get(reference)).paymentMethodType).toBe("CARD");
    await sim.approve(reference);

    const captured = await provider.capture(reference, nok(10_000), `capture-${reference}`);
    expect(captured).toMatchObject({ state: "AUTHORIZED", captured: nok(10_000), refunded: nok(0) });
    const refunded = await provider.refund(reference, nok(2_500), `refund-${reference}`);
    expect(refunded).toMatchObject({ captured: nok(10_000), refunded: nok(2_500) });

    await sim.deliveriesIdle();
    expect(verifiedEvents(reference)).toEqual(["CREATED", "AUTHORIZED", "CAPTURED", "REFUNDED"]);
    const events = (await (await fetch(`${baseUrl}/api/dev/vipps/payments/${reference}`)).json()) as {
      payment: { events: Array<{ name: string }> };
    };
    expect(events.payment.events.map((e) => e.name)).toEqual(["CREATED", "AUTHORIZED", "CAPTURED", "REFUNDED"]);
  });

  it("does not capture twice when a capture is repeated with the same idempotency key", async () => {
    const { reference } = await createPayment("vipps", 10_000);
    await sim.approve(reference);
    await provider.capture(reference, nok(4_000), "capture-once");
    const again = await provider.capture(reference, nok(4_000), "capture-once");
    expect(again.captured).toEqual(nok(4_000));
    expect((await provider.get(reference)).captured).toEqual(nok(4_000));
  });

  it("refuses to capture more than is left authorized, and to refund more than was captured", async () => {
    const { reference } = await createPayment("vipps", 10_000);
    await sim.approve(reference);
    const tooMuch = await provider.capture(reference, nok(10_001), "c1").catch((e: unknown) => e);
    expect(tooMuch).toBeInstanceOf(PaymentProviderRejected);
    expect(tooMuch).toMatchObject({ status: 400, detail: expect.stringContaining("modificationAmount.value") });
    await provider.capture(reference, nok(6_000), "c2");
    await expect(provider.capture(reference, nok(4_001), "c3")).rejects.toMatchObject({ status: 400 });
    await expect(provider.refund(reference, nok(6_001), "r1")).rejects.toMatchObject({ status: 400 });
  });

  it("refuses to capture a payment the user has not approved", async () => {
    const { reference } = await createPayment();
    await expect(provider.capture(reference, nok(100), "c1")).rejects.toMatchObject({ status: 409 });
  });

  it("cancels an approved payment as Vipps does: still AUTHORIZED, the whole amount cancelled, a CANCELLED webhook", async () => {
    const { reference } = await createPayment("vipps", 7_000);
    await sim.approve(reference);
    const cancelled = await provider.cancel(reference, `cancel-${reference}`);
    expect(cancelled).toMatchObject({ state: "AUTHORIZED", authorized: nok(7_000), cancelled: nok(7_000) });
    expect(await provider.get(reference)).toMatchObject({ state: "AUTHORIZED", cancelled: nok(7_000) });
    await expect(provider.capture(reference, nok(100), `c-${reference}`)).rejects.toMatchObject({ status: 400 });
    await sim.deliveriesIdle();
    expect(verifiedEvents(reference)).toEqual(["CREATED", "AUTHORIZED", "CANCELLED"]);
  });

  it("reads a payment the merchant cancelled on the portal after approval as cancelled: the sweep queues CANCELLED", async () => {
    const { reference, created } = await createPayment("vipps", 7_000);
    await sim.approve(reference);
    expect((await devPost(`/api/dev/vipps/payments/${reference}/cancel`)).status).toBe(200);
    expect(await provider.get(reference)).toMatchObject({ state: "AUTHORIZED", cancelled: nok(7_000) });
    expect(await (await fetch(created.redirectUrl)).text()).toContain("Betalingen er allerede kansellert");
    await sim.deliveriesIdle();
    expect(verifiedEvents(reference)).toEqual(["CREATED", "AUTHORIZED", "CANCELLED"]);
    const queue = new MemoryPaymentQueue();
    const deps = {
      paymentAttempts: new MemoryPaymentAttemptStore(),
      paymentProvider: provider,
      paymentQueue: queue,
      clock: { now: () => new Date() },
    };
    expect(await pollProvider(deps, { reference } as PaymentAttempt, "b1")).toBe("CANCELLED");
    expect(queue.messages).toMatchObject([{ event: { reference, name: "CANCELLED" } }]);
  });

  it("cancels a payment before the user approves it: TERMINATED, the whole amount cancelled, a TERMINATED webhook", async () => {
    const { reference } = await createPayment("vipps", 7_000);
    const cancelled = await provider.cancel(reference, `cancel-${reference}`);
    expect(cancelled).toMatchObject({ state: "TERMINATED", authorized: nok(0), cancelled: nok(7_000) });
    await sim.deliveriesIdle();
    expect(verifiedEvents(reference)).toEqual(["CREATED", "TERMINATED"]);
  });

  it("accepts a capture of 0, which captures nothing and sends no webhook", async () => {
    const { reference } = await createPayment("vipps", 7_000);
    await sim.approve(reference);
    expect(await provider.capture(reference, nok(0), `zero-${reference}`)).toMatchObject({
      state: "AUTHORIZED",
      captured: nok(0),
    });
    await sim.deliveriesIdle();
    expect(verifiedEvents(reference)).toEqual(["CREATED", "AUTHORIZED"]);
  });

  it("marks a declined payment ABORTED with an ABORTED webhook", async () => {
    const { reference } = await createPayment();
    expect((await devPost(`/api/dev/vipps/payments/${reference}/decline`)).status).toBe(200);
    await sim.deliveriesIdle();
    expect((await provider.get(reference)).state).toBe("ABORTED");
    expect(verifiedEvents(reference)).toEqual(["CREATED", "ABORTED"]);
    expect((await devPost(`/api/dev/vipps/payments/${reference}/approve`)).status).toBe(409);
  });

  it("surfaces validation errors as PaymentProviderRejected with the status, naming the field", async () => {
    const base = {
      amount: nok(100),
      method: "vipps" as const,
      returnUrl: "https://example.no/back",
      description: "Faktura 1",
      idempotencyKey: randomUUID(),
    };
    const badReference = await provider.create({ ...base, reference: "short" }).catch((e: unknown) => e);
    expect(badReference).toBeInstanceOf(PaymentProviderRejected);
    expect(badReference).toMatchObject({ status: 400, detail: expect.stringContaining("reference") });
    await expect(
      provider.create({ ...base, reference: newReference(), description: "ab", idempotencyKey: randomUUID() }),
    ).rejects.toMatchObject({
      status: 400,
      detail: expect.stringContaining("paymentDescription"),
    });
    await expect(
      provider.create({ ...base, reference: newReference(), amount: nok(65_000_001), idempotencyKey: randomUUID() }),
    ).rejects.toMatchObject({
      status: 400,
      detail: expect.stringContaining("amount.value"),
    });
    await expect(
      provider.create({
        ...base,
        reference: newReference(),
        amount: { value: 100, currency: "SEK" },
        idempotencyKey: randomUUID(),
      }),
    ).rejects.toMatchObject({ status: 400, detail: expect.stringContaining("amount.currency") });
    await expect(
      provider.create({ ...base, reference: newReference(), idempotencyKey: "k".repeat(51) }),
    ).rejects.toMatchObject({
      status: 400,
      detail: expect.stringContaining("Idempotency-Key"),
    });
    await expect(provider.get("no-such-payment-1")).rejects.toMatchObject({ status: 404 });
  });

  it("replays a create repeated with the same key, and refuses the same reference under another key", async () => {
    const { reference, created } = await createPayment();
    const again = await provider.create({
      reference,
      amount: nok(49_900),
      method: "vipps",
      returnUrl: `http://127.0.0.1:7071/p/token-1/receipt?ref=${reference}`,
      description: "Faktura 10023 fra Nettlev AS",
      idempotencyKey: `create-${reference}`,
    });
    expect(again).toEqual(created);
    const list = (await (await fetch(`${baseUrl}/api/dev/vipps/payments`)).json()) as {
      payments: Array<{ reference: string }>;
    };
    expect(list.payments.filter((p) => p.reference === reference)).toHaveLength(1);
    await expect(
      provider.create({
        reference,
        amount: nok(49_900),
        method: "vipps",
        returnUrl: "https://example.no/back",
        description: "Faktura 10023",
        idempotencyKey: "another-key",
      }),
    ).rejects.toMatchObject({ status: 409 });
  });

  it("retries a create through a server error with the same idempotency key: one payment", async () => {
    sim.setFaults({ failNext: 1, status: 503 });
    const { reference } = await createPayment();
    const list = (await (await fetch(`${baseUrl}/api/dev/vipps/payments`)).json()) as {
      payments: Array<{ reference: string }>;
    };
    expect(list.payments.filter((p) => p.reference === reference)).toHaveLength(1);
  });

  it("holds a payment's next webhook back until the one before it was accepted, as Vipps does", async () => {
    const { reference } = await createPayment();
    await sim.deliveriesIdle();
    failCallbacks = 3; // the AUTHORIZED webhook is refused three times, accepted the fourth
    await sim.approve(reference);
    await provider.capture(reference, nok(49_900), `capture-${reference}`);
    await sim.deliveriesIdle();
    expect(failCallbacks).toBe(0);
    expect(verifiedEvents(reference)).toEqual(["CREATED", "AUTHORIZED", "CAPTURED"]);
    const log = sim.deliveryLog().filter((d) => d.reference === reference);
    expect(log.map((d) => [d.event, d.attempts, d.status])).toEqual([
      ["CREATED", 1, 200],
      ["AUTHORIZED", 4, 200],
      ["CAPTURED", 1, 200],
    ]);
  });

  it("delivers every webhook n times under the duplicateWebhooks fault", async () => {
    const faults = await devPost("/api/dev/vipps/faults", { duplicateWebhooks: 3 });
    expect(await faults.json()).toMatchObject({ duplicateWebhooks: 3 });
    const { reference } = await createPayment();
    await sim.approve(reference);
    await sim.deliveriesIdle();
    expect(verifiedEvents(reference).filter((n) => n === "AUTHORIZED")).toHaveLength(3);
    expect(await devPost("/api/dev/vipps/faults", { reset: true }).then((r) => r.json())).toMatchObject({
      duplicateWebhooks: 1,
    });
  });

  it("retries a webhook the receiver answered with a server error", async () => {
    const { reference } = await createPayment();
    await sim.deliveriesIdle();
    failCallbacks = 2;
    await sim.approve(reference);
    await sim.deliveriesIdle();
    expect(verifiedEvents(reference)).toEqual(["CREATED", "AUTHORIZED"]);
  });

  it("refuses an access token to a wrong client secret", async () => {
    const wrong = newProvider({ clientSecret: "not-the-secret" });
    const error = await wrong.get("whatever-ref-1").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaymentProviderRejected);
    expect(error).toMatchObject({ status: 401 });
    expect(String((error as Error).message)).not.toContain("not-the-secret");
  });

  it("lets the user approve on the landing page, which answers 303 to the returnUrl", async () => {
    const { reference, created } = await createPayment();
    const page = await fetch(created.redirectUrl);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain("Faktura 10023 fra Nettlev AS");
    expect(html).toMatch(/<button[^>]*name="decision"[^>]*value="approve"[^>]*>Godkjenn<\/button>/);
    expect(html).toMatch(/<button[^>]*name="decision"[^>]*value="decline"[^>]*>Avvis<\/button>/);
    expect(html).toMatch(/499,00/);

    const answer = await fetch(created.redirectUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "decision=approve",
      redirect: "manual",
    });
    expect(answer.status).toBe(303);
    expect(answer.headers.get("location")).toBe(`http://127.0.0.1:7071/p/token-1/receipt?ref=${reference}`);
    expect((await provider.get(reference)).state).toBe("AUTHORIZED");
  });

  it("registers, lists and deletes webhooks through the Webhooks API", async () => {
    const config = { baseUrl, ...credentials };
    const registered = await registerVippsWebhook(config, {
      url: "https://pay.example.no/api/callbacks/vipps",
      events: VIPPS_EPAYMENT_WEBHOOK_EVENTS,
    });
    expect(registered.secret.length).toBeGreaterThan(32);
    expect(await listVippsWebhooks(config)).toContainEqual({
      id: registered.id,
      url: "https://pay.example.no/api/callbacks/vipps",
      events: [...VIPPS_EPAYMENT_WEBHOOK_EVENTS],
    });
    await deleteVippsWebhook(config, registered.id);
    expect((await listVippsWebhooks(config)).map((w) => w.id)).not.toContain(registered.id);
    await expect(
      registerVippsWebhook(config, { url: "not a url", events: ["epayments.payment.created.v1"] }),
    ).rejects.toMatchObject({ status: 400 });
  });

  it("refuses a plain http webhook URL, as Vipps requires HTTPS, except to this machine (the dev host)", async () => {
    const config = { baseUrl, ...credentials };
    const events = ["epayments.payment.created.v1"];
    await expect(
      registerVippsWebhook(config, { url: "http://pay.example.no/api/callbacks/vipps", events }),
    ).rejects.toMatchObject({ status: 400, detail: expect.stringContaining("https") });
    const local = await registerVippsWebhook(config, { url: "http://127.0.0.1:7071/api/callbacks/vipps", events });
    await deleteVippsWebhook(config, local.id);
    await expect(sim.registerWebhook({ url: "http://pay.example.no/api/callbacks/vipps" })).rejects.toThrow(/https/u);
  });

  it("lets the dev host's registration of the app callback supersede the one from a previous run's port", async () => {
    const isAppCallback = (url: string) =>
      url.startsWith("http://127.0.0.1:") && new URL(url).pathname === "/api/callbacks/vipps";
    await sim.registerWebhook({
      url: "http://127.0.0.1:1/api/callbacks/vipps",
      secret: WEBHOOK_SECRET,
      replaces: isAppCallback,
    });
    await sim.registerWebhook({ url: callbackUrl, secret: WEBHOOK_SECRET, replaces: isAppCallback });
    const registrations = await listVippsWebhooks({ baseUrl, ...credentials });
    expect(registrations.filter((w) => isAppCallback(w.url)).map((w) => w.url)).toEqual([callbackUrl]);
  });

  it("keeps payments across a restart", async () => {
    const { reference } = await createPayment();
    await sim.stop();
    sim = new VippsSimulator({ dataDir, ...credentials, logger: silentLogger });
    ({ baseUrl } = await sim.start(0));
    provider = newProvider();
    expect((await provider.get(reference)).state).toBe("CREATED");
  });
});
