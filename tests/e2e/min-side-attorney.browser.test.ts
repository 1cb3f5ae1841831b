/**
 * Min side's powers of attorney in Chromium on a 360 × 780 phone (playwright-core), through `npm start`'s dev host
 * with its demo claims: Kari (signed in with the local "BankID") first submits the form with a wrong national id and
 * no name (the summary links to the fields, each says what is wrong), then gives Ola Nordmann read access to all her
 * claims; Ola, in his own browser, sees them under "Krav du har fullmakt for" with her name, and a claim page that
 * says he may only look. Each page is screenshotted into test-artifacts/min-side-attorney-*.png and checked with
 * axe-core (WCAG 2.1 A/AA); nothing may run off the side of the phone. The national id stays out of the address.
 *
 * Needs Chromium: /usr/bin/chromium or CHROMIUM_PATH (see pay-with-vipps.browser.test.ts).
 */
import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { axeViolations, offScreen } from "../support/browser-checks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_PERSONS } from "../../devhost/oidc/test-persons";
import { makeDataDir, ROOT, startDevHost, type DevHostProcess } from "../support/devhost-process";

const ARTIFACTS = path.join(ROOT, "test-artifacts");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const PHONE = { width: 360, height: 780 };
const OLA = TEST_PERSONS[1]!;

let host: DevHostProcess;
let browser: Browser;
let kari: Page;
let ola: Page;

async function check(p: Page, shot: string): Promise<void> {
  await p.screenshot({ path: path.join(ARTIFACTS, `${shot}.png`), fullPage: true });
  expect(await axeViolations(p), `axe-core WCAG 2.1 AA on ${shot}`).toEqual([]);
  expect(await offScreen(p), `${shot} fits the phone`).toEqual([]);
}

async function phone(): Promise<Page> {
  const context = await browser.newContext({
    viewport: PHONE,
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: "nb-NO",
  });
  return context.newPage();
}

async function signIn(p: Page, name: string): Promise<void> {
  await p.goto(`${host.base}/min-side/logg-inn`);
  await p.getByRole("link", { name: "Logg inn med BankID" }).click();
  await p.getByRole("button", { name }).click();
  await p.waitForURL(`${host.base}/min-side`);
}

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (set CHROMIUM_PATH)`);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  host = await startDevHost(makeDataDir("min-side-attorney-browser-"), { DEVHOST_DEMO_PEOPLE: "true" });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
  kari = await phone();
  ola = await phone();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

describe("powers of attorney on a phone", () => {
  it("Kari opens Fullmakter from her overview and a refused form names each field", async () => {
    await signIn(kari, "Kari Nordmann");
    await kari.getByRole("link", { name: /^Fullmakter/u }).click();
    await kari.waitForURL(`${host.base}/min-side/fullmakter`);
    await expect(kari.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Fullmakter");
    await check(kari, "min-side-attorney-empty");
    await kari.getByLabel("Fødselsnummer eller D-nummer").fill("12345678901");
    await kari.getByRole("button", { name: "Gi fullmakt" }).click();
    await kari.waitForLoadState();
    const summary = await kari.getByRole("alert").innerText();
    expect(summary).toContain("Skriv et gyldig fødselsnummer eller D-nummer");
    expect(summary).toContain("Skriv navnet på personen.");
    await expect(kari.getByLabel("Navn", { exact: true }).getAttribute("aria-invalid")).resolves.toBe("true");
    await check(kari, "min-side-attorney-errors");
  });

  it("Kari gives Ola read access to all her claims; the list shows it with a revoke button", async () => {
    await kari.getByLabel("Fødselsnummer eller D-nummer").fill(OLA.nationalId);
    await kari.getByLabel("Navn", { exact: true }).fill("Ola Nordmann");
    await kari.getByLabel("Se kravene, brevene og hva som har skjedd").check();
    await kari.getByLabel("Alle kravene mine, også nye").check();
    await kari.getByRole("button", { name: "Gi fullmakt" }).click();
    await kari.waitForURL(`${host.base}/min-side/fullmakter?utfort=granted`);
    expect(kari.url()).not.toContain(OLA.nationalId);
    await expect(kari.getByRole("status").innerText()).resolves.toContain("Fullmakten er gitt");
    await expect(
      kari.getByRole("button", { name: "Trekk tilbake fullmakten til Ola Nordmann" }).isVisible(),
    ).resolves.toBe(true);
    await check(kari, "min-side-attorney-given");
  });

  it("Ola sees Kari's claims in their own section, and her claim page says he may only look", async () => {
    await signIn(ola, "Ola Nordmann");
    await expect(ola.getByRole("heading", { name: "Krav du har fullmakt for" }).isVisible()).resolves.toBe(true);
    expect(await ola.locator("main").innerText()).toContain("Fullmakt fra Kari Nordmann (se)");
    await check(ola, "min-side-attorney-overview");
    await ola.getByRole("link", { name: /Se detaljer om faktura MS-1001/u }).click();
    await expect(ola.locator("main").innerText()).resolves.toContain(
      "Du har fullmakt til å se dette kravet, ikke til å gjøre noe med det.",
    );
    await expect(ola.getByRole("link", { name: "Be om nedbetalingsplan" }).count()).resolves.toBe(0);
    await check(ola, "min-side-attorney-claim");
  });
});
