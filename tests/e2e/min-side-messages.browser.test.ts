/**
 * Min side's messages and settings pages on a 360 × 780 phone in Chromium (playwright-core; the pages have no
 * scripts), served with the pages' Content-Security-Policy: the list of threads (one unread), a thread with both sides'
 * messages and its form, the thread form refused at its text, the settings page, the settings refused at the mobile
 * number (in English too), and the assistant's hand-over offering "Send til kundeservice". Each is rendered by the real
 * renderer from a model like the use case's (tests/e2e/min-side-messages.test.ts drives the same pages through the dev
 * host), screenshotted into test-artifacts/min-side-meldinger-*.png / min-side-innstillinger-*.png and checked with
 * axe-core (WCAG 2.1 A/AA); nothing may run off the side of the phone.
 *
 * Needs Chromium: /usr/bin/chromium or CHROMIUM_PATH (see pay-with-vipps.browser.test.ts).
 */
import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { axeViolations } from "../support/browser-checks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ThreadView } from "../../shared/application/min-side/messages";
import type { SettingsValues } from "../../shared/application/min-side/settings";
import { PAGE_CSP } from "../../shared/web/layout";
import { renderAssistantPage } from "../../shared/web/min-side-pages";
import {
  renderHandOverForm,
  renderSettingsPage,
  renderThreadPage,
  renderThreadsPage,
} from "../../shared/web/min-side/message-pages";
import { ROOT } from "../support/devhost-process";

const ARTIFACTS = path.join(ROOT, "test-artifacts");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const PHONE = { width: 360, height: 780 };
const ORIGIN = "https://pay.example.test";

let browser: Browser;

const CLAIM = { tenantId: "t_demo", caseId: "c-1001", invoiceNumber: "1001", creditorName: "Fjordnett AS" };
const OTHER = { tenantId: "t_nordlys", caseId: "c-2001", invoiceNumber: "NE-2001", creditorName: "Nordlys Energi AS" };

const THREAD: ThreadView = {
  ...CLAIM,
  messages: [
    {
      messageId: "msg-1",
      from: "debtor",
      text: "Hei! Kan jeg betale etter lønning den 20.?\nJeg har lagt ved lønnsslippen.",
      at: "2026-11-02T09:12:00.000Z",
      attachment: { uploadId: "message-1", contentType: "application/pdf", bytes: 48_213 },
    },
    {
      messageId: "msg-2",
      from: "customer-service",
      text: "Hei Kari, det går fint: vi venter til 20. november med neste steg.",
      at: "2026-11-02T13:40:00.000Z",
    },
  ],
  unreadIds: ["msg-2"],
  alertChannels: ["sms"],
};

const VALUES: SettingsValues = {
  phone: "+4791726354",
  email: "kari@example.no",
  consentSms: true,
  consentEmail: false,
  alertSms: true,
  alertEmail: true,
};

const PAGES: Array<[string, string, string]> = [
  [
    "min-side-meldinger",
    renderThreadsPage({
      lang: "nb",
      threads: [
        { ...CLAIM, lastAt: "2026-11-02T13:40:00.000Z", lastFrom: "customer-service", count: 2, unread: 1 },
        { ...OTHER, lastAt: "2026-10-28T08:05:00.000Z", lastFrom: "debtor", count: 1, unread: 0 },
      ],
      claims: [CLAIM, OTHER],
    }),
    "1 ulest",
  ],
  ["min-side-meldinger-trad", renderThreadPage({ lang: "nb", csrf: "csrf-token", thread: THREAD }), "Ny"],
  [
    "min-side-meldinger-feil",
    renderThreadPage({
      lang: "nb",
      csrf: "csrf-token",
      thread: { ...THREAD, messages: [], unreadIds: [] },
      error: { field: "text", code: "text-missing" },
    }),
    "Skriv en melding.",
  ],
  [
    "min-side-innstillinger",
    renderSettingsPage({ lang: "nb", csrf: "csrf-token", subjectKind: "person", claims: 2, values: VALUES }),
    "Varsle meg om svar fra kundeservice på",
  ],
  [
    "min-side-innstillinger-feil",
    renderSettingsPage({
      lang: "nb",
      csrf: "csrf-token",
      subjectKind: "person",
      claims: 2,
      values: { ...VALUES, phone: "9172 abc" },
      error: { field: "phone", code: "phone-invalid" },
    }),
    "Dette er ikke et gyldig mobilnummer.",
  ],
  [
    "min-side-innstillinger-en",
    renderSettingsPage({ lang: "en", csrf: "csrf-token", subjectKind: "case", claims: 1, values: VALUES }),
    "Alert me to replies from customer service by",
  ],
  [
    "min-side-assistent-kundeservice",
    renderAssistantPage({
      lang: "nb",
      csrf: "csrf-token",
      asked: {
        question: "jeg vil snakke med et menneske",
        answer: {
          reply: {
            intent: "contact-human",
            text: "Kundeservice kan hjelpe deg med det.",
            links: [],
            handOver: true,
          },
          contacts: [{ creditorName: "Fjordnett AS" }],
        },
      },
      handOverFormHtml: renderHandOverForm({
        lang: "nb",
        csrf: "csrf-token",
        question: "jeg vil snakke med et menneske",
        answer: "Kundeservice kan hjelpe deg med det.",
        claims: [CLAIM, OTHER],
      }),
    }),
    "Send til kundeservice",
  ],
];

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

describe("Min side's messages and settings on a 360 px phone", () => {
  for (const [shot, html, expected] of PAGES) {
    it(`${shot}: says "${expected}", fits the phone and passes axe`, async () => {
      const page = await open(html, shot);
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
