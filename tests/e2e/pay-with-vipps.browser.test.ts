/**
 * Paying a pay link in a real browser (Debian's Chromium driven by playwright-core), through `npm start`'s dev host
 * and its Vipps simulator: the debtor follows the link in the Let's pay SMS on a phone-sized screen, sees who the
 * invoice is from and what it costs, pays with Vipps, approves in "Vipps", and lands on a receipt that says "Betalt";
 * the creditor's case is then paid with nothing left. The page also works with the keyboard alone and without
 * JavaScript (a card payment through the same plain forms).
 *
 * Needs Chromium: /usr/bin/chromium (Debian: `sudo apt-get install -y --no-install-recommends chromium`) or
 * CHROMIUM_PATH pointing at a Chromium binary. Without it the test fails, saying so.
 */
import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays, toLocalDate } from "../../shared/domain/calendar";
import type { Money } from "../../shared/domain/money";
import { formatAmount } from "../../shared/web/i18n";
import { makeDataDir, ROOT, startDevHost, type DevHostProcess } from "../support/devhost-process";
import { json } from "../support/http";

const settings = JSON.parse(fs.readFileSync(path.join(ROOT, "local.settings.example.json"), "utf8")) as {
  Values: Record<string, string>;
};
const OPERATOR_KEY = settings.Values.OPERATOR_API_KEY!;
const ARTIFACTS = path.join(ROOT, "test-artifacts");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const PHONE = { width: 390, height: 844 };
/** The receipt refreshes itself until the payment is applied (webhook → queue → case): allow it time. */
const PAID_WITHIN_MS = 30_000;

const CREDITOR = "Fjellkraft AS";
const SENDER = "Fjellkraft";
const AMOUNT: Money = { value: 84_950, currency: "NOK" };

interface Debtor {
  name: string;
  phone: string;
  invoiceNumber: string;
  caseId?: string;
  payLink?: string;
}
/** One debtor per browser test: the Let's pay link covers all of a debtor's overdue cases at the creditor. */
const mouse: Debtor = { name: "Kari Nordmann", phone: "+4791234561", invoiceNumber: "BROWSER-1" };
const keyboard: Debtor = { name: "Ola Nordmann", phone: "+4791234562", invoiceNumber: "BROWSER-2" };
const noScript: Debtor = { name: "Per Hansen", phone: "+4791234563", invoiceNumber: "BROWSER-3" };

let host: DevHostProcess | undefined;
let browser: Browser | undefined;
let apiKey: string;

async function api(method: string, route: string, body?: unknown, key = apiKey): Promise<Response> {
  return fetch(`${host!.base}${route}`, {
    method,
    headers: { "x-api-key": key, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** Waits until `check` holds (deliveries and orchestration steps settle asynchronously after an advance). */
async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function registerInvoice(debtor: Debtor, today: string): Promise<void> {
  const res = await api("POST", "/api/v1/invoices", {
    invoiceNumber: debtor.invoiceNumber,
    customer: {
      customerId: `cust-${debtor.invoiceNumber}`,
      name: debtor.name,
      phone: debtor.phone,
      address: { lines: ["Storgata 1"], postalCode: "0155", city: "Oslo", country: "NO" },
      consent: { sms: true, email: false },
    },
    amount: AMOUNT,
    issueDate: addDays(today, -14),
    dueDate: today,
  });
  expect(res.status, await res.clone().text()).toBe(201);
  debtor.caseId = (await json(res)).caseId;
}

/** The pay link as the debtor gets it: from the Let's pay SMS sent to their phone. */
function payLinkIn(messages: Array<{ to?: string; message?: string }>, debtor: Debtor): string | undefined {
  const digits = debtor.phone.replace(/\D/g, "");
  const sms = messages.find((m) => String(m.to ?? "").replace(/\D/g, "") === digits);
  return sms?.message?.match(/https?:\/\/\S+\/p\/[A-Za-z0-9_-]+/)?.[0];
}

async function caseView(debtor: Debtor): Promise<{ status: string; balance: { total: Money } }> {
  const res = await api("GET", `/api/v1/cases/${debtor.caseId}`);
  expect(res.status).toBe(200);
  return json(res);
}

/** axe-core's WCAG 2.1 A/AA rules on the page as it stands (run through DevTools, so the page's CSP does not block it). */
async function accessibilityViolations(page: Page): Promise<Array<{ id: string; help: string; nodes: number }>> {
  await page.evaluate(fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8"));
  const result = (await page.evaluate(() =>
    (globalThis as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<unknown> } }).axe.run(
      (globalThis as unknown as { document: unknown }).document,
      {
        runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
      },
    ),
  )) as { violations: Array<{ id: string; help: string; nodes: unknown[] }> };
  return result.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.length }));
}

async function phoneContext(options: { javaScriptEnabled?: boolean } = {}): Promise<BrowserContext> {
  return browser!.newContext({
    viewport: PHONE,
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: "nb-NO",
    ...options,
  });
}

/** On the simulator's landing page: approve, then wait for the receipt's "Betalt" (it refreshes itself until then). */
async function expectPaidAfterApproving(page: Page, approve: () => Promise<void>): Promise<void> {
  const simulator = host!.standIns.vipps!;
  await page.waitForURL((url) => url.href.startsWith(simulator), { timeout: 10_000 });
  await approve();
  await page.waitForURL(/\/p\/[A-Za-z0-9_-]+\/receipt/, { timeout: 10_000 });
  await page.getByRole("heading", { level: 1, name: "Betalt" }).waitFor({ timeout: PAID_WITHIN_MS });
}

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}. The browser test needs it: on Debian/Ubuntu run ` +
        "`sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium` (.ci/run does this), " +
        "or set CHROMIUM_PATH to a Chromium binary.",
    );
  }
  host = await startDevHost(makeDataDir("pay-with-vipps-"));
  expect(host.standIns.vipps, "the dev host starts the Vipps simulator when VIPPS_BASE_URL is loopback").toBeTruthy();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });

  const tenant = await api(
    "POST",
    "/api/v1/tenants",
    { name: CREDITOR, senderName: SENDER, orgNumber: "974760673", country: "NO" },
    OPERATOR_KEY,
  );
  expect(tenant.status, await tenant.clone().text()).toBe(201);
  apiKey = (await json(tenant)).apiKey;

  // Invoices due today; the Let's pay SMS goes out about a week later (at the creditor's ladder step, in contact hours).
  const now = new Date((await json(await fetch(`${host.base}/api/dev/clock`))).now);
  const today = toLocalDate(now, "Europe/Oslo");
  for (const debtor of [mouse, keyboard, noScript]) await registerInvoice(debtor, today);
  const next = (await json(await api("GET", `/api/v1/cases/${mouse.caseId}`))).nextAction as {
    kind: string;
    at: string;
  } | null;
  expect(next?.kind).toBe("lets-pay-sms");
  const to = new Date(Math.max(Date.parse(next!.at), now.getTime() + 8 * 86_400_000) + 60_000);
  const moved = await fetch(`${host.base}/api/dev/clock`, {
    method: "POST",
    body: JSON.stringify({ to: to.toISOString() }),
  });
  expect(moved.status).toBe(200);

  const messages = await eventually(async () => {
    const outbox = await json(await fetch(`${host!.base}/api/dev/sms`, { headers: { accept: "application/json" } }));
    return [mouse, keyboard, noScript].every((d) => payLinkIn(outbox.messages, d)) && outbox.messages;
  }, "the three Let's pay SMS with pay links");
  for (const debtor of [mouse, keyboard, noScript]) debtor.payLink = payLinkIn(messages, debtor);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

describe("paying a pay link with Vipps in a phone's browser", () => {
  it("shows the creditor and the amount, pays with Vipps, says Betalt, and the case is paid", async () => {
    const context = await phoneContext();
    try {
      // What the creditor's API says is owed today (the invoice plus interest since the due date).
      const owed = (await caseView(mouse)).balance.total;
      expect(owed.value).toBeGreaterThanOrEqual(AMOUNT.value);
      const page = await context.newPage();
      const response = await page.goto(mouse.payLink!);
      expect(response?.status()).toBe(200);
      expect(await page.getByRole("heading", { level: 1 }).innerText()).toContain(CREDITOR);
      // Intl's no-break spaces (narrow or not) read as spaces on the page.
      const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, " ");
      const body = plain(await page.locator("body").innerText());
      expect(body).toContain(plain(formatAmount(AMOUNT, "nb")));
      expect(body).toContain(plain(formatAmount(owed, "nb")));
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, "pay-page.png"), fullPage: true });
      expect(await accessibilityViolations(page), "axe-core WCAG 2.1 AA on the pay page").toEqual([]);

      await page.getByRole("button", { name: "Betal med Vipps" }).click();
      await expectPaidAfterApproving(page, () => page.getByRole("button", { name: "Godkjenn" }).click());
      expect(plain(await page.locator("body").innerText())).toContain(plain(formatAmount(owed, "nb")));
      await page.screenshot({ path: path.join(ARTIFACTS, "pay-receipt.png"), fullPage: true });
      expect(await accessibilityViolations(page), "axe-core WCAG 2.1 AA on the receipt").toEqual([]);
    } finally {
      await context.close();
    }
    const view = await eventually(
      async () => {
        const v = await caseView(mouse);
        return v.status === "paid" && v;
      },
      "the case to be paid",
      10_000,
    );
    expect(view.balance.total.value).toBe(0);
    expect(view.status).toBe("paid");
  });

  it("works with the keyboard alone: Tab to the Vipps button, Enter, and approve", async () => {
    const context = await phoneContext();
    try {
      const page = await context.newPage();
      await page.goto(keyboard.payLink!);
      const focusedLabel = async () => {
        const focused = page.locator(":focus");
        return (await focused.count()) === 1 ? (await focused.innerText()).trim() : "";
      };
      let tabs = 0;
      while ((await focusedLabel()) !== "Betal med Vipps") {
        expect(tabs++, "Tab reaches the Vipps button within 30 presses").toBeLessThan(30);
        await page.keyboard.press("Tab");
      }
      await page.keyboard.press("Enter");
      await expectPaidAfterApproving(page, async () => {
        let presses = 0;
        while ((await focusedLabel()) !== "Godkjenn") {
          expect(presses++, "Tab reaches Godkjenn within 10 presses").toBeLessThan(10);
          await page.keyboard.press("Tab");
        }
        await page.keyboard.press("Enter");
      });
    } finally {
      await context.close();
    }
    const view = await eventually(
      async () => {
        const v = await caseView(keyboard);
        return v.status === "paid" && v;
      },
      "the case to be paid",
      10_000,
    );
    expect(view.balance.total.value).toBe(0);
  });

  it("works without JavaScript: a card payment through the same plain forms ends on Betalt", async () => {
    const context = await phoneContext({ javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      const response = await page.goto(noScript.payLink!);
      expect(response?.status()).toBe(200);
      await page.getByRole("button", { name: "Betal med kort" }).click();
      await expectPaidAfterApproving(page, () => page.getByRole("button", { name: "Godkjenn" }).click());
    } finally {
      await context.close();
    }
    const view = await eventually(
      async () => {
        const v = await caseView(noScript);
        return v.status === "paid" && v;
      },
      "the case to be paid",
      10_000,
    );
    expect(view.balance.total.value).toBe(0);
  });
});
