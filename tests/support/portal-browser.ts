/**
 * The portal in Chromium (playwright-core) for end-to-end tests: a dev host and a browser started together, a 360 px
 * phone or a desktop, a staff user signed in at the dev host's local provider, and what every page must pass — a
 * screenshot in test-artifacts/, no axe-core WCAG 2.1 AA violation, nothing off the side of the screen.
 */
import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { expect } from "vitest";
import { axeViolations, offScreen } from "./browser-checks";
import { makeDataDir, ROOT, startDevHost, type DevHostProcess } from "./devhost-process";

export const ARTIFACTS = path.join(ROOT, "test-artifacts");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export interface PortalBrowser {
  host: DevHostProcess;
  /** The dev host's address (`host.base`). */
  base: string;
  browser: Browser;
  /** A 360 × 780 touch phone in bokmål. */
  phone(): Promise<BrowserContext>;
  /** A 1280 px wide desktop (English unless told). */
  desktop(options?: { locale?: string; height?: number }): Promise<BrowserContext>;
  /** Opens the portal in `context` and signs in as the local provider's test staff user `sub`; lands on /portal. */
  signIn(context: BrowserContext, sub: string): Promise<Page>;
  stop(): Promise<void>;
}

/** Starts `npm start`'s dev host (data folder `{dataDirPrefix}…`, `env` added) and Chromium. */
export async function startPortalBrowser(
  dataDirPrefix: string,
  env: Record<string, string> = {},
): Promise<PortalBrowser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (set CHROMIUM_PATH)`);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const host = await startDevHost(makeDataDir(dataDirPrefix), env);
  const browser = await chromium
    .launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] })
    .catch(async (e: unknown) => {
      await host.stop();
      throw e;
    });
  return {
    host,
    base: host.base,
    browser,
    phone: () =>
      browser.newContext({
        viewport: { width: 360, height: 780 },
        deviceScaleFactor: 2,
        isMobile: true,
        hasTouch: true,
        locale: "nb-NO",
      }),
    desktop: ({ locale = "en-GB", height = 800 } = {}) =>
      browser.newContext({ viewport: { width: 1280, height }, locale }),
    signIn: async (context, sub) => {
      const page = await context.newPage();
      await page.goto(`${host.base}/portal`);
      expect(new URL(page.url()).pathname).toBe("/portal/logg-inn");
      await page.getByRole("link", { name: "Logg inn" }).click();
      await page.locator(`button[value="${sub}"]`).click();
      await page.waitForURL(`${host.base}/portal`);
      return page;
    },
    stop: async () => {
      await browser.close();
      await host.stop();
    },
  };
}

/** Screenshot `test-artifacts/{shot}.png`, then no axe-core WCAG 2.1 AA violation and nothing off the screen. */
export async function checkPage(page: Page, shot: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, `${shot}.png`), fullPage: true });
  expect(await axeViolations(page), `axe-core WCAG 2.1 AA on ${shot}`).toEqual([]);
  const off = await offScreen(page);
  if (off.length > 0) console.log(shot, off);
  expect(off, `${shot} fits the screen`).toEqual([]);
}
