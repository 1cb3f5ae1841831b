/**
 * The pay page's "Spør oss" in Chromium on a 360 × 780 phone (playwright-core), through `npm start`'s dev host: the
 * demo creditor hands over an invoice and records a bank payment of part of it; the debtor opens the pay link, types
 * "har dere fått betalingen min?" and gets the answer on the page — the amount and the date — with the pay form still
 * there; then the same in nynorsk (`?lang=nn`). Each page with its answer is screenshotted into
 * test-artifacts/pay-assistant-*.png and checked with axe-core (WCAG 2.1 A/AA); nothing may run off the phone.
 *
 * Needs Chromium: /usr/bin/chromium or CHROMIUM_PATH (see pay-with-vipps.browser.test.ts).
 */
import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { axeViolations, offScreen } from "../support/browser-checks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeDataDir, ROOT, startDevHost, type DevHostProcess } from "../support/devhost-process";

const ARTIFACTS = path.join(ROOT, "test-artifacts");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const PHONE = { width: 360, height: 780 };
const settings = JSON.parse(fs.readFileSync(path.join(ROOT, "local.settings.example.json"), "utf8")) as {
  Values: Record<string, string>;
};
const DEMO_KEY = settings.Values.DEVHOST_DEMO_API_KEY!;

let host: DevHostProcess;
let browser: Browser;
let page: Page;
let payLink: string;

async function check(shot: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, `${shot}.png`), fullPage: true });
  expect(await axeViolations(page), `axe-core WCAG 2.1 AA on ${shot}`).toEqual([]);
  expect(await offScreen(page), `${shot} fits the phone`).toEqual([]);
}

async function api(method: string, route: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${host.base}${route}`, {
    method,
    headers: { "x-api-key": DEMO_KEY, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${route}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (set CHROMIUM_PATH)`);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  host = await startDevHost(makeDataDir("pay-assistant-browser-"));
  const created = await api("POST", "/api/v1/invoices", {
    invoiceNumber: "SP-4711",
    customer: {
      customerId: "k-4711",
      name: "Kari Nordmann",
      phone: "+4791234567",
      consent: { sms: true, email: false },
    },
    amount: { value: 129_900, currency: "NOK" },
    issueDate: "2026-10-20",
    dueDate: "2026-11-02",
  });
  payLink = String(created.payLink).replace(/^https?:\/\/[^/]+/u, host.base);
  await api("POST", `/api/v1/cases/${String(created.caseId)}/payments`, {
    amount: { value: 50_000, currency: "NOK" },
    paidAt: "2026-11-02",
    reference: "bank-4711-1",
  });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
  const context = await browser.newContext({
    viewport: PHONE,
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: "nb-NO",
  });
  page = await context.newPage();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

describe("Spør oss on the pay page, on a phone", () => {
  it("answers 'har dere fått betalingen min?' on the page with the amount and date, the pay form still there", async () => {
    await page.goto(payLink);
    await page.getByLabel("Spørsmålet ditt").fill("har dere fått betalingen min?");
    await page.getByRole("button", { name: "Spør", exact: true }).click();
    await page.waitForLoadState();
    // A POST: the question is not in the address.
    expect(new URL(page.url()).pathname).toBe(`${new URL(payLink).pathname}/assistent`);
    expect(page.url()).not.toContain("betalingen");
    await expect(page.getByRole("status").innerText()).resolves.toMatch(
      /^Ja, vi har mottatt 500,00\s?kr \d{2}\.\d{2}\.\d{4} kl\. \d{2}:\d{2} på faktura SP-4711/u,
    );
    await expect(page.getByRole("button", { name: /Vipps/u }).first().isVisible()).resolves.toBe(true);
    await check("pay-assistant-answer");
  });

  it("answers in nynorsk with ?lang=nn", async () => {
    await page.goto(`${payLink}?lang=nn`);
    await page.getByLabel("Spørsmålet ditt").fill("har de fått betalinga mi?");
    await page.getByRole("button", { name: "Spør", exact: true }).click();
    await page.waitForLoadState();
    await expect(page.getByRole("status").innerText()).resolves.toMatch(/^Ja, vi har motteke 500,00\s?kr /u);
    await check("pay-assistant-answer-nn");
  });
});
