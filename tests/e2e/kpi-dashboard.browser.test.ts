/**
 * The KPI dashboard in Chromium (issue 16): a fresh creditor's case events — a seeded A/B test on the Let's pay SMS
 * (B pays more often), reminders, card/Vipps/KID payments, reopened services — are published to the dev host's
 * `case-events` topic, projected by the `kpis` subscription, and a service agent opens /portal/{t}/nokkeltall on a
 * 360 px phone (bokmål) and a desktop (English): the charts render as accessible SVG, the A/B test is reported
 * significant, axe-core finds no WCAG 2.1 AA violation and nothing runs off the phone's screen.
 * Screenshots: test-artifacts/portal-kpis-*.png.
 */
import { ServiceBusClient } from "@azure/service-bus";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ServiceBusEventPublisher } from "../../shared/adapters/service-bus/event-publisher.service-bus";
import { clockNow } from "../support/devhost-clock";
import { checkPage as check, startPortalBrowser, type PortalBrowser } from "../support/portal-browser";
import { LOCAL_SETTINGS } from "../support/portal-http";
import { json } from "../support/http";
import { experimentRun } from "../support/kpi-events";

let portal: PortalBrowser;
let tenantId: string;

beforeAll(async () => {
  portal = await startPortalBrowser("kpi-browser-");
  const tenant = await fetch(`${portal.base}/api/v1/tenants`, {
    method: "POST",
    headers: { "x-api-key": LOCAL_SETTINGS.OPERATOR_API_KEY!, "content-type": "application/json" },
    body: JSON.stringify({ name: "Fjordnett AS", senderName: "Fjordnett", orgNumber: "974760673", country: "NO" }),
  });
  expect(tenant.status).toBe(201);
  tenantId = (await json(tenant)).tenantId;
  const now = (await clockNow(portal.base)).getTime();
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
    `Endpoint=sb://${new URL(portal.host.standIns.serviceBus!).host};SharedAccessKeyName=local;SharedAccessKey=local;UseDevelopmentEmulator=true`,
  );
  const publisher = new ServiceBusEventPublisher({ client, topicName: "case-events" });
  for (let i = 0; i < events.length; i += 200) await publisher.publish(events.slice(i, i + 200));
  await publisher.close();
  await client.close();
}, 180_000);

afterAll(() => portal?.stop());

/** Opens the dashboard until every seeded case is projected (the subscription works through them meanwhile). */
async function openDashboard(page: Page, query = ""): Promise<void> {
  const until = Date.now() + 120_000;
  for (;;) {
    await page.goto(`${portal.base}/portal/${tenantId}/nokkeltall${query}`);
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
    const context = await portal.phone();
    const page = await portal.signIn(context, "test-staff-agent");
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
    const context = await portal.desktop({ height: 900 });
    const page = await portal.signIn(context, "test-staff-agent");
    await openDashboard(page, "?lang=en");
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Key figures: Fjordnett AS");
    await expect(page.locator('[data-kpi="ab:sms-tekst-1:verdict"]').textContent()).resolves.toMatch(
      /^B pays more often than A \(p = 0\.\d+\)$/u,
    );
    await check(page, "portal-kpis-desktop");
    await context.close();
  }, 180_000);
});
