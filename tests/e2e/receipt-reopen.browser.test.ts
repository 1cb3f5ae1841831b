/**
 * The receipt tells a debtor whose broadband was suspended what happens to the line, in a real browser with
 * JavaScript off (Debian's Chromium through playwright-core), through `npm start`'s dev host, its Vipps simulator and
 * its partner system simulator: the pay page says the line is closed and that a bank payment would reopen it only
 * once it arrives; the debtor pays with Vipps; the receipt says "Betalt" and that the line is being opened now, and
 * refreshes itself; once the partner confirms, it says the line was opened again at the partner's time (Europe/Oslo).
 * The partner is held down while the debtor pays, so the "being opened" state is seen for certain, then let up.
 *
 * Needs Chromium: /usr/bin/chromium or CHROMIUM_PATH (see pay-with-vipps.browser.test.ts).
 */
import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays, toLocalDate } from "../../shared/domain/calendar";
import { makeDataDir, ROOT, startDevHost, type DevHostProcess } from "../support/devhost-process";
import { json } from "../support/http";
import { advanceClock, advanceDaysUntil } from "../support/devhost-clock";

const settings = JSON.parse(fs.readFileSync(path.join(ROOT, "local.settings.example.json"), "utf8")) as {
  Values: Record<string, string>;
};
const DEMO_KEY = settings.Values.DEVHOST_DEMO_API_KEY!;
const ARTIFACTS = path.join(ROOT, "test-artifacts");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SERVICE_ID = "bb-receipt-1";

let host: DevHostProcess;
let browser: Browser;
let caseId: string;
let payLink: string;

async function api(method: string, route: string, body?: unknown): Promise<Response> {
  return fetch(`${host.base}${route}`, {
    method,
    headers: { "x-api-key": DEMO_KEY, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

interface ServiceView {
  state: string;
  lastCommand: { target: string; confirmedAt: string | null } | null;
}

async function serviceOf(id: string): Promise<ServiceView> {
  return ((await json(await api("GET", `/api/v1/cases/${id}`))).services as ServiceView[])[0]!;
}

async function setPartnerMode(mode: "up" | "down"): Promise<void> {
  const res = await fetch(`${host.base}/api/dev/partner/mode`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ mode }),
  });
  expect(res.status).toBe(200);
}

/** Intl's no-break spaces (narrow or not) read as plain spaces. */
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, " ");
const bodyText = async (page: Page) => plain(await page.locator("body").innerText());
const refreshOf = (page: Page) => page.locator('meta[http-equiv="refresh"]').getAttribute("content", { timeout: 1000 });

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}. The browser test needs it: on Debian/Ubuntu run ` +
        "`sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium` (.ci/run does this), " +
        "or set CHROMIUM_PATH to a Chromium binary.",
    );
  }
  host = await startDevHost(makeDataDir("receipt-reopen-"));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
  const now = new Date((await json(await fetch(`${host.base}/api/dev/clock`))).now);
  const today = toLocalDate(now, "Europe/Oslo");
  const res = await api("POST", "/api/v1/invoices", {
    invoiceNumber: "RECEIPT-BB-1",
    customer: {
      customerId: "cust-receipt-1",
      name: "Kari Nordmann",
      phone: "+4791234599",
      address: { lines: ["Storgata 1"], postalCode: "0155", city: "Oslo", country: "NO" },
      consent: { sms: true, email: false },
    },
    amount: { value: 59900, currency: "NOK" },
    issueDate: addDays(today, -14),
    dueDate: today,
    services: [{ serviceId: SERVICE_ID, kind: "broadband" }],
  });
  expect(res.status, await res.clone().text()).toBe(201);
  const created = await json(res);
  caseId = created.caseId as string;
  await advanceClock(host.base, "P30D");
  await advanceDaysUntil(
    host.base,
    async () => (await serviceOf(caseId)).state === "suspended",
    "the confirmed suspension",
  );
  // The debtor follows the newest pay link texted to them (the one handed over at intake has expired by now).
  const outbox = await json(await fetch(`${host.base}/api/dev/sms`, { headers: { accept: "application/json" } }));
  const links = (outbox.messages as Array<{ to?: string; message?: string; receivedAt: string }>)
    .filter((m) => String(m.to ?? "").replace(/\D/g, "") === "4791234599")
    .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt))
    .flatMap((m) => m.message?.match(/https?:\/\/\S+\/p\/[A-Za-z0-9_-]+/)?.[0] ?? []);
  expect(links.length, "a pay link was texted to the debtor").toBeGreaterThan(0);
  payLink = links.at(-1)!;
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

describe("the receipt of a debtor whose broadband is suspended", () => {
  it("says the line is being opened, refreshing itself, then that it was opened at the partner's time", async () => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      locale: "nb-NO",
      javaScriptEnabled: false,
    });
    try {
      const page = await context.newPage();
      expect((await page.goto(payLink))?.status()).toBe(200);
      const payPage = await bodyText(page);
      expect(payPage).toContain("Tjenesten din er stengt nå.");
      expect(payPage).toContain(
        "Betaler du fra nettbanken, åpnes tjenesten først når betalingen har kommet fram til oss",
      );
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, "pay-page-suspended.png"), fullPage: true });

      // The partner is down while the debtor pays: the reopen order waits, and the receipt says so honestly.
      await setPartnerMode("down");
      // The button says what the last letter said (e.g. "Betal inkassovarselet med Vipps").
      await page.getByRole("button", { name: /med Vipps$/u }).click();
      await page.waitForURL((url) => url.href.startsWith(host.standIns.vipps!), { timeout: 10_000 });
      await page.getByRole("button", { name: "Godkjenn" }).click();
      await page.waitForURL(/\/p\/[A-Za-z0-9_-]+\/receipt/, { timeout: 10_000 });
      await page.getByRole("heading", { level: 1, name: "Betalt" }).waitFor({ timeout: 30_000 });
      await page.getByText("Bredbåndet ditt åpnes igjen nå.", { exact: false }).waitFor({ timeout: 10_000 });
      expect(await refreshOf(page), "the receipt refreshes itself while the line is being opened").toBe("3");
      expect((await serviceOf(caseId)).state).toBe("reopening");
      await page.screenshot({ path: path.join(ARTIFACTS, "receipt-reopening.png"), fullPage: true });

      // The partner is back: the order goes through, and the receipt (refreshing by itself, no JavaScript) says when.
      await setPartnerMode("up");
      await page.getByText("Bredbåndet ditt er åpnet igjen kl.", { exact: false }).waitFor({ timeout: 45_000 });
      const service = await serviceOf(caseId);
      expect(service.state).toBe("active");
      const confirmed = new Intl.DateTimeFormat("nb-NO", {
        timeZone: "Europe/Oslo",
        hour: "2-digit",
        minute: "2-digit",
        hourCycle: "h23",
      }).format(new Date(service.lastCommand!.confirmedAt!));
      const receipt = await bodyText(page);
      expect(receipt).toContain(`Bredbåndet ditt er åpnet igjen kl. ${confirmed}.`);
      expect(receipt).not.toContain("åpnes igjen nå");
      expect(await page.locator('meta[http-equiv="refresh"]').count(), "no more refreshing once it is open").toBe(0);
      await page.screenshot({ path: path.join(ARTIFACTS, "receipt-reopened.png"), fullPage: true });
    } finally {
      await setPartnerMode("up");
      await context.close();
    }
  });
});
