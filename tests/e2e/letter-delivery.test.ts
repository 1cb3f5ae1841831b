/**
 * Every letter reaches the debtor, through `npm start`'s dev host and its stand-ins (ACS Email, Digipost, the print
 * house): three debtors of the demo creditor get their reminder —
 *  - by e-mail (they consented): the message carries the PDF, whose QR code is the pay link, and that link opens the
 *    pay page; the fee is on the case once ACS reports the e-mail delivered;
 *  - by e-mail that bounces: the letter falls back to post, no fee while it is with the print house, and the fee of
 *    the posting day once the print house's receipt says it was posted;
 *  - in their Digipost mailbox (a national id whose mailbox the stand-in knows): an invoice document with KID and
 *    amount, delivered at once.
 * The virtual clock starts on Monday 2 November 2026 (tests/support/devhost-process.ts).
 */
import jsQR from "jsqr";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { toLocalDate } from "../../shared/domain/calendar";
import { mayChargeFee } from "../../shared/domain/fees";
import { ruleSetFor } from "../../shared/domain/rules";
import { advanceClock, advanceDaysUntil } from "../support/devhost-clock";
import { makeDataDir, ROOT, startDevHost, type DevHostProcess } from "../support/devhost-process";
import { json } from "../support/http";
import { readPdf } from "../support/pdf-pages";

const settings = JSON.parse(fs.readFileSync(path.join(ROOT, "local.settings.example.json"), "utf8")) as {
  Values: Record<string, string>;
};
const DEMO_KEY = settings.Values.DEVHOST_DEMO_API_KEY!;
/** A valid Norwegian national id whose last digit is even: the Digipost stand-in knows a mailbox for it. */
const WITH_MAILBOX = "01019010046";

let host: DevHostProcess;
let dueDate: string;

interface DeliveryView {
  kind: string;
  channel: string;
  state: string;
  status: string | null;
  documentId: string | null;
}
interface CaseView {
  balance: { fees: { value: number; currency: string } };
  nextAction: unknown;
  paused: { reason: string; resumesOn: string } | null;
  deliveries: DeliveryView[];
  timeline: Array<{ step?: string; details?: Record<string, unknown> }>;
}

async function api(method: string, route: string, body?: unknown): Promise<Response> {
  return fetch(`${host.base}${route}`, {
    method,
    headers: { "x-api-key": DEMO_KEY, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function caseView(caseId: string): Promise<CaseView> {
  const res = await api("GET", `/api/v1/cases/${caseId}`);
  expect(res.status).toBe(200);
  return json<CaseView>(res);
}

const reminderOf = (view: CaseView) => view.deliveries.filter((d) => d.kind === "reminder");

async function register(invoiceNumber: string, customer: Record<string, unknown>): Promise<string> {
  const res = await api("POST", "/api/v1/invoices", {
    invoiceNumber,
    customer: {
      customerId: `cust-${invoiceNumber}`,
      name: "Kari Nordmann",
      address: { lines: ["Storgata 1"], postalCode: "0155", city: "Oslo", country: "NO" },
      ...customer,
    },
    amount: { value: 129900, currency: "NOK" },
    issueDate: "2026-10-19",
    dueDate,
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await json(res)).caseId as string;
}

/** The lawful reminder fee for a letter that reached the debtor on `day`. */
function lawfulFee(day: string) {
  const fee = mayChargeFee({ dueDate, letters: [], disputed: false }, "reminder", day, ruleSetFor("NO", day));
  expect(fee.allowed).toBe(true);
  return fee.allowed ? fee.amount : undefined;
}

/** The day the case says its reminder reached the debtor (the timeline's "sent" entry). */
function sentOn(view: CaseView): string {
  const sent = view.timeline.find((e) => e.step === "reminder" && e.details?.["state"] === "sent");
  expect(sent, "the reminder's 'sent' entry on the timeline").toBeDefined();
  return sent!.details!["on"] as string;
}

let byEmail: string;
let bouncing: string;
let toMailbox: string;

beforeAll(async () => {
  host = await startDevHost(makeDataDir("letter-delivery-"));
  dueDate = toLocalDate(new Date((await json(await fetch(`${host.base}/api/dev/clock`))).now), "Europe/Oslo");
  byEmail = await register("E2E-MAIL-1", { email: "kari.e2e@example.no", consent: { email: true, sms: false } });
  bouncing = await register("E2E-MAIL-2", { email: "bounce.e2e@example.no", consent: { email: true, sms: false } });
  toMailbox = await register("E2E-DIGI-1", { nationalId: WITH_MAILBOX, consent: { sms: false, email: false } });
  // Due today; the reminder is due 14 days later at 09:00. Move to that morning, then a day at a time until all
  // three reminders have gone out.
  await advanceClock(host.base, "P13D");
  await advanceDaysUntil(
    host.base,
    async () => {
      const views = await Promise.all([byEmail, bouncing, toMailbox].map(caseView));
      return views.every((v) => reminderOf(v).length > 0);
    },
    "the three reminders",
    5,
  );
}, 180_000);

afterAll(async () => {
  await host?.stop();
});

describe("a debtor who consented to e-mail", () => {
  it("gets the reminder by e-mail in the creditor's name, the PDF attached, and the fee once ACS reports it delivered", async () => {
    const view = await caseView(byEmail);
    expect(reminderOf(view)).toEqual([
      expect.objectContaining({ channel: "email", state: "delivered", status: "Delivered" }),
    ]);
    expect(view.balance.fees).toEqual(lawfulFee(sentOn(view)));
    const outbox = await json(await fetch(`${host.base}/api/dev/email?format=json`));
    const mail = (
      outbox.messages as Array<{
        messageId: string;
        to: Array<{ address: string }>;
        subject: string;
        html?: string;
        plainText?: string;
        attachments: Array<{ name: string; contentType: string }>;
      }>
    ).find((m) => m.to.some((t) => t.address === "kari.e2e@example.no"));
    expect(mail, "the e-mail in the ACS stand-in's outbox").toBeDefined();
    expect(mail!.subject).toMatch(/purring/iu);
    expect(mail!.attachments).toEqual([expect.objectContaining({ contentType: "application/pdf" })]);
    const attachment = await fetch(`${host.base}/api/dev/email/${mail!.messageId}/attachments/0`);
    expect(attachment.status).toBe(200);
    const pdf = new Uint8Array(await attachment.arrayBuffer());
    expect(Buffer.from(pdf.subarray(0, 5)).toString()).toBe("%PDF-");

    // The QR code on the letter is the pay link, the same link the e-mail's text carries.
    const pages = await readPdf(pdf);
    const qr = pages.flatMap((p) => p.images).find((img) => jsQR(img.rgba, img.width, img.height) !== null);
    expect(qr, "a decodable QR code on the letter").toBeDefined();
    const link = jsQR(qr!.rgba, qr!.width, qr!.height)!.data;
    expect(link).toMatch(new RegExp(`^${host.base}/p/[A-Za-z0-9_-]{22,}$`, "u"));
    expect(mail!.plainText).toContain(link);
    expect(mail!.html).toContain(link);

    // The link opens the pay page with the amount owed.
    const page = await fetch(link);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toMatch(/Betal/u);
    expect(html).toContain("E2E-MAIL-1");
  });
});

describe("a debtor whose e-mail bounces", () => {
  it("gets the reminder by post instead, with no fee while the print house has it and the fee of the day it was posted", async () => {
    let view = await caseView(bouncing);
    // The morning the reminder went out: the e-mail bounced at once, the letter waits for the afternoon's print batch.
    expect(reminderOf(view).map((d) => [d.channel, d.state, d.status])).toEqual([
      ["email", "failed", "Bounced"],
      ["print", "dispatched", null],
    ]);
    expect(view.balance.fees.value).toBe(0);
    // The ladder says what it waits for rather than a time.
    expect(view.nextAction).toBeNull();
    expect(view.paused).toMatchObject({ resumesOn: "letter-delivered" });
    await advanceDaysUntil(
      host.base,
      async () => reminderOf(await caseView(bouncing))[1]?.state === "delivered",
      "the print house's receipt",
      6,
    );
    view = await caseView(bouncing);
    expect(reminderOf(view)[1]).toMatchObject({ channel: "print", state: "delivered", status: "Posted" });
    const day = sentOn(view);
    expect(view.balance.fees).toEqual(lawfulFee(day));
    // The print house's own view: the letter posted on that day.
    const print = await json(await fetch(`${host.base}/api/dev/print?format=json`));
    const letters = (print.batches as Array<{ letters: Array<{ postingDay: string; state: string }> }>).flatMap(
      (b) => b.letters,
    );
    expect(letters).toEqual(expect.arrayContaining([expect.objectContaining({ postingDay: day, state: "posted" })]));
  });
});

describe("a debtor with a digital mailbox", () => {
  it("gets the reminder in Digipost as an invoice with KID and amount, delivered at once, fee included", async () => {
    const view = await caseView(toMailbox);
    expect(reminderOf(view)).toEqual([
      expect.objectContaining({
        channel: "digital-mailbox",
        state: "delivered",
        status: "Delivered",
        dispatchedAt: expect.any(String),
      }),
    ]);
    expect(view.balance.fees).toEqual(lawfulFee(sentOn(view)));
    const digipost = await json(await fetch(`${host.base}/api/dev/digipost?format=json`));
    const kid = (await json(await api("GET", `/api/v1/cases/${toMailbox}`))).kid as string;
    expect(digipost.messages).toEqual([
      expect.objectContaining({
        channel: "DIGIPOST",
        status: "DELIVERED",
        invoice: expect.objectContaining({ kid }),
      }),
    ]);
    expect(JSON.stringify(digipost)).not.toContain(WITH_MAILBOX); // the dev view masks the national id
  });
});
