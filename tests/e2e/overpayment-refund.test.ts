/**
 * An overpayment end to end through `npm start`'s dev host and its Vipps simulator: the debtor opens the pay link in
 * two tabs and pays in both. The case is paid by the first payment and holds the second as credit; the creditor sees
 * it on `GET /api/v1/overpayments`, refunds it (`POST /api/v1/cases/{caseId}/refunds`) and the simulator shows the
 * money refunded on the second payment — once, also when the request is sent again. A refund above the credit is 422.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays } from "../../shared/domain/calendar";
import { makeDataDir, ROOT, startDevHost, type DevHostProcess } from "../support/devhost-process";
import { json } from "../support/http";

const settings = JSON.parse(fs.readFileSync(path.join(ROOT, "local.settings.example.json"), "utf8")) as {
  Values: Record<string, string>;
};
const API_KEY = settings.Values.DEVHOST_DEMO_API_KEY!;

let host: DevHostProcess;

async function api(method: string, route: string, body?: unknown): Promise<Response> {
  return fetch(`${host.base}${route}`, {
    method,
    headers: { "x-api-key": API_KEY, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** One tab: the pay page's Vipps button, full amount; the reference from the redirect to the Vipps landing page. */
async function startVipps(payLink: string): Promise<string> {
  const res = await fetch(`${payLink}/pay`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "method=vipps&option=full",
    redirect: "manual",
  });
  await res.arrayBuffer();
  const reference = /\/landing\/([^/?#]+)/u.exec(res.headers.get("location") ?? "")?.[1];
  expect(res.status).toBe(303);
  return decodeURIComponent(reference!);
}

async function simulated(reference: string): Promise<{ captured: number; refunded: number }> {
  const view = await json(await fetch(`${host.base}/api/dev/vipps/payments/${encodeURIComponent(reference)}`));
  const aggregate = (view.aggregate ?? view.payment?.aggregate) as Record<string, { value: number }>;
  return { captured: aggregate.capturedAmount!.value, refunded: aggregate.refundedAmount!.value };
}

async function eventually<T>(check: () => Promise<T | undefined | false>, what: string, ms = 30_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  host = await startDevHost(makeDataDir("overpayment-"));
}, 120_000);

afterAll(async () => {
  await host?.stop();
});

describe("an overpayment, refunded through Vipps", () => {
  it("lists the case paid twice and refunds the second payment once", async () => {
    const now = (await json(await fetch(`${host.base}/api/dev/clock`))).now as string;
    const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Oslo" }).format(new Date(now));
    const created = await api("POST", "/api/v1/invoices", {
      invoiceNumber: "TWO-TABS-1",
      customer: { customerId: "two-tabs", name: "Kari Nordmann" },
      amount: { value: 39_900, currency: "NOK" },
      issueDate: addDays(today, -1),
      dueDate: addDays(today, 10),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const { caseId, payLink } = await json<{ caseId: string; payLink: string }>(created);

    const first = await startVipps(payLink);
    const second = await startVipps(payLink); // the other tab, before the first was approved
    for (const reference of [first, second]) {
      const approved = await fetch(`${host.base}/api/dev/vipps/payments/${encodeURIComponent(reference)}/approve`, {
        method: "POST",
      });
      expect(approved.status).toBe(200);
    }
    const overpaid = await eventually(async () => {
      const view = await json(await api("GET", `/api/v1/cases/${caseId}`));
      return view.balance.credit.value === 39_900 ? view : undefined;
    }, "both payments on the case");
    expect(overpaid.status).toBe("paid");
    expect(overpaid.overpayment).toEqual({ credit: { value: 39_900, currency: "NOK" }, kept: null, refunds: [] });

    const list = await json(await api("GET", "/api/v1/overpayments"));
    expect(list.items.map((o: { caseId: string }) => o.caseId)).toEqual([caseId]);
    const [newest] = list.items[0].refundable as Array<{ reference: string }>;

    const tooMuch = await api("POST", `/api/v1/cases/${caseId}/refunds`, {
      reference: "REFUND-1",
      amount: { value: 39_901, currency: "NOK" },
    });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.headers.get("content-type")).toContain("application/problem+json");
    expect((await json(tooMuch)).code).toBe("REFUND_EXCEEDS_CREDIT");

    for (let i = 0; i < 2; i++) {
      const refunded = await api("POST", `/api/v1/cases/${caseId}/refunds`, { reference: "REFUND-1" });
      expect(refunded.status, await refunded.clone().text()).toBe(200);
      const view = await json(refunded);
      expect(view.balance.credit.value).toBe(0);
      expect(view.overpayment.refunds).toEqual([
        { reference: "REFUND-1", amount: { value: 39_900, currency: "NOK" }, on: today, via: "provider" },
      ]);
    }
    const payments = await Promise.all([first, second].map(simulated));
    expect(payments.map((p) => p.captured)).toEqual([39_900, 39_900]);
    expect(payments.reduce((sum, p) => sum + p.refunded, 0)).toBe(39_900);
    expect((await simulated(newest!.reference)).refunded).toBe(39_900);
    expect((await json(await api("GET", "/api/v1/overpayments"))).items).toEqual([]);
  }, 120_000);
});
