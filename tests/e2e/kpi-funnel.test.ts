/**
 * The KPI funnel end to end through `npm start`'s dev host (issue 16): a fresh creditor hands over N invoices (each a
 * different debtor), the dev host's virtual clock moves past the Let's pay SMS, M of the SMS's pay links are opened
 * (one of them twice), K cases are paid — and the dashboard a service agent opens shows exactly N sent, M opened and
 * K paid, read from the KPI buckets the `kpis` subscription of `case-events` filled.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays, toLocalDate } from "../../shared/domain/calendar";
import { LOCAL_SETTINGS, signInStaff, testStaff } from "../support/portal-http";
import { advanceClock, clockNow } from "../support/devhost-clock";
import { eventually } from "../support/eventually";
import { makeDataDir, startDevHost, type DevHostProcess } from "../support/devhost-process";
import { json } from "../support/http";
import { MiniBrowser } from "../support/min-side-browser";

const OPERATOR_KEY = LOCAL_SETTINGS.OPERATOR_API_KEY!;
const AGENT = testStaff("test-staff-agent");

const N = 5;
const M = 3;
const K = 2;

let host: DevHostProcess;
let apiKey: string;
let tenantId: string;
const caseIds: string[] = [];

async function api(method: string, route: string, body?: unknown, key = apiKey): Promise<Response> {
  return fetch(`${host.base}${route}`, {
    method,
    headers: { "x-api-key": key, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** The number in the dashboard cell `data-kpi="{key}"`. */
function kpi(html: string, key: string): number | undefined {
  const match = new RegExp(`data-kpi="${key.replace(/[.*+?^${}()|[\]\\]/gu, "\\$&")}">([^<]*)<`, "u").exec(html);
  return match ? Number(match[1]!.replace(/[\s\u00a0\u202f]/gu, "")) : undefined;
}

beforeAll(async () => {
  host = await startDevHost(makeDataDir("kpi-funnel-"));
}, 120_000);

afterAll(async () => {
  await host?.stop();
});

describe("the KPI funnel after a scripted run, through the dev host", () => {
  it(`registers ${String(N)} invoices at a new creditor and sends each debtor its Let's pay SMS`, async () => {
    const tenant = await api(
      "POST",
      "/api/v1/tenants",
      { name: "Funnel Fiber AS", senderName: "Funnel", orgNumber: "974760673", country: "NO" },
      OPERATOR_KEY,
    );
    expect(tenant.status, await tenant.clone().text()).toBe(201);
    const created = await json(tenant);
    apiKey = created.apiKey;
    tenantId = created.tenantId;
    const today = toLocalDate(await clockNow(host.base), "Europe/Oslo");
    for (let i = 1; i <= N; i++) {
      const res = await api("POST", "/api/v1/invoices", {
        invoiceNumber: `KPI-${String(i)}`,
        customer: {
          customerId: `kpi-cust-${String(i)}`,
          name: `Kunde ${String(i)}`,
          phone: `+479123450${String(i)}`,
          address: { lines: ["Storgata 1"], postalCode: "0155", city: "Oslo", country: "NO" },
          consent: { sms: true, email: false },
        },
        amount: { value: 100_000 + i, currency: "NOK" },
        issueDate: addDays(today, -11),
        dueDate: addDays(today, 3),
      });
      expect(res.status, await res.clone().text()).toBe(201);
      caseIds.push((await json(res)).caseId);
    }
    await advanceClock(host.base, "P10D");
    await eventually(async () => {
      const o = await json(await fetch(`${host.base}/api/dev/sms`, { headers: { accept: "application/json" } }));
      return (o.messages as Array<{ message: string }>).filter((m) => m.message.includes("Funnel")).length >= N;
    }, "the Let's pay SMS to every debtor");
  });

  it(`opens ${String(M)} of the pay links (one twice) and pays ${String(K)} cases`, async () => {
    const o = await json(await fetch(`${host.base}/api/dev/sms`, { headers: { accept: "application/json" } }));
    const links = (o.messages as Array<{ message: string }>)
      .filter((m) => m.message.includes("Funnel"))
      .map((m) => /https?:\/\/[^\s]+\/p\/[A-Za-z0-9_-]+/u.exec(m.message)?.[0])
      .filter((l): l is string => l !== undefined);
    expect(links).toHaveLength(N);
    for (const link of links.slice(0, M)) {
      const page = await fetch(new URL(new URL(link).pathname, host.base));
      expect(page.status).toBe(200);
    }
    expect((await fetch(new URL(new URL(links[0]!).pathname, host.base))).status).toBe(200);
    for (const caseId of caseIds.slice(0, K)) {
      const view = await json(await api("GET", `/api/v1/cases/${caseId}`));
      const now = await clockNow(host.base);
      const res = await api("POST", `/api/v1/cases/${caseId}/payments`, {
        amount: view.balance.total,
        paidAt: toLocalDate(now, "Europe/Oslo"),
        reference: `kpi-pay-${caseId}`,
      });
      expect(res.status, await res.clone().text()).toBe(200);
    }
  });

  it(`shows exactly ${String(N)} sent, ${String(M)} opened and ${String(K)} paid on the dashboard`, async () => {
    const agent = new MiniBrowser();
    await signInStaff(agent, host.base, AGENT.sub);
    const page = await eventually(async () => {
      const p = await agent.go(`${host.base}/portal/${tenantId}/nokkeltall`);
      return (
        p.status === 200 &&
        kpi(p.body, "lets-pay-sms:sent") === N &&
        kpi(p.body, "lets-pay-sms:opened") === M &&
        kpi(p.body, "lets-pay-sms:paid7") === K &&
        p
      );
    }, "the dashboard to show the run");
    expect(page.headers.get("content-security-policy")).not.toContain("unsafe-inline");
    expect(page.body).toContain("Nøkkeltall: Funnel Fiber AS");
    expect(kpi(page.body, "lets-pay-sms:sent")).toBe(N);
    expect(kpi(page.body, "lets-pay-sms:opened")).toBe(M);
    expect(kpi(page.body, "lets-pay-sms:paid1")).toBe(K);
    expect(kpi(page.body, "lets-pay-sms:paid7")).toBe(K);
    expect(kpi(page.body, "lets-pay-sms:paid30")).toBe(K);
    expect(kpi(page.body, "cases-paid")).toBe(K);
    // click rate M/N, payment rate K/N, every paid case paid before collection
    expect(page.body).toContain(`data-kpi="click-rate">${((M / N) * 100).toFixed(1).replace(".", ",")} %<`);
    expect(page.body).toContain(`data-kpi="payment-rate">${((K / N) * 100).toFixed(1).replace(".", ",")} %<`);
    expect(page.body).toContain('data-kpi="resolution-rate">100,0 %<');
    // the SMS delivery reports come back from the SMS stand-in: every message delivered
    const delivered = await eventually(async () => {
      const p = await agent.go(`${host.base}/portal/${tenantId}/nokkeltall`);
      return kpi(p.body, "lets-pay-sms:delivered") === N && p;
    }, "the delivery reports");
    expect(kpi(delivered.body, "lets-pay-sms:delivered")).toBe(N);
    const english = await agent.go(`${host.base}/portal/${tenantId}/nokkeltall?lang=en&periode=7`);
    expect(english.body).toContain("Key figures: Funnel Fiber AS");
    expect(kpi(english.body, "lets-pay-sms:sent")).toBe(N);
  });

  it("answers a creditor viewer of another creditor with the same 404 as a missing tenant", async () => {
    const viewer = new MiniBrowser();
    await signInStaff(viewer, host.base, "test-staff-viewer");
    const other = await viewer.go(`${host.base}/portal/${tenantId}/nokkeltall`);
    const missing = await viewer.go(`${host.base}/portal/t_no_such_tenant/nokkeltall`);
    expect(other.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(other.body).not.toContain("Funnel Fiber");
  });
});
