/**
 * The creditor's settings in Chromium (issue 16): on a phone, a creditor editor opens the ladder policy editor from
 * her creditor's navigation, changes the reminder to come three days after the due date — against the law — and
 * sees the problem appear next to that step, with its legal basis, without submitting; the webhooks and API keys
 * pages (a new key shown once) and the editor in English on a desktop. axe-core: no WCAG 2.1 AA violation; nothing
 * runs off the 360 px screen. Screenshots: test-artifacts/portal-settings-*.png.
 */
import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axeViolations, offScreen } from "../support/browser-checks";
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
  await page.getByRole("link", { name: "Logg inn" }).click();
  await page.locator(`button[value="${sub}"]`).click();
  await page.waitForURL(`${host.base}/portal`);
  return page;
}

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (set CHROMIUM_PATH)`);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  host = await startDevHost(makeDataDir("portal-settings-browser-"));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

describe("the creditor's settings in a browser", () => {
  it("shows an editor on a phone the legal problem of a changed step next to it, before she saves", async () => {
    const context = await browser.newContext({
      viewport: { width: 360, height: 780 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: "nb-NO",
    });
    const page = await signIn(context, "test-staff-editor");
    await page.goto(`${host.base}/portal/t_devhost_demo/saker`);
    await page.getByRole("navigation", { name: "Kreditormeny" }).getByRole("link", { name: "Inndrivingsløp" }).click();
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe(
      "Inndrivingsløp: Demo Kreditor AS",
    );
    await expect(page.getByText("Kreditoren bruker standard inndrivingsløp.").isVisible()).resolves.toBe(true);
    await check(page, "portal-settings-phone-policy");

    const reminder = page.locator("fieldset.step", { has: page.locator('select option[selected][value="reminder"]') });
    const row = await reminder.first().getAttribute("id");
    const index = /^s(\d+)_step$/u.exec(row ?? "")?.[1];
    expect(index).toBeDefined();
    const before = page.url();
    await page.locator(`#s${index!}_offsetDays`).fill("3");
    const problems = page.locator(`#s${index!}_problems`);
    await problems.getByText("a fee is only allowed at least 14 days after the due date").waitFor({ timeout: 10_000 });
    await expect(problems.getByText("Rettslig grunnlag").first().isVisible()).resolves.toBe(true);
    await expect(problems.getAttribute("aria-live")).resolves.toBe("polite");
    expect(page.url()).toBe(before);
    await problems.scrollIntoViewIfNeeded();
    await page
      .locator(`#s${index!}_step`)
      .screenshot({ path: path.join(ARTIFACTS, "portal-settings-phone-policy-step-problem.png") });
    await check(page, "portal-settings-phone-policy-problem");

    // Saving it anyway is refused with the same problem; putting it back clears it.
    await page.getByRole("button", { name: "Lagre inndrivingsløpet" }).click();
    await expect(page.getByText("Inndrivingsløpet ble ikke lagret").isVisible()).resolves.toBe(true);
    await expect(
      page.locator(`#s${index!}_problems`).getByText("a fee is only allowed at least 14 days").isVisible(),
    ).resolves.toBe(true);
    await page.locator(`#s${index!}_offsetDays`).fill("14");
    await expect.poll(() => page.locator(`#s${index!}_problems li`).count(), { timeout: 10_000 }).toBe(0);

    await page.getByRole("navigation", { name: "Kreditormeny" }).getByRole("link", { name: "Webhooks" }).click();
    await check(page, "portal-settings-phone-webhooks");

    await page.getByRole("navigation", { name: "Kreditormeny" }).getByRole("link", { name: "API-nøkler" }).click();
    await page.getByLabel("Navn på nøkkelen").fill("Regnskap");
    await page.getByRole("button", { name: "Opprett" }).click();
    await expect(page.getByText("Nøkkelen vises bare denne ene gangen").first().isVisible()).resolves.toBe(true);
    await expect(page.locator("#new-key").inputValue()).resolves.toMatch(/^pfu_live_[0-9a-f]{16}_/u);
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: host.base });
    await page.getByRole("button", { name: "Kopier" }).click();
    await page.getByRole("button", { name: "Kopiert" }).waitFor();
    await check(page, "portal-settings-phone-api-key");
    await context.close();
  }, 90_000);

  it("shows the editor in English on a desktop", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "en-GB" });
    const page = await signIn(context, "test-staff-editor");
    await page.goto(`${host.base}/portal/t_devhost_demo/innstillinger/inndrivingslop?lang=en`);
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe(
      "Collection ladder: Demo Kreditor AS",
    );
    await check(page, "portal-settings-desktop-policy-en");
    await context.close();
  });
});
