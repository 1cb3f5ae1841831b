import { generateKeyPairSync, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DigipostStandIn } from "../../../devhost/digipost/digipost-stand-in";
import { createLogger } from "../../../devhost/logger";
import { DigipostMailbox } from "../../../shared/adapters/digipost/digital-mailbox.digipost";
import type { DigitalMail } from "../../../shared/ports/digital-mailbox";

const SENDER_ID = "100042";
/** Valid national ids: the stand-in's default gives the even last digits a mailbox. */
const WITH_MAILBOX = "01019010046";
const WITHOUT_MAILBOX = "01019010127";
const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const signingKey = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const pdf = Buffer.from("%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n", "latin1");

let dataDir: string;
let standIn: DigipostStandIn;
let apiUrl: string;
let devServer: Server;
let devBase: string;
/** Every line the stand-in logs. */
const logLines: string[] = [];

function newStandIn(): DigipostStandIn {
  return new DigipostStandIn({
    dataDir,
    senderId: SENDER_ID,
    publicKey: signingKey,
    logger: createLogger((line) => logLines.push(line)),
  });
}

function mailbox(overrides: { signingKey?: string; fetch?: typeof fetch } = {}): DigipostMailbox {
  return new DigipostMailbox({ apiUrl, senderId: SENDER_ID, signingKey, ...overrides });
}

function reminder(overrides: Partial<DigitalMail> = {}): DigitalMail {
  return {
    messageId: randomUUID(),
    recipient: { nationalId: WITH_MAILBOX },
    subject: "Purring: faktura 1001",
    pdf,
    invoice: { kid: "0012345678903", amount: 12345, account: "12345678903", dueDate: "2026-12-20" },
    ...overrides,
  };
}

const printFallback = {
  name: "Kari Nordmann",
  address: { lines: ["Storgata 1"], postalCode: "0155", city: "Oslo", country: "NO" },
  returnAddress: { name: "Fjordnett AS", lines: ["Postboks 1"], postalCode: "0101", city: "Oslo", country: "NO" },
};

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "digipost-stand-in-"));
  standIn = newStandIn();
  ({ baseUrl: apiUrl } = await standIn.start(0));
  devServer = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    void standIn.handleDevHttp(req, res, url).then((handled) => {
      if (!handled) res.writeHead(404, { "content-type": "text/plain" }).end("app route");
    });
  });
  await new Promise<void>((resolve) => devServer.listen(0, "127.0.0.1", resolve));
  devBase = `http://127.0.0.1:${(devServer.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => devServer?.close(() => resolve()));
  await standIn?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

beforeEach(async () => {
  standIn.setFaults({});
  expect((await fetch(`${devBase}/api/dev/digipost`, { method: "DELETE" })).status).toBe(204);
});

describe("Digipost stand-in driven by DigipostMailbox", () => {
  it("says who has a digital mailbox and who has not", async () => {
    await expect(mailbox().hasMailbox({ nationalId: WITH_MAILBOX })).resolves.toBe(true);
    await expect(mailbox().hasMailbox({ nationalId: WITHOUT_MAILBOX })).resolves.toBe(false);
    await expect(mailbox().hasMailbox({ nationalId: "12345678901" })).resolves.toBe(false);
  });

  it("gives a mailbox to a national id added through the dev route", async () => {
    const res = await fetch(`${devBase}/api/dev/digipost/mailboxes`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ nationalId: WITHOUT_MAILBOX, hasMailbox: true }),
    });
    expect(await res.json()).toEqual({ recipient: "********127", hasMailbox: true });
    await expect(mailbox().hasMailbox({ nationalId: WITHOUT_MAILBOX })).resolves.toBe(true);
    await standIn.setMailbox(WITHOUT_MAILBOX, false);
    await expect(mailbox().hasMailbox({ nationalId: WITHOUT_MAILBOX })).resolves.toBe(false);
  });

  it("delivers an invoice into the mailbox with KID, amount in decimal kroner, account and due date exactly", async () => {
    const mail = reminder();
    await expect(mailbox().send(mail)).resolves.toEqual({
      ok: true,
      messageId: mail.messageId,
      status: "delivered",
    });
    const [stored] = standIn.list();
    expect(stored).toMatchObject({
      messageId: mail.messageId,
      subject: "Purring: faktura 1001",
      channel: "DIGIPOST",
      status: "DELIVERED",
      invoice: {
        kind: "invoice",
        kid: "0012345678903",
        sum: "123.45",
        account: "12345678903",
        dueDate: "2026-12-20T00:00:00+01:00",
      },
    });
    const doc = await fetch(`${devBase}/api/dev/digipost/${mail.messageId}/document`);
    expect(doc.headers.get("content-type")).toBe("application/pdf");
    expect(Buffer.from(await doc.arrayBuffer()).equals(pdf)).toBe(true);
  });

  it("keeps the [INKASSO] subject and sends a collection letter as the inkasso data type", async () => {
    const mail = reminder({
      subject: "[INKASSO] Inkassovarsel: faktura 1001",
      invoice: { kid: "0012345678903", amount: 100005, account: "12345678903", dueDate: "2026-07-01" },
    });
    await expect(mailbox().send(mail)).resolves.toMatchObject({ ok: true, status: "delivered" });
    expect(standIn.list()[0]).toMatchObject({
      subject: "[INKASSO] Inkassovarsel: faktura 1001",
      invoice: { kind: "inkasso", sum: "1000.05", account: "12345678903", dueDate: "2026-07-01T00:00:00+02:00" },
    });
  });

  it("escapes subjects with XML characters and keeps them as written", async () => {
    const mail = reminder({ subject: `Faktura <1001> & "rest" — Ærlig` });
    await expect(mailbox().send(mail)).resolves.toMatchObject({ ok: true });
    expect(standIn.list()[0]!.subject).toBe(`Faktura <1001> & "rest" — Ærlig`);
  });

  it("sends to print when the recipient has no mailbox and a print fallback is given", async () => {
    const mail = reminder({ recipient: { nationalId: WITHOUT_MAILBOX }, printFallback });
    await expect(mailbox().send(mail)).resolves.toEqual({
      ok: true,
      messageId: mail.messageId,
      status: "delivered-to-print",
    });
    expect(standIn.list()[0]).toMatchObject({ channel: "PRINT", status: "DELIVERED_TO_PRINT" });
  });

  it("still delivers digitally when a print fallback is given but the recipient has a mailbox", async () => {
    const mail = reminder({ printFallback });
    await expect(mailbox().send(mail)).resolves.toMatchObject({ ok: true, status: "delivered" });
  });

  it("reports noMailbox, not retryable, when the recipient has no mailbox and there is no print fallback", async () => {
    const outcome = await mailbox().send(reminder({ recipient: { nationalId: WITHOUT_MAILBOX } }));
    expect(outcome).toMatchObject({ ok: false, retryable: false, noMailbox: true });
    expect(JSON.stringify(outcome)).not.toContain(WITHOUT_MAILBOX);
    expect(standIn.list()).toHaveLength(0);
  });

  it("refuses a request signed with another key with 403 INVALID_SIGNATURE and stores nothing", async () => {
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 })
      .privateKey.export({ type: "pkcs8", format: "pem" })
      .toString();
    const outcome = await mailbox({ signingKey: other }).send(reminder());
    expect(outcome).toMatchObject({
      ok: false,
      retryable: false,
      reason: expect.stringContaining("403 INVALID_SIGNATURE"),
    });
    await expect(mailbox({ signingKey: other }).hasMailbox({ nationalId: WITH_MAILBOX })).rejects.toThrow(/403/);
    expect(standIn.list()).toHaveLength(0);
  });

  it("refuses a body changed after signing (content hash) with 403", async () => {
    const tampering: typeof fetch = (input, init) => {
      const body = Buffer.from(init!.body as Uint8Array);
      const changed = Buffer.from(body.toString("latin1").replace("1001", "9999"), "latin1");
      return fetch(input, { ...init, body: new Uint8Array(changed) });
    };
    const outcome = await mailbox({ fetch: tampering }).send(reminder());
    expect(outcome).toMatchObject({ ok: false, retryable: false, reason: expect.stringContaining("INVALID_SHA256") });
    expect(standIn.list()).toHaveLength(0);
  });

  it("refuses a tampered signature header with 403", async () => {
    const tampering: typeof fetch = (input, init) => {
      const headers = { ...(init!.headers as Record<string, string>) };
      const sig = Buffer.from(headers["X-Digipost-Signature"]!, "base64");
      sig[0] = sig[0]! ^ 0xff;
      headers["X-Digipost-Signature"] = sig.toString("base64");
      return fetch(input, { ...init, headers });
    };
    const outcome = await mailbox({ fetch: tampering }).send(reminder());
    expect(outcome).toMatchObject({ ok: false, reason: expect.stringContaining("403 INVALID_SIGNATURE") });
    expect(standIn.list()).toHaveLength(0);
  });

  it("answers a repeated message id with the earlier outcome and keeps one message", async () => {
    const mail = reminder({ recipient: { nationalId: WITHOUT_MAILBOX }, printFallback });
    const first = await mailbox().send(mail);
    const second = await mailbox().send(mail);
    expect(first).toEqual({ ok: true, messageId: mail.messageId, status: "delivered-to-print" });
    expect(second).toEqual(first);
    expect(standIn.list()).toHaveLength(1);
  });

  it("reports 503 as retryable and stores nothing", async () => {
    standIn.setFaults({ failNext: 1, status: 503 });
    const mail = reminder();
    const outcome = await mailbox().send(mail);
    expect(outcome).toMatchObject({ ok: false, retryable: true, reason: expect.stringContaining("503") });
    expect(standIn.list()).toHaveLength(0);
    // The fault was for the next request only: the retry goes through.
    await expect(mailbox().send(mail)).resolves.toMatchObject({ ok: true });
  });

  it("reports a 4xx other than 429 as not retryable, with Digipost's error code", async () => {
    standIn.setFaults({ failNext: 1, status: 429 });
    await expect(mailbox().send(reminder())).resolves.toMatchObject({ ok: false, retryable: true });
    const outcome = await mailbox().send(
      reminder({ invoice: { kid: "1", amount: 0, account: "1", dueDate: "2026-12-20" } }),
    );
    expect(outcome).toMatchObject({ ok: false, retryable: false, reason: expect.stringContaining("400") });
  });

  it("reports a retryable failure when nothing answers", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const outcome = await new DigipostMailbox({
      apiUrl: `http://127.0.0.1:${port}`,
      senderId: SENDER_ID,
      signingKey,
    }).send(reminder());
    expect(outcome).toMatchObject({ ok: false, retryable: true });
  });

  it("lists messages with the recipient masked, as JSON and as an HTML page", async () => {
    const mail = reminder({ subject: "Purring <b>nå</b>" });
    await mailbox().send(mail);
    const json = (await (await fetch(`${devBase}/api/dev/digipost`)).json()) as {
      count: number;
      messages: Array<Record<string, unknown>>;
    };
    expect(json.count).toBe(1);
    expect(json.messages[0]).toMatchObject({ recipient: "********046", subject: "Purring <b>nå</b>" });
    expect(JSON.stringify(json)).not.toContain(WITH_MAILBOX);
    const html = await (await fetch(`${devBase}/api/dev/digipost`, { headers: { accept: "text/html" } })).text();
    expect(html).toContain("<caption>1 message, newest first</caption>");
    expect(html).toContain("Purring &lt;b&gt;nå&lt;/b&gt;");
    expect(html).toContain("kr 123.45");
    expect(html).not.toContain(WITH_MAILBOX);
  });

  it("keeps messages, documents and the duplicate memory across a restart", async () => {
    const mail = reminder();
    await mailbox().send(mail);
    await standIn.stop();
    standIn = newStandIn();
    ({ baseUrl: apiUrl } = await standIn.start(0));
    expect(standIn.list()).toMatchObject([{ messageId: mail.messageId }]);
    await expect(mailbox().send(mail)).resolves.toEqual({ ok: true, messageId: mail.messageId, status: "delivered" });
    expect(standIn.list()).toHaveLength(1);
    const doc = await fetch(`${devBase}/api/dev/digipost/${mail.messageId}/document`);
    expect(doc.status).toBe(200);
  });

  it("never logs a national id, whatever happened to the message", async () => {
    await mailbox().send(reminder());
    await mailbox().send(reminder({ recipient: { nationalId: WITHOUT_MAILBOX } }));
    await mailbox({
      signingKey: generateKeyPairSync("rsa", { modulusLength: 2048 })
        .privateKey.export({ type: "pkcs8", format: "pem" })
        .toString(),
    }).send(reminder());
    expect(logLines.length).toBeGreaterThan(2);
    for (const line of logLines) {
      expect(line).not.toContain(WITH_MAILBOX);
      expect(line).not.toContain(WITHOUT_MAILBOX);
    }
  });

  it("leaves paths that are not its own to the next handler", async () => {
    expect(await (await fetch(`${devBase}/api/dev/digipostx`)).text()).toBe("app route");
  });
});
