/**
 * The portal's first pages in Chromium (issue 16): a creditor editor signs in at the local provider (standing in for
 * Entra ID), lists her creditor and its cases, searches by invoice number and filters by status — on a phone and on
 * a desktop, in bokmål and English; axe-core finds no WCAG 2.1 AA violation and nothing runs off the phone's screen.
 * Screenshots: test-artifacts/portal-*.png.
 */
import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { axeViolations, offScreen } from "../support/browser-checks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeDataDir, ROOT, startDevHost, type DevHostProcess } from "../support/devhost-process";

const ARTIFACTS = path.join(ROOT, "test-artifacts");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

let host: DevHostProcess;
let browser: Browser;

async function check(p: Page, shot: string): Promise<void> {
  await p.screenshot({ path: path.join(ARTIFACTS, `${shot}.png`), fullPage: true });
  expect(await axeViolations(p), `axe-core WCAG 2.1 AA on ${shot}`).toEqual([]);
  expect(await offScreen(p), `${shot} fits the screen`).toEqual([]);
}

async function signIn(context: BrowserContext, sub: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${host.base}/portal`);
  expect(new URL(page.url()).pathname).toBe("/portal/logg-inn");
  await page.getByRole("link", { name: "Logg inn" }).click();
  await page.locator(`button[value="${sub}"]`).click();
  await page.waitForURL(`${host.base}/portal`);
  return page;
}

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (set CHROMIUM_PATH)`);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  host = await startDevHost(makeDataDir("portal-browser-"), { DEVHOST_DEMO_PEOPLE: "true" });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

describe("the portal in a browser", () => {
  it("lets a creditor editor on a phone list, search and filter her creditor's cases", async () => {
    const context = await browser.newContext({
      viewport: { width: 360, height: 780 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: "nb-NO",
    });
    const page = await signIn(context, "test-staff-editor");
    await check(page, "portal-phone-tenants");
    await page.getByRole("link", { name: "Demo Kreditor AS" }).click();
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Saker: Demo Kreditor AS");
    await expect(page.getByText("MS-1001").first().isVisible()).resolves.toBe(true);
    await check(page, "portal-phone-cases");

    await page.getByRole("link", { name: "MS-1001" }).click();
    await expect(page.getByRole("heading", { name: "Hva har skjedd" }).isVisible()).resolves.toBe(true);
    // Staff are named on the case page by name, never by the provider's subject.
    await expect(page.getByText("test-staff-editor").count()).resolves.toBe(0);
    await check(page, "portal-phone-case");
    await page.getByRole("link", { name: "Tilbake til sakene" }).click();

    await page.getByLabel("Fakturanummer, KID eller kundenummer").fill("MS-1001");
    await page.getByRole("button", { name: "Søk" }).click();
    await expect(page.locator("tbody tr").count()).resolves.toBe(1);

    await page.getByLabel("Fakturanummer, KID eller kundenummer").fill("");
    await page.getByLabel("Status").selectOption("paid");
    await page.getByRole("button", { name: "Søk" }).click();
    await expect(page.getByText("Ingen saker.").isVisible()).resolves.toBe(true);
    await context.close();
  });

  it("shows an agent's case list on a desktop, in English", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "en-GB" });
    const page = await signIn(context, "test-staff-agent");
    await page.goto(`${host.base}/portal/t_devhost_demo_2/saker?lang=en`);
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Cases: Nordlys Energi AS");
    await check(page, "portal-desktop-cases-en");
    await context.close();
  });
});
