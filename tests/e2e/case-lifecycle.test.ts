/**
 * The case lifecycle end to end, through `npm start`'s dev host on its virtual clock: a creditor is onboarded, an
 * invoice due in 3 days is handed over, the Let's pay SMS goes out a week after the due date, the reminder (with the
 * lawful fee) a week later, a direct payment of the whole balance closes the case — and nothing is sent after that.
 * The creditor's webhook receives every event with a valid Standard Webhooks signature.
 *
 * The dev host's clock starts at a fixed instant (`CLOCK_START`, a Monday morning in Oslo), so the steps fall on the
 * same working days whatever day the test runs.
 */
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { instanceIdFor } from "../../functions/cases/names";
import { addDays, toLocalDate } from "../../shared/domain/calendar";
import { mayChargeFee } from "../../shared/domain/fees";
import { ruleSetFor } from "../../shared/domain/rules";
import { makeDataDir, ROOT, startDevHost, type DevHostProcess } from "../support/devhost-process";
import { json } from "../support/http";

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

const settings = JSON.parse(fs.readFileSync(path.join(ROOT, "local.settings.example.json"), "utf8")) as {
  Values: Record<string, string>;
};
const OPERATOR_KEY = settings.Values.OPERATOR_API_KEY!;

let host: DevHostProcess;
let receiver: http.Server;
let receiverUrl: string;
const received: Received[] = [];
let apiKey: string;
let webhookSecret: string;
let caseId: string;
let tenantName: string;
let dueDate: string;

async function api(method: string, route: string, body?: unknown, key = apiKey): Promise<Response> {
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

async function outbox(): Promise<{ count: number; messages: Array<Record<string, unknown>> }> {
  return json(await fetch(`${host.base}/api/dev/sms`, { headers: { accept: "application/json" } }));
}

async function documents(): Promise<Array<{ documentId: string; kind: string; contentType: string }>> {
  const res = await api("GET", `/api/v1/cases/${caseId}/documents`);
  expect(res.status).toBe(200);
  return (await json(res)).items;
}

/** Waits until `check` holds (deliveries and orchestration steps settle asynchronously after an advance). */
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
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  host = await startDevHost(makeDataDir("case-lifecycle-"));
}, 120_000);

afterAll(async () => {
  await host?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
});

describe("a case from hand-over to paid, through the dev host", () => {
  it("serves the partner API's OpenAPI document", async () => {
    const res = await fetch(`${host.base}/api/openapi.json`);
    expect(res.status).toBe(200);
    const document = await json(res);
    expect(document.openapi).toBe("3.1.0");
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(["/v1/invoices", "/v1/cases/{caseId}", "/v1/webhooks"]),
    );
  });

  it("onboards a creditor with the operator key and registers its webhook", async () => {
    tenantName = "Fjordnett AS";
    const tenant = await api(
      "POST",
      "/api/v1/tenants",
      { name: tenantName, senderName: "Fjordnett", orgNumber: "974760673", country: "NO" },
      OPERATOR_KEY,
    );
    expect(tenant.status, await tenant.clone().text()).toBe(201);
    apiKey = (await json(tenant)).apiKey;
    const hook = await api("POST", "/api/v1/webhooks", {
      url: receiverUrl,
      events: [
        "case.created",
        "case.step_executed",
        "payment.received",
        "case.paid",
        "case.closed",
        "case.status_changed",
      ],
    });
    expect(hook.status, await hook.clone().text()).toBe(201);
    webhookSecret = (await json(hook)).secret;
  });

  it("takes an invoice due in 3 days: 201 with case id, KID and pay link", async () => {
    const now = new Date((await json(await fetch(`${host.base}/api/dev/clock`))).now);
    const today = toLocalDate(now, "Europe/Oslo");
    const res = await api("POST", "/api/v1/invoices", {
      invoiceNumber: "E2E-1",
      customer: {
        customerId: "cust-1",
        name: "Kari Nordmann",
        phone: "+4791234567",
        address: { lines: ["Storgata 1"], postalCode: "0155", city: "Oslo", country: "NO" },
        consent: { sms: true, email: false },
      },
      amount: { value: 129900, currency: "NOK" },
      issueDate: addDays(today, -11),
      dueDate: (dueDate = addDays(today, 3)),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const body = await json(res);
    expect(body).toMatchObject({
      status: "open",
      kid: expect.stringMatching(/^\d+$/),
      payLink: expect.stringContaining("/p/"),
    });
    caseId = body.caseId;
  });

  it("10 days later exactly one SMS went out, naming the creditor, with a pay link", async () => {
    await advance("P10D");
    const sms = await eventually(async () => {
      const o = await outbox();
      return o.count >= 1 && o;
    }, "the Let's pay SMS");
    expect(sms.count).toBe(1);
    const text = JSON.stringify(sms.messages[0]);
    expect(text).toMatch(/Fjordnett/);
    expect(text).toMatch(/\/p\/[A-Za-z0-9_-]{22,}/);
  });

  it("at reminder time a reminder PDF is listed under documents, and no fee while the letter is with the print house", async () => {
    await advance("P7D");
    const letters = await eventually(async () => {
      const docs = await documents();
      return docs.some((d) => d.kind === "reminder") && docs;
    }, "the reminder letter");
    const reminder = letters.find((d) => d.kind === "reminder")!;
    expect(reminder.contentType).toBe("application/pdf");
    const pdf = await api("GET", `/api/v1/cases/${caseId}/documents/${reminder.documentId}`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe("%PDF-");
    const view = await json(await api("GET", `/api/v1/cases/${caseId}`));
    expect(view.stage).toBe("reminder");
    const step = view.timeline.find(
      (e: { kind: string; step?: string }) => e.kind === "step-executed" && e.step === "reminder",
    );
    expect(step).toMatchObject({ legalBasis: expect.any(String) });
    const delivery = (view.deliveries as Array<{ kind: string; channel: string; state: string }>).find(
      (d) => d.kind === "reminder",
    );
    // No postal address is e-mail-consented here: the letter goes by post and counts only once it is posted.
    if (delivery?.state !== "delivered") {
      expect(delivery).toMatchObject({ channel: "print" });
      expect(view.balance.fees.value).toBe(0);
    }
  });

  it("once the print house has posted the reminder, the lawful fee of the posting day is on the balance", async () => {
    let view: { balance: { fees: unknown }; deliveries: Array<{ kind: string; state: string; status?: string }> };
    for (let day = 0; ; day++) {
      view = await json(await api("GET", `/api/v1/cases/${caseId}`));
      if (view.deliveries.find((d) => d.kind === "reminder")?.state === "delivered") break;
      expect(day, "the print house posts within two business days of the batch").toBeLessThan(6);
      await advance("P1D");
    }
    expect(view.deliveries.find((d) => d.kind === "reminder")).toMatchObject({ channel: "print", status: "Posted" });
    const full = await json(await api("GET", `/api/v1/cases/${caseId}`));
    const sent = full.timeline.find(
      (e: { step?: string; details?: { state?: string } }) => e.step === "reminder" && e.details?.state === "sent",
    );
    const sentOn = sent.details.on as string;
    // The lawful reminder fee on the day it was posted (Norway: a fraction of the inkassosats in force that day).
    const lawful = mayChargeFee(
      { dueDate, letters: [], disputed: false },
      "reminder",
      sentOn,
      ruleSetFor("NO", sentOn),
    );
    expect(lawful.allowed).toBe(true);
    expect(view.balance.fees).toEqual(lawful.allowed ? lawful.amount : undefined);
  });

  it("a direct payment of the whole balance makes the case paid and completes its orchestration", async () => {
    const view = await json(await api("GET", `/api/v1/cases/${caseId}`));
    const now = new Date((await json(await fetch(`${host.base}/api/dev/clock`))).now);
    const res = await api("POST", `/api/v1/cases/${caseId}/payments`, {
      amount: view.balance.total,
      paidAt: toLocalDate(now, "Europe/Oslo"),
      reference: "bank-2026-1",
    });
    expect(res.status).toBe(200);
    const paid = await json(res);
    expect(paid.status).toBe("paid");
    expect(paid.balance.total.value).toBe(0);
    await eventually(async () => {
      const status = await fetch(`${host.base}/runtime/webhooks/durabletask/instances/${instanceIdFor(caseId)}`);
      return status.ok && (await json(status)).runtimeStatus === "Completed";
    }, "the orchestration to complete");
  });

  it("sends no further SMS or letter, even 60 days later", async () => {
    // (The reminder itself may have been announced by an SMS alert with a link: the debtor consented to SMS.)
    const smsBefore = (await outbox()).count;
    const lettersBefore = (await documents()).length;
    await advance("P60D");
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await outbox()).count).toBe(smsBefore);
    expect((await documents()).length).toBe(lettersBefore);
    expect((await json(await api("GET", `/api/v1/cases/${caseId}`))).status).toBe("paid");
  });

  it("delivered the case's webhooks with valid signatures", async () => {
    const types = await eventually(async () => {
      const seen = new Set(received.map((r) => (JSON.parse(r.body) as { type: string }).type));
      return ["case.created", "case.step_executed", "payment.received", "case.paid"].every((t) => seen.has(t)) && seen;
    }, "the webhooks");
    expect([...types]).toEqual(
      expect.arrayContaining(["case.created", "case.step_executed", "payment.received", "case.paid"]),
    );
    const wh = new Webhook(webhookSecret);
    for (const r of received) {
      const headers = {
        "webhook-id": String(r.headers["webhook-id"]),
        "webhook-timestamp": String(r.headers["webhook-timestamp"]),
        "webhook-signature": String(r.headers["webhook-signature"]),
      };
      expect(() => wh.verify(r.body, headers)).not.toThrow();
    }
  });
});
