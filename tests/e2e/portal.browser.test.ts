/**
 * The portal's first pages in Chromium (issue 16): a creditor editor signs in at the local provider (standing in for
 * Entra ID), lists her creditor and its cases, searches by invoice number and filters by status — on a phone and on
 * a desktop, in bokmål and English; axe-core finds no WCAG 2.1 AA violation and nothing runs off the phone's screen.
 * Screenshots: test-artifacts/portal-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkPage as check, startPortalBrowser, type PortalBrowser } from "../support/portal-browser";

let portal: PortalBrowser;

beforeAll(async () => {
  portal = await startPortalBrowser("portal-browser-", { DEVHOST_DEMO_PEOPLE: "true" });
}, 180_000);

afterAll(() => portal?.stop());

describe("the portal in a browser", () => {
  it("lets a creditor editor on a phone list, search and filter her creditor's cases", async () => {
    const context = await portal.phone();
    const page = await portal.signIn(context, "test-staff-editor");
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
    const context = await portal.desktop();
    const page = await portal.signIn(context, "test-staff-agent");
    await page.goto(`${portal.base}/portal/t_devhost_demo_2/saker?lang=en`);
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Cases: Nordlys Energi AS");
    await check(page, "portal-desktop-cases-en");
    await context.close();
  });
});
