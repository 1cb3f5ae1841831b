/**
 * Issue 15's "Show it" for instalment plans, in Chromium on a 360 × 780 phone (playwright-core) through `npm start`'s
 * dev host with its demo claims: Kari signs in with "BankID" at the local OpenID Connect provider, sees her claims at
 * both demo creditors, downloads a letter's PDF, asks for an instalment plan, pays the first instalment through the
 * claim page's "Betal neste avdrag", the pay page (the instalment chosen) and the Vipps simulator, and sees on Min side
 * what is left and the next instalment. Every page on the way is screenshotted into test-artifacts/instalment-*.png
 * and checked with axe-core (WCAG 2.1 A/AA); nothing may run off the side of the phone.
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
/** An amount as the pages print it ("1 299,00 kr"), as øre. */
const ore = (text: string) => Number(/(\d[\d\s\u00a0\u202f.]*,\d{2})/u.exec(text)![1]!.replace(/\D/gu, ""));

let host: DevHostProcess;
let browser: Browser;
let page: Page;
let claimUrl: string;

async function check(shot: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, `${shot}.png`), fullPage: true });
  expect(await axeViolations(page), `axe-core WCAG 2.1 AA on ${shot}`).toEqual([]);
  expect(await offScreen(page), `${shot} fits the phone`).toEqual([]);
}

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (set CHROMIUM_PATH)`);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  host = await startDevHost(makeDataDir("instalment-browser-"), { DEVHOST_DEMO_PEOPLE: "true" });
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
    acceptDownloads: true,
  });
  page = await context.newPage();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

describe("an instalment plan on Min side, on a phone", () => {
  it("signs Kari in with the local BankID provider and shows her claims at both creditors", async () => {
    await page.goto(`${host.base}/min-side`);
    await page.getByRole("link", { name: "Logg inn med BankID" }).click();
    await page.getByRole("button", { name: "Kari Nordmann" }).click();
    await page.waitForURL(`${host.base}/min-side`);
    const text = await page.locator("main").innerText();
    expect(text).toContain("Demo Kreditor AS");
    expect(text).toContain("Nordlys Energi AS");
    await check("instalment-overview");
  });

  it("downloads the claim's letter as a PDF", async () => {
    await page.getByRole("link", { name: /Se detaljer om faktura MS-1001/u }).click();
    claimUrl = page.url();
    // The demo claim's reminder letter is archived shortly after the dev host starts.
    for (let i = 0; i < 60 && (await page.locator('a.doc[href*="/dokumenter/"]').count()) === 0; i++) {
      await new Promise((r) => setTimeout(r, 500));
      await page.reload();
    }
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.locator('a.doc[href*="/dokumenter/"]').first().click(),
    ]);
    const file = await download.path();
    expect(fs.readFileSync(file).subarray(0, 5).toString()).toBe("%PDF-");
    expect(download.suggestedFilename()).toMatch(/\.pdf$/u);
  });

  it("asks for an instalment plan and sees every instalment on the claim page, with a button for the first", async () => {
    await page.goto(claimUrl);
    await page.getByRole("link", { name: "Be om nedbetalingsplan" }).click();
    await check("instalment-plan-form");
    await page.locator('input[name="months"]').first().check();
    await page.getByRole("button", { name: "Velg denne planen" }).click();
    await page.waitForURL((url) => url.href.startsWith(claimUrl) && url.search.includes("bekreftelse"));
    await page.getByRole("heading", { level: 2, name: "Nedbetalingsplan" }).waitFor();
    const plan = page.locator("#plan + p + ol > li");
    expect(await plan.count()).toBeGreaterThanOrEqual(2);
    await expect(plan.first().innerText()).resolves.toMatch(/– neste avdrag$/u);
    await expect(page.getByRole("button", { name: /^Betal neste avdrag / }).isVisible()).resolves.toBe(true);
    // The plan runs: the claim no longer offers to ask for one (the other actions stay).
    await expect(page.getByRole("link", { name: "Be om nedbetalingsplan" }).count()).resolves.toBe(0);
    await expect(page.getByRole("link", { name: "Be om utsettelse" }).count()).resolves.toBe(1);
    await check("instalment-plan-claim");
  });

  it("pays the first instalment through the pay page (the instalment chosen) and the Vipps simulator", async () => {
    const button = page.getByRole("button", { name: /^Betal neste avdrag / });
    const instalment = ore(await button.innerText());
    await button.click();
    await page.waitForURL(/\/p\/[A-Za-z0-9_-]+\?option=instalment/u);
    await expect(page.locator("#option-instalment").isChecked()).resolves.toBe(true);
    await check("instalment-pay-page");
    await page.getByRole("button", { name: /^Betal .*med Vipps$/u }).click();
    await page.waitForURL((url) => url.href.startsWith(host.standIns.vipps!), { timeout: 10_000 });
    await page.getByRole("button", { name: "Godkjenn" }).click();
    await page.waitForURL(/\/p\/[A-Za-z0-9_-]+\/receipt/u, { timeout: 10_000 });
    await page.getByRole("heading", { level: 1, name: "Delbetaling mottatt" }).waitFor({ timeout: 15_000 });
    expect(ore(await page.locator("main").innerText())).toBe(instalment);
    await check("instalment-receipt");
  });

  it("sees on Min side what is left and the next instalment", async () => {
    await page.goto(claimUrl);
    const lines = page.locator("#plan + p + ol > li");
    await expect(lines.nth(0).innerText()).resolves.toMatch(/– betalt$/u);
    await expect(lines.nth(1).innerText()).resolves.toMatch(/– neste avdrag$/u);
    const main = await page.locator("main").innerText();
    expect(main).toMatch(/Betalt hittil/u);
    expect(main).toMatch(/Neste steg: påminnelse om neste avdrag/iu);
    await expect(page.getByRole("button", { name: /^Betal neste avdrag / }).isVisible()).resolves.toBe(true);
    await check("instalment-after-payment");
  });
});
