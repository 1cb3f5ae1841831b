/**
 * The KPI dashboard in Chromium (issue 16): a fresh creditor's case events — a seeded A/B test on the Let's pay SMS
 * (B pays more often), reminders, card/Vipps/KID payments, reopened services — are published to the dev host's
 * `case-events` topic, projected by the `kpis` subscription, and a service agent opens /portal/{t}/nokkeltall on a
 * 360 px phone (bokmål) and a desktop (English): the charts render as accessible SVG, the A/B test is reported
 * significant, axe-core finds no WCAG 2.1 AA violation and nothing runs off the phone's screen.
 * Screenshots: test-artifacts/portal-kpis-*.png.
 */
import fs from "node:fs";
import path from "node:path";
import { ServiceBusClient } from "@azure/service-bus";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ServiceBusEventPublisher } from "../../shared/adapters/service-bus/event-publisher.service-bus";
import { axeViolations, offScreen } from "../support/browser-checks";
import { makeDataDir, ROOT, startDevHost, type DevHostProcess } from "../support/devhost-process";
import { json } from "../support/http";
import { experimentRun } from "../support/kpi-events";

const ARTIFACTS = path.join(ROOT, "test-artifacts");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const settings = JSON.parse(fs.readFileSync(path.join(ROOT, "local.settings.example.json"), "utf8")) as {
  Values: Record<string, string>;
};

let host: DevHostProcess;
let browser: Browser;
let tenantId: string;

async function check(p: Page, shot: string): Promise<void> {
  await p.screenshot({ path: path.join(ARTIFACTS, `${shot}.png`), fullPage: true });
  expect(await axeViolations(p), `axe-core WCAG 2.1 AA on ${shot}`).toEqual([]);
  const off = await offScreen(p);
  if (off.length > 0) console.log(shot, off);
  expect(off, `${shot} fits the screen`).toEqual([]);
}

async function signIn(context: BrowserContext, sub: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${host.base}/portal`);
  await page.getByRole("link", { name: "Logg inn" }).click();
  await page.locator(`button[value="${sub}"]`).click();
  await page.waitForURL(`${host.base}/portal`);
  return page;
}

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (set CHROMIUM_PATH)`);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  host = await startDevHost(makeDataDir("kpi-browser-"));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
  const tenant = await fetch(`${host.base}/api/v1/tenants`, {
    method: "POST",
    headers: { "x-api-key": settings.Values.OPERATOR_API_KEY!, "content-type": "application/json" },
    body: JSON.stringify({ name: "Fjordnett AS", senderName: "Fjordnett", orgNumber: "974760673", country: "NO" }),
  });
  expect(tenant.status).toBe(201);
  tenantId = (await json(tenant)).tenantId;
  const now = Date.parse((await json(await fetch(`${host.base}/api/dev/clock`))).now);
  const events = experimentRun({
    tenantId,
    experimentId: "sms-tekst-1",
    sentAt: new Date(now - 28 * 86_400_000).toISOString(),
    spreadDays: 14,
    paidAfterDays: (i) => [0, 0, 1, 2, 3, 5, 8, 12][i % 8]!,
    reminders: true,
    reopens: true,
    variants: { A: { sent: 100, opened: 40, paid: 20 }, B: { sent: 100, opened: 55, paid: 40 } },
  });
  const client = new ServiceBusClient(
    `Endpoint=sb://${new URL(host.standIns.serviceBus!).host};SharedAccessKeyName=local;SharedAccessKey=local;UseDevelopmentEmulator=true`,
  );
  const publisher = new ServiceBusEventPublisher({ client, topicName: "case-events" });
  for (let i = 0; i < events.length; i += 200) await publisher.publish(events.slice(i, i + 200));
  await publisher.close();
  await client.close();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

/** Opens the dashboard until every seeded case is projected (the subscription works through them meanwhile). */
async function openDashboard(page: Page, query = ""): Promise<void> {
  const until = Date.now() + 120_000;
  for (;;) {
    await page.goto(`${host.base}/portal/${tenantId}/nokkeltall${query}`);
    const sent = await page
      .locator('[data-kpi="ab:sms-tekst-1:B:sent"]')
      .textContent()
      .catch(() => null);
    const paid = await page
      .locator('[data-kpi="cases-paid"]')
      .textContent()
      .catch(() => null);
    if (sent === "100" && paid === "60") return;
    if (Date.now() > until)
      throw new Error(`the projection did not catch up (B sent ${String(sent)}, paid ${String(paid)})`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe("the KPI dashboard in a browser", () => {
  it("shows a service agent on a phone the funnel, the rates and a significant A/B test, accessibly", async () => {
    const context = await browser.newContext({
      viewport: { width: 360, height: 780 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: "nb-NO",
    });
    const page = await signIn(context, "test-staff-agent");
    await openDashboard(page);
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Nøkkeltall: Fjordnett AS");
    await expect(page.locator('[data-kpi="ab:sms-tekst-1:verdict"]').textContent()).resolves.toMatch(
      /^B betaler oftere enn A \(p = 0,\d+\)$/u,
    );
    // every chart is an image with a name and a description
    const charts = page.locator("svg.chart");
    expect(await charts.count()).toBeGreaterThanOrEqual(5);
    for (const chart of await charts.all()) {
      expect(await chart.getAttribute("role")).toBe("img");
      expect((await chart.getAttribute("aria-labelledby"))?.split(" ")).toHaveLength(2);
    }
    await expect(page.getByRole("img", { name: "Betalingspåminnelse (SMS)" }).count()).resolves.toBe(1);
    await check(page, "portal-kpis-phone");
    await page.getByLabel("Periode", { exact: true }).selectOption("7");
    await page.getByRole("button", { name: "Vis" }).click();
    await page.waitForURL(/periode=7/u);
    await check(page, "portal-kpis-phone-7d");
    await context.close();
  }, 180_000);

  it("shows the same in English on a desktop", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-GB" });
    const page = await signIn(context, "test-staff-agent");
    await openDashboard(page, "?lang=en");
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Key figures: Fjordnett AS");
    await expect(page.locator('[data-kpi="ab:sms-tekst-1:verdict"]').textContent()).resolves.toMatch(
      /^B pays more often than A \(p = 0\.\d+\)$/u,
    );
    await check(page, "portal-kpis-desktop");
    await context.close();
  }, 180_000);
});
