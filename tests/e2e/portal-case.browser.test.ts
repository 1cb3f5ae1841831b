/**
 * The portal's case page in Chromium (issue 16): a creditor editor on a phone finds a case by its invoice number,
 * sends the pay link by SMS (it lands in the dev host's SMS outbox), the debtor pays it with Vipps on a second page,
 * and the editor's open case page shows the payment and the new balance WITHOUT a reload (the page's polling script
 * swaps its live region in). A viewer sees the case but no action at all. axe-core finds no WCAG 2.1 AA violation and
 * nothing runs off a 360 px phone. Screenshots: test-artifacts/portal-case-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toContactHours } from "../support/devhost-clock";
import { eventually } from "../support/eventually";
import { checkPage as check, startPortalBrowser, type PortalBrowser } from "../support/portal-browser";
import { LOCAL_SETTINGS } from "../support/portal-http";

const API_KEY = LOCAL_SETTINGS.DEVHOST_DEMO_API_KEY!;
const DEBTOR_PHONE = "+4791239901";
const INVOICE = "PB-2001";

let portal: PortalBrowser;
let caseId: string;

const normal = (s: string | null): string => (s ?? "").replace(/[\u00a0\u202f]/gu, " ");

beforeAll(async () => {
  portal = await startPortalBrowser("portal-case-browser-");
  // A weekday at 10:00 UTC (11:00 in Oslo): contact hours, so the pay link may go now.
  const at = await toContactHours(portal.base);
  const day = (offset: number) => new Date(at.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
  const res = await fetch(`${portal.base}/api/v1/invoices`, {
    method: "POST",
    headers: { "x-api-key": API_KEY, "content-type": "application/json" },
    body: JSON.stringify({
      invoiceNumber: INVOICE,
      customer: {
        customerId: "k-pb",
        name: "Kari Nordmann",
        phone: DEBTOR_PHONE,
        consent: { sms: true, email: false },
      },
      amount: { value: 84_950, currency: "NOK" },
      issueDate: day(-10),
      dueDate: day(4),
    }),
  });
  expect(res.status).toBe(201);
  caseId = ((await res.json()) as { caseId: string }).caseId;
}, 180_000);

afterAll(() => portal?.stop());

describe("the case page in a browser", () => {
  it("lets an editor send the pay link by SMS and see the debtor's payment arrive without reloading", async () => {
    const editorContext = await portal.phone();
    const page = await portal.signIn(editorContext, "test-staff-editor");
    await page.getByRole("link", { name: "Demo Kreditor AS" }).click();
    await page.getByLabel("Fakturanummer, KID eller kundenummer").fill(INVOICE);
    await page.getByRole("button", { name: "Søk" }).click();
    await page.getByRole("link", { name: INVOICE }).click();
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe(
      `Faktura ${INVOICE} – Demo Kreditor AS`,
    );
    expect(normal(await page.locator("#case-owed").textContent())).toBe("849,50 kr");
    await check(page, "portal-case-phone");

    await page.getByRole("button", { name: "Send på SMS" }).click();
    await expect(
      page.getByRole("status").filter({ hasText: "Betalingslenken er sendt på SMS." }).isVisible(),
    ).resolves.toBe(true);
    await expect(page.getByText("Erik Endring (kreditor) sendte betalingslenken på SMS").isVisible()).resolves.toBe(
      true,
    );
    await check(page, "portal-case-sent");

    const payLink = await eventually(
      async () => {
        const o = (await (
          await fetch(`${portal.base}/api/dev/sms`, { headers: { accept: "application/json" } })
        ).json()) as {
          messages: Array<{ to: string; message: string }>;
        };
        return o.messages
          .filter((m) => m.to === DEBTOR_PHONE)
          .map((m) => /https?:\/\/\S+\/p\/[A-Za-z0-9_-]+/u.exec(m.message)?.[0])
          .find(Boolean);
      },
      "the pay link SMS in the outbox",
      20_000,
    );

    // The editor's page is left open; a marker tells a reload from a live update.
    await page.evaluate(() => {
      (globalThis as unknown as { __notReloaded: boolean }).__notReloaded = true;
    });

    const debtorContext = await portal.phone();
    const debtor = await debtorContext.newPage();
    await debtor.goto(payLink);
    await debtor.getByRole("button", { name: "Betal med Vipps" }).click();
    await debtor.waitForURL((url) => url.href.startsWith(portal.host.standIns.vipps!), { timeout: 10_000 });
    await debtor.getByRole("button", { name: "Godkjenn" }).click();
    await debtor.waitForURL(/\/p\/[A-Za-z0-9_-]+\/receipt/u, { timeout: 10_000 });
    await debtor.getByRole("heading", { level: 1, name: "Betalt" }).waitFor({ timeout: 30_000 });
    await debtorContext.close();

    // A function, not a string: the page's CSP (no 'unsafe-eval') refuses evaluated strings.
    await page.waitForFunction(
      () => {
        const doc = (
          globalThis as unknown as { document: { getElementById(id: string): { textContent: string | null } | null } }
        ).document;
        return (doc.getElementById("case-owed")?.textContent ?? "").replace(/[\u00a0\u202f]/gu, " ") === "0,00 kr";
      },
      undefined,
      { timeout: 30_000 },
    );
    expect(await page.evaluate(() => (globalThis as unknown as { __notReloaded?: boolean }).__notReloaded)).toBe(true);
    await expect(
      page.locator("#case-live").getByText("Betaling mottatt: 849,50 kr med Vipps").isVisible(),
    ).resolves.toBe(true);
    expect(normal(await page.locator("#case-live .badge").textContent())).toBe("Betalt");
    expect(normal(await page.locator("#case-live-note").textContent())).toContain("Skyldig nå: 0,00 kr");
    await check(page, "portal-case-paid");
    await editorContext.close();
  });

  it("shows a viewer the case with no action to take, in English on a desktop too", async () => {
    const context = await portal.phone();
    const page = await portal.signIn(context, "test-staff-viewer");
    await page.goto(`${portal.base}/portal/t_devhost_demo/saker/${caseId}`);
    await expect(page.getByRole("heading", { name: "Hva har skjedd" }).isVisible()).resolves.toBe(true);
    await expect(page.locator("form.action").count()).resolves.toBe(0);
    // Where the actions would be, the viewer is told why there are none.
    await expect(page.getByText("Du har lesetilgang og kan ikke gjøre endringer i saken.").isVisible()).resolves.toBe(
      true,
    );
    await check(page, "portal-case-viewer");
    await context.close();

    const desktop = await portal.desktop({ height: 900 });
    const agent = await portal.signIn(desktop, "test-staff-agent");
    await agent.goto(`${portal.base}/portal/t_devhost_demo/saker/${caseId}?lang=en`);
    await expect(agent.getByRole("heading", { name: "What has happened" }).isVisible()).resolves.toBe(true);
    await check(agent, "portal-case-desktop-en");
    await desktop.close();
  });
});
