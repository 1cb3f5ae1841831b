/**
 * Nothing lost when publishing fails after the store write, through `npm start`'s dev host: the Service Bus topic
 * `case-events` refuses every send (the stand-in's outage switch, answered `com.microsoft:server-busy` as the service
 * does), an invoice is handed over and paid in full, and the API answers both as usual. The creditor's webhook hears
 * nothing while the topic is down — and once it is back, the outbox sweep (a timer, every minute) delivers each event
 * exactly once: `case.created`, `payment.received`, `case.paid`, counted at the receiver, also after further sweeps
 * and the client's retried payment request.
 */
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays } from "../../shared/domain/calendar";
import { advanceClock } from "../support/devhost-clock";
import { makeDataDir, ROOT, startDevHost, type DevHostProcess } from "../support/devhost-process";
import { json } from "../support/http";

const settings = JSON.parse(fs.readFileSync(path.join(ROOT, "local.settings.example.json"), "utf8")) as {
  Values: Record<string, string>;
};
const OPERATOR_KEY = settings.Values.OPERATOR_API_KEY!;

let host: DevHostProcess;
let receiver: http.Server;
let receiverUrl: string;
const received: Array<{ type: string; id: string }> = [];

async function api(method: string, route: string, key: string, body?: unknown): Promise<Response> {
  return fetch(`${host.base}${route}`, {
    method,
    headers: { "x-api-key": key, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function outage(entities: string[]): Promise<void> {
  const res = await fetch(`${host.base}/api/dev/service-bus/outage`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ entities }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

async function eventually<T>(check: () => T | undefined | false, what: string, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}; received ${JSON.stringify(received)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const countOf = (type: string) => received.filter((r) => r.type === type).length;

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      const event = JSON.parse(body) as { type: string };
      received.push({ type: event.type, id: String(req.headers["webhook-id"]) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  host = await startDevHost(makeDataDir("outbox-"));
}, 120_000);

afterAll(async () => {
  await host?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
});

describe("the transactional outbox through the dev host", () => {
  it("delivers every event once after the topic refused them at the time of the change", async () => {
    const tenant = await api("POST", "/api/v1/tenants", OPERATOR_KEY, {
      name: "Fjordnett AS",
      senderName: "Fjordnett",
      orgNumber: "974760673",
      country: "NO",
    });
    expect(tenant.status, await tenant.clone().text()).toBe(201);
    const apiKey = (await json(tenant)).apiKey as string;
    const hook = await api("POST", "/api/v1/webhooks", apiKey, {
      url: receiverUrl,
      events: ["case.created", "payment.received", "case.paid"],
    });
    expect(hook.status, await hook.clone().text()).toBe(201);

    await outage(["case-events"]);
    const now = (await json(await fetch(`${host.base}/api/dev/clock`))).now as string;
    const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Oslo" }).format(new Date(now));
    const created = await api("POST", "/api/v1/invoices", apiKey, {
      invoiceNumber: "OUTBOX-1",
      customer: { customerId: "cust-ob", name: "Per Hansen" },
      amount: { value: 45_000, currency: "NOK" },
      issueDate: addDays(today, -1),
      dueDate: addDays(today, 10),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const caseId = (await json(created)).caseId as string;

    const payment = { reference: "outbox-pay-1", amount: { value: 45_000, currency: "NOK" }, paidAt: today };
    const paid = await api("POST", `/api/v1/cases/${caseId}/payments`, apiKey, payment);
    expect(paid.status, await paid.clone().text()).toBeLessThan(300);
    const view = await json(await api("GET", `/api/v1/cases/${caseId}`, apiKey));
    expect(view.status).toBe("paid");

    // Nothing reached the creditor while the topic was down.
    await new Promise((r) => setTimeout(r, 1500));
    expect(received).toEqual([]);

    // The topic is back; the client, unsure, sends its payment again: it changes nothing and tells nothing.
    await outage([]);
    const again = await api("POST", `/api/v1/cases/${caseId}/payments`, apiKey, payment);
    expect(again.status, await again.clone().text()).toBeLessThan(300);
    await new Promise((r) => setTimeout(r, 1000));
    expect(received).toEqual([]);

    // The sweep runs every minute (second 30) and takes entries older than 20 s.
    await advanceClock(host.base, "PT1M");
    await eventually(() => countOf("case.paid") === 1 && countOf("case.created") === 1, "the outbox's events");
    await advanceClock(host.base, "PT2M");
    await new Promise((r) => setTimeout(r, 2000));
    expect(countOf("case.created")).toBe(1);
    expect(countOf("payment.received")).toBe(1);
    expect(countOf("case.paid")).toBe(1);
    expect(new Set(received.map((r) => r.id)).size).toBe(received.length);
  }, 120_000);
});
