/**
 * Suspension and reopening end to end, through `npm start`'s dev host and its partner system simulator: the demo
 * creditor (connected to the simulator at start-up) hands over a broadband invoice; on the virtual clock the ladder
 * sends the suspension notice and, on the first allowed day after it expired, orders the suspension — the simulator's
 * inventory says `inactive` and the case shows the partner's confirmation. The debtor pays: the reopen command reaches
 * the simulator, its callback confirms it, the case shows the service active with the time it was confirmed, and the
 * debtor gets an SMS saying so. Then the partner goes down: a second case's reopen waits, is escalated after 60 s,
 * and goes through in order once the partner is back.
 */
import fs from "node:fs";
import path from "node:path";
import { CosmosClient } from "@azure/cosmos";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays, toLocalDate } from "../../shared/domain/calendar";
import { makeDataDir, ROOT, startDevHost, type DevHostProcess } from "../support/devhost-process";
import { json } from "../support/http";
import { advanceDaysUntil } from "../support/devhost-clock";

const settings = JSON.parse(fs.readFileSync(path.join(ROOT, "local.settings.example.json"), "utf8")) as {
  Values: Record<string, string>;
};
const DEMO_KEY = settings.Values.DEVHOST_DEMO_API_KEY!;
const OPERATOR_KEY = settings.Values.OPERATOR_API_KEY!;

let host: DevHostProcess;
let dataDir: string;

async function api(method: string, route: string, body?: unknown, key = DEMO_KEY): Promise<Response> {
  return fetch(`${host.base}${route}`, {
    method,
    headers: { "x-api-key": key, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function advance(duration: string): Promise<string> {
  const res = await fetch(`${host.base}/api/dev/clock`, {
    method: "POST",
    body: JSON.stringify({ advance: duration }),
  });
  expect(res.status).toBe(200);
  return (await json(res)).now as string;
}

async function today(): Promise<string> {
  return toLocalDate(new Date((await json(await fetch(`${host.base}/api/dev/clock`))).now), "Europe/Oslo");
}

async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const suspended = (caseId: string) => async () => (await serviceOf(caseId)).state === "suspended";

interface ServiceView {
  serviceId: string;
  state: string;
  blockers: Array<{ kind: string }>;
  lastCommand: { commandId: string; target: string; sentAt: string | null; confirmedAt: string | null } | null;
}

async function serviceOf(caseId: string): Promise<ServiceView> {
  const res = await api("GET", `/api/v1/cases/${caseId}`);
  expect(res.status).toBe(200);
  return ((await json(res)).services as ServiceView[])[0]!;
}

async function inventory(serviceId: string): Promise<string | undefined> {
  const body = await json(await fetch(`${host.base}/api/dev/partner/services`));
  return (body.services as Array<{ id: string; state: string }>).find((s) => s.id === serviceId)?.state;
}

async function ordersFor(serviceId: string): Promise<Array<{ externalId: string; state: string; target: string }>> {
  const body = await json(await fetch(`${host.base}/api/dev/partner/orders`));
  return (
    body.orders as Array<{
      externalId: string;
      state: string;
      serviceOrderItem: Array<{ service: { id: string; state: string } }>;
    }>
  )
    .filter((o) => o.serviceOrderItem[0]?.service.id === serviceId)
    .map((o) => ({ externalId: o.externalId, state: o.state, target: o.serviceOrderItem[0]!.service.state }))
    .reverse();
}

async function setMode(mode: "up" | "down"): Promise<void> {
  const res = await fetch(`${host.base}/api/dev/partner/mode`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ mode }),
  });
  expect(res.status).toBe(200);
}

async function registerBroadbandInvoice(invoiceNumber: string, serviceId: string): Promise<string> {
  const day = await today();
  const res = await api("POST", "/api/v1/invoices", {
    invoiceNumber,
    customer: {
      customerId: `cust-${invoiceNumber}`,
      name: "Kari Nordmann",
      phone: "+4791234567",
      address: { lines: ["Storgata 1"], postalCode: "0155", city: "Oslo", country: "NO" },
      consent: { sms: true, email: false },
    },
    amount: { value: 59900, currency: "NOK" },
    issueDate: addDays(day, -14),
    dueDate: day,
    services: [{ serviceId, kind: "broadband" }],
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await json(res)).caseId as string;
}

async function payAll(caseId: string, reference: string): Promise<void> {
  const view = await json(await api("GET", `/api/v1/cases/${caseId}`));
  const res = await api("POST", `/api/v1/cases/${caseId}/payments`, {
    amount: view.balance.total,
    paidAt: await today(),
    reference,
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

beforeAll(async () => {
  dataDir = makeDataDir("suspend-reopen-");
  host = await startDevHost(dataDir);
}, 120_000);

afterAll(async () => {
  await host?.stop();
});

describe("the demo creditor's partner connection", () => {
  it("keeps its secret in Key Vault: the Cosmos DB document only names the vault's secret", async () => {
    const secret = settings.Values.PARTNER_SIMULATOR_SECRET!;
    expect(host.standIns.keyVault).toMatch(/^https:\/\/127\.0\.0\.1:/u);
    const cosmos = new CosmosClient({
      endpoint: host.standIns.cosmos!,
      key: settings.Values.COSMOS_KEY!,
      connectionPolicy: { enableEndpointDiscovery: false },
    });
    const { resource } = await cosmos
      .database(settings.Values.COSMOS_DATABASE!)
      .container("partner-connections")
      .item("t_devhost_demo", "t_devhost_demo")
      .read<{ auth: { kind: string; secretRef?: string } }>();
    expect(JSON.stringify(resource)).not.toContain(secret);
    const name = resource?.auth.secretRef;
    expect(name).toMatch(/^partner-t-devhost-demo-[0-9a-f]{8}-[0-9a-f]{12}-auth$/u);
    // The vault stand-in's own store (under the dev host's data folder) holds it under that name.
    const vault = JSON.parse(fs.readFileSync(path.join(host.dataDir, "key-vault", "secrets.json"), "utf8")) as {
      secrets: Record<string, { versions: Array<{ value: string }> }>;
    };
    expect(vault.secrets[name!]?.versions.at(-1)?.value).toBe(secret);
  });
});

describe("a broadband service suspended for non-payment and reopened by a payment", () => {
  let caseId: string;

  it("suspends the service on the first allowed day after the notice, confirmed by the partner", async () => {
    caseId = await registerBroadbandInvoice("E2E-BB-1", "bb-e2e-1");
    expect(await serviceOf(caseId)).toMatchObject({ state: "active", blockers: [], lastCommand: null });
    await advance("P30D");
    await advanceDaysUntil(host.base, suspended(caseId), "the partner's confirmation of the suspension");
    const suspendedService = await serviceOf(caseId);
    expect(suspendedService.blockers.map((b) => b.kind)).toEqual(["overdue"]);
    expect(suspendedService.lastCommand).toMatchObject({ target: "inactive", confirmedAt: expect.any(String) });
    expect(await inventory("bb-e2e-1")).toBe("inactive");
    const view = await json(await api("GET", `/api/v1/cases/${caseId}`));
    const suspension = view.timeline.find((e: { step?: string }) => e.step === "suspension");
    const notice = view.timeline.find((e: { step?: string }) => e.step === "suspension-notice");
    expect(notice).toBeDefined();
    // Never a Friday, weekend or the day before a public holiday: the step's day is a Monday–Thursday.
    const day = new Date(`${suspension.details.on as string}T12:00:00Z`).getUTCDay();
    expect([1, 2, 3, 4]).toContain(day);
  });

  it("reopens it when the debtor pays: the command reaches the partner, which confirms it, and an SMS says so", async () => {
    const before = Date.now();
    await payAll(caseId, "bank-e2e-1");
    const reopened = await eventually(async () => {
      const s = await serviceOf(caseId);
      return s.state === "active" && s;
    }, "the partner's confirmation of the reopening");
    const elapsed = Date.now() - before;
    expect(reopened.blockers).toEqual([]);
    expect(reopened.lastCommand).toMatchObject({ target: "active", confirmedAt: expect.any(String) });
    expect(await inventory("bb-e2e-1")).toBe("active");
    expect((await ordersFor("bb-e2e-1")).map((o) => [o.target, o.state])).toEqual([
      ["inactive", "completed"],
      ["active", "completed"],
    ]);
    const sms = await json(await fetch(`${host.base}/api/dev/sms`, { headers: { accept: "application/json" } }));
    expect(JSON.stringify(sms.messages)).toMatch(/Bredbåndet ditt er åpnet igjen kl\. \d{2}:\d{2}/);
    // Well within the market promise of one minute (the simulator completes an order in 200 ms).
    expect(elapsed).toBeLessThan(60_000);
  });
});

describe("a credit note that clears the balance", () => {
  it("reopens the service too, and a manual block keeps it closed until customer service lifts it", async () => {
    const caseId = await registerBroadbandInvoice("E2E-BB-4", "bb-e2e-4");
    await advance("P30D");
    await advanceDaysUntil(host.base, suspended(caseId), "the suspension");
    const blocked = await api("POST", `/api/v1/cases/${caseId}/services/bb-e2e-4/block`, {
      reason: "Customer asked to keep the line closed while moving",
    });
    expect(blocked.status, await blocked.clone().text()).toBe(200);
    const credit = await api("POST", `/api/v1/cases/${caseId}/credit-notes`, {
      amount: { value: 59900, currency: "NOK" },
      reference: "CN-E2E-4",
      alsoWaive: ["fees", "interest"],
    });
    expect(credit.status, await credit.clone().text()).toBe(200);
    expect((await json(await api("GET", `/api/v1/cases/${caseId}`))).balance.total.value).toBe(0);
    const held = await serviceOf(caseId);
    expect(held).toMatchObject({ state: "suspended" });
    expect(held.blockers.map((b) => b.kind)).toEqual(["manual"]);
    const unblocked = await api("POST", `/api/v1/cases/${caseId}/services/bb-e2e-4/unblock`);
    expect(unblocked.status, await unblocked.clone().text()).toBe(200);
    await eventually(async () => (await serviceOf(caseId)).state === "active", "the reopening");
    expect(await inventory("bb-e2e-4")).toBe("active");
  });
});

describe("a dispute before the suspension day", () => {
  it("holds the suspension until the dispute is resolved, then it goes ahead on an allowed day", async () => {
    const caseId = await registerBroadbandInvoice("E2E-BB-5", "bb-e2e-5");
    await advance("P20D");
    const disputed = await api("POST", `/api/v1/cases/${caseId}/dispute`, {
      reason: "The line did not work in October",
    });
    expect(disputed.status, await disputed.clone().text()).toBe(200);
    await advance("P20D");
    expect(await serviceOf(caseId)).toMatchObject({ state: "active", lastCommand: null });
    expect(await ordersFor("bb-e2e-5")).toEqual([]);
    const resolved = await api("POST", `/api/v1/cases/${caseId}/dispute/resolve`, { outcome: "claim-upheld" });
    expect(resolved.status, await resolved.clone().text()).toBe(200);
    await advanceDaysUntil(host.base, suspended(caseId), "the suspension after the dispute");
    const view = await json(await api("GET", `/api/v1/cases/${caseId}`));
    const suspension = view.timeline.find((e: { step?: string }) => e.step === "suspension");
    expect([1, 2, 3, 4]).toContain(new Date(`${suspension.details.on as string}T12:00:00Z`).getUTCDay());
    expect(await inventory("bb-e2e-5")).toBe("inactive");
  });
});

describe("the partner down while a reopen is due", () => {
  it("escalates the reopen after 60 s, then reopens in order once the partner is back", async () => {
    const caseId = await registerBroadbandInvoice("E2E-BB-2", "bb-e2e-2");
    await advance("P30D");
    await advanceDaysUntil(host.base, suspended(caseId), "the suspension");
    await setMode("down");
    await payAll(caseId, "bank-e2e-2");
    await eventually(async () => (await serviceOf(caseId)).state === "reopening", "the reopen order");
    expect(await inventory("bb-e2e-2")).toBe("inactive");
    await advance("PT75S");
    const escalated = await eventually(async () => {
      const s = await serviceOf(caseId);
      return s.state === "escalated" && s;
    }, "the escalation");
    const overdue = await json(
      await fetch(`${host.base}/api/v1/ops/service-commands?state=overdue`, { headers: { "x-api-key": OPERATOR_KEY } }),
    );
    expect(overdue.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ caseId, commandId: escalated.lastCommand!.commandId, state: "escalated" }),
      ]),
    );
    await setMode("up");
    await advance("PT5M"); // the command's backoff ends; the partner takes it
    await eventually(async () => (await serviceOf(caseId)).state === "active", "the reopening after recovery");
    expect(await inventory("bb-e2e-2")).toBe("active");
    expect((await ordersFor("bb-e2e-2")).map((o) => o.target)).toEqual(["inactive", "active"]);
  });
});

describe("a restart of the dev host while a reopen command waits for the partner", () => {
  it("loses nothing: after the restart the command goes through and the service is open", async () => {
    const caseId = await registerBroadbandInvoice("E2E-BB-3", "bb-e2e-3");
    await advance("P30D");
    await advanceDaysUntil(host.base, suspended(caseId), "the suspension");
    await setMode("down");
    await payAll(caseId, "bank-e2e-3");
    await eventually(async () => (await serviceOf(caseId)).state === "reopening", "the reopen order");
    // The first attempt failed and its retry waits on the queue (a delayed message) when the host goes down.
    await eventually(async () => ((await serviceOf(caseId)).lastCommand?.sentAt ?? null) !== null, "the first attempt");
    expect(await host.stop()).toBe(0);
    host = await startDevHost(dataDir);
    await advance("PT5M");
    const reopened = await eventually(async () => {
      const s = await serviceOf(caseId);
      return s.state === "active" && s;
    }, "the reopening after the restart");
    expect(reopened.lastCommand).toMatchObject({ target: "active", confirmedAt: expect.any(String) });
    expect(await inventory("bb-e2e-3")).toBe("active");
  });
});
