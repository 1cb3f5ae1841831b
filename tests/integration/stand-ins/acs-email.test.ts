import { EmailClient } from "@azure/communication-email";
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AcsEmailStandIn } from "../../../devhost/email/acs-email-stand-in";
import { silentLogger } from "../../../devhost/logger";
import { AcsSmsStandIn, type EventGridEvent } from "../../../devhost/sms/acs-sms-stand-in";
import { AcsEmailSender } from "../../../shared/adapters/acs-email/email-sender.acs";
import type { EmailMessage } from "../../../shared/ports/email-sender";

const accessKey = randomBytes(32).toString("base64");
const SENDER = "DoNotReply@local-acs.dev";
const events: EventGridEvent[] = [];
/** Some PDF-looking bytes, with every byte value so base64 round trips are tested. */
const pdf = Buffer.concat([Buffer.from("%PDF-1.7\n"), Buffer.from(Array.from({ length: 256 }, (_, i) => i))]);

let dataDir: string;
let email: AcsEmailStandIn;
let sms: AcsSmsStandIn;
let connectionString: string;
let endpoint: string;
let devServer: Server;
let devBase: string;

async function startStandIns(): Promise<void> {
  const onDeliveryReport = async (event: EventGridEvent) => {
    events.push(event);
  };
  email = new AcsEmailStandIn({ dataDir, accessKey, logger: silentLogger, onDeliveryReport });
  await email.load();
  // E-mail on the SMS stand-in's endpoint: one ACS connection string for both, as in Azure.
  sms = new AcsSmsStandIn({ dataDir, accessKey, logger: silentLogger, acsRoutes: [email.handleAcsHttp] });
  ({ connectionString, endpoint } = await sms.start(0));
}

function sender(extra: Partial<ConstructorParameters<typeof AcsEmailSender>[0]> = {}): AcsEmailSender {
  return new AcsEmailSender({ connectionString, senderAddress: SENDER, pollIntervalMs: 5, ...extra });
}

function message(overrides: Partial<EmailMessage> = {}): EmailMessage {
  return {
    messageId: randomUUID(),
    to: { address: "kari@example.com", displayName: "Kari Nordmann" },
    replyTo: { address: "kundeservice@testnett.no", displayName: "Testnett AS" },
    subject: "Purring fra Testnett AS – faktura F-1001",
    text: "Hei,\nBrevet ligger vedlagt som PDF.",
    html: '<!doctype html><html lang="nb"><body><p>Hei,</p><p><a href="https://pay.example/p/x">Betal nå</a></p></body></html>',
    attachments: [{ name: "purring-F-1001.pdf", contentType: "application/pdf", content: pdf }],
    ...overrides,
  };
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "email-stand-in-"));
  await startStandIns();
  devServer = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    void email.handleDevHttp(req, res, url).then((handled) => {
      if (!handled) res.writeHead(404, { "content-type": "text/plain" }).end("app route");
    });
  });
  await new Promise<void>((resolve) => devServer.listen(0, "127.0.0.1", resolve));
  devBase = `http://127.0.0.1:${(devServer.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => devServer?.close(() => resolve()));
  await sms?.stop();
  await email?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

beforeEach(async () => {
  await email.settled();
  email.setFaults({});
  const res = await fetch(`${devBase}/api/dev/email`, { method: "DELETE" });
  expect(res.status).toBe(204);
  events.length = 0;
});

describe("ACS Email stand-in", () => {
  it("stores an e-mail sent by AcsEmailSender with its PDF attachment byte for byte", async () => {
    const sent = message();
    const outcome = await sender().send(sent);
    expect(outcome).toEqual({ ok: true, messageId: sent.messageId });
    const [stored] = email.outbox();
    expect(stored).toMatchObject({
      messageId: sent.messageId,
      senderAddress: SENDER,
      to: [{ address: "kari@example.com", displayName: "Kari Nordmann" }],
      replyTo: [{ address: "kundeservice@testnett.no", displayName: "Testnett AS" }],
      subject: sent.subject,
      plainText: sent.text,
      html: sent.html,
      attachments: [{ name: "purring-F-1001.pdf", contentType: "application/pdf", size: pdf.length }],
      operationStatus: "Succeeded",
    });
    expect((await email.attachment(sent.messageId, 0))?.equals(pdf)).toBe(true);
    const download = await fetch(`${devBase}/api/dev/email/${sent.messageId}/attachments/0`);
    expect(download.headers.get("content-type")).toBe("application/pdf");
    expect(Buffer.from(await download.arrayBuffer()).equals(pdf)).toBe(true);
  });

  it("answers the real EmailClient's poller with Succeeded for the operation id it chose", async () => {
    const client = new EmailClient(connectionString, { allowInsecureConnection: true });
    const operationId = randomUUID();
    const poller = await client.beginSend(
      {
        senderAddress: SENDER,
        recipients: { to: [{ address: "ola@example.com" }] },
        content: { subject: "Hei", plainText: "Hei" },
      },
      { operationId, updateIntervalInMs: 5 },
    );
    expect(await poller.pollUntilDone()).toMatchObject({ id: operationId, status: "Succeeded" });
  });

  it("refuses a request signed with the wrong key with 401 and stores nothing", async () => {
    const wrong = randomBytes(32).toString("base64");
    const client = new EmailClient(`endpoint=${endpoint};accesskey=${wrong}`, { allowInsecureConnection: true });
    await expect(
      client.beginSend({
        senderAddress: SENDER,
        recipients: { to: [{ address: "ola@example.com" }] },
        content: { subject: "Hei", plainText: "Hei" },
      }),
    ).rejects.toMatchObject({ statusCode: 401, code: "Denied" });
    const outcome = await new AcsEmailSender({
      connectionString: `endpoint=${endpoint};accesskey=${wrong}`,
      senderAddress: SENDER,
    }).send(message());
    expect(outcome).toMatchObject({ ok: false, retryable: false, reason: expect.stringContaining("401") });
    expect(email.outbox()).toHaveLength(0);
  });

  it("sends one e-mail when the same message id is sent twice, and reports it once", async () => {
    const m = message();
    const first = await sender().send(m);
    const second = await sender().send(m);
    expect(first).toEqual({ ok: true, messageId: m.messageId });
    expect(second).toEqual(first);
    await email.settled();
    expect(email.outbox()).toHaveLength(1);
    expect(events).toHaveLength(1);
  });

  it("uses a stable UUID as the operation id for a message id that is not one", async () => {
    const a = await sender().send(message({ messageId: "case-7:reminder-1" }));
    const b = await sender().send(message({ messageId: "case-7:reminder-1" }));
    expect(a).toMatchObject({ ok: true, messageId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(b).toEqual(a);
    expect(email.outbox()).toHaveLength(1);
  });

  it("publishes a Bounced EmailDeliveryReportReceived event for bounce@… and Delivered for others", async () => {
    const bounced = message({ to: { address: "bounce@example.com" } });
    const delivered = message();
    await sender().send(bounced);
    await sender().send(delivered);
    await email.settled();
    const byId = new Map(events.map((e) => [(e.data as { messageId: string }).messageId, e]));
    expect(byId.get(bounced.messageId)).toMatchObject({
      eventType: "Microsoft.Communication.EmailDeliveryReportReceived",
      dataVersion: "1.0",
      data: {
        sender: SENDER,
        recipient: "bounce@example.com",
        messageId: bounced.messageId,
        status: "Bounced",
        deliveryStatusDetails: { statusMessage: expect.any(String) },
        deliveryAttemptTimestamp: expect.any(String),
        internetMessageId: expect.any(String),
      },
    });
    expect(byId.get(delivered.messageId)).toMatchObject({ data: { status: "Delivered" } });
  });

  it("marks suppressed@… Suppressed and lets a report be sent by hand", async () => {
    const m = message({ to: { address: "suppressed.kari@example.com" } });
    await sender().send(m);
    await email.settled();
    expect(events.map((e) => (e.data as { status: string }).status)).toEqual(["Suppressed"]);
    const res = await fetch(`${devBase}/api/dev/email/${m.messageId}/report`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ status: "Delivered" }),
    });
    expect(res.status).toBe(200);
    expect(events.map((e) => (e.data as { status: string }).status)).toEqual(["Suppressed", "Delivered"]);
    expect(email.outbox()[0]!.deliveries).toMatchObject([{ status: "Delivered" }]);
  });

  it("refuses a message without sender, recipients or content with a 400 that says what is missing", async () => {
    const client = new EmailClient(connectionString, {
      allowInsecureConnection: true,
      retryOptions: { maxRetries: 0 },
    });
    const content = { subject: "Hei", plainText: "Hei" };
    const to = { to: [{ address: "ola@example.com" }] };
    await expect(client.beginSend({ senderAddress: "", recipients: to, content })).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringContaining("senderAddress"),
    });
    await expect(client.beginSend({ senderAddress: SENDER, recipients: { to: [] }, content })).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringContaining("recipient"),
    });
    await expect(
      client.beginSend({ senderAddress: SENDER, recipients: to, content: { subject: "Hei" } as never }),
    ).rejects.toMatchObject({ statusCode: 400, message: expect.stringContaining("plainText or content.html") });
    expect(email.outbox()).toHaveLength(0);
  });

  it("refuses an attachment that takes the request over 10 MB, as a permanent failure", async () => {
    const big = Buffer.alloc(8 * 1024 * 1024, 7); // 8 MB → ~10.7 MB in base64
    const outcome = await sender().send(
      message({ attachments: [{ name: "big.pdf", contentType: "application/pdf", content: big }] }),
    );
    expect(outcome).toMatchObject({ ok: false, retryable: false, reason: expect.stringContaining("400") });
    expect(email.outbox()).toHaveLength(0);
  });

  it("reports throttling as retryable and an operation that Failed as permanent, with its code", async () => {
    email.setFaults({ failAll: true, status: 429 });
    expect(await sender({ retryOptions: { maxRetries: 0 } }).send(message())).toMatchObject({
      ok: false,
      retryable: true,
    });
    email.setFaults({ failOperationsNext: 1, operationErrorCode: "EmailDroppedAllRecipientsSuppressed" });
    const failed = await sender().send(message());
    expect(failed).toEqual({
      ok: false,
      retryable: false,
      reason: expect.stringContaining("EmailDroppedAllRecipientsSuppressed"),
    });
    expect(JSON.stringify(failed)).not.toContain("example.com");
  });

  it("lets the SDK's own retry get past one injected 503 and sends once", async () => {
    email.setFaults({ failNext: 1, status: 503 });
    const outcome = await sender({ retryOptions: { maxRetries: 2, retryDelayInMs: 5, maxRetryDelayInMs: 20 } }).send(
      message(),
    );
    expect(outcome).toMatchObject({ ok: true });
    expect(email.outbox()).toHaveLength(1);
  });

  it("renders the outbox and one message as HTML, the body sandboxed and the attachment linked", async () => {
    const m = message({ subject: "Purring <b>fra</b> Testnett" });
    await sender().send(m);
    const list = await fetch(`${devBase}/api/dev/email`, { headers: { accept: "text/html" } });
    expect(list.headers.get("content-type")).toMatch(/^text\/html/);
    const listHtml = await list.text();
    expect(listHtml).toContain("<caption>1 e-mail, newest first</caption>");
    expect(listHtml).toContain(`href="/api/dev/email/${m.messageId}">Purring &lt;b&gt;fra&lt;/b&gt; Testnett</a>`);
    const view = await fetch(`${devBase}/api/dev/email/${m.messageId}`);
    const html = await view.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain("<h1>Purring &lt;b&gt;fra&lt;/b&gt; Testnett</h1>");
    expect(html).toContain('<iframe sandbox title="The e-mail\'s HTML body" srcdoc="');
    expect(html).toContain("&lt;a href=&quot;https://pay.example/p/x&quot;&gt;Betal nå&lt;/a&gt;");
    expect(html).toContain(`<a href="/api/dev/email/${m.messageId}/attachments/0" download="purring-F-1001.pdf">`);
    const json = (await (await fetch(`${devBase}/api/dev/email?format=json`)).json()) as { count: number };
    expect(json.count).toBe(1);
  });

  it("appends each e-mail and report to a journal, never rewriting the outbox; a crash (no stop) loses none", async () => {
    const dir = await mkdtemp(join(tmpdir(), "email-journal-"));
    const make = () => new AcsEmailStandIn({ dataDir: dir, accessKey, logger: silentLogger, reportDelayMs: 1 });
    const first = make();
    await first.load();
    const acs = new AcsSmsStandIn({ dataDir: dir, accessKey, logger: silentLogger, acsRoutes: [first.handleAcsHttp] });
    const { connectionString: cs } = await acs.start(0);
    const sent = [message(), message({ to: { address: "bounce@example.com" } })];
    for (const m of sent)
      await new AcsEmailSender({ connectionString: cs, senderAddress: SENDER, pollIntervalMs: 5 }).send(m);
    await first.settled();
    expect(existsSync(join(dir, "email", "outbox.json"))).toBe(false);
    const lines = (await readFile(join(dir, "email", "outbox.1.jsonl"), "utf8")).trim().split("\n");
    expect(lines.map((l) => (JSON.parse(l) as { op: string }).op).sort()).toEqual([
      "add",
      "add",
      "delivery",
      "delivery",
    ]);
    // As after a kill -9: a second stand-in reads the directory the first never saved more to.
    const second = make();
    await second.load();
    expect(second.outbox().map((m) => [m.messageId, m.deliveries.map((d) => d.status)])).toEqual([
      [sent[1]!.messageId, ["Bounced"]],
      [sent[0]!.messageId, ["Delivered"]],
    ]);
    expect((await second.attachment(sent[0]!.messageId, 0))?.equals(pdf)).toBe(true);
    await acs.stop();
    await second.stop();
    await first.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("keeps the outbox and the operation ids across a restart", async () => {
    const m = message();
    await sender().send(m);
    await sms.stop();
    await email.stop();
    await startStandIns();
    expect(email.outbox()).toMatchObject([{ messageId: m.messageId }]);
    expect(await sender().send(m)).toEqual({ ok: true, messageId: m.messageId });
    expect(email.outbox()).toHaveLength(1);
    expect((await email.attachment(m.messageId, 0))?.equals(pdf)).toBe(true);
  });

  it("leaves paths that are not its own to the next handler", async () => {
    expect(await (await fetch(`${devBase}/api/dev/emailx`)).text()).toBe("app route");
  });
});
