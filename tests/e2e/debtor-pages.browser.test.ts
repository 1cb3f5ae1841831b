/**
 * The debtor's pages on a 360 × 780 phone in Chromium (playwright-core; the pages have no scripts), served with their own
 * headers and Content-Security-Policy): the pay page at each stage of the ladder — Let's pay, reminder (purring),
 * collection notice (inkassovarsel), a claim in collection (Betal nå) — and the receipts of a full payment, a part
 * payment and a payment that reopens a suspended line. Each is rendered by the real renderers from the views the
 * use cases produce (tests/unit/functions/payments/debtor-pages.test.ts checks those views end to end), screenshotted
 * into test-artifacts/ and checked with axe-core (WCAG 2.1 A/AA); nothing may run off the side of the phone.
 *
 * Needs Chromium: /usr/bin/chromium or CHROMIUM_PATH (see pay-with-vipps.browser.test.ts).
 */
import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { axeViolations } from "../support/browser-checks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type {
  DebtorStage,
  PayPageCase,
  PayPageView,
  ReceiptView,
} from "../../shared/application/payments/pay-page-model";
import type { Money } from "../../shared/domain/money";
import { PAGE_CSP } from "../../shared/web/layout";
import { renderPayPage } from "../../shared/web/pay-page";
import { renderReceiptPage } from "../../shared/web/receipt-page";
import { ROOT } from "../support/devhost-process";

const ARTIFACTS = path.join(ROOT, "test-artifacts");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const PHONE = { width: 360, height: 780 };
const ORIGIN = "https://pay.example.test";
const TOKEN = "Xk3vQ9pLm2Rt7Wz4Yb8Nc1Df5Gh";

const nok = (value: number): Money => ({ value, currency: "NOK" });
const CONTACTS = {
  creditorContact: {
    name: "Fjordnett AS",
    phone: "22 12 34 56",
    email: "kundeservice@fjordnett.no",
    web: "fjordnett.no",
  },
  agencyContact: {
    name: "Betalingsoppfølging AS",
    phone: "+47 22 00 00 00",
    email: "kundeservice@example.no",
    web: "https://example.no",
  },
};

const letter = (kind: "reminder" | "collection-notice" | "payment-demand", stepIndex: number, on: string) => ({
  caseId: "c-1001",
  documentId: `step-${stepIndex}-${kind}`,
  kind,
  on,
});

/** One invoice of 1 250 kr due 1 Oct, as it stands at each stage (fees as the default Norwegian ladder charges them). */
function invoice(stage: DebtorStage): PayPageCase {
  const feeLines: PayPageCase["feeLines"] = [];
  if (stage !== "lets-pay")
    feeLines.push({ kind: "reminder", amount: nok(3500), letter: letter("reminder", 1, "2026-10-15") });
  if (stage === "collection-notice" || stage === "collection")
    feeLines.push({
      kind: "collection-notice",
      amount: nok(7000),
      letter: letter("collection-notice", 4, "2026-10-30"),
    });
  if (stage === "collection")
    feeLines.push({ kind: "payment-demand", amount: nok(7000), letter: letter("payment-demand", 7, "2026-11-14") });
  const fees = feeLines.reduce((n, l) => n + l.amount.value, 0);
  const interest = { "lets-pay": 1370, reminder: 2740, "collection-notice": 4790, collection: 7190 }[stage];
  return {
    caseId: "c-1001",
    invoiceNumber: "1001",
    description: "Bredbånd oktober 2026",
    kid: "331327831575826360", // 18 digits, as the dev host makes them (a KID may have 25)
    dueDate: "2026-10-01",
    invoiced: nok(125000),
    balance: { principal: nok(125000), fees: nok(fees), interest: nok(interest), total: nok(125000 + fees + interest) },
    status: "open",
    inCollection: stage === "collection-notice" || stage === "collection",
    serviceSuspended: false,
    stage,
    feeLines,
    feesPaid: nok(0),
  };
}

function payView(stage: DebtorStage): PayPageView {
  const c = invoice(stage);
  const total = c.balance.total;
  return {
    token: TOKEN,
    creditor: { name: "Fjordnett AS" },
    cases: [c],
    total,
    options: [
      { kind: "full", amount: total },
      ...(c.inCollection ? [{ kind: "custom" as const, min: nok(10000), max: total }] : []),
    ],
    methods: ["vipps", "card"],
    accountNumber: "1234.56.78903",
    expiresAt: "2026-12-31T22:59:00Z",
    today: "2026-11-20",
    stage,
    ...CONTACTS,
  };
}

const paidAt = "2026-11-20T13:07:31.000Z";
const RECEIPTS: Record<string, ReceiptView> = {
  "receipt-full": {
    token: TOKEN,
    creditor: { name: "Fjordnett AS" },
    state: "paid",
    partial: false,
    payment: {
      reference: "pfu-3f9c2a71be04d5e68a1c9b27",
      amount: nok(136530),
      method: "vipps",
      paidAt,
      covered: { fees: nok(3500), interest: nok(8030), principal: nok(125000), credit: nok(0) },
    },
    cases: [{ invoiceNumber: "1001", balance: nok(0), status: "paid" }],
    services: [],
    ...CONTACTS,
  },
  "receipt-partial": {
    token: TOKEN,
    creditor: { name: "Fjordnett AS" },
    state: "paid",
    partial: true,
    payment: {
      reference: "pfu-8b1d0e6c27a94f35c0d2e1aa",
      amount: nok(50000),
      method: "card",
      paidAt,
      covered: { fees: nok(10500), interest: nok(4790), principal: nok(34710), credit: nok(0) },
    },
    cases: [
      {
        invoiceNumber: "1001",
        balance: nok(90290),
        status: "open",
        next: { kind: "payment-demand", on: "2026-11-24" },
      },
    ],
    services: [],
    ...CONTACTS,
  },
  "receipt-reopen": {
    token: TOKEN,
    creditor: { name: "Fjordnett AS" },
    state: "paid",
    partial: true,
    payment: {
      reference: "pfu-c47e19a0d3b85f62e9a1047d",
      amount: nok(41290),
      method: "vipps",
      paidAt,
      covered: { fees: nok(17500), interest: nok(7190), principal: nok(16600), credit: nok(0) },
    },
    cases: [
      { invoiceNumber: "BB-1", balance: nok(50000), status: "open", next: { kind: "legal-handoff", on: "2026-12-04" } },
    ],
    // The partner confirmed the reopen a few seconds after the payment (the refreshing "åpnes igjen nå" state is
    // receipt-reopening.png, from receipt-reopen.browser.test.ts).
    services: [{ kind: "reopened", serviceKind: "broadband", time: "14:07" }],
    ...CONTACTS,
  },
};

let browser: Browser;

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
  await page.goto(`${ORIGIN}/p/${TOKEN}`);
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

describe("the pay page on a 360 px phone, at each stage", () => {
  const stages: Array<[DebtorStage, string, string]> = [
    ["lets-pay", "Faktura fra Fjordnett AS", "Betal med Vipps"],
    ["reminder", "Purring fra Fjordnett AS", "Betal purringen med Vipps"],
    ["collection-notice", "Inkassovarsel fra Fjordnett AS", "Betal inkassovarselet med Vipps"],
    ["collection", "Betal nå: krav fra Fjordnett AS", "Betal nå med Vipps"],
  ];
  for (const [stage, heading, button] of stages) {
    it(`says what the letter said (${stage}), fits the phone and passes axe`, async () => {
      const page = await open(renderPayPage(payView(stage), { lang: "nb" }), `pay-page-${stage}`);
      try {
        expect(plain(await page.getByRole("heading", { level: 1 }).innerText())).toBe(heading);
        await page.getByRole("button", { name: button, exact: true }).waitFor({ timeout: 2000 });
        expect(await overflowing(page)).toEqual([]);
        if (stage !== "lets-pay") {
          const links = await page.locator("a.doc").allInnerTexts();
          expect(links[0]).toBe("Purring 15.10.2026 (PDF)");
        }
        if (payView(stage).options.length === 1) expect(await page.locator('input[type="radio"]').count()).toBe(0);
        else {
          // The cover choice is whole on the phone: its select inside the screen, its longest option readable.
          const box = (await page.locator("#cover").boundingBox())!;
          expect(box.x).toBeGreaterThanOrEqual(0);
          expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
        }
        expect(await page.locator('footer a[href^="tel:"]').count()).toBe(2);
        expect(await axeViolations(page), `axe-core WCAG 2.1 AA on the ${stage} pay page`).toEqual([]);
      } finally {
        await page.context().close();
      }
    });
  }
});

describe("the receipts on a 360 px phone", () => {
  const expected: Record<string, string> = {
    "receipt-full": "Betalt",
    "receipt-partial": "Delbetaling mottatt",
    "receipt-reopen": "Delbetaling mottatt",
  };
  for (const [name, view] of Object.entries(RECEIPTS)) {
    it(`${name}: says ${expected[name]}, keeps the reference on one line, fits the phone and passes axe`, async () => {
      const page = await open(renderReceiptPage(view, "nb"), name);
      try {
        expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe(expected[name]);
        const reference = page.locator(".reference .nowrap");
        expect(await reference.innerText()).toBe(view.payment!.reference);
        const lineHeight = await page
          .locator(".reference")
          .evaluate((e) => e.ownerDocument.defaultView!.getComputedStyle(e).lineHeight);
        const box = (await reference.boundingBox())!;
        expect(box.height, "the reference on one line").toBeLessThan(parseFloat(lineHeight) * 1.5);
        expect(await page.getByRole("link", { name: "Last ned kvitteringen (PDF)" }).count()).toBe(1);
        if (name === "receipt-reopen")
          expect(plain(await page.locator("main").innerText())).toContain("Bredbåndet ditt er åpnet igjen kl. 14:07.");
        expect(await overflowing(page)).toEqual([]);
        expect(await axeViolations(page), `axe-core WCAG 2.1 AA on ${name}`).toEqual([]);
      } finally {
        await page.context().close();
      }
    });
  }
});
