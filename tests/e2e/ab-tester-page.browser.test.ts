/**
 * The portal's A/B test page in Chromium (issue 16): a creditor editor on a phone defines an experiment on the Let's
 * pay SMS — a text without the pay link is refused on the page, naming the variant, and the fixed one is saved through
 * the same policy use case as `PUT /api/v1/policy` (the API then shows it) and audited; a viewer sees the experiments
 * but gets no form and her POST is refused; a forged CSRF token is refused. axe-core finds no WCAG 2.1 AA violation
 * and nothing runs off the phone's screen. Screenshots: test-artifacts/ab-tester-*.png.
 */
import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axeViolations, offScreen } from "../support/browser-checks";
import { makeDataDir, ROOT, startDevHost, type DevHostProcess } from "../support/devhost-process";
import { json } from "../support/http";
import { inputValue, MiniBrowser } from "../support/min-side-browser";

const ARTIFACTS = path.join(ROOT, "test-artifacts");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const settings = JSON.parse(fs.readFileSync(path.join(ROOT, "local.settings.example.json"), "utf8")) as {
  Values: Record<string, string>;
};
const API_KEY = settings.Values.DEVHOST_DEMO_API_KEY!;
const PAGE = "/portal/t_devhost_demo/ab-tester";

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

async function signInMini(sub: string): Promise<MiniBrowser> {
  const mini = new MiniBrowser();
  const interaction = await mini.go(`${host.base}/portal/logg-inn/start`);
  const action = /action="(\/interaction\/[^"]+\/login)"/u.exec(interaction.body)?.[1];
  if (!action) throw new Error("no login form on the provider's page");
  await mini.go(new URL(action, interaction.url).href, { form: { person: sub } });
  return mini;
}

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (set CHROMIUM_PATH)`);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  host = await startDevHost(makeDataDir("ab-tester-"));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

describe("the A/B test page", () => {
  it("lets a creditor editor on a phone define an experiment; a broken text is refused naming the variant", async () => {
    const context = await browser.newContext({
      viewport: { width: 360, height: 780 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: "nb-NO",
    });
    const page = await signIn(context, "test-staff-editor");
    await page.goto(`${host.base}/portal/t_devhost_demo/saker`);
    await page.getByRole("link", { name: "A/B-tester" }).click(); // linked from the creditor's cases
    await page.waitForURL(`${host.base}${PAGE}`);
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toContain("A/B-tester");
    await expect(page.getByText("Ingen A/B-tester ennå.").count()).resolves.toBe(1);
    await check(page, "ab-tester-empty-phone");

    await page.getByLabel("Navn (id)").fill("betal-kveld");
    await page.getByLabel("Steg").selectOption("lets-pay-sms");
    const b = page.getByRole("group", { name: "Variant B" });
    await page.getByRole("group", { name: "Variant A" }).getByLabel("Sendetid").fill("09:00");
    await b.getByLabel("Tekst").fill("Hei! {creditor} minner om {amount}. Betal i dag.");
    await b.getByLabel("Sendetid").fill("17:00");
    await page.getByRole("button", { name: "Lagre A/B-testen" }).click();
    await page.waitForLoadState();
    const alert = page.getByRole("alert");
    await expect(alert.textContent()).resolves.toContain("Variant B: The text must contain {link}");
    await expect(b.getByLabel("Tekst").getAttribute("aria-invalid")).resolves.toBe("true");
    await expect(b.getByLabel("Tekst").inputValue()).resolves.toContain("Hei! {creditor}"); // kept for fixing
    await check(page, "ab-tester-error-phone");

    await b.getByLabel("Tekst").fill("Hei! {creditor} minner om {amount}. Betal her: {link}");
    await page.getByRole("button", { name: "Lagre A/B-testen" }).click();
    await page.waitForURL(/saved=betal-kveld/u);
    await expect(page.getByRole("status").textContent()).resolves.toContain("Lagret: betal-kveld.");
    await expect(page.getByRole("heading", { name: /betal-kveld/u }).count()).resolves.toBe(1);
    await check(page, "ab-tester-saved-phone");

    // the same policy the API serves
    const policy = await json(await fetch(`${host.base}/api/v1/policy`, { headers: { "x-api-key": API_KEY } }));
    expect(policy.policy.experiments).toEqual([
      {
        id: "betal-kveld",
        step: "lets-pay-sms",
        startsOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/u),
        split: { A: 50, B: 50 },
        variants: {
          A: { sendAt: "09:00" },
          B: { text: "Hei! {creditor} minner om {amount}. Betal her: {link}", sendAt: "17:00" },
        },
      },
    ]);

    await page.goto(`${host.base}${PAGE}?lang=en`);
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toContain("A/B tests");
    await check(page, "ab-tester-english-phone");
    await context.close();
  });

  it("shows a viewer the experiments without a form and refuses her POST; a forged CSRF token is refused", async () => {
    const viewer = await signInMini("test-staff-viewer");
    const seen = await viewer.go(`${host.base}${PAGE}`);
    expect(seen.status).toBe(200);
    expect(seen.body).toContain("betal-kveld");
    expect(seen.body).not.toContain('name="aText"');
    expect(seen.body).toContain("bare en redaktør kan endre dem");
    const csrf = inputValue(seen.body, "csrf")!;
    const refused = await viewer.request(`${host.base}${PAGE}`, {
      form: { csrf, action: "end", id: "betal-kveld" },
    });
    expect(refused.status).toBe(403);

    const editor = await signInMini("test-staff-editor");
    const forged = await editor.request(`${host.base}${PAGE}`, {
      form: { csrf: "forged", action: "end", id: "betal-kveld" },
    });
    expect(forged.status).toBe(403);
    const other = await editor.go(`${host.base}/portal/t_devhost_demo_2/ab-tester`);
    expect(other.status).toBe(404);
    const policy = await json(await fetch(`${host.base}/api/v1/policy`, { headers: { "x-api-key": API_KEY } }));
    expect(policy.policy.experiments[0].endsOn).toBeUndefined(); // neither ended it
  });
});
