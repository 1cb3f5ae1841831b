/**
 * An instalment plan chosen on Min side runs by itself (issue 15), through `npm start`'s dev host on its virtual clock
 * (starting Monday 2026-11-02, 10:00 in Oslo): a creditor hands over two invoices due in 3 days, one of Kari's and one
 * of Ola's (national id, phone, SMS consent); each signs in with the local BankID provider and picks the two-month plan
 * (first instalment 14 days later, 2026-11-16).
 *
 * - Kari does not pay: 3 days before the instalment (policy default) the reminder SMS names the creditor, the amount
 *   and the date, with a pay link whose page has the instalment chosen; once, whatever else happens. 7 days after its
 *   due date (the grace days) the plan ends by itself: `case.instalment_missed` reaches the creditor's webhook, she gets
 *   an SMS saying so, and the ladder resumes where it stood: the next letter (the reminder, purring) goes out.
 * - Ola pays the first instalment through the pay link and the Vipps simulator before the reminder day: he gets no
 *   reminder for it and no "missed", and no letter; Min side shows it paid and the next instalment.
 */
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_PERSONS } from "../../devhost/oidc/test-persons";
import { makeDataDir, ROOT, startDevHost, type DevHostProcess } from "../support/devhost-process";
import { json } from "../support/http";
import { inputValue, MiniBrowser, signInWithLocalBankId } from "../support/min-side-browser";

const settings = JSON.parse(fs.readFileSync(path.join(ROOT, "local.settings.example.json"), "utf8")) as {
  Values: Record<string, string>;
};
const OPERATOR_KEY = settings.Values.OPERATOR_API_KEY!;
const KARI = TEST_PERSONS[0]!;
const OLA = TEST_PERSONS[1]!;
const KARI_PHONE = "+4791234567";
const OLA_PHONE = "+4791234568";

let host: DevHostProcess;
let receiver: http.Server;
const hooks: Array<{ type: string; data: Record<string, unknown> }> = [];
let apiKey: string;
const cases: Record<"kari" | "ola", { caseId: string; claimPath: string; browser: MiniBrowser }> = {} as never;

interface Sms {
  to: string;
  text: string;
}

async function api(method: string, route: string, body?: unknown, key = apiKey): Promise<Response> {
  return fetch(`${host.base}${route}`, {
    method,
    headers: { "x-api-key": key, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function advanceTo(instant: string): Promise<void> {
  const res = await fetch(`${host.base}/api/dev/clock`, { method: "POST", body: JSON.stringify({ to: instant }) });
  expect(res.status, await res.clone().text()).toBe(200);
}

async function smsTo(phone: string): Promise<Sms[]> {
  const o = await json<{ messages: Array<Record<string, unknown>> }>(
    await fetch(`${host.base}/api/dev/sms`, { headers: { accept: "application/json" } }),
  );
  // The outbox lists the newest first: oldest first here.
  return o.messages
    .map((m) => ({ to: String(m.to), text: String(m.message), at: String(m.receivedAt) }))
    .filter((m) => m.to === phone)
    .sort((a, b) => a.at.localeCompare(b.at))
    .map(({ to, text }) => ({ to, text }));
}

async function eventually<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

interface CaseViewJson {
  stage: string;
  nextAction: { kind: string; at: string } | null;
  timeline: Array<{ kind: string; title: string }>;
}

async function caseView(caseId: string): Promise<CaseViewJson> {
  return json<CaseViewJson>(await api("GET", `/api/v1/cases/${caseId}`));
}

async function handOver(number: string, person: (typeof TEST_PERSONS)[number], phone: string): Promise<string> {
  const res = await api("POST", "/api/v1/invoices", {
    invoiceNumber: number,
    customer: {
      customerId: `cust-${person.sub}`,
      name: person.name,
      nationalId: person.nationalId,
      phone,
      address: { lines: ["Storgata 1"], postalCode: "0155", city: "Oslo", country: "NO" },
      consent: { sms: true, email: false },
    },
    amount: { value: 300_000, currency: "NOK" },
    issueDate: "2026-10-21",
    dueDate: "2026-11-05",
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await json(res)).caseId as string;
}

/** Signs the person in again (the clock moved past the session's idle time) and opens the claim page. */
async function claimPage(who: "kari" | "ola"): Promise<string> {
  const c = cases[who];
  await signInWithLocalBankId(c.browser, host.base, who === "kari" ? KARI.sub : OLA.sub);
  const page = await c.browser.go(`${host.base}${c.claimPath}`);
  expect(page.status).toBe(200);
  return page.body;
}

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      const event = JSON.parse(body) as { type: string; data: Record<string, unknown> };
      hooks.push(event);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  host = await startDevHost(makeDataDir("instalment-plan-"));
  const tenant = await api(
    "POST",
    "/api/v1/tenants",
    { name: "Fjordnett AS", senderName: "Fjordnett", orgNumber: "974760673", country: "NO" },
    OPERATOR_KEY,
  );
  expect(tenant.status, await tenant.clone().text()).toBe(201);
  apiKey = (await json(tenant)).apiKey;
  const hook = await api("POST", "/api/v1/webhooks", {
    url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`,
    events: ["case.instalment_missed", "case.step_executed"],
  });
  expect(hook.status, await hook.clone().text()).toBe(201);

  for (const [who, person, phone, number] of [
    ["kari", KARI, KARI_PHONE, "PLAN-1"],
    ["ola", OLA, OLA_PHONE, "PLAN-2"],
  ] as const) {
    const caseId = await handOver(number, person, phone);
    const browser = new MiniBrowser();
    const overview = await signInWithLocalBankId(browser, host.base, person.sub);
    const claimPath = /href="(\/min-side\/krav\/[^"?/]+\/[^"?/]+)"/u.exec(overview.body)![1]!;
    cases[who] = { caseId, claimPath, browser };
    const form = await browser.go(`${host.base}${claimPath}/nedbetaling`);
    expect(form.status).toBe(200);
    const done = await browser.request(`${host.base}${claimPath}/nedbetaling`, {
      form: { csrf: inputValue(form.body, "csrf")!, months: "2" },
    });
    expect(done.status, done.body).toBe(303);
  }
}, 180_000);

afterAll(async () => {
  await host?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
});

describe("an instalment plan runs by itself, through the dev host", () => {
  it("shows the plan on Min side: each instalment with its date, amount and state, and a button for the next one", async () => {
    const page = await claimPage("kari");
    expect(page).toContain("Nedbetalingsplan");
    expect(page).toMatch(/16\.11\.2026: 1[\s\u00a0\u202f.]500,00[^<]*– <strong>neste avdrag<\/strong>/u);
    expect(page).toMatch(/16\.12\.2026: 1[\s\u00a0\u202f.]500,00[^<]*– kommende/u);
    expect(page).toMatch(/Betal neste avdrag 1[\s\u00a0\u202f.]500,00/u);
    const view = await caseView(cases.kari.caseId);
    expect(view.nextAction).toMatchObject({ kind: "instalment-reminder", at: "2026-11-13T08:00:00.000Z" });
  });

  it("Ola pays his first instalment through the pay link and the Vipps simulator before the reminder day", async () => {
    const page = await claimPage("ola");
    const pay = await cases.ola.browser.request(`${host.base}${cases.ola.claimPath}/betal`, {
      form: { csrf: inputValue(page, "csrf")!, option: "instalment" },
    });
    expect(pay.status).toBe(303);
    const location = pay.headers.get("location")!;
    expect(location).toMatch(/^\/p\/[A-Za-z0-9_-]{27}\?option=instalment$/u);
    const payPage = await fetch(`${host.base}${location}`);
    expect(await payPage.text()).toMatch(/id="option-instalment"[^>]*checked/u);
    const started = await fetch(`${host.base}${location.split("?")[0]}/pay`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "method=vipps&option=instalment",
      redirect: "manual",
    });
    expect(started.status).toBe(303);
    const reference = decodeURIComponent(/\/landing\/([^/?#]+)/u.exec(started.headers.get("location") ?? "")![1]!);
    const approved = await fetch(`${host.base}/api/dev/vipps/payments/${encodeURIComponent(reference)}/approve`, {
      method: "POST",
    });
    expect(approved.status).toBe(200);
    await eventually(
      async () => (await caseView(cases.ola.caseId)).timeline.some((e: { kind: string }) => e.kind === "payment"),
      "Ola's payment on his case",
    );
    const after = await claimPage("ola");
    expect(after).toMatch(/16\.11\.2026: 1[\s\u00a0\u202f.]500,00[^<]*– betalt/u);
    expect(after).toMatch(/16\.12\.2026: 1[\s\u00a0\u202f.]500,00[^<]*– <strong>neste avdrag<\/strong>/u);
  });

  it("3 days before the instalment Kari gets one reminder SMS naming the creditor, amount and date, with the instalment's pay link", async () => {
    await advanceTo("2026-11-13T12:00:00Z");
    const [reminder, ...more] = await eventually(async () => {
      const sms = await smsTo(KARI_PHONE);
      return sms.length > 0 && sms;
    }, "Kari's reminder SMS");
    expect(more).toEqual([]);
    expect(reminder!.text).toMatch(
      /^Fjordnett AS: Påminnelse om avdrag på 1[\s\u00a0\u202f.]500,00 kr som forfaller 16\. november 2026 \(faktura PLAN-1\)/u,
    );
    expect(reminder!.text).toContain("Påminnelsen er gratis");
    const link = /https?:\/\/\S+\?option=instalment/u.exec(reminder!.text)?.[0];
    expect(link, reminder!.text).toBeDefined();
    const payPage = await (await fetch(link!)).text();
    expect(payPage).toMatch(/id="option-instalment"[^>]*checked/u);
    expect(payPage).toContain("PLAN-1");
    // Ola's first instalment is paid: no reminder for it.
    expect(await smsTo(OLA_PHONE)).toEqual([]);
    const timeline = (await caseView(cases.kari.caseId)).timeline as Array<{ kind: string; title: string }>;
    expect(timeline.filter((e) => e.title.startsWith("Instalment reminder sent by SMS"))).toHaveLength(1);
  });

  it("sends the reminder only once, across the next days", async () => {
    await advanceTo("2026-11-16T12:00:00Z");
    expect(await smsTo(KARI_PHONE)).toHaveLength(1);
    const page = await claimPage("kari");
    expect(page).toMatch(/Påminnelse om avdraget 16\.11\.2026 sendt på SMS/u);
    expect(page).toMatch(/16\.11\.2026: 1[\s\u00a0\u202f.]500,00[^<]*– <strong>forfalt – betal nå<\/strong>/u);
  });

  it("7 days after the unpaid instalment the plan ends by itself: webhook, an SMS to Kari, and the next letter goes out", async () => {
    await advanceTo("2026-11-23T12:00:00Z");
    const missed = await eventually(
      async () => hooks.find((h) => h.type === "case.instalment_missed"),
      "case.instalment_missed at the creditor's webhook",
    );
    expect(missed.data).toMatchObject({ dueDate: "2026-11-16", amountLeft: { value: 150_000, currency: "NOK" } });
    const sms = await eventually(async () => {
      const all = await smsTo(KARI_PHONE);
      return all.length >= 2 && all;
    }, "the SMS telling Kari the plan ended");
    expect(sms[1]!.text).toMatch(
      /^Fjordnett AS: Avdraget på 1[\s\u00a0\u202f.]500,00 kr som forfalt 16\. november 2026 \(faktura PLAN-1\) er ikke betalt, så nedbetalingsavtalen er falt bort/u,
    );
    const letter = await eventually(async () => {
      const docs = (await json(await api("GET", `/api/v1/cases/${cases.kari.caseId}/documents`))).items as Array<{
        kind: string;
      }>;
      return docs.find((d) => d.kind === "reminder");
    }, "the next letter (the reminder) after the plan ended");
    expect(letter).toBeDefined();
    const view = await caseView(cases.kari.caseId);
    expect(view.stage).toBe("reminder");
    const page = await claimPage("kari");
    expect(page).toContain("Avtalen falt bort fordi avdraget som forfalt 16.11.2026 ikke ble betalt.");
    expect(page).toMatch(/16\.11\.2026: 1[\s\u00a0\u202f.]500,00[^<]*– ikke betalt/u);
  });

  it("Ola, who paid, got no reminder for the paid instalment, no 'missed' and no letter", async () => {
    expect(hooks.filter((h) => h.type === "case.instalment_missed")).toHaveLength(1);
    const view = await caseView(cases.ola.caseId);
    expect(view.stage).toBe("invoiced");
    // the next reminder: 3 days before 16 December is a Sunday, so the Saturday before
    expect(view.nextAction).toMatchObject({ kind: "instalment-reminder", at: "2026-12-12T08:00:00.000Z" });
    const olaSms = await smsTo(OLA_PHONE);
    expect(olaSms).toEqual([]);
  });

  it("never writes the debtors' national ids or phone numbers to the dev host's log", () => {
    for (const secret of [KARI.nationalId, OLA.nationalId, KARI_PHONE, OLA_PHONE])
      expect(host.stdout()).not.toContain(secret);
  });
});
