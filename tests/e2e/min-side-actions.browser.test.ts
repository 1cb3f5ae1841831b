/**
 * Min side's action forms on a 360 × 780 phone in Chromium (playwright-core; the pages have no scripts), served with
 * the pages' Content-Security-Policy: the deferral, instalment plan, dispute and "I have paid" forms, and the dispute
 * form refused at its attachment. Each is rendered by the real renderer from a form model like the use case's
 * (tests/unit/functions/debtor-actions/ drives the same pages through the functions), screenshotted into
 * test-artifacts/min-side-*.png and checked with axe-core (WCAG 2.1 A/AA); nothing may run off the side of the phone.
 *
 * Needs Chromium: /usr/bin/chromium or CHROMIUM_PATH (see pay-with-vipps.browser.test.ts).
 */
import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { axeViolations } from "../support/browser-checks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ActionForm, DebtorAction, FieldRefusal } from "../../shared/application/min-side/debtor-actions";
import { proposeInstalmentPlans } from "../../shared/domain/instalment-plans";
import { money } from "../../shared/domain/money";
import { PAGE_CSP } from "../../shared/web/layout";
import { renderActionPage } from "../../shared/web/min-side/action-pages";
import type { Lang } from "../../shared/web/pay-page-model";
import { ROOT } from "../support/devhost-process";

const ARTIFACTS = path.join(ROOT, "test-artifacts");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const PHONE = { width: 360, height: 780 };
const ORIGIN = "https://pay.example.test";

let browser: Browser;

/** A claim of 3 263,15 kr at Fjordnett AS, as the use case shows it on 2 Nov 2026 (default limits: 14 days, 500 kr, 6 months). */
function form(unavailable?: ActionForm["unavailable"]): ActionForm {
  const owed = money(326_315, "NOK");
  return {
    claim: {
      tenantId: "t_demo",
      caseId: "c-1001",
      creditor: { name: "Fjordnett AS" },
      invoiceNumber: "1001",
      status: "open",
      owedToday: owed,
      dueDate: "2026-10-01",
      today: "2026-11-02",
    },
    ...(unavailable ? { unavailable } : {}),
    maxDeferralDays: 14,
    deferralNeedsCreditor: false,
    plans: proposeInstalmentPlans(owed, { minimumInstalment: money(500_00, "NOK"), maxMonths: 6 }, "2026-11-16"),
    pauseUntil: "2026-11-07",
  };
}

function html(action: DebtorAction, lang: Lang, error?: { field: string; code: FieldRefusal }): string {
  return renderActionPage({
    action,
    lang,
    csrfToken: "csrf-token",
    form: form(),
    selfPath: "/min-side/krav/t_demo/c-1001/form",
    claimPath: "/min-side/krav/t_demo/c-1001",
    error,
    values: error ? { reason: "Jeg sa opp abonnementet i august." } : {},
  });
}

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}. The browser test needs it: on Debian/Ubuntu run ` +
        "`sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium` (.ci/run does this), " +
        "or set CHROMIUM_PATH to a Chromium binary.",
    );
  }
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

/** Opens `html` on a phone as if served from the pay link's origin, with the pages' own headers and CSP. */
async function open(html: string, shot: string): Promise<Page> {
  const context = await browser.newContext({
    viewport: PHONE,
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: "nb-NO",
  });
  const page = await context.newPage();
  await page.route(`${ORIGIN}/**`, (route) =>
    route.fulfill({
      status: 200,
      headers: { "content-type": "text/html; charset=utf-8", "content-security-policy": PAGE_CSP },
      body: html,
    }),
  );
  await page.goto(`${ORIGIN}/min-side/krav/t_demo/c-1001/form`);
  await page.screenshot({ path: path.join(ARTIFACTS, `${shot}.png`), fullPage: true });
  return page;
}

/**
 * Elements whose right edge runs past their box — the invoice's bordered box, or the page's white card — or past the
 * phone's screen: cut off, drawn over the border, or forcing a sideways scroll.
 */
async function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(`(() => {
    const width = document.documentElement.clientWidth;
    const innerRight = (box) => {
      const style = getComputedStyle(box);
      return box.getBoundingClientRect().right - parseFloat(style.paddingRight) - parseFloat(style.borderRightWidth);
    };
    const out = [...document.querySelectorAll("main *, footer *")]
      .filter((e) => {
        const box = e.parentElement.closest(".case, main, footer");
        const limit = Math.min(width, box ? innerRight(box) : width);
        return e.getBoundingClientRect().right > limit + 0.5;
      })
      .map((e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className ? "." + e.className : "") + ": " + (e.textContent || "").trim().slice(0, 30));
    if (document.documentElement.scrollWidth > width) out.push("<page scrolls sideways>");
    return out;
  })()`);
}

const plain = (s: string) => s.replace(/[\u00a0\u202f]/gu, " ");

describe("Min side's action forms on a 360 px phone", () => {
  const cases: Array<[string, DebtorAction, Lang, string, { field: string; code: FieldRefusal } | undefined]> = [
    ["min-side-utsettelse", "deferral", "nb", "Be om utsettelse", undefined],
    ["min-side-nedbetaling", "instalment-plan", "nb", "Betal i avdrag", undefined],
    ["min-side-innsigelse", "dispute", "nb", "Jeg er uenig i kravet", undefined],
    ["min-side-jeg-har-betalt", "payment-reported", "nb", "Jeg har betalt", undefined],
    [
      "min-side-innsigelse-feil",
      "dispute",
      "nb",
      "Filen må være en PDF, JPG eller PNG.",
      { field: "attachment", code: "file-type" },
    ],
    ["min-side-nedbetaling-en", "instalment-plan", "en", "Pay in instalments", undefined],
  ];
  for (const [shot, action, lang, expected, error] of cases) {
    it(`${shot}: says "${expected}", fits the phone and passes axe`, async () => {
      const page = await open(html(action, lang, error), shot);
      try {
        expect(plain(await page.locator("main").innerText())).toContain(expected);
        expect(await overflowing(page), `${shot} fits a 360 px phone`).toEqual([]);
        expect(await axeViolations(page), `axe-core WCAG 2.1 AA on ${shot}`).toEqual([]);
      } finally {
        await page.context().close();
      }
    });
  }
});
