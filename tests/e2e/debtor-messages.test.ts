/**
 * The debtor's messages end to end through the dev host (issue 20): three invoices of one debtor, handed over weeks
 * after their due dates, produce ONE SMS — naming the three invoices, with the one pay link that covers them all —
 * not a Let's pay message, a reminder alert and a fee for each; the next morning nothing more; each case's timeline
 * says which step was skipped and why. Another creditor's invoice to the same phone gets its own SMS.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays, atLocalTime, toLocalDate } from "../../shared/domain/calendar";
import { makeDataDir, ROOT, startDevHost, type DevHostProcess } from "../support/devhost-process";
import { json } from "../support/http";

const settings = JSON.parse(fs.readFileSync(path.join(ROOT, "local.settings.example.json"), "utf8")) as {
  Values: Record<string, string>;
};
const OPERATOR_KEY = settings.Values.OPERATOR_API_KEY!;
const PHONE = "+4791234567";

let host: DevHostProcess;

async function api(method: string, route: string, key: string, body?: unknown): Promise<Response> {
  return fetch(`${host.base}${route}`, {
    method,
    headers: { "x-api-key": key, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function tenant(name: string, senderName: string, orgNumber: string): Promise<string> {
  const res = await api("POST", "/api/v1/tenants", OPERATOR_KEY, { name, senderName, orgNumber, country: "NO" });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await json(res)).apiKey as string;
}

async function invoice(key: string, invoiceNumber: string, value: number, issueDate: string, dueDate: string) {
  const res = await api("POST", "/api/v1/invoices", key, {
    invoiceNumber,
    customer: {
      customerId: "cust-77",
      name: "Kari Nordmann",
      phone: PHONE,
      address: { lines: ["Storgata 1"], postalCode: "0155", city: "Oslo", country: "NO" },
      consent: { sms: true, email: false },
    },
    amount: { value, currency: "NOK" },
    issueDate,
    dueDate,
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await json(res)).caseId as string;
}

interface OutboxMessage {
  to: string;
  from: string;
  message: string;
}

interface TimelineEntry {
  kind: string;
  step?: string;
  title: string;
  details?: Record<string, unknown>;
}

async function caseView(id: string): Promise<{ stage: string; timeline: TimelineEntry[] }> {
  const res = await api("GET", `/api/v1/cases/${id}`, fjordnett);
  expect(res.status).toBe(200);
  return json(res);
}

async function outbox(): Promise<OutboxMessage[]> {
  const o = await json(await fetch(`${host.base}/api/dev/sms`, { headers: { accept: "application/json" } }));
  return o.messages as OutboxMessage[];
}

async function eventually<T>(check: () => Promise<T | undefined | false>, what: string, ms = 30_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function advance(duration: string): Promise<void> {
  const res = await fetch(`${host.base}/api/dev/clock`, {
    method: "POST",
    body: JSON.stringify({ advance: duration }),
  });
  expect(res.status).toBe(200);
}

let caseIds: string[] = [];
let fjordnett: string;
let sent: OutboxMessage[] = [];

beforeAll(async () => {
  host = await startDevHost(makeDataDir("debtor-messages-"));
}, 120_000);

afterAll(async () => {
  await host?.stop();
});

async function clockNow(): Promise<Date> {
  return new Date((await json(await fetch(`${host.base}/api/dev/clock`))).now as string);
}

describe("one message per debtor at a time, through the dev host", () => {
  it("sends three invoices handed over 21–23 days after their due dates as one SMS naming them, with one link", async () => {
    // hand them over in the evening, after contact hours, so every case's first message falls due at 08:00 next
    // morning — the burst of issue 20 (seven SMS in 0.4 s) came from exactly this
    const start = await clockNow();
    const today = toLocalDate(start, "Europe/Oslo");
    const evening = atLocalTime(today, "22:00", "Europe/Oslo").getTime() - start.getTime();
    expect(evening).toBeGreaterThan(0);
    await advance(`PT${Math.round(evening / 1000)}S`);
    fjordnett = await tenant("Fjordnett AS", "Fjordnett", "974760673");
    caseIds = [
      await invoice(fjordnett, "1001", 59900, addDays(today, -35), addDays(today, -21)),
      await invoice(fjordnett, "1002", 125000, addDays(today, -36), addDays(today, -22)),
      await invoice(fjordnett, "1003", 60100, addDays(today, -37), addDays(today, -23)),
    ];
    expect(await outbox()).toHaveLength(0);
    await advance("PT12H"); // to 10:00 the next morning
    await eventually(async () => (await outbox()).length >= 1, "the debtor's SMS");
    // every case acted: each has its step on the timeline
    for (const id of caseIds) await eventually(async () => (await caseView(id)).stage === "reminder", `case ${id}`);
    sent = await outbox();
    expect(sent).toHaveLength(1);
    const text = sent[0]!.message;
    expect(text).toMatch(/^Fjordnett AS: 3 fakturaer på til sammen .* er forfalt \(1001, 1002, 1003\)\./u);
    expect(text).toMatch(/Du har fått brev: purring om 1001, purring om 1002, purring om 1003\./u);
    const links = text.match(/https?:\/\/\S+\/p\/[A-Za-z0-9_-]{22,}/gu) ?? [];
    expect(links).toHaveLength(1);
    // the one link's page lists all three invoices
    const page = await (await fetch(links[0]!)).text();
    for (const n of ["1001", "1002", "1003"]) expect(page).toContain(n);
  });

  it("sends each letter with at most one fee and shows the skipped Let's pay SMS on each timeline with the reason", async () => {
    for (const id of caseIds) {
      const view = await caseView(id);
      const executed = view.timeline.filter((t) => t.kind === "step-executed");
      expect(executed.map((t) => t.step)).toEqual(["reminder"]);
      expect(executed.filter((t) => t.details?.["fee"] !== null)).toHaveLength(1);
      const skipped = view.timeline.filter((t) => t.kind === "step-skipped");
      expect(skipped).toHaveLength(1);
      expect(skipped[0]).toMatchObject({ step: "lets-pay-sms" });
      expect(skipped[0]!.title).toMatch(/^Let's pay SMS \(step 1\) skipped: its day \(.*\) had passed/u);
    }
  });

  it("sends nothing more the next day, and another creditor's invoice to the same phone gets its own SMS", async () => {
    const today = toLocalDate(await clockNow(), "Europe/Oslo");
    const other = await tenant("Nordlys Kraft AS", "Nordlys", "923609016");
    await invoice(other, "N-1", 45000, addDays(today, -25), addDays(today, -11));
    await eventually(async () => (await outbox()).length >= 2, "the other creditor's SMS");
    await advance("P1D");
    await new Promise((r) => setTimeout(r, 2_000));
    const all = await outbox();
    expect(all).toHaveLength(2);
    expect(all.map((m) => m.message.split(":")[0]).sort()).toEqual(["Fjordnett AS", "Nordlys Kraft AS"]);
    expect(all.every((m) => m.to === PHONE)).toBe(true);
  });
});
