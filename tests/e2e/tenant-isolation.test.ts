/**
 * Tenant isolation, every route: through `npm start`'s dev host, another creditor's key is tried on EVERY partner API
 * route the app registers (read from the dev host's function list, so a new route is covered without touching this
 * test), with the first creditor's case, customer and webhook ids in the path and an empty body. No answer may be a
 * success on the first creditor's resources, none may be a 5xx, none may carry the first creditor's data — and the
 * first creditor's case and webhook are unchanged afterwards.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeDataDir, ROOT, startDevHost, type DevHostProcess } from "../support/devhost-process";
import { json } from "../support/http";

const settings = JSON.parse(fs.readFileSync(path.join(ROOT, "local.settings.example.json"), "utf8")) as {
  Values: Record<string, string>;
};
const KEY_A = settings.Values.DEVHOST_DEMO_API_KEY!;
const OPERATOR_KEY = settings.Values.OPERATOR_API_KEY!;
const INVOICE_A = "ISO-A-4711";
const NAME_A = "Tenant-A Person";

/**
 * Bodies the owner's key would get a success with, so that these routes are refused for the OTHER creditor by the
 * tenant check, not by validation (the rest get an empty body: refused either way, and still checked for leaks).
 */
const VALID_BODIES: Record<string, unknown> = {
  "POST api/v1/cases/{caseId}/payments": {
    amount: { value: 100, currency: "NOK" },
    paidAt: new Date().toISOString().slice(0, 10),
    reference: "iso-b-1",
  },
  "POST api/v1/cases/{caseId}/credit-notes": { amount: { value: 100, currency: "NOK" }, reference: "cn-iso-b" },
  "PATCH api/v1/cases/{caseId}/customer": { email: "other@example.no" },
  "PATCH api/v1/customers/{customerId}": { email: "other@example.no" },
  "POST api/v1/cases/{caseId}/dispute": { reason: "Another creditor tries" },
  "POST api/v1/cases/{caseId}/services/{serviceId}/block": { reason: "Another creditor tries" },
};

let host: DevHostProcess;
let keyB: string;
let caseA: string;
let webhookA: string;

async function call(method: string, route: string, key: string, body?: unknown): Promise<Response> {
  return fetch(`${host.base}/${route}`, {
    method,
    headers: { "x-api-key": key, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

beforeAll(async () => {
  host = await startDevHost(makeDataDir("tenant-isolation-"));
  const tenant = await call("POST", "api/v1/tenants", OPERATOR_KEY, {
    name: "Other Creditor AS",
    senderName: "Other",
    orgNumber: "974760673",
    country: "NO",
  });
  expect(tenant.status, await tenant.clone().text()).toBe(201);
  keyB = (await json(tenant)).apiKey as string;
  const today = new Date().toISOString().slice(0, 10);
  const invoice = await call("POST", "api/v1/invoices", KEY_A, {
    invoiceNumber: INVOICE_A,
    customer: {
      customerId: "cust-iso-a",
      name: NAME_A,
      phone: "+4791234567",
      address: { lines: ["Storgata 1"], postalCode: "0155", city: "Oslo", country: "NO" },
      consent: { sms: false, email: false },
    },
    amount: { value: 50000, currency: "NOK" },
    issueDate: today,
    dueDate: today,
    services: [{ serviceId: "svc-iso-a", kind: "broadband" }],
  });
  expect(invoice.status, await invoice.clone().text()).toBe(201);
  caseA = (await json(invoice)).caseId as string;
  const hook = await call("POST", "api/v1/webhooks", KEY_A, { url: "http://127.0.0.1:9/hook", events: ["case.paid"] });
  expect(hook.status, await hook.clone().text()).toBe(201);
  webhookA = (await json(hook)).id as string;
}, 120_000);

afterAll(async () => {
  await host?.stop();
});

describe("another creditor's key on every partner API route", () => {
  it("never succeeds on the first creditor's resources, never fails with 5xx, never shows their data", async () => {
    const functions = await json<
      Array<{ name: string; trigger: string; bindings: Array<{ type: string; route?: string; methods?: string[] }> }>
    >(await fetch(`${host.base}/api/dev/functions`));
    const routes = functions
      .filter((f) => f.trigger === "httpTrigger")
      .flatMap((f) => {
        const trigger = f.bindings.find((b) => b.type === "httpTrigger");
        return (trigger?.methods ?? ["GET"]).map((method) => ({ name: f.name, method, route: trigger?.route ?? "" }));
      })
      // The creditor API; operators' routes answer only the operator key (tested on their own).
      .filter(
        (r) => r.route.startsWith("api/v1/") && !r.route.startsWith("api/v1/ops/") && r.route !== "api/v1/tenants",
      );
    expect(routes.length).toBeGreaterThan(15);

    const ids: Record<string, string> = {
      caseId: caseA,
      customerId: "cust-iso-a",
      webhookId: webhookA,
      serviceId: "svc-iso-a",
      documentId: "step-1-reminder",
    };
    const findings: string[] = [];
    for (const r of routes) {
      const params = [...r.route.matchAll(/\{(\w+)(?::[^}]*)?\}/gu)].map((m) => m[1]!);
      const url = r.route.replace(/\{(\w+)(?::[^}]*)?\}/gu, (_, name: string) => ids[name] ?? "x");
      const body =
        r.method === "GET" || r.method === "DELETE" ? undefined : (VALID_BODIES[`${r.method} ${r.route}`] ?? {});
      const res = await call(r.method, url, keyB, body);
      const text = await res.text();
      const touchesA = params.some((p) => p in ids);
      if (res.status >= 500) findings.push(`${r.method} ${r.route}: ${res.status}`);
      if (touchesA && res.status >= 200 && res.status < 300) findings.push(`${r.method} ${r.route}: ${res.status}`);
      if (text.includes(INVOICE_A) || text.includes(NAME_A) || (text.includes(webhookA) && !url.includes(webhookA)))
        findings.push(`${r.method} ${r.route}: shows the other creditor's data`);
    }
    expect(findings).toEqual([]);

    // The first creditor's case and webhook are as they were.
    const view = await json(await call("GET", `api/v1/cases/${caseA}`, KEY_A));
    expect(view).toMatchObject({ invoiceNumber: INVOICE_A, status: "open" });
    expect(view.balance.principal.value).toBe(50000);
    const hooks = await json(await call("GET", "api/v1/webhooks", KEY_A));
    expect(hooks.items.map((h: { id: string }) => h.id)).toEqual([webhookA]);
  });
});
