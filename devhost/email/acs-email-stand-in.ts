/**
 * A local Azure Communication Services Email endpoint that the real `EmailClient` talks to — served on the SMS
 * stand-in's endpoint (`handleAcsHttp` is one of its `acsRoutes`), so one ACS_CONNECTION_STRING serves both, as in
 * Azure where one Communication Services resource sends SMS and e-mail.
 *
 * - `POST /emails:send?api-version=2025-09-01` (the version `@azure/communication-email` 1.1.0 speaks) is
 *   authenticated exactly as ACS does it (HMAC-SHA256, see ../acs-hmac.ts), validated with ACS-like 400 errors
 *   (sender, recipients, content, attachments and the 10 MB request limit) and answered with 202, the operation's
 *   `Operation-Location` and `{ id, status: "Running" }`. `GET /emails/operations/{id}` answers the operation's
 *   status (`Succeeded`, or `Failed` with an error when a failure was injected).
 * - The `Operation-Id` header names the operation (the SDK's `operationId`; a random UUID when absent). A send with
 *   an operation id already used answers the first operation's result and stores nothing: the service does not
 *   document what a repeated id does, and that is what makes a retried send safe.
 * - Accepted messages go to an outbox kept across restarts in `<dataDir>/email/`, attachments in
 *   `<dataDir>/email/attachments/` (atomic writes). Each message, delivery report or clearing is a line appended to a
 *   journal (`outbox.<n>.jsonl`); the whole outbox (`outbox.json`) is written only when the journal has grown past it
 *   and on stop (see ../journal.ts). The 202 is sent only once the message's line is written: a kill -9 loses no
 *   accepted message.
 * - A few milliseconds after the 202 (never blocking it), one Event Grid `Microsoft.Communication.EmailDeliveryReportReceived`
 *   event per recipient goes to `onDeliveryReport`: `Delivered`, except for a recipient whose local part starts with
 *   `bounce` (`Bounced`) or `suppressed` (`Suppressed`). A report can also be sent by hand through a dev endpoint.
 * - Dev endpoints (`handleDevHttp`, on the dev host's main server): the outbox as JSON or an HTML page, one message
 *   rendered with its attachments, attachment downloads, faults, hand-made reports and clearing.
 *
 * Logs carry operation ids and counts only — never addresses, subjects or content.
 */
import type { EventGridEvent } from "@azure/functions";
import { createHash, randomUUID } from "node:crypto";
import { mkdir, readFile, rm } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import { z } from "zod";
import { acsHmacRefusal } from "../acs-hmac";
import { writeFileAtomic } from "../atomic-file";
import { Journal } from "../journal";
import { escapeHtml, header, readBody, readDevJson, sendJson, sendProblem, type DevRouteHandler } from "../dev-routes";
import type { DevLogger } from "../logger";

export const EMAIL_API_VERSIONS = ["2023-03-31", "2025-09-01"] as const;
const DEV_BASE = "/api/dev/email";
/** ACS: the whole request, attachments included, at most 10 MB. */
export const MAX_REQUEST_BYTES = 10 * 1024 * 1024;
const MAX_RECIPIENTS = 50;

export const EmailDeliveryStatus = z.enum([
  "Delivered",
  "Bounced",
  "Suppressed",
  "Failed",
  "Quarantined",
  "FilteredSpam",
  "Expanded",
]);
export type EmailDeliveryStatus = z.infer<typeof EmailDeliveryStatus>;

const Address = z.object({ address: z.string(), displayName: z.string().optional() });

export const EmailRecord = z.object({
  /** The operation id: what the delivery reports call `messageId`. */
  messageId: z.string(),
  internetMessageId: z.string(),
  receivedAt: z.string(),
  senderAddress: z.string(),
  to: z.array(Address),
  cc: z.array(Address),
  bcc: z.array(Address),
  replyTo: z.array(Address),
  subject: z.string(),
  plainText: z.string().optional(),
  html: z.string().optional(),
  attachments: z.array(z.object({ name: z.string(), contentType: z.string(), size: z.number().int() })),
  operationStatus: z.enum(["Succeeded", "Failed"]),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  /** Per recipient address, the last delivery report. */
  deliveries: z.array(
    z.object({ recipient: z.string(), status: EmailDeliveryStatus, details: z.string(), at: z.string() }),
  ),
});
export type EmailRecord = z.infer<typeof EmailRecord>;

const OutboxFile = z.object({ version: z.literal(1), messages: z.array(EmailRecord) });

type Delivery = EmailRecord["deliveries"][number];

/** One line of the outbox journal. */
type OutboxChange =
  { op: "add"; m: EmailRecord } | { op: "delivery"; messageId: string; d: Delivery } | { op: "clear" };

const SendRequest = z.object({
  headers: z.record(z.string(), z.string()).optional(),
  senderAddress: z.string().optional(),
  content: z
    .object({ subject: z.string().optional(), plainText: z.string().optional(), html: z.string().optional() })
    .optional(),
  recipients: z
    .object({ to: z.array(Address).optional(), cc: z.array(Address).optional(), bcc: z.array(Address).optional() })
    .optional(),
  attachments: z
    .array(
      z.object({
        name: z.string().optional(),
        contentType: z.string().optional(),
        contentInBase64: z.string().optional(),
        contentId: z.string().optional(),
      }),
    )
    .optional(),
  replyTo: z.array(Address).optional(),
  userEngagementTrackingDisabled: z.boolean().optional(),
});

const FaultsBody = z.object({
  failAll: z.boolean().optional(),
  failNext: z.number().int().min(0).optional(),
  status: z.number().int().min(400).max(599).optional(),
  /** The next N accepted sends end as operation status `Failed` with `operationErrorCode`. */
  failOperationsNext: z.number().int().min(0).optional(),
  operationErrorCode: z.string().min(1).max(100).optional(),
});
export type EmailFaults = z.infer<typeof FaultsBody>;

const ReportBody = z.object({
  status: EmailDeliveryStatus,
  /** One recipient's address; every recipient when absent. */
  recipient: z.string().optional(),
  details: z.string().max(500).optional(),
  at: z.iso.datetime({ offset: true }).optional(),
});

export interface AcsEmailStandInOptions {
  dataDir: string;
  /** The access key of the ACS connection string, base64 (the same as the SMS stand-in's). */
  accessKey: string;
  logger: DevLogger;
  now?: () => Date;
  onDeliveryReport?: (event: EventGridEvent) => Promise<void>;
  /** Wraps each background delivery report (the dev host tracks them as work). */
  track?: <T>(work: Promise<T>) => Promise<T>;
  /** Delay before the automatic delivery reports; default 5 ms. */
  reportDelayMs?: number;
}

const EMAIL = /^[^\s@<>()",;]+@[^\s@<>()",;]+\.[^\s@<>()",;]+$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const TOPIC =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/local/providers/microsoft.communication/communicationservices/local-acs";

export class AcsEmailStandIn {
  private readonly key: Buffer;
  private readonly now: () => Date;
  private readonly dir: string;
  private journal: Journal<OutboxChange>;
  private messages: EmailRecord[] = [];
  private byId = new Map<string, EmailRecord>();
  private faults = { failAll: false, failNext: 0, status: 500, failOperationsNext: 0, operationErrorCode: "" };
  private loaded = false;
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly options: AcsEmailStandInOptions) {
    this.key = Buffer.from(options.accessKey, "base64");
    if (this.key.length === 0) throw new Error("AcsEmailStandIn: accessKey must be a non-empty base64 string");
    this.now = options.now ?? (() => new Date());
    this.dir = join(options.dataDir, "email");
    this.journal = this.newJournal();
  }

  private newJournal(): Journal<OutboxChange> {
    return new Journal<OutboxChange>({
      dir: this.dir,
      snapshotFile: "outbox.json",
      journalName: "outbox",
      snapshot: () => ({ version: 1, messages: this.messages }),
      fsync: process.env.DEVHOST_JOURNAL_FSYNC === "1",
      onError: (err) =>
        this.options.logger.error("email stand-in could not save its outbox", {
          error: err instanceof Error ? err.message : String(err),
        }),
    });
  }

  /** Reads the outbox kept by an earlier run (the snapshot, then the journal's changes in order); call before serving. */
  async load(): Promise<void> {
    if (this.loaded) return;
    const { snapshot, records, skipped: torn } = await this.journal.load();
    let skipped = torn;
    this.messages = [];
    this.byId.clear();
    if (snapshot !== undefined) {
      const parsed = OutboxFile.safeParse(snapshot);
      if (!parsed.success)
        throw new Error(`AcsEmailStandIn: ${join(this.dir, "outbox.json")} is not a valid outbox file`);
      for (const m of parsed.data.messages) this.add(m);
    }
    for (const change of records) {
      if (change.op === "clear") {
        this.messages = [];
        this.byId.clear();
      } else if (change.op === "add") {
        const parsed = EmailRecord.safeParse(change.m);
        if (parsed.success && !this.byId.has(parsed.data.messageId)) this.add(parsed.data);
        else skipped++;
      } else {
        const record = this.byId.get(change.messageId);
        if (record) setDelivery(record, change.d);
      }
    }
    if (skipped > 0) this.options.logger.warn("email stand-in skipped unreadable outbox journal lines", { skipped });
    this.loaded = true;
  }

  async stop(): Promise<void> {
    await this.settled();
    if (this.loaded) {
      await this.journal.close(); // the whole outbox as one snapshot; a later load reads it again
      this.journal = this.newJournal();
      this.loaded = false;
    }
  }

  private add(record: EmailRecord): void {
    this.messages.push(record);
    this.byId.set(record.messageId, record);
  }

  /** Resolves once every delivery report scheduled so far has been published (or has failed). */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** The outbox, newest first. */
  outbox(): EmailRecord[] {
    return this.messages.map((m) => structuredClone(m)).reverse();
  }

  /** An attachment's bytes as stored. */
  async attachment(messageId: string, index: number): Promise<Buffer | undefined> {
    const record = this.byId.get(messageId);
    if (!record || !record.attachments[index]) return undefined;
    return readFile(this.attachmentPath(messageId, index));
  }

  /** Replaces the fault settings; `{}` clears them. `status` defaults to 500. */
  setFaults(f: EmailFaults): void {
    this.faults = {
      failAll: f.failAll ?? false,
      failNext: f.failNext ?? 0,
      status: f.status ?? 500,
      failOperationsNext: f.failOperationsNext ?? 0,
      operationErrorCode: f.operationErrorCode ?? "EmailSendFailed",
    };
    this.options.logger.info("email stand-in faults set", { ...this.faults });
  }

  // ---- the ACS API (mounted on the SMS stand-in's endpoint) -----------------------------------------------------

  /** `POST /emails:send` and `GET /emails/operations/{id}`; anything else answers `false`. */
  readonly handleAcsHttp: DevRouteHandler = async (req, res, url) => {
    if (url.pathname === "/emails:send") {
      if (req.method !== "POST") sendAcsError(res, 405, "MethodNotAllowed", "Only POST is supported.");
      else await this.handleSend(req, res, url);
      return true;
    }
    const op = /^\/emails\/operations\/([^/]+)$/.exec(url.pathname);
    if (op?.[1]) {
      if (req.method !== "GET") sendAcsError(res, 405, "MethodNotAllowed", "Only GET is supported.");
      else await this.handleStatus(req, res, url, decodeURIComponent(op[1]));
      return true;
    }
    return false;
  };

  private async handleSend(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const body = await readBody(req);
    if (!this.admitted(req, res, url, body)) return;
    if (body.length > MAX_REQUEST_BYTES) {
      return sendAcsError(
        res,
        400,
        "BadRequest",
        "The request, attachments included, exceeds the maximum size of 10 MB.",
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(body.toString("utf8"));
    } catch {
      return sendAcsError(res, 400, "BadRequest", "The request body is not valid JSON.");
    }
    const parsed = SendRequest.safeParse(json);
    if (!parsed.success) {
      return sendAcsError(
        res,
        400,
        "BadRequest",
        `Invalid request: ${z.prettifyError(parsed.error).replace(/\n/g, " ")}`,
      );
    }
    const request = parsed.data;
    const invalid = validate(request);
    if (invalid) return sendAcsError(res, 400, invalid.code, invalid.message);

    const operationId = header(req, "operation-id") || randomUUID();
    const earlier = this.byId.get(operationId);
    if (earlier) {
      // A repeat (a retried send): the first operation's answer, nothing new stored or reported.
      await this.journal.durable();
      this.options.logger.info("email stand-in answered a repeated operation id", { operationId });
      return this.sendAccepted(req, res, earlier);
    }
    const attachments = (request.attachments ?? []).map((a) => ({
      name: a.name!,
      contentType: a.contentType!,
      content: Buffer.from(a.contentInBase64!, "base64"),
    }));
    const failing = this.faults.failOperationsNext > 0;
    if (failing) this.faults.failOperationsNext--;
    const record: EmailRecord = {
      messageId: operationId,
      internetMessageId: `<${randomUUID()}@local-acs.dev>`,
      receivedAt: this.now().toISOString(),
      senderAddress: request.senderAddress!,
      to: request.recipients?.to ?? [],
      cc: request.recipients?.cc ?? [],
      bcc: request.recipients?.bcc ?? [],
      replyTo: request.replyTo ?? [],
      subject: request.content!.subject!,
      ...(request.content?.plainText !== undefined ? { plainText: request.content.plainText } : {}),
      ...(request.content?.html !== undefined ? { html: request.content.html } : {}),
      attachments: attachments.map((a) => ({ name: a.name, contentType: a.contentType, size: a.content.length })),
      operationStatus: failing ? "Failed" : "Succeeded",
      ...(failing ? { error: { code: this.faults.operationErrorCode, message: "Injected operation failure." } } : {}),
      deliveries: [],
    };
    for (const [index, a] of attachments.entries())
      await writeFileAtomic(this.attachmentPath(operationId, index), a.content);
    this.add(record);
    this.journal.append({ op: "add", m: record });
    await this.journal.durable();
    this.options.logger.info("email stand-in accepted a message", {
      operationId,
      recipients: record.to.length + record.cc.length + record.bcc.length,
      attachments: attachments.length,
      operationStatus: record.operationStatus,
    });
    this.sendAccepted(req, res, record);
    if (record.operationStatus === "Succeeded") this.scheduleReports(record);
  }

  private async handleStatus(req: IncomingMessage, res: ServerResponse, url: URL, id: string): Promise<void> {
    const body = await readBody(req);
    if (!this.admitted(req, res, url, body)) return;
    const record = this.byId.get(id);
    if (!record) return sendAcsError(res, 404, "NotFound", "The operation was not found.");
    sendJson(res, 200, operationResult(record));
  }

  /** Auth, api-version and injected faults; false when the request was answered already. */
  private admitted(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): boolean {
    const denied = acsHmacRefusal(req, body, this.key);
    if (denied) {
      this.options.logger.warn("email stand-in refused a request", { reason: denied });
      sendAcsError(res, 401, "Denied", denied);
      return false;
    }
    const version = url.searchParams.get("api-version") ?? "";
    if (!(EMAIL_API_VERSIONS as readonly string[]).includes(version)) {
      sendAcsError(
        res,
        400,
        "BadRequest",
        `Unsupported api-version; this stand-in speaks ${EMAIL_API_VERSIONS.join(", ")}.`,
      );
      return false;
    }
    const fault = this.takeFault();
    if (fault) {
      this.options.logger.info("email stand-in injected a fault", { status: fault });
      const headers: Record<string, string> = fault === 429 || fault === 503 ? { "retry-after": "1" } : {};
      sendAcsError(res, fault, fault === 429 ? "TooManyRequests" : "ServiceError", "Injected fault.", headers);
      return false;
    }
    return true;
  }

  private sendAccepted(req: IncomingMessage, res: ServerResponse, record: EmailRecord): void {
    const host = header(req, "host") ?? "127.0.0.1";
    const location = `http://${host}/emails/operations/${encodeURIComponent(record.messageId)}?api-version=${EMAIL_API_VERSIONS[1]}`;
    sendJson(res, 202, { id: record.messageId, status: "Running" }, { "operation-location": location });
  }

  private takeFault(): number | undefined {
    if (this.faults.failAll) return this.faults.status;
    if (this.faults.failNext > 0) {
      this.faults.failNext--;
      return this.faults.status;
    }
    return undefined;
  }

  private attachmentPath(messageId: string, index: number): string {
    const folder = createHash("sha256").update(messageId).digest("hex").slice(0, 32);
    return join(this.dir, "attachments", folder, String(index));
  }

  // ---- delivery reports --------------------------------------------------------------------------------------------

  private scheduleReports(record: EmailRecord): void {
    const work = new Promise<void>((resolve) => setTimeout(resolve, this.options.reportDelayMs ?? 5))
      .then(async () => {
        if (!this.byId.has(record.messageId)) return; // cleared meanwhile
        for (const r of [...record.to, ...record.cc, ...record.bcc]) {
          if (record.deliveries.some((d) => d.recipient === r.address)) continue; // reported by hand
          await this.report(record, r.address, { status: automaticStatus(r.address) });
        }
      })
      .catch((err: unknown) =>
        this.options.logger.error("email delivery report handler failed", {
          operationId: record.messageId,
          error: err instanceof Error ? err.message : String(err),
        }),
      );
    const tracked = this.options.track ? this.options.track(work) : work;
    this.pending.add(tracked);
    void tracked.finally(() => this.pending.delete(tracked));
  }

  private async report(
    record: EmailRecord,
    recipient: string,
    body: { status: EmailDeliveryStatus; details?: string | undefined; at?: string | undefined },
  ): Promise<EventGridEvent> {
    const at = body.at ?? this.now().toISOString();
    const details = body.details ?? STATUS_DETAILS[body.status];
    const delivery: Delivery = { recipient, status: body.status, details, at };
    setDelivery(record, delivery);
    this.journal.append({ op: "delivery", messageId: record.messageId, d: delivery });
    await this.journal.durable();
    const event: EventGridEvent = {
      id: randomUUID(),
      topic: TOPIC,
      subject: `sender/${record.senderAddress}/message/${record.messageId}`,
      eventType: "Microsoft.Communication.EmailDeliveryReportReceived",
      eventTime: at,
      dataVersion: "1.0",
      metadataVersion: "1",
      data: {
        sender: record.senderAddress,
        recipient,
        messageId: record.messageId,
        internetMessageId: record.internetMessageId,
        status: body.status,
        deliveryStatusDetails: { statusMessage: details },
        deliveryAttemptTimestamp: at,
      },
    };
    await this.options.onDeliveryReport?.(event);
    this.options.logger.info("email delivery report", { operationId: record.messageId, status: body.status });
    return event;
  }

  // ---- dev endpoints -----------------------------------------------------------------------------------------------

  /** Dev endpoints under /api/dev/email; anything else answers `false`. */
  readonly handleDevHttp: DevRouteHandler = async (req, res, url) => {
    const path = url.pathname.replace(/\/+$/, "");
    if (path !== DEV_BASE && !path.startsWith(DEV_BASE + "/")) return false;
    const method = req.method ?? "GET";
    if (path === DEV_BASE) {
      if (method === "GET" || method === "HEAD") this.sendOutbox(req, res, url);
      else if (method === "DELETE") {
        await this.clear();
        res.writeHead(204).end();
      } else sendProblem(res, 405, "Method not allowed", "Use GET or DELETE.");
      return true;
    }
    if (path === `${DEV_BASE}/faults`) {
      if (method === "GET") sendJson(res, 200, this.faults);
      else if (method !== "POST") sendProblem(res, 405, "Method not allowed", "Use POST.");
      else {
        const body = await readDevJson(req, res, FaultsBody);
        if (body) {
          this.setFaults(body);
          sendJson(res, 200, this.faults);
        }
      }
      return true;
    }
    const m = /^\/api\/dev\/email\/([^/]+)(?:\/(report|attachments\/(\d+)))?$/.exec(path);
    if (!m?.[1]) return false;
    const record = this.byId.get(decodeURIComponent(m[1]));
    if (!record) {
      sendProblem(res, 404, "No such message", "No message with that id is in the outbox.");
      return true;
    }
    if (m[2] === "report") {
      if (method !== "POST") sendProblem(res, 405, "Method not allowed", "Use POST.");
      else await this.reportByHand(req, res, record);
    } else if (m[3] !== undefined) {
      const index = Number(m[3]);
      const meta = record.attachments[index];
      const bytes = meta ? await this.attachment(record.messageId, index) : undefined;
      if (!meta || !bytes) sendProblem(res, 404, "No such attachment");
      else {
        res.writeHead(200, {
          "content-type": meta.contentType,
          "content-length": String(bytes.length),
          "content-disposition": `attachment; filename="${meta.name.replace(/["\\\r\n]/g, "_")}"`,
          "cache-control": "no-store",
        });
        res.end(bytes);
      }
    } else if (method === "GET" || method === "HEAD") {
      if (url.searchParams.get("format") === "json") sendJson(res, 200, record, { "cache-control": "no-store" });
      else {
        res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
        res.end(method === "HEAD" ? undefined : renderMessagePage(record));
      }
    } else sendProblem(res, 405, "Method not allowed", "Use GET.");
    return true;
  };

  private async reportByHand(req: IncomingMessage, res: ServerResponse, record: EmailRecord): Promise<void> {
    const body = await readDevJson(req, res, ReportBody);
    if (!body) return;
    const all = [...record.to, ...record.cc, ...record.bcc].map((r) => r.address);
    const recipients = body.recipient === undefined ? all : all.filter((a) => a === body.recipient);
    if (recipients.length === 0) return sendProblem(res, 422, "No such recipient", "The message was not sent there.");
    const events: EventGridEvent[] = [];
    try {
      for (const r of recipients) events.push(await this.report(record, r, body));
    } catch (err) {
      this.options.logger.error("email delivery report handler failed", {
        operationId: record.messageId,
        error: err instanceof Error ? err.message : String(err),
      });
      return sendProblem(res, 502, "Delivery report handler failed", "The status was recorded, but the handler threw.");
    }
    sendJson(res, 200, { message: record, events });
  }

  private sendOutbox(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const format = url.searchParams.get("format");
    const wantsHtml = format === "html" || (format !== "json" && /\btext\/html\b/.test(header(req, "accept") ?? ""));
    if (wantsHtml) {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
      res.end(req.method === "HEAD" ? undefined : renderOutboxPage(this.outbox()));
      return;
    }
    sendJson(res, 200, { count: this.messages.length, messages: this.outbox() }, { "cache-control": "no-store" });
  }

  private async clear(): Promise<void> {
    const count = this.messages.length;
    this.messages = [];
    this.byId.clear();
    this.journal.append({ op: "clear" });
    await this.journal.durable();
    await rm(join(this.dir, "attachments"), { recursive: true, force: true });
    await mkdir(this.dir, { recursive: true });
    this.options.logger.info("email stand-in outbox cleared", { count });
  }
}

// ---- helpers ----------------------------------------------------------------------------------------------------

/** A recipient's last delivery report replaces the one before. */
function setDelivery(record: EmailRecord, delivery: Delivery): void {
  record.deliveries = record.deliveries.filter((d) => d.recipient !== delivery.recipient);
  record.deliveries.push(delivery);
}

function validate(request: z.infer<typeof SendRequest>): { code: string; message: string } | undefined {
  const bad = (message: string) => ({ code: "BadRequest", message });
  if (!request.senderAddress) return bad("The senderAddress field is required.");
  if (!EMAIL.test(request.senderAddress)) return bad("The senderAddress is not a valid e-mail address.");
  const all = [
    ...(request.recipients?.to ?? []),
    ...(request.recipients?.cc ?? []),
    ...(request.recipients?.bcc ?? []),
  ];
  if (!request.recipients || all.length === 0)
    return bad("At least one recipient is required in recipients.to, cc or bcc.");
  if (all.length > MAX_RECIPIENTS) return bad(`At most ${MAX_RECIPIENTS} recipients are allowed.`);
  if (all.some((r) => !EMAIL.test(r.address))) return bad("A recipient address is not a valid e-mail address.");
  if ((request.replyTo ?? []).some((r) => !EMAIL.test(r.address)))
    return bad("A replyTo address is not a valid e-mail address.");
  if (!request.content) return bad("The content field is required.");
  if (!request.content.subject) return bad("The content.subject field is required.");
  if (!request.content.plainText && !request.content.html)
    return bad("Either content.plainText or content.html is required.");
  for (const [i, a] of (request.attachments ?? []).entries()) {
    if (!a.name) return bad(`attachments[${i}].name is required.`);
    if (!a.contentType) return bad(`attachments[${i}].contentType is required.`);
    if (!a.contentInBase64 || !BASE64.test(a.contentInBase64) || a.contentInBase64.length % 4 !== 0)
      return bad(`attachments[${i}].contentInBase64 is not valid base64.`);
  }
  return undefined;
}

function automaticStatus(address: string): EmailDeliveryStatus {
  const local = address.split("@")[0]?.toLowerCase() ?? "";
  if (local.startsWith("bounce")) return "Bounced";
  if (local.startsWith("suppressed")) return "Suppressed";
  return "Delivered";
}

const STATUS_DETAILS: Record<EmailDeliveryStatus, string> = {
  Delivered: "No error.",
  Bounced: "The recipient's mail server rejected the message: mailbox unavailable.",
  Suppressed: "The recipient is on the suppression list; the message was not sent.",
  Failed: "The message could not be delivered.",
  Quarantined: "The message was quarantined.",
  FilteredSpam: "The message was filtered as spam.",
  Expanded: "The distribution list was expanded.",
};

function operationResult(record: EmailRecord): {
  id: string;
  status: string;
  error?: { code: string; message: string };
} {
  return {
    id: record.messageId,
    status: record.operationStatus,
    ...(record.error ? { error: record.error } : {}),
  };
}

function sendAcsError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { error: { code, message } }, { "x-ms-error-code": code, ...headers });
}

function addresses(list: EmailRecord["to"]): string {
  return list.map((a) => (a.displayName ? `${a.displayName} <${a.address}>` : a.address)).join(", ");
}

function deliverySummary(m: EmailRecord): string {
  if (m.operationStatus === "Failed") return `Send failed${m.error ? ` (${m.error.code})` : ""}`;
  if (m.deliveries.length === 0) return "Awaiting report";
  return m.deliveries.map((d) => `${d.status}`).join(", ");
}

const PAGE_STYLE = `body { font: 16px/1.5 system-ui, sans-serif; margin: 1.5rem; color: #1a1a1a; background: #fff; }
table { border-collapse: collapse; width: 100%; }
caption { text-align: left; font-weight: 600; padding: .5rem 0; }
th, td { border: 1px solid #8a8a8a; padding: .4rem .6rem; text-align: left; vertical-align: top; }
th { background: #eef1f5; }
code { font-size: .85em; word-break: break-all; }
a { color: #0b57d0; }
iframe { width: 100%; min-height: 32rem; border: 1px solid #8a8a8a; }
pre { white-space: pre-wrap; background: #f6f7f9; padding: .75rem; }
dt { font-weight: 600; }`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} — dev host</title>
<style>
${PAGE_STYLE}
</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

export function renderOutboxPage(messages: EmailRecord[]): string {
  const rows = messages
    .map(
      (m) => `<tr>
<td><time datetime="${escapeHtml(m.receivedAt)}">${escapeHtml(m.receivedAt)}</time></td>
<td>${escapeHtml(addresses(m.to))}</td>
<td><a href="${DEV_BASE}/${encodeURIComponent(m.messageId)}">${escapeHtml(m.subject)}</a></td>
<td>${m.attachments.length}</td>
<td>${escapeHtml(deliverySummary(m))}</td>
<td><code>${escapeHtml(m.messageId)}</code></td>
</tr>`,
    )
    .join("\n");
  const body =
    messages.length === 0
      ? `<p>The outbox is empty. E-mails the app sends through the ACS Email stand-in appear here.</p>`
      : `<table>
<caption>${messages.length} e-mail${messages.length === 1 ? "" : "s"}, newest first</caption>
<thead><tr><th scope="col">Received (UTC)</th><th scope="col">To</th><th scope="col">Subject</th><th scope="col">Attachments</th><th scope="col">Delivery</th><th scope="col">Message id</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
  return page(
    "E-mail outbox",
    `<h1>E-mail outbox</h1>
<p>E-mails accepted by the local Azure Communication Services Email stand-in. Nothing here left this machine.
<a href="${DEV_BASE}">Refresh</a> · <a href="${DEV_BASE}?format=json">JSON</a></p>
${body}
<h2>Simulate</h2>
<p>Recipients starting with <code>bounce</code> bounce, with <code>suppressed</code> are suppressed; the rest are delivered.
Report by hand: <code>POST ${DEV_BASE}/{messageId}/report</code> with <code>{"status":"Bounced"}</code>.
Faults: <code>POST ${DEV_BASE}/faults</code> with <code>{"failNext":2,"status":503}</code> or <code>{"failOperationsNext":1}</code>. Clear: <code>DELETE ${DEV_BASE}</code>.</p>`,
  );
}

export function renderMessagePage(m: EmailRecord): string {
  const base = `${DEV_BASE}/${encodeURIComponent(m.messageId)}`;
  const attachments =
    m.attachments.length === 0
      ? "<p>No attachments.</p>"
      : `<ul>
${m.attachments
  .map(
    (a, i) =>
      `<li><a href="${base}/attachments/${i}" download="${escapeHtml(a.name)}">${escapeHtml(a.name)}</a> (${escapeHtml(a.contentType)}, ${a.size} bytes)</li>`,
  )
  .join("\n")}
</ul>`;
  const deliveries =
    m.deliveries.length === 0
      ? `<p>${escapeHtml(deliverySummary(m))}</p>`
      : `<ul>
${m.deliveries.map((d) => `<li>${escapeHtml(d.recipient)}: ${escapeHtml(d.status)} — ${escapeHtml(d.details)} (<time datetime="${escapeHtml(d.at)}">${escapeHtml(d.at)}</time>)</li>`).join("\n")}
</ul>`;
  // The message's own HTML in a sandboxed frame: its scripts never run and its styles never leak into this page.
  const rendered =
    m.html !== undefined
      ? `<iframe sandbox title="The e-mail's HTML body" srcdoc="${escapeHtml(m.html)}"></iframe>`
      : "<p>No HTML body.</p>";
  return page(
    m.subject,
    `<p><a href="${DEV_BASE}?format=html">← E-mail outbox</a></p>
<h1>${escapeHtml(m.subject)}</h1>
<dl>
<dt>From</dt><dd>${escapeHtml(m.senderAddress)}</dd>
<dt>To</dt><dd>${escapeHtml(addresses(m.to))}</dd>
${m.cc.length ? `<dt>Cc</dt><dd>${escapeHtml(addresses(m.cc))}</dd>` : ""}
${m.replyTo.length ? `<dt>Reply to</dt><dd>${escapeHtml(addresses(m.replyTo))}</dd>` : ""}
<dt>Received (UTC)</dt><dd><time datetime="${escapeHtml(m.receivedAt)}">${escapeHtml(m.receivedAt)}</time></dd>
<dt>Message id</dt><dd><code>${escapeHtml(m.messageId)}</code></dd>
</dl>
<h2>Attachments</h2>
${attachments}
<h2>Delivery</h2>
${deliveries}
<h2>HTML body</h2>
${rendered}
<h2>Plain text</h2>
${m.plainText !== undefined ? `<pre>${escapeHtml(m.plainText)}</pre>` : "<p>No plain text.</p>"}`,
  );
}
