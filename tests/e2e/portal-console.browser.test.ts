/**
 * The customer-service console and the creditor's case list in Chromium (issue 16, part 3): a service agent on a
 * phone finds a debtor by KID and opens her case; the inbox lists a debtor's message from Min side; a creditor editor
 * filters and sorts her case list on a desktop and gets the CSV link for the same filters. axe-core finds no WCAG 2.1
 * AA violation and nothing runs off a 360 px screen. Screenshots: test-artifacts/portal-console-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_PERSONS } from "../../devhost/oidc/test-persons";
import { caseIdFor } from "../../shared/domain/case-id";
import { checkPage as check, startPortalBrowser, type PortalBrowser } from "../support/portal-browser";
import { LOCAL_SETTINGS } from "../support/portal-http";
import { inputValue, MiniBrowser, signInWithLocalBankId } from "../support/min-side-browser";

const DEMO_KEY = LOCAL_SETTINGS.DEVHOST_DEMO_API_KEY!;
const KARI = TEST_PERSONS.find((p) => p.sub === "test-person-kari")!;

let portal: PortalBrowser;

beforeAll(async () => {
  portal = await startPortalBrowser("portal-console-browser-", { DEVHOST_DEMO_PEOPLE: "true" });
}, 180_000);

afterAll(() => portal?.stop());

describe("the console in a browser", () => {
  it("lets an agent on a phone find a debtor by KID, open her case and grant her a deferral", async () => {
    const caseId = caseIdFor("t_devhost_demo", "MS-1001");
    const view = (await (
      await fetch(`${portal.base}/api/v1/cases/${caseId}`, { headers: { "x-api-key": DEMO_KEY } })
    ).json()) as { kid: string };
    const context = await portal.phone();
    const page = await portal.signIn(context, "test-staff-agent");
    await page.getByRole("link", { name: "Kundeservice" }).click();
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Kundeservice");
    await check(page, "portal-console-phone-search");
    await page.getByLabel("KID, telefon, navn").fill(view.kid);
    await page.getByRole("button", { name: "Søk" }).click();
    await expect(page.getByRole("heading", { name: "Kari Nordmann" }).isVisible()).resolves.toBe(true);
    await expect(page.getByText(`${KARI.nationalId.slice(0, 6)} *****`).isVisible()).resolves.toBe(true);
    await expect(page.getByRole("link", { name: "NE-2001" }).isVisible()).resolves.toBe(true);
    expect(page.url()).not.toContain(view.kid);
    await check(page, "portal-console-phone-person");
    await page.getByRole("link", { name: "MS-1001" }).click();
    expect(new URL(page.url()).pathname).toBe(`/portal/t_devhost_demo/saker/${caseId}`);
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toContain("MS-1001");
    // …and grants a deferral on her behalf: done as the agent, on the case's timeline and in the partner API.
    await page.getByLabel("Antall dager").fill("7");
    await page.getByRole("button", { name: "Gi utsettelse" }).click();
    await expect(page.getByRole("status").first().textContent()).resolves.toContain("Utsettelsen er gitt.");
    await expect(
      page.getByText("Siri Service (kundeservice) ga utsettelse på vegne av skyldneren: 7 dager").isVisible(),
    ).resolves.toBe(true);
    const after = (await (
      await fetch(`${portal.base}/api/v1/cases/${caseId}`, { headers: { "x-api-key": DEMO_KEY } })
    ).json()) as { timeline: Array<{ title: string }> };
    expect(after.timeline.some((e) => /Siri Service/u.test(e.title))).toBe(true);
    await check(page, "portal-console-phone-deferral");
    await context.close();
  });

  it("lists a debtor's message in the agent's inbox", async () => {
    const kari = new MiniBrowser();
    const overview = await signInWithLocalBankId(kari, portal.base, KARI.sub);
    const claimPath = [...overview.body.matchAll(/href="(\/min-side\/krav\/t_devhost_2?[^"?]*)"/gu)]
      .map((m) => m[1]!)
      .find((p) => p.startsWith("/min-side/krav/t_devhost_demo/"))!;
    const thread = await kari.go(`${portal.base}${claimPath}/meldinger`);
    await kari.go(`${portal.base}${claimPath}/meldinger`, {
      form: { csrf: inputValue(thread.body, "csrf")!, text: "Når stenger dere?" },
    });
    const context = await portal.phone();
    const page = await portal.signIn(context, "test-staff-agent");
    await page.goto(`${portal.base}/portal/kundeservice/innboks`);
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Innboks");
    await expect(page.getByText("Melding fra skyldner").isVisible()).resolves.toBe(true);
    await check(page, "portal-console-phone-inbox");
    await context.close();
  });
});

describe("the creditor's case list in a browser", () => {
  it("filters and sorts on a desktop and offers the CSV of the same filters", async () => {
    const context = await portal.desktop({ locale: "nb-NO" });
    const page = await portal.signIn(context, "test-staff-editor");
    await page.goto(`${portal.base}/portal/t_devhost_demo/saker`);
    await expect(page.locator("tbody tr").count()).resolves.toBe(2);
    await page.getByLabel("Sorter etter").selectOption("owed");
    await page.getByLabel("Rekkefølge").selectOption("desc");
    await page.getByRole("button", { name: "Søk" }).click();
    await expect(page.locator("tbody tr td:first-child").allTextContents()).resolves.toEqual(["MS-1001", "MS-1002"]);
    await page.getByLabel("Fakturanummer, KID eller kundenummer, navn eller telefon").fill("ola");
    await page.getByRole("button", { name: "Søk" }).click();
    await expect(page.locator("tbody tr td:first-child").allTextContents()).resolves.toEqual(["MS-1002"]);
    const csv = page.getByRole("link", { name: "Last ned som CSV (Excel)" });
    await expect(csv.getAttribute("href")).resolves.toBe("/portal/t_devhost_demo/saker.csv?q=ola&sort=owed&dir=desc");
    await check(page, "portal-console-desktop-cases");
    await page.getByLabel("Forfall fra").fill("2026-12-01");
    await page.getByLabel("Forfall til").fill("2026-11-01");
    await page.getByRole("button", { name: "Søk" }).click();
    await expect(page.getByRole("alert").textContent()).resolves.toContain("ikke før «Forfall fra»");
    await check(page, "portal-console-desktop-cases-error");
    await context.close();
  });

  it("fits the filters on a phone", async () => {
    const context = await portal.phone();
    const page = await portal.signIn(context, "test-staff-editor");
    await page.goto(`${portal.base}/portal/t_devhost_demo/saker?stage=reminder&sort=due&dir=desc`);
    await check(page, "portal-console-phone-cases");
    await context.close();
  });
});
