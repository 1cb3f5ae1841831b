import { SmsClient } from "@azure/communication-sms";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../../devhost/logger";
import { AcsSmsStandIn, type EventGridEvent } from "../../../devhost/sms/acs-sms-stand-in";
import { AcsSmsSender, repeatabilityRequestId } from "../../../shared/adapters/acs-sms/sms-sender.acs";

const accessKey = randomBytes(32).toString("base64");
const fastRetries = { maxRetries: 2, retryDelayInMs: 5, maxRetryDelayInMs: 20 };
const events: EventGridEvent[] = [];

let dataDir: string;
let standIn: AcsSmsStandIn;
let connectionString: string;
let endpoint: string;
/** A stand-in for the dev host's main server: dev routes first, then "the app" (404 here). */
let devServer: Server;
let devBase: string;

function newStandIn(): AcsSmsStandIn {
  return new AcsSmsStandIn({
    dataDir,
    accessKey,
    logger: silentLogger,
    onDeliveryReport: async (event) => {
      events.push(event);
    },
  });
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "sms-stand-in-"));
  standIn = newStandIn();
  ({ connectionString, endpoint } = await standIn.start(0));
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
  await standIn.settled();
  standIn.setFaults({});
  const res = await fetch(`${devBase}/api/dev/sms`, { method: "DELETE" });
  expect(res.status).toBe(204);
  events.length = 0;
});

describe("ACS SMS stand-in", () => {
  it("stores a message sent through the real SmsClient in the outbox with its fields", async () => {
    const client = new SmsClient(connectionString, { allowInsecureConnection: true });
    const [result] = await client.send(
      { from: "Inkasso", to: ["+4791234567"], message: "Hei! Fakturaen din forfalt i går." },
      { enableDeliveryReport: true, tag: "case-1" },
    );
    expect(result).toMatchObject({ successful: true, httpStatusCode: 202, to: "+4791234567" });
    const [stored] = standIn.outbox();
    expect(stored).toMatchObject({
      messageId: result!.messageId,
      from: "Inkasso",
      to: "+4791234567",
      message: "Hei! Fakturaen din forfalt i går.",
      enableDeliveryReport: true,
      tag: "case-1",
      segments: 1,
    });
    expect(stored!.repeatabilityRequestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("refuses a request signed with the wrong key with 401 and stores nothing", async () => {
    const wrongKey = randomBytes(32).toString("base64");
    const client = new SmsClient(`endpoint=${endpoint};accesskey=${wrongKey}`, { allowInsecureConnection: true });
    await expect(client.send({ from: "Inkasso", to: ["+4791234567"], message: "x" })).rejects.toMatchObject({
      statusCode: 401,
      code: "Denied",
    });
    expect(standIn.outbox()).toHaveLength(0);
  });

  it("refuses a request whose body does not match its signed content hash", async () => {
    let tampered = false;
    const client = new SmsClient(connectionString, {
      allowInsecureConnection: true,
      retryOptions: { maxRetries: 0 },
      additionalPolicies: [
        {
          // After signing: change the body the signature covers.
          position: "perRetry",
          policy: {
            name: "tamper",
            sendRequest: (request, next) => {
              if (typeof request.body !== "string") throw new Error("the request body is not serialised yet");
              request.body = request.body.replace("original", "modified");
              tampered = true;
              return next(request);
            },
          },
        },
      ],
    });
    await expect(client.send({ from: "Inkasso", to: ["+4791234567"], message: "original" })).rejects.toMatchObject({
      statusCode: 401,
    });
    expect(tampered).toBe(true);
    expect(standIn.outbox()).toHaveLength(0);
  });

  it("stores one message when the same idempotency key is sent twice, and returns the same message id", async () => {
    const sender = new AcsSmsSender({ connectionString });
    const message = { to: "+4791234567", from: "Inkasso", text: "Påminnelse", idempotencyKey: "case-7:reminder-1" };
    const first = await sender.send(message);
    const second = await sender.send(message);
    expect(first).toMatchObject({ ok: true });
    expect(second).toEqual(first);
    const outbox = standIn.outbox();
    expect(outbox).toHaveLength(1);
    expect(outbox[0]!.repeatabilityRequestId).toBe(repeatabilityRequestId("case-7:reminder-1"));
  });

  it("refuses to reuse a repeatabilityRequestId for a different message, as a permanent failure", async () => {
    const sender = new AcsSmsSender({ connectionString });
    await sender.send({ to: "+4791234567", from: "Inkasso", text: "one", idempotencyKey: "k-1" });
    const reused = await sender.send({ to: "+4791234567", from: "Inkasso", text: "two", idempotencyKey: "k-1" });
    expect(reused).toMatchObject({ ok: false, retryable: false });
    expect(standIn.outbox()).toHaveLength(1);
  });

  it("makes AcsSmsSender report a retryable failure while every request fails with 500", async () => {
    standIn.setFaults({ failAll: true, status: 500 });
    const sender = new AcsSmsSender({ connectionString, retryOptions: fastRetries });
    const outcome = await sender.send({ to: "+4791234567", from: "Inkasso", text: "x", idempotencyKey: "fault-1" });
    expect(outcome).toEqual({ ok: false, retryable: true, reason: expect.stringContaining("500") });
    expect(standIn.outbox()).toHaveLength(0);
  });

  it("makes AcsSmsSender report a retryable failure on throttling (429)", async () => {
    standIn.setFaults({ failAll: true, status: 429 });
    const sender = new AcsSmsSender({ connectionString, retryOptions: { maxRetries: 0 } });
    const outcome = await sender.send({ to: "+4791234567", from: "Inkasso", text: "x", idempotencyKey: "fault-2" });
    expect(outcome).toMatchObject({ ok: false, retryable: true });
  });

  it("reports a retryable failure when nothing answers at the endpoint", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const sender = new AcsSmsSender({
      connectionString: `endpoint=http://127.0.0.1:${port}/;accesskey=${accessKey}`,
      retryOptions: { maxRetries: 0 },
    });
    const outcome = await sender.send({ to: "+4791234567", from: "Inkasso", text: "x", idempotencyKey: "no-answer" });
    expect(outcome).toMatchObject({ ok: false, retryable: true });
  });

  it("lets the SDK's own retry get past the next injected failure and stores the message once", async () => {
    standIn.setFaults({ failNext: 1, status: 503 });
    const sender = new AcsSmsSender({ connectionString, retryOptions: fastRetries });
    const outcome = await sender.send({ to: "+4791234567", from: "Inkasso", text: "x", idempotencyKey: "fault-3" });
    expect(outcome).toMatchObject({ ok: true });
    expect(standIn.outbox()).toHaveLength(1);
  });

  it("resolves a per-recipient failure as a permanent failure that does not repeat the number", async () => {
    const sender = new AcsSmsSender({ connectionString });
    const outcome = await sender.send({ to: "4791234567", from: "Inkasso", text: "x", idempotencyKey: "bad-number" });
    expect(outcome).toMatchObject({ ok: false, retryable: false });
    expect(JSON.stringify(outcome)).not.toContain("4791234567");
    expect(standIn.outbox()).toHaveLength(0);
  });

  it("lists the outbox newest first as JSON", async () => {
    const sender = new AcsSmsSender({ connectionString });
    await sender.send({ to: "+4791234567", from: "Inkasso", text: "first", idempotencyKey: "list-1" });
    await sender.send({ to: "+4791234568", from: "Inkasso", text: "second", idempotencyKey: "list-2" });
    const res = await fetch(`${devBase}/api/dev/sms`, { headers: { accept: "application/json" } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { count: number; messages: Array<{ message: string }> };
    expect(body.count).toBe(2);
    expect(body.messages.map((m) => m.message)).toEqual(["second", "first"]);
  });

  it("renders the outbox for a browser as an HTML table with the text escaped", async () => {
    const sender = new AcsSmsSender({ connectionString });
    await sender.send({ to: "+4791234567", from: "Inkasso", text: "Betal <b>nå</b> & takk", idempotencyKey: "html-1" });
    const res = await fetch(`${devBase}/api/dev/sms`, { headers: { accept: "text/html,application/xhtml+xml" } });
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain("<caption>1 message, newest first</caption>");
    expect(html).toContain('<th scope="col">Message</th>');
    expect(html).toContain("Betal &lt;b&gt;nå&lt;/b&gt; &amp; takk");
  });

  it("publishes a Delivered SMSDeliveryReportReceived event by itself for a message that asked for a report", async () => {
    const sender = new AcsSmsSender({ connectionString });
    const sent = await sender.send({
      to: "+4791234567",
      from: "Inkasso",
      text: "x",
      idempotencyKey: "auto-report-1",
      tag: "case-8",
      deliveryReport: true,
    });
    const silent = await sender.send({ to: "+4791234568", from: "Inkasso", text: "y", idempotencyKey: "no-report-1" });
    if (!sent.ok || !silent.ok) throw new Error("send failed");
    await standIn.settled();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      eventType: "Microsoft.Communication.SMSDeliveryReportReceived",
      data: { MessageId: sent.messageId, To: "+4791234567", DeliveryStatus: "Delivered", Tag: "case-8" },
    });
    const byId = new Map(standIn.outbox().map((m) => [m.messageId, m]));
    expect(byId.get(sent.messageId)).toMatchObject({ deliveryStatus: "Delivered" });
    expect(byId.get(silent.messageId)?.deliveryStatus).toBeUndefined();
  });

  it("records a delivery report sent by hand and publishes an SMSDeliveryReportReceived event", async () => {
    const sender = new AcsSmsSender({ connectionString });
    const sent = await sender.send({
      to: "+4791234567",
      from: "Inkasso",
      text: "x",
      idempotencyKey: "report-1",
      tag: "case-9",
      deliveryReport: true,
    });
    if (!sent.ok) throw new Error(sent.reason);
    await standIn.settled();
    const res = await fetch(`${devBase}/api/dev/sms/${encodeURIComponent(sent.messageId)}/delivery-report`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ status: "Failed", details: "Handset unreachable." }),
    });
    expect(res.status).toBe(200);
    expect(standIn.outbox()[0]).toMatchObject({ deliveryStatus: "Failed" });
    expect(events.map((e) => (e.data as { DeliveryStatus: string }).DeliveryStatus)).toEqual(["Delivered", "Failed"]);
    expect(events[1]).toMatchObject({
      eventType: "Microsoft.Communication.SMSDeliveryReportReceived",
      data: { MessageId: sent.messageId, To: "+4791234567", DeliveryStatus: "Failed", Tag: "case-9" },
    });
  });

  it("sets faults through the dev endpoint, and only from a JSON body", async () => {
    const form = await fetch(`${devBase}/api/dev/sms/faults`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "failAll=true",
    });
    expect(form.status).toBe(415);
    const res = await fetch(`${devBase}/api/dev/sms/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ failNext: 2, status: 429 }),
    });
    expect(await res.json()).toEqual({ failAll: false, failNext: 2, status: 429 });
  });

  it("leaves paths that are not its own to the next handler", async () => {
    const res = await fetch(`${devBase}/api/dev/smsx`);
    expect(await res.text()).toBe("app route");
  });

  it("appends each message and report to a journal, never rewriting the outbox; a crash (no stop) loses none", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sms-journal-"));
    const make = () => new AcsSmsStandIn({ dataDir: dir, accessKey, logger: silentLogger, autoReportDelayMs: 1 });
    const first = make();
    const { connectionString: cs } = await first.start(0);
    const sms = new AcsSmsSender({ connectionString: cs });
    for (let i = 0; i < 3; i++) {
      await sms.send({
        to: "+4791234567",
        from: "Inkasso",
        text: `journal ${i}`,
        idempotencyKey: `journal-${i}`,
        deliveryReport: true,
      });
    }
    await first.settled();
    // The whole outbox is written only on stop or compaction: each change was one appended line.
    expect(existsSync(join(dir, "sms", "outbox.json"))).toBe(false);
    const lines = (await readFile(join(dir, "sms", "outbox.1.jsonl"), "utf8")).trim().split("\n");
    expect(lines.map((l) => (JSON.parse(l) as { op: string }).op).sort()).toEqual([
      "add",
      "add",
      "add",
      "report",
      "report",
      "report",
    ]);
    // As after a kill -9: another stand-in reads the same directory while the first never saved anything more.
    const second = make();
    await second.start(0);
    expect(second.outbox().map((m) => [m.message, m.deliveryStatus])).toEqual([
      ["journal 2", "Delivered"],
      ["journal 1", "Delivered"],
      ["journal 0", "Delivered"],
    ]);
    await second.stop();
    await first.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("keeps the outbox across a restart on the same data directory", async () => {
    const sender = new AcsSmsSender({ connectionString });
    const sent = await sender.send({
      to: "+4791234567",
      from: "Inkasso",
      text: "persist me",
      idempotencyKey: "restart-1",
    });
    await standIn.stop();
    standIn = newStandIn();
    ({ connectionString, endpoint } = await standIn.start(0));
    expect(standIn.outbox()).toMatchObject([{ message: "persist me" }]);
    // The repeatability memory survives too: the retried send is not a second message.
    const again = await new AcsSmsSender({ connectionString }).send({
      to: "+4791234567",
      from: "Inkasso",
      text: "persist me",
      idempotencyKey: "restart-1",
    });
    expect(again).toEqual(sent);
    expect(standIn.outbox()).toHaveLength(1);
  });
});
