/**
 * A local Azure Communication Services SMS endpoint that the real `SmsClient` talks to.
 *
 * - `POST /sms?api-version=2021-03-07` is authenticated exactly as ACS does it (HMAC-SHA256 over
 *   `POST\n<path?query>\n<x-ms-date>;<host>;<x-ms-content-sha256>` with the base64-decoded access key, and the content
 *   hash checked against the body), validated, and answered like ACS: 202 with one result per recipient.
 * - Accepted messages go to an outbox kept across restarts in `<dataDir>/sms/`: each message, delivery report or
 *   clearing is a line appended to a journal (`outbox.<n>.jsonl`), and the whole outbox is written (`outbox.json`)
 *   only when the journal has grown past it and on stop (see ../journal.ts). The 202 is sent only once the message's
 *   line is written, so a kill -9 loses no accepted message.
 * - `repeatabilityRequestId` is honoured: a repeated id returns the first result and stores nothing new.
 * - Faults can be injected (fail everything, or the next N requests, with a chosen status) to test retries.
 * - Delivery reports: a few milliseconds after accepting a message sent with `enableDeliveryReport: true`, the
 *   stand-in reports it `Delivered` as an Event Grid `Microsoft.Communication.SMSDeliveryReportReceived` event through
 *   `onDeliveryReport` (never blocking the 202). Another outcome can be reported by hand through a dev endpoint.
 * - Other ACS APIs on the same endpoint (`acsRoutes`, e.g. the e-mail stand-in): one connection string serves both.
 * - Dev endpoints (`handleDevHttp`, mounted on the dev host's main server): the outbox as JSON or an HTML page,
 *   fault control, simulated delivery reports and clearing the outbox.
 *
 * Not checked: the `x-ms-date` clock skew (the SDK signs with real time while the outbox records virtual time).
 *
 * Logs carry message ids and counts only — never phone numbers or message text.
 */
import type { EventGridEvent } from "@azure/functions";
import { listen, closeServer } from "../listen";
import { randomUUID } from "node:crypto";
import { acsHmacRefusal, sha256Base64 } from "../acs-hmac";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { join } from "node:path";
import { z } from "zod";
import { Journal } from "../journal";
import { readBody, sendJson, sendProblem, type DevRouteHandler, header, readDevJson, escapeHtml } from "../dev-routes";
import type { DevLogger } from "../logger";

export type { EventGridEvent };

export const SMS_API_VERSION = "2021-03-07";
const DEV_BASE = "/api/dev/sms";
const MAX_RECIPIENTS = 100;
const MAX_MESSAGE_LENGTH = 2048;

export const DeliveryStatus = z.enum(["Delivered", "Failed"]);
export type DeliveryStatus = z.infer<typeof DeliveryStatus>;

export const SmsRecord = z.object({
  messageId: z.string(),
  receivedAt: z.string(),
  from: z.string(),
  to: z.string(),
  message: z.string(),
  segments: z.number().int(),
  enableDeliveryReport: z.boolean(),
  tag: z.string().optional(),
  repeatabilityRequestId: z.string().optional(),
  repeatabilityFirstSent: z.string().optional(),
  /** SHA-256 of (from, to, message, options): tells a genuine repeat from a reused id. */
  contentHash: z.string(),
  deliveryStatus: DeliveryStatus.optional(),
  deliveryStatusDetails: z.string().optional(),
  deliveredAt: z.string().optional(),
});
export type SmsRecord = z.infer<typeof SmsRecord>;

const OutboxFile = z.object({ version: z.literal(1), messages: z.array(SmsRecord) });

/** One line of the outbox journal. */
type OutboxChange =
  | { op: "add"; m: SmsRecord }
  | {
      op: "report";
      messageId: string;
      deliveryStatus: DeliveryStatus;
      deliveryStatusDetails: string;
      deliveredAt: string;
    }
  | { op: "clear" };

const SendMessageRequest = z.object({
  from: z.string().min(1),
  smsRecipients: z
    .array(
      z.object({
        to: z.string(),
        repeatabilityRequestId: z.string().min(1).optional(),
        repeatabilityFirstSent: z.string().min(1).optional(),
      }),
    )
    .min(1)
    .max(MAX_RECIPIENTS),
  message: z.string().max(MAX_MESSAGE_LENGTH),
  smsSendOptions: z.object({ enableDeliveryReport: z.boolean(), tag: z.string().optional() }).optional(),
});

const FaultsBody = z.object({
  failAll: z.boolean().optional(),
  failNext: z.number().int().min(0).optional(),
  status: z.number().int().min(400).max(599).optional(),
});

const DeliveryReportBody = z.object({
  status: DeliveryStatus,
  details: z.string().max(500).optional(),
  at: z.iso.datetime({ offset: true }).optional(),
});

export interface SmsFaults {
  failAll?: boolean;
  failNext?: number;
  status?: number;
}

interface SendResult {
  to: string;
  messageId?: string;
  httpStatusCode: number;
  repeatabilityResult?: "accepted" | "rejected";
  successful: boolean;
  errorMessage?: string;
}

export interface AcsSmsStandInOptions {
  dataDir: string;
  /** The access key of the connection string, base64. */
  accessKey: string;
  logger: DevLogger;
  now?: () => Date;
  onDeliveryReport?: (event: EventGridEvent) => Promise<void>;
  /** Further ACS data-plane routes served on this endpoint (tried before the 404), e.g. the e-mail stand-in's. */
  acsRoutes?: DevRouteHandler[];
  /** Wraps each background delivery report (the dev host tracks them as work, so "settle" waits for them). */
  track?: <T>(work: Promise<T>) => Promise<T>;
  /** Delay before the automatic `Delivered` report; default 5 ms. */
  autoReportDelayMs?: number;
}

/** E.164: a plus, a non-zero country digit, 7–15 digits in all. */
const E164 = /^\+[1-9]\d{6,14}$/;
/** Alphanumeric sender id: 1–11 letters, digits or spaces with at least one letter. */
const ALPHANUMERIC_SENDER = /^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/;

export class AcsSmsStandIn {
  private readonly key: Buffer;
  private readonly now: () => Date;
  private readonly dir: string;
  private journal: Journal<OutboxChange>;
  private messages: SmsRecord[] = [];
  private readonly byId = new Map<string, SmsRecord>();
  private readonly byRepeatabilityId = new Map<string, SmsRecord>();
  private faults: Required<SmsFaults> = { failAll: false, failNext: 0, status: 500 };
  private server: Server | undefined;
  private loaded = false;
  private readonly pendingReports = new Set<Promise<void>>();

  constructor(private readonly options: AcsSmsStandInOptions) {
    this.key = Buffer.from(options.accessKey, "base64");
    if (this.key.length === 0) throw new Error("AcsSmsStandIn: accessKey must be a non-empty base64 string");
    this.now = options.now ?? (() => new Date());
    this.dir = join(options.dataDir, "sms");
    this.journal = this.newJournal();
  }

  private newJournal(): Journal<OutboxChange> {
    return new Journal<OutboxChange>({
      dir: this.dir,
      snapshotFile: "outbox.json",
      journalName: "outbox",
      snapshot: () => ({ version: 1, messages: this.messages }),
      fsync: process.env.DEVHOST_JOURNAL_FSYNC === "1",
      onError: (err) => this.options.logger.error("sms stand-in could not save its outbox", { error: errorText(err) }),
    });
  }

  async start(port = 0): Promise<{ endpoint: string; connectionString: string }> {
    if (this.server) throw new Error("AcsSmsStandIn already started");
    await this.load();
    const server = createServer({ keepAlive: true }, (req, res) => {
      void this.route(req, res).catch((err: unknown) => {
        this.options.logger.error("sms stand-in request failed", { error: errorText(err) });
        if (!res.headersSent)
          sendAcsError(res, 500, "InternalServerError", "The stand-in failed to handle the request.");
        else res.end();
      });
    });
    const boundPort = await listen(server, port);
    this.server = server;
    const endpoint = `http://127.0.0.1:${boundPort}/`;
    this.options.logger.info("sms stand-in listening", { endpoint, messages: this.messages.length });
    return { endpoint, connectionString: `endpoint=${endpoint};accesskey=${this.options.accessKey}` };
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await closeServer(server);
    await this.settled();
    if (this.loaded) {
      await this.journal.close(); // the whole outbox as one snapshot; a later start reads it again
      this.journal = this.newJournal();
      this.loaded = false;
    }
  }

  /** Resolves once every automatic delivery report scheduled so far has been published (or has failed). */
  async settled(): Promise<void> {
    while (this.pendingReports.size > 0) await Promise.allSettled([...this.pendingReports]);
  }

  /** The outbox, newest first. */
  outbox(): SmsRecord[] {
    return this.messages.map((m) => ({ ...m })).reverse();
  }

  /** Replaces the fault settings; `{}` clears them. `status` defaults to 500. */
  setFaults(f: SmsFaults): void {
    this.faults = { failAll: f.failAll ?? false, failNext: f.failNext ?? 0, status: f.status ?? 500 };
    this.options.logger.info("sms stand-in faults set", { ...this.faults });
  }

  /** Dev endpoints under /api/dev/sms; anything else answers `false`. */
  readonly handleDevHttp: DevRouteHandler = async (req, res, url) => {
    const path = url.pathname.replace(/\/+$/, "");
    if (path !== DEV_BASE && !path.startsWith(DEV_BASE + "/")) return false;
    const method = req.method ?? "GET";
    if (path === DEV_BASE) {
      if (method === "GET" || method === "HEAD") {
        this.sendOutbox(req, res, url);
        return true;
      }
      if (method === "DELETE") {
        await this.clear();
        res.writeHead(204).end();
        return true;
      }
      sendProblem(res, 405, "Method not allowed", "Use GET or DELETE.");
      return true;
    }
    if (path === `${DEV_BASE}/faults`) {
      if (method === "GET") {
        sendJson(res, 200, this.faults);
        return true;
      }
      if (method !== "POST") {
        sendProblem(res, 405, "Method not allowed", "Use POST.");
        return true;
      }
      const body = await readDevJson(req, res, FaultsBody);
      if (!body) return true;
      this.setFaults(body);
      sendJson(res, 200, this.faults);
      return true;
    }
    const report = /^\/api\/dev\/sms\/([^/]+)\/delivery-report$/.exec(path);
    if (report?.[1]) {
      if (method !== "POST") {
        sendProblem(res, 405, "Method not allowed", "Use POST.");
        return true;
      }
      const body = await readDevJson(req, res, DeliveryReportBody);
      if (!body) return true;
      await this.deliveryReport(res, decodeURIComponent(report[1]), body);
      return true;
    }
    return false;
  };

  // ---- the ACS API ------------------------------------------------------------------------------------------------

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (url.pathname === "/sms") {
      if (req.method !== "POST") return sendAcsError(res, 405, "MethodNotAllowed", "Only POST is supported.");
      return this.handleSend(req, res, url);
    }
    for (const handle of this.options.acsRoutes ?? []) if (await handle(req, res, url)) return;
    if (await this.handleDevHttp(req, res, url)) return;
    sendAcsError(res, 404, "NotFound", "The requested resource was not found.");
  }

  private async handleSend(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const body = await readBody(req);
    const denied = this.authenticate(req, body);
    if (denied) {
      this.options.logger.warn("sms stand-in refused a request", { reason: denied });
      return sendAcsError(res, 401, "Denied", denied);
    }
    if (url.searchParams.get("api-version") !== SMS_API_VERSION) {
      return sendAcsError(res, 400, "BadRequest", `Unsupported api-version; this stand-in speaks ${SMS_API_VERSION}.`);
    }
    const fault = this.takeFault();
    if (fault) {
      this.options.logger.info("sms stand-in injected a fault", { status: fault });
      const headers: Record<string, string> = fault === 429 || fault === 503 ? { "retry-after": "1" } : {};
      return sendAcsError(res, fault, fault === 429 ? "TooManyRequests" : "ServiceError", "Injected fault.", headers);
    }
    let json: unknown;
    try {
      json = JSON.parse(body.toString("utf8"));
    } catch {
      return sendAcsError(res, 400, "BadRequest", "The request body is not valid JSON.");
    }
    const parsed = SendMessageRequest.safeParse(json);
    if (!parsed.success) {
      return sendAcsError(
        res,
        400,
        "BadRequest",
        `Invalid request: ${z.prettifyError(parsed.error).replace(/\n/g, " ")}`,
      );
    }
    const request = parsed.data;
    if (!E164.test(request.from) && !ALPHANUMERIC_SENDER.test(request.from)) {
      return sendAcsError(res, 400, "BadRequest", "Invalid From phone number format.");
    }
    const enableDeliveryReport = request.smsSendOptions?.enableDeliveryReport ?? false;
    const tag = request.smsSendOptions?.tag;
    const value: SendResult[] = [];
    let stored = 0;
    const toReport: SmsRecord[] = [];
    for (const recipient of request.smsRecipients) {
      if (!E164.test(recipient.to)) {
        value.push({
          to: recipient.to,
          httpStatusCode: 400,
          successful: false,
          errorMessage: "Invalid To phone number format.",
        });
        continue;
      }
      const contentHash = sha256Base64(
        JSON.stringify([request.from, recipient.to, request.message, enableDeliveryReport, tag ?? null]),
      );
      const repeatId = recipient.repeatabilityRequestId;
      const earlier = repeatId ? this.byRepeatabilityId.get(repeatId) : undefined;
      if (earlier) {
        if (earlier.contentHash === contentHash) {
          value.push(accepted(recipient.to, earlier.messageId));
        } else {
          value.push({
            to: recipient.to,
            httpStatusCode: 409,
            repeatabilityResult: "rejected",
            successful: false,
            errorMessage: "The repeatabilityRequestId was already used for a different message.",
          });
        }
        continue;
      }
      const record: SmsRecord = {
        messageId: newMessageId(this.now()),
        receivedAt: this.now().toISOString(),
        from: request.from,
        to: recipient.to,
        message: request.message,
        segments: countSegments(request.message),
        enableDeliveryReport,
        ...(tag !== undefined ? { tag } : {}),
        ...(repeatId ? { repeatabilityRequestId: repeatId } : {}),
        ...(recipient.repeatabilityFirstSent ? { repeatabilityFirstSent: recipient.repeatabilityFirstSent } : {}),
        contentHash,
      };
      this.add(record);
      this.journal.append({ op: "add", m: record });
      stored++;
      if (enableDeliveryReport) toReport.push(record);
      value.push(accepted(recipient.to, record.messageId));
    }
    // Answer only once every accepted message is on disk — a repeat included, whose first write may still be running.
    await this.journal.durable();
    this.options.logger.info("sms stand-in accepted a send request", {
      recipients: request.smsRecipients.length,
      stored,
      messageIds: value.flatMap((v) => (v.messageId ? [v.messageId] : [])),
    });
    sendJson(res, 202, { value });
    for (const record of toReport) this.scheduleAutoReport(record);
  }

  /** Reports `Delivered` a few ms after the 202, as the handset's report would arrive later in Azure. */
  private scheduleAutoReport(record: SmsRecord): void {
    const work = new Promise<void>((resolve) => setTimeout(resolve, this.options.autoReportDelayMs ?? 5))
      .then(async () => {
        if (record.deliveryStatus || this.byId.get(record.messageId) !== record) return; // reported by hand, or cleared
        await this.report(record, { status: "Delivered" });
      })
      .catch((err: unknown) =>
        this.options.logger.error("sms delivery report handler failed", {
          messageId: record.messageId,
          error: errorText(err),
        }),
      );
    const tracked = this.options.track ? this.options.track(work) : work;
    this.pendingReports.add(tracked);
    void tracked.finally(() => this.pendingReports.delete(tracked));
  }

  /** Records the status and publishes the event (when the message asked for reports); throws when the handler does. */
  private async report(
    record: SmsRecord,
    body: z.infer<typeof DeliveryReportBody>,
  ): Promise<{ event: EventGridEvent | undefined; published: boolean }> {
    const at = body.at ?? this.now().toISOString();
    record.deliveryStatus = body.status;
    record.deliveryStatusDetails = body.details ?? (body.status === "Delivered" ? "No error." : "Delivery failed.");
    record.deliveredAt = at;
    this.journal.append({
      op: "report",
      messageId: record.messageId,
      deliveryStatus: record.deliveryStatus,
      deliveryStatusDetails: record.deliveryStatusDetails,
      deliveredAt: at,
    });
    await this.journal.durable();
    // As in Azure, a report is only published for messages sent with enableDeliveryReport.
    const event = record.enableDeliveryReport ? deliveryReportEvent(record, at) : undefined;
    let published = false;
    if (event && this.options.onDeliveryReport) {
      await this.options.onDeliveryReport(event);
      published = true;
    }
    this.options.logger.info("sms delivery report", { messageId: record.messageId, status: body.status, published });
    return { event, published };
  }

  /** The reason a request is refused, or undefined when it is correctly signed. */
  private authenticate(req: IncomingMessage, body: Buffer): string | undefined {
    return acsHmacRefusal(req, body, this.key);
  }

  private takeFault(): number | undefined {
    if (this.faults.failAll) return this.faults.status;
    if (this.faults.failNext > 0) {
      this.faults.failNext--;
      return this.faults.status;
    }
    return undefined;
  }

  // ---- dev endpoints ----------------------------------------------------------------------------------------------

  private sendOutbox(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const format = url.searchParams.get("format");
    const accept = header(req, "accept") ?? "";
    const wantsHtml = format === "html" || (format !== "json" && /\btext\/html\b/.test(accept));
    if (wantsHtml) {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
      res.end(req.method === "HEAD" ? undefined : renderOutboxPage(this.outbox()));
      return;
    }
    sendJson(
      res,
      200,
      { count: this.messages.length, messages: this.outbox().map(publicRecord) },
      { "cache-control": "no-store" },
    );
  }

  private async clear(): Promise<void> {
    const count = this.messages.length;
    this.messages = [];
    this.byId.clear();
    this.byRepeatabilityId.clear();
    this.journal.append({ op: "clear" });
    await this.journal.durable();
    this.options.logger.info("sms stand-in outbox cleared", { count });
  }

  private async deliveryReport(
    res: ServerResponse,
    messageId: string,
    body: z.infer<typeof DeliveryReportBody>,
  ): Promise<void> {
    const record = this.byId.get(messageId);
    if (!record) return sendProblem(res, 404, "No such message", "No message with that id is in the outbox.");
    let outcome;
    try {
      outcome = await this.report(record, body);
    } catch (err) {
      this.options.logger.error("sms delivery report handler failed", { messageId, error: errorText(err) });
      return sendProblem(
        res,
        502,
        "Delivery report handler failed",
        "The status was recorded, but the handler threw.",
        {
          message: publicRecord(record),
        },
      );
    }
    sendJson(res, 200, { message: publicRecord(record), event: outcome.event ?? null, published: outcome.published });
  }

  // ---- persistence ------------------------------------------------------------------------------------------------

  private add(record: SmsRecord): void {
    this.messages.push(record);
    this.byId.set(record.messageId, record);
    if (record.repeatabilityRequestId) this.byRepeatabilityId.set(record.repeatabilityRequestId, record);
  }

  /** The outbox of an earlier run: the snapshot, then the journal's changes in order. */
  private async load(): Promise<void> {
    if (this.loaded) return;
    const { snapshot, records, skipped: torn } = await this.journal.load();
    let skipped = torn;
    this.messages = [];
    this.byId.clear();
    this.byRepeatabilityId.clear();
    if (snapshot !== undefined) {
      const parsed = OutboxFile.safeParse(snapshot);
      if (!parsed.success)
        throw new Error(`AcsSmsStandIn: ${join(this.dir, "outbox.json")} is not a valid outbox file`);
      for (const m of parsed.data.messages) this.add(m);
    }
    for (const change of records) {
      if (change.op === "clear") {
        this.messages = [];
        this.byId.clear();
        this.byRepeatabilityId.clear();
      } else if (change.op === "add") {
        const parsed = SmsRecord.safeParse(change.m);
        if (parsed.success && !this.byId.has(parsed.data.messageId)) this.add(parsed.data);
        else skipped++;
      } else {
        const record = this.byId.get(change.messageId);
        if (record) {
          record.deliveryStatus = change.deliveryStatus;
          record.deliveryStatusDetails = change.deliveryStatusDetails;
          record.deliveredAt = change.deliveredAt;
        }
      }
    }
    if (skipped > 0) this.options.logger.warn("sms stand-in skipped unreadable outbox journal lines", { skipped });
    this.loaded = true;
  }
}

// ---- helpers ----------------------------------------------------------------------------------------------------

function accepted(to: string, messageId: string): SendResult {
  return { to, messageId, httpStatusCode: 202, repeatabilityResult: "accepted", successful: true };
}

function sendAcsError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { error: { code, message } }, headers);
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** ACS-like id: `Outgoing_<yyyyMMddHHmmss><32 hex>_noam`. */
function newMessageId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:T]/g, "").slice(0, 14);
  return `Outgoing_${stamp}${randomUUID().replace(/-/g, "")}_noam`;
}

const GSM7 =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM7_EXTENDED = "^{}\\[~]|€\f";

/** SMS segments the text needs: GSM-7 160/153 per part, otherwise UCS-2 70/67. */
export function countSegments(text: string): number {
  let septets = 0;
  let gsm = true;
  for (const ch of text) {
    if (GSM7.includes(ch)) septets += 1;
    else if (GSM7_EXTENDED.includes(ch)) septets += 2;
    else {
      gsm = false;
      break;
    }
  }
  if (gsm) return septets <= 160 ? 1 : Math.ceil(septets / 153);
  const units = text.length; // UTF-16 code units
  return units <= 70 ? 1 : Math.ceil(units / 67);
}

function publicRecord(record: SmsRecord): Omit<SmsRecord, "contentHash"> {
  const { contentHash: _hash, ...rest } = record;
  return rest;
}

function deliveryReportEvent(record: SmsRecord, at: string): EventGridEvent {
  const delivered = record.deliveryStatus === "Delivered";
  return {
    id: randomUUID(),
    topic:
      "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/local/providers/microsoft.communication/communicationservices/local-acs",
    subject: `/phonenumber/${record.to.replace(/^\+/, "")}`,
    eventType: "Microsoft.Communication.SMSDeliveryReportReceived",
    eventTime: at,
    dataVersion: "1.0",
    metadataVersion: "1",
    data: {
      MessageId: record.messageId,
      From: record.from,
      To: record.to,
      DeliveryStatus: record.deliveryStatus,
      DeliveryStatusDetails: record.deliveryStatusDetails,
      ReceivedTimestamp: at,
      DeliveryAttempts: [
        {
          Timestamp: at,
          SegmentsSucceeded: delivered ? record.segments : 0,
          SegmentsFailed: delivered ? 0 : record.segments,
        },
      ],
      ...(record.tag !== undefined ? { Tag: record.tag } : {}),
    },
  };
}

export function renderOutboxPage(messages: SmsRecord[]): string {
  const rows = messages
    .map((m) => {
      const status = m.deliveryStatus
        ? `${escapeHtml(m.deliveryStatus)}${m.deliveredAt ? ` <time datetime="${escapeHtml(m.deliveredAt)}">${escapeHtml(m.deliveredAt)}</time>` : ""}`
        : m.enableDeliveryReport
          ? "Awaiting report"
          : "No report requested";
      return `<tr>
<td><time datetime="${escapeHtml(m.receivedAt)}">${escapeHtml(m.receivedAt)}</time></td>
<td>${escapeHtml(m.to)}</td>
<td>${escapeHtml(m.from)}</td>
<td class="text">${escapeHtml(m.message)}</td>
<td>${m.segments}</td>
<td>${m.tag ? escapeHtml(m.tag) : ""}</td>
<td>${status}</td>
<td><code>${escapeHtml(m.messageId)}</code></td>
</tr>`;
    })
    .join("\n");
  const body =
    messages.length === 0
      ? `<p>The outbox is empty. Messages the app sends through the SMS stand-in appear here.</p>`
      : `<table>
<caption>${messages.length} message${messages.length === 1 ? "" : "s"}, newest first</caption>
<thead><tr><th scope="col">Received (UTC)</th><th scope="col">To</th><th scope="col">From</th><th scope="col">Message</th><th scope="col">Segments</th><th scope="col">Tag</th><th scope="col">Delivery</th><th scope="col">Message id</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>SMS outbox — dev host</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; margin: 1.5rem; color: #1a1a1a; background: #fff; }
table { border-collapse: collapse; width: 100%; }
caption { text-align: left; font-weight: 600; padding: .5rem 0; }
th, td { border: 1px solid #8a8a8a; padding: .4rem .6rem; text-align: left; vertical-align: top; }
th { background: #eef1f5; }
td.text { white-space: pre-wrap; max-width: 40ch; }
code { font-size: .85em; word-break: break-all; }
a { color: #0b57d0; }
</style>
</head>
<body>
<main>
<h1>SMS outbox</h1>
<p>Messages accepted by the local Azure Communication Services SMS stand-in. Nothing here was sent to a phone.
<a href="${DEV_BASE}">Refresh</a> · <a href="${DEV_BASE}?format=json">JSON</a></p>
${body}
<h2>Simulate</h2>
<p>Delivery report: <code>POST ${DEV_BASE}/{messageId}/delivery-report</code> with <code>{"status":"Delivered"}</code> or <code>{"status":"Failed"}</code>.
Faults: <code>POST ${DEV_BASE}/faults</code> with <code>{"failNext":2,"status":500}</code>. Clear: <code>DELETE ${DEV_BASE}</code>.</p>
</main>
</body>
</html>
`;
}
