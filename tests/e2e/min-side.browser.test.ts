/**
 * Min side in Chromium on a 360 × 780 phone (playwright-core), through `npm start`'s dev host with its demo claims:
 * sign in with "BankID" at the local OpenID Connect provider (pick the test person Kari Nordmann), see her claims at
 * both demo creditors, open one, ask the assistant ("Spør oss"). The sign-in page, the overview, the claim page and the
 * assistant's answer are screenshotted into test-artifacts/min-side-*.png and checked with axe-core (WCAG 2.1 A/AA);
 * nothing may run off the side of the phone.
 * The session cookie is `__Host-` prefixed and Secure: Chromium keeps it on http://127.0.0.1 (a secure context).
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

let host: DevHostProcess;
let browser: Browser;
let page: Page;

async function check(shot: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, `${shot}.png`), fullPage: true });
  expect(await axeViolations(page), `axe-core WCAG 2.1 AA on ${shot}`).toEqual([]);
  expect(await offScreen(page), `${shot} fits the phone`).toEqual([]);
}

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (set CHROMIUM_PATH)`);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  host = await startDevHost(makeDataDir("min-side-browser-"), { DEVHOST_DEMO_PEOPLE: "true" });
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

describe("Min side on a phone", () => {
  it("sends a visitor to sign-in, with a BankID button and the KID + PIN form", async () => {
    await page.goto(`${host.base}/min-side`);
    expect(new URL(page.url()).pathname).toBe("/min-side/logg-inn");
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Logg inn på Min side");
    await expect(page.getByRole("link", { name: "Logg inn med BankID" }).isVisible()).resolves.toBe(true);
    await expect(page.getByLabel("KID", { exact: true }).isVisible()).resolves.toBe(true);
    await check("min-side-sign-in");
  });

  it("signs in with the local BankID provider and shows the claims at both creditors", async () => {
    await page.getByRole("link", { name: "Logg inn med BankID" }).click();
    await page.getByRole("button", { name: "Kari Nordmann" }).click();
    await page.waitForURL(`${host.base}/min-side`);
    const cookies = await page.context().cookies(host.base);
    const session = cookies.find((c) => c.name === "__Host-minside");
    expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: "Lax", path: "/" });
    const text = await page.locator("main").innerText();
    expect(text).toContain("Demo Kreditor AS");
    expect(text).toContain("Nordlys Energi AS");
    await check("min-side-overview");
  });

  it("opens a claim with its balance, timeline, documents and actions", async () => {
    await page.getByRole("link", { name: /Se detaljer om faktura MS-1001/u }).click();
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe(
      "Faktura MS-1001 fra Demo Kreditor AS",
    );
    await expect(page.getByRole("link", { name: "Kopi av fakturaen (PDF)" }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole("link", { name: "Be om nedbetalingsplan" }).isVisible()).resolves.toBe(true);
    await check("min-side-claim");
  });

  it("asks the assistant from the claim page and gets the answer from her claims, with links to act on it", async () => {
    await page.getByRole("link", { name: "Spør oss" }).click();
    await page.waitForURL(`${host.base}/min-side/assistent`);
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Spør oss");
    await page.getByLabel("Spørsmålet ditt").fill("kan jeg få nedbetalingsplan?");
    await page.getByRole("button", { name: "Spør", exact: true }).click();
    await page.waitForLoadState();
    // A POST: the question is not in the address.
    expect(page.url()).toBe(`${host.base}/min-side/assistent`);
    await expect(page.getByRole("status").innerText()).resolves.toContain("nedbetalingsplan");
    await expect(
      page.getByRole("link", { name: /Nedbetalingsplan for faktura MS-1001/u }).getAttribute("href"),
    ).resolves.toMatch(/^\/min-side\/krav\/[^/]+\/[^/]+\/nedbetaling$/u);
    await check("min-side-assistant");
  });
});
