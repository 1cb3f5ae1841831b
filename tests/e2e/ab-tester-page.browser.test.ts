/**
 * The portal's A/B test page in Chromium (issue 16): a creditor editor on a phone defines an experiment on the Let's
 * pay SMS — a text without the pay link is refused on the page, naming the variant, and the fixed one is saved through
 * the same policy use case as `PUT /api/v1/policy` (the API then shows it) and audited; a viewer sees the experiments
 * but gets no form and her POST is refused; a forged CSRF token is refused. axe-core finds no WCAG 2.1 AA violation
 * and nothing runs off the phone's screen. Screenshots: test-artifacts/ab-tester-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkPage as check, startPortalBrowser, type PortalBrowser } from "../support/portal-browser";
import { LOCAL_SETTINGS, signInStaff } from "../support/portal-http";
import { json } from "../support/http";
import { inputValue, MiniBrowser } from "../support/min-side-browser";

const API_KEY = LOCAL_SETTINGS.DEVHOST_DEMO_API_KEY!;
const PAGE = "/portal/t_devhost_demo/ab-tester";

let portal: PortalBrowser;

async function signInMini(sub: string): Promise<MiniBrowser> {
  const mini = new MiniBrowser();
  await signInStaff(mini, portal.base, sub);
  return mini;
}

beforeAll(async () => {
  portal = await startPortalBrowser("ab-tester-");
}, 180_000);

afterAll(() => portal?.stop());

describe("the A/B test page", () => {
  it("lets a creditor editor on a phone define an experiment; a broken text is refused naming the variant", async () => {
    const context = await portal.phone();
    const page = await portal.signIn(context, "test-staff-editor");
    await page.goto(`${portal.base}/portal/t_devhost_demo/saker`);
    await page.getByRole("link", { name: "A/B-tester" }).click(); // linked from the creditor's cases
    await page.waitForURL(`${portal.base}${PAGE}`);
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
    await expect(alert.textContent()).resolves.toContain("Variant B: Teksten må inneholde {link}");
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
    const policy = await json(await fetch(`${portal.base}/api/v1/policy`, { headers: { "x-api-key": API_KEY } }));
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

    await page.goto(`${portal.base}${PAGE}?lang=en`);
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toContain("A/B tests");
    await check(page, "ab-tester-english-phone");
    await context.close();
  });

  it("shows a viewer the experiments without a form and refuses her POST; a forged CSRF token is refused", async () => {
    const viewer = await signInMini("test-staff-viewer");
    const seen = await viewer.go(`${portal.base}${PAGE}`);
    expect(seen.status).toBe(200);
    expect(seen.body).toContain("betal-kveld");
    expect(seen.body).not.toContain('name="aText"');
    expect(seen.body).toContain("bare en redaktør kan endre dem");
    const csrf = inputValue(seen.body, "csrf")!;
    const refused = await viewer.request(`${portal.base}${PAGE}`, {
      form: { csrf, action: "end", id: "betal-kveld" },
    });
    expect(refused.status).toBe(403);

    const editor = await signInMini("test-staff-editor");
    const forged = await editor.request(`${portal.base}${PAGE}`, {
      form: { csrf: "forged", action: "end", id: "betal-kveld" },
    });
    expect(forged.status).toBe(403);
    const other = await editor.go(`${portal.base}/portal/t_devhost_demo_2/ab-tester`);
    expect(other.status).toBe(404);
    const policy = await json(await fetch(`${portal.base}/api/v1/policy`, { headers: { "x-api-key": API_KEY } }));
    expect(policy.policy.experiments[0].endsOn).toBeUndefined(); // neither ended it
  });

  it("shows every mistake of the A/B form at once, in bokmål: a bad name and a text without the pay link", async () => {
    const editor = await signInMini("test-staff-editor");
    const form = await editor.go(`${portal.base}${PAGE}`);
    const csrf = inputValue(form.body, "csrf")!;
    const refused = await editor.request(`${portal.base}${PAGE}`, {
      form: {
        csrf,
        id: "Betal Kveld!",
        step: "lets-pay-sms",
        startsOn: "2030-01-01",
        splitA: "50",
        bText: "Hei, betal {amount}",
      },
    });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatch(/id: /u);
    expect(refused.body).toContain("Variant B: Teksten må inneholde {creditor} og {link}");
  });
});
