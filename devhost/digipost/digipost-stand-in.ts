/**
 * A local Digipost REST API (v8) that the app's DigipostMailbox talks to, on its own port.
 *
 * - `POST /identification`, `POST /messages` (multipart/vnd.digipost-v8+xml: the message XML part plus one part per
 *   document, named by the document's uuid) and `GET /documents/{senderId}/{uuid}/status`, with Digipost's media
 *   type and its `<error>` XML (error-code, error-message, error-type).
 * - Every request is authenticated as Digipost does it: `X-Digipost-UserId` must be the configured sender, `Date`
 *   within five minutes of real time, `X-Content-SHA256` the body's hash, and `X-Digipost-Signature` a SHA256withRSA
 *   signature over the canonical string, verified with the sender's PUBLIC key (the "uploaded certificate"). A bad
 *   signature is refused with 403 INVALID_SIGNATURE and the canonical string the stand-in expected, as Digipost does.
 * - Who has a mailbox: by default every valid national id whose last digit is even (dev only; documented in the
 *   README); `POST /api/dev/digipost/mailboxes` sets it per id. Invalid ids identify as INVALID.
 * - Messages are validated (recipient, subject, file type, the document part, PDF content, the invoice / inkasso data
 *   type: sum a positive decimal with at most two decimals, 11-digit account, KID ≤ 25). The `[INKASSO] ` subject rule
 *   is not enforced (Digipost does not either); the subject is recorded as sent.
 * - A recipient without a mailbox: printed when the message carries print details (DELIVERED_TO_PRINT), otherwise
 *   404 UNKNOWN_RECIPIENT. A repeated message id: 409 DUPLICATE_MESSAGE, nothing stored.
 * - Messages and PDFs are kept across restarts under `<dataDir>/digipost/` (atomic writes; the answer is sent once
 *   both are on disk).
 * - Dev routes (mounted on the dev host's main server): `GET /api/dev/digipost` (JSON, or HTML for a browser; the
 *   recipient masked to its last three digits), `GET /api/dev/digipost/{messageId}/document`, `DELETE
 *   /api/dev/digipost`, `POST /api/dev/digipost/faults` and `POST /api/dev/digipost/mailboxes`.
 *
 * Logs carry message ids and counts only — never national ids, names or addresses.
 */
import { createPublicKey, createVerify, generateKeyPairSync, type KeyObject } from "node:crypto";
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import fs from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { join } from "node:path";
import { XMLParser } from "fast-xml-parser";
import { z } from "zod";
import { isValidNorwegianNationalId } from "../../shared/domain/identifiers/national-id";
import { CoalescingWriter, readJsonFile, writeFileAtomic } from "../atomic-file";
import { escapeHtml, header, readBody, readDevJson, sendJson, sendProblem, type DevRouteHandler } from "../dev-routes";
import { closeServer, listen } from "../listen";
import type { DevLogger } from "../logger";

const MEDIA_TYPE = "application/vnd.digipost-v8+xml";
const MULTIPART_TYPE = "multipart/vnd.digipost-v8+xml";
const NS = "http://api.digipost.no/schema/v8";
const DEV_BASE = "/api/dev/digipost";
const MAX_SKEW_MS = 5 * 60_000;
const MAX_BODY = 20 * 1024 * 1024;
/** The headers Digipost's canonical string takes, when present (RequestMessageSignatureUtil). */
const SIGNED_HEADERS = ["content-md5", "date", "x-content-sha256", "x-digipost-userid"];

export const InvoiceRecord = z.object({
  kind: z.enum(["invoice", "inkasso"]),
  kid: z.string().optional(),
  /** The decimal kroner exactly as sent, e.g. "123.45". */
  sum: z.string().optional(),
  account: z.string().optional(),
  dueDate: z.string(),
});
export type InvoiceRecord = z.infer<typeof InvoiceRecord>;

export const DigipostRecord = z.object({
  messageId: z.string(),
  documentUuid: z.string(),
  senderId: z.string(),
  receivedAt: z.string(),
  /** Kept in the stand-in's own file only; the dev routes show the last three digits. */
  nationalId: z.string(),
  subject: z.string(),
  invoice: InvoiceRecord.optional(),
  channel: z.enum(["DIGIPOST", "PRINT"]),
  status: z.enum(["DELIVERED", "DELIVERED_TO_PRINT"]),
  printRecipientName: z.string().optional(),
  pdfBytes: z.number().int(),
  pdfSha256: z.string(),
});
export type DigipostRecord = z.infer<typeof DigipostRecord>;

const StoreFile = z.object({
  version: z.literal(1),
  messages: z.array(DigipostRecord),
  mailboxes: z.record(z.string(), z.boolean()),
});

const FaultsBody = z.object({
  failAll: z.boolean().optional(),
  failNext: z.number().int().min(0).optional(),
  status: z.number().int().min(400).max(599).optional(),
});

const MailboxBody = z.object({ nationalId: z.string().regex(/^\d{11}$/), hasMailbox: z.boolean().default(true) });

export interface DigipostFaults {
  failAll?: boolean;
  failNext?: number;
  status?: number;
}

export interface DigipostStandInOptions {
  dataDir: string;
  /** The sender (broker) id requests must carry in X-Digipost-UserId. */
  senderId: string;
  /** The sender's public key (PEM, or a private key PEM from which the public half is taken). */
  publicKey: string | KeyObject;
  logger: DevLogger;
  /** Time recorded on messages (the dev host's virtual clock). The Date header is checked against real time. */
  now?: () => Date;
  realNow?: () => Date;
}

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  parseTagValue: false,
  trimValues: true,
});

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly type = "CLIENT_DATA",
  ) {
    super(message);
  }
}

export class DigipostStandIn {
  private readonly publicKey: KeyObject;
  private readonly now: () => Date;
  private readonly realNow: () => Date;
  private readonly dir: string;
  private readonly storePath: string;
  private readonly writer: CoalescingWriter;
  private messages: DigipostRecord[] = [];
  private mailboxes: Record<string, boolean> = {};
  private faults: Required<DigipostFaults> = { failAll: false, failNext: 0, status: 500 };
  private server: Server | undefined;
  private loaded = false;

  constructor(private readonly options: DigipostStandInOptions) {
    this.publicKey = createPublicKey(options.publicKey);
    this.now = options.now ?? (() => new Date());
    this.realNow = options.realNow ?? (() => new Date());
    this.dir = join(options.dataDir, "digipost");
    this.storePath = join(this.dir, "messages.json");
    this.writer = new CoalescingWriter(() =>
      writeFileAtomic(
        this.storePath,
        JSON.stringify({ version: 1, messages: this.messages, mailboxes: this.mailboxes }),
      ),
    );
  }

  async start(port = 0): Promise<{ baseUrl: string }> {
    if (this.server) throw new Error("DigipostStandIn already started");
    await this.load();
    const server = createServer({ keepAlive: true }, (req, res) => {
      void this.route(req, res).catch((err: unknown) => {
        this.options.logger.error("digipost stand-in request failed", {
          error: err instanceof Error ? err.message : String(err),
        });
        if (!res.headersSent) sendError(res, new ApiError(500, "SERVER_ERROR", "The stand-in failed.", "SERVER"));
        else res.end();
      });
    });
    const bound = await listen(server, port);
    this.server = server;
    const baseUrl = `http://127.0.0.1:${bound}`;
    this.options.logger.info("digipost stand-in listening", { baseUrl, messages: this.messages.length });
    return { baseUrl };
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await closeServer(server);
    await this.writer.idle();
  }

  /** Stored messages, newest first. */
  list(): DigipostRecord[] {
    return this.messages.map((m) => ({ ...m })).reverse();
  }

  hasMailbox(nationalId: string): boolean {
    const set = this.mailboxes[nationalId];
    if (set !== undefined) return set;
    return isValidNorwegianNationalId(nationalId) && Number(nationalId.slice(-1)) % 2 === 0;
  }

  async setMailbox(nationalId: string, has: boolean): Promise<void> {
    this.mailboxes[nationalId] = has;
    await this.writer.request();
  }

  setFaults(f: DigipostFaults): void {
    this.faults = { failAll: f.failAll ?? false, failNext: f.failNext ?? 0, status: f.status ?? 500 };
    this.options.logger.info("digipost stand-in faults set", { ...this.faults });
  }

  /** Clears the messages (the mailbox list stays). */
  async clear(): Promise<void> {
    const count = this.messages.length;
    this.messages = [];
    await this.writer.request();
    fs.rmSync(join(this.dir, "documents"), { recursive: true, force: true });
    this.options.logger.info("digipost stand-in messages cleared", { count });
  }

  readonly handleDevHttp: DevRouteHandler = async (req, res, url) => {
    const path = url.pathname.replace(/\/+$/, "");
    if (path !== DEV_BASE && !path.startsWith(DEV_BASE + "/")) return false;
    const method = req.method ?? "GET";
    if (path === DEV_BASE) {
      if (method === "GET" || method === "HEAD") {
        this.sendList(req, res, url);
      } else if (method === "DELETE") {
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
        if (!body) return true;
        this.setFaults(body);
        sendJson(res, 200, this.faults);
      }
      return true;
    }
    if (path === `${DEV_BASE}/mailboxes`) {
      if (method !== "POST") {
        sendProblem(res, 405, "Method not allowed", "Use POST with {nationalId, hasMailbox}.");
        return true;
      }
      const body = await readDevJson(req, res, MailboxBody);
      if (!body) return true;
      await this.setMailbox(body.nationalId, body.hasMailbox);
      sendJson(res, 200, { recipient: mask(body.nationalId), hasMailbox: body.hasMailbox });
      return true;
    }
    const doc = /^\/api\/dev\/digipost\/([^/]+)\/document$/.exec(path);
    if (doc?.[1] && (method === "GET" || method === "HEAD")) {
      const record = this.messages.find((m) => m.messageId === decodeURIComponent(doc[1]!));
      if (!record) {
        sendProblem(res, 404, "No such message", "No message with that id was received.");
        return true;
      }
      const pdf = await readFile(this.pdfPath(record.documentUuid));
      res.writeHead(200, {
        "content-type": "application/pdf",
        "content-length": String(pdf.length),
        "content-disposition": `inline; filename="${record.documentUuid}.pdf"`,
      });
      res.end(method === "HEAD" ? undefined : pdf);
      return true;
    }
    return false;
  };

  // ---- the Digipost API -------------------------------------------------------------------------------------------

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (await this.handleDevHttp(req, res, url)) return;
    const method = req.method ?? "GET";
    const status = /^\/documents\/(\d+)\/([0-9a-fA-F-]{36})\/status$/.exec(url.pathname);
    const known = url.pathname === "/identification" || url.pathname === "/messages" || status !== null;
    if (!known) return sendError(res, new ApiError(404, "GENERAL_ERROR", "No such resource.", "CLIENT_TECHNICAL"));
    try {
      const body = await readBody(req);
      if (body.length > MAX_BODY) throw new ApiError(413, "REQUEST_TOO_LARGE", "The request is too large.");
      this.authenticate(req, url, body);
      const fault = this.takeFault();
      if (fault) {
        this.options.logger.info("digipost stand-in injected a fault", { status: fault });
        throw new ApiError(fault, fault === 503 ? "API_UNAVAILABLE" : "SERVER_ERROR", "Injected fault.", "SERVER");
      }
      if (url.pathname === "/identification" && method === "POST") return this.identify(req, res, body);
      if (url.pathname === "/messages" && method === "POST") return await this.receive(req, res, body);
      if (status && method === "GET") return this.documentStatus(res, status[1]!, status[2]!.toLowerCase());
      throw new ApiError(405, "PROBLEM_WITH_REQUEST", "Method not allowed.", "CLIENT_TECHNICAL");
    } catch (err) {
      if (err instanceof ApiError) {
        if (err.status === 403) this.options.logger.warn("digipost stand-in refused a request", { code: err.code });
        return sendError(res, err);
      }
      throw err;
    }
  }

  /** Throws 403 unless the request is signed by the configured sender exactly as Digipost checks it. */
  private authenticate(req: IncomingMessage, url: URL, body: Buffer): void {
    const userId = header(req, "x-digipost-userid");
    if (!userId) throw new ApiError(403, "INVALID_USER_ID_HEADER", "Missing X-Digipost-UserId.", "CLIENT_TECHNICAL");
    if (userId !== this.options.senderId)
      throw new ApiError(403, "UNKNOWN_USER_ID", "Unknown sender id.", "CLIENT_TECHNICAL");
    const date = header(req, "date");
    if (!date) throw new ApiError(403, "MISSING_DATE_HEADER", "Missing Date header.", "CLIENT_TECHNICAL");
    const at = Date.parse(date);
    if (Number.isNaN(at)) throw new ApiError(403, "INVALID_DATE_HEADER", "Date is not RFC 1123.", "CLIENT_TECHNICAL");
    if (Math.abs(at - this.realNow().getTime()) > MAX_SKEW_MS) {
      throw new ApiError(
        403,
        "DATE_HEADER_OUTSIDE_ACCEPTED_INTERVAL",
        "Date differs from server time by more than five minutes.",
        "CLIENT_TECHNICAL",
      );
    }
    const hash = header(req, "x-content-sha256");
    if (body.length > 0) {
      if (!hash) throw new ApiError(403, "MISSING_SHA256", "Missing X-Content-SHA256.", "CLIENT_TECHNICAL");
      if (createHash("sha256").update(body).digest("base64") !== hash)
        throw new ApiError(403, "INVALID_SHA256", "X-Content-SHA256 does not match the body.", "CLIENT_TECHNICAL");
    }
    const signature = header(req, "x-digipost-signature");
    if (!signature) throw new ApiError(403, "MISSING_SIGNATURE", "Missing X-Digipost-Signature.", "CLIENT_TECHNICAL");
    const canonical = this.canonical(req, url);
    const ok = createVerify("RSA-SHA256")
      .update(canonical, "utf8")
      .verify(this.publicKey, Buffer.from(signature, "base64"));
    if (!ok) {
      throw new ApiError(
        403,
        "INVALID_SIGNATURE",
        "The signature found in the X-Digipost-Signature header could not be verified.\n" +
          "Canonical string to sign generated by Digipost, with each line terminated with a newline character (\\n), was:\n" +
          `===START===\n${canonical}===SLUTT===`,
        "CLIENT_TECHNICAL",
      );
    }
  }

  /** Built independently of the adapter, the way Digipost's own utility builds it (headers sorted by name). */
  private canonical(req: IncomingMessage, url: URL): string {
    const names = Object.keys(req.headers)
      .map((n) => n.toLowerCase())
      .filter((n) => SIGNED_HEADERS.includes(n))
      .sort();
    const headers = names.map((n) => `${n}: ${header(req, n) ?? ""}\n`).join("");
    const query = (req.url ?? "").includes("?") ? (req.url ?? "").slice((req.url ?? "").indexOf("?") + 1) : "";
    return `${(req.method ?? "GET").toUpperCase()}\n${url.pathname.toLowerCase()}\n${headers}${query.toLowerCase()}\n`;
  }

  private takeFault(): number | undefined {
    if (this.faults.failAll) return this.faults.status;
    if (this.faults.failNext > 0) {
      this.faults.failNext--;
      return this.faults.status;
    }
    return undefined;
  }

  private identify(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    requireMediaType(req, MEDIA_TYPE);
    const xml = parseXml(body.toString("utf8"));
    const id = z.object({ identification: z.object({ "personal-identification-number": z.string() }) }).safeParse(xml);
    if (!id.success) {
      throw new ApiError(400, "SCHEMA_VALIDATION_ERROR", "Expected <identification> with a national id.");
    }
    const nationalId = id.data.identification["personal-identification-number"];
    let result: string;
    if (!/^\d{11}$/.test(nationalId) || !isValidNorwegianNationalId(nationalId)) {
      result = "<result>INVALID</result><invalid-reason>INVALID_PERSONAL_IDENTIFICATION_NUMBER</invalid-reason>";
    } else if (this.hasMailbox(nationalId)) {
      result = `<result>DIGIPOST</result><digipost-address>dev.recipient#${nationalId.slice(-4)}</digipost-address>`;
    } else {
      result = "<result>UNIDENTIFIED</result><unidentified-reason>NOT_FOUND</unidentified-reason>";
    }
    sendXml(res, 200, `<identification-result xmlns="${NS}">${result}</identification-result>`);
  }

  private async receive(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    const contentType = header(req, "content-type") ?? "";
    const boundary = /;\s*boundary="?([^";]+)"?/i.exec(contentType)?.[1];
    if (!contentType.toLowerCase().startsWith(MULTIPART_TYPE) || !boundary) {
      throw new ApiError(
        415,
        "ILLEGAL_CONTENT_TYPE",
        `Expected ${MULTIPART_TYPE} with a boundary.`,
        "CLIENT_TECHNICAL",
      );
    }
    const parts = parseMultipart(body, boundary);
    const messagePart = parts.find((p) => p.filename === "message");
    if (!messagePart) throw new ApiError(400, "MISSING_BODYPART_FILENAME", 'No part named "message".');
    if (!(messagePart.contentType ?? "").toLowerCase().startsWith(MEDIA_TYPE)) {
      throw new ApiError(415, "ILLEGAL_CONTENT_TYPE", `The message part must be ${MEDIA_TYPE}.`, "CLIENT_TECHNICAL");
    }
    const message = validateMessage(parseXml(messagePart.content.toString("utf8")));
    const docPart = parts.find((p) => p.filename === message.documentUuid);
    if (!docPart || parts.length !== 2) {
      throw new ApiError(400, "DOCUMENTS_AND_FILES_MISMATCH", "One part per document, named by its uuid.");
    }
    if (docPart.content.subarray(0, 5).toString("latin1") !== "%PDF-") {
      throw new ApiError(400, "INVALID_PDF_CONTENT", "The document is not a PDF.");
    }
    if (this.messages.some((m) => m.messageId === message.messageId)) {
      this.options.logger.info("digipost stand-in refused a duplicate message", { messageId: message.messageId });
      throw new ApiError(409, "DUPLICATE_MESSAGE", "A message with this message-id was already sent.");
    }
    if (this.messages.some((m) => m.documentUuid === message.documentUuid)) {
      throw new ApiError(409, "DUPLICATE_DOCUMENT_ID", "A document with this uuid was already sent.");
    }
    const digital = this.hasMailbox(message.nationalId);
    if (!digital && !message.printRecipientName) {
      throw new ApiError(
        404,
        "UNKNOWN_RECIPIENT",
        "The recipient is not a Digipost user and there is no print-details.",
      );
    }
    const record: DigipostRecord = {
      messageId: message.messageId,
      documentUuid: message.documentUuid,
      senderId: this.options.senderId,
      receivedAt: this.now().toISOString(),
      nationalId: message.nationalId,
      subject: message.subject,
      ...(message.invoice ? { invoice: message.invoice } : {}),
      channel: digital ? "DIGIPOST" : "PRINT",
      status: digital ? "DELIVERED" : "DELIVERED_TO_PRINT",
      ...(message.printRecipientName && !digital ? { printRecipientName: message.printRecipientName } : {}),
      pdfBytes: docPart.content.length,
      pdfSha256: createHash("sha256").update(docPart.content).digest("base64"),
    };
    await writeFileAtomic(this.pdfPath(record.documentUuid), docPart.content);
    this.messages.push(record);
    await this.writer.request();
    this.options.logger.info("digipost stand-in accepted a message", {
      messageId: record.messageId,
      status: record.status,
    });
    sendXml(
      res,
      200,
      `<message-delivery xmlns="${NS}"><message-id>${esc(record.messageId)}</message-id>` +
        `<delivery-method>${record.channel}</delivery-method><sender-id>${esc(record.senderId)}</sender-id>` +
        `<status>${record.status}</status><delivery-time>${record.receivedAt}</delivery-time>` +
        `<primary-document><uuid>${record.documentUuid}</uuid><subject>${esc(record.subject)}</subject>` +
        `<file-type>pdf</file-type><content-hash hash-algorithm="SHA256">${record.pdfSha256}</content-hash>` +
        `</primary-document></message-delivery>`,
    );
  }

  private documentStatus(res: ServerResponse, senderId: string, uuid: string): void {
    const record = this.messages.find((m) => m.documentUuid === uuid && m.senderId === senderId);
    if (!record) throw new ApiError(404, "DOCUMENT_NOT_FOUND", "No such document.", "CLIENT_TECHNICAL");
    sendXml(
      res,
      200,
      `<document-status xmlns="${NS}" uuid="${uuid}" sender-id="${esc(senderId)}" status="DELIVERED"` +
        ` created="${record.receivedAt}" delivered="${record.receivedAt}" channel="${record.channel}"` +
        ` is-primary-document="true" content-hash="${record.pdfSha256}" content-hash-algorithm="SHA256"/>`,
    );
  }

  private pdfPath(documentUuid: string): string {
    return join(this.dir, "documents", `${documentUuid}.pdf`);
  }

  // ---- dev views ----------------------------------------------------------------------------------------------------

  private sendList(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const format = url.searchParams.get("format");
    const wantsHtml = format === "html" || (format !== "json" && /\btext\/html\b/.test(header(req, "accept") ?? ""));
    const items = this.list().map(publicRecord);
    if (wantsHtml) {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
      res.end(req.method === "HEAD" ? undefined : renderPage(items));
      return;
    }
    sendJson(res, 200, { count: items.length, messages: items }, { "cache-control": "no-store" });
  }

  private async load(): Promise<void> {
    if (this.loaded) return;
    const raw = await readJsonFile(this.storePath);
    if (raw !== undefined) {
      const parsed = StoreFile.safeParse(raw);
      if (!parsed.success) throw new Error(`DigipostStandIn: ${this.storePath} is not a valid store file`);
      this.messages = parsed.data.messages;
      this.mailboxes = parsed.data.mailboxes;
    }
    this.loaded = true;
  }
}

// ---- the dev signing key ----------------------------------------------------------------------------------------

/**
 * The dev host's Digipost signing key: generated once (RSA 2048) into `<dataDir>/digipost/dev-signing-key.pem` and
 * reused after. In Azure the key is the enterprise certificate's, from Key Vault; this one signs only for the stand-in.
 */
export function ensureDevSigningKey(dataDir: string): string {
  const file = join(dataDir, "digipost", "dev-signing-key.pem");
  if (fs.existsSync(file)) return fs.readFileSync(file, "utf8");
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  fs.mkdirSync(join(dataDir, "digipost"), { recursive: true });
  fs.writeFileSync(file, pem, { mode: 0o600 });
  return pem;
}

// ---- message validation ------------------------------------------------------------------------------------------

interface ValidMessage {
  messageId: string;
  documentUuid: string;
  nationalId: string;
  subject: string;
  invoice?: InvoiceRecord;
  printRecipientName?: string;
}

const Text = z.string().min(1);
const AddressXml = z.object({ name: Text }).passthrough();
const MessageXml = z.object({
  message: z.object({
    "message-id": Text.max(200),
    recipient: z.object({
      "personal-identification-number": z.string().regex(/^\d{11}$/, "11 digits"),
      "print-details": z
        .object({
          recipient: AddressXml,
          "return-address": AddressXml,
        })
        .optional(),
    }),
    "primary-document": z.object({
      uuid: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "a uuid"),
      subject: Text.max(255),
      "file-type": z.literal("pdf"),
      "data-type": z
        .object({
          invoice: z
            .object({
              "due-date": Text,
              sum: Text,
              "creditor-account": Text,
              kid: z.string().optional(),
            })
            .optional(),
          inkasso: z
            .object({
              "due-date": Text,
              sum: z.string().optional(),
              account: z.string().optional(),
              kid: z.string().optional(),
            })
            .optional(),
        })
        .optional(),
    }),
    attachment: z.undefined({ message: "attachments are not supported by the stand-in" }).optional(),
  }),
});

function validateMessage(xml: unknown): ValidMessage {
  const parsed = MessageXml.safeParse(xml);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first ? first.path.join("/") : "message";
    if (where.endsWith("subject")) throw new ApiError(400, "MISSING_SUBJECT", "The document has no subject.");
    if (where.includes("recipient")) throw new ApiError(400, "MISSING_RECIPIENT", `Invalid recipient at ${where}.`);
    throw new ApiError(400, "SCHEMA_VALIDATION_ERROR", `Invalid message at ${where}: ${first?.message ?? ""}`);
  }
  const m = parsed.data.message;
  const doc = m["primary-document"];
  let invoice: InvoiceRecord | undefined;
  const inv = doc["data-type"]?.invoice;
  const ink = doc["data-type"]?.inkasso;
  if (inv) {
    invoice = { kind: "invoice", dueDate: checkDueDate(inv["due-date"]), sum: checkSum(inv.sum) };
    invoice.account = checkAccount(inv["creditor-account"]);
    if (inv.kid !== undefined) invoice.kid = checkKid(inv.kid);
  } else if (ink) {
    invoice = { kind: "inkasso", dueDate: checkDueDate(ink["due-date"]) };
    if (ink.sum !== undefined) invoice.sum = checkSum(ink.sum);
    if (ink.account !== undefined) invoice.account = checkAccount(ink.account);
    if (ink.kid !== undefined) invoice.kid = checkKid(ink.kid);
  } else if (doc["data-type"]) {
    throw new ApiError(400, "SCHEMA_VALIDATION_ERROR", "Unknown data type (the stand-in knows invoice and inkasso).");
  }
  const print = m.recipient["print-details"];
  return {
    messageId: m["message-id"],
    documentUuid: doc.uuid.toLowerCase(),
    nationalId: m.recipient["personal-identification-number"],
    subject: doc.subject,
    ...(invoice ? { invoice } : {}),
    ...(print ? { printRecipientName: print.recipient.name } : {}),
  };
}

function checkSum(sum: string): string {
  if (!/^\d{1,13}(\.\d{1,2})?$/.test(sum) || Number(sum) <= 0) {
    throw new ApiError(400, "INVALID_MONETARY_AMOUNT", "sum must be a positive decimal with at most two decimals.");
  }
  return sum;
}
function checkAccount(account: string): string {
  if (!/^\d{11}$/.test(account)) throw new ApiError(400, "VALIDATION_FAILED", "The account must be exactly 11 digits.");
  return account;
}
function checkKid(kid: string): string {
  if (!/^[0-9-]{1,25}$/.test(kid)) throw new ApiError(400, "VALIDATION_FAILED", "The KID is at most 25 digits.");
  return kid;
}
function checkDueDate(date: string): string {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(date)) {
    throw new ApiError(400, "VALIDATION_FAILED", "due-date must be an ISO 8601 date-time with offset.");
  }
  return date;
}

// ---- helpers --------------------------------------------------------------------------------------------------------

function requireMediaType(req: IncomingMessage, type: string): void {
  if (!(header(req, "content-type") ?? "").toLowerCase().startsWith(type)) {
    throw new ApiError(415, "ILLEGAL_CONTENT_TYPE", `Expected ${type}.`, "CLIENT_TECHNICAL");
  }
}

function parseXml(text: string): unknown {
  try {
    return parser.parse(text, true) as unknown;
  } catch {
    throw new ApiError(400, "SCHEMA_VALIDATION_ERROR", "The XML is not well-formed.");
  }
}

interface Part {
  filename?: string;
  contentType?: string;
  content: Buffer;
}

/** A strict multipart reader: CRLF line ends, `--boundary` delimiters, a closing `--boundary--`. */
function parseMultipart(body: Buffer, boundary: string): Part[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Part[] = [];
  let at = body.indexOf(delimiter);
  if (at !== 0) throw new ApiError(400, "PROBLEM_WITH_REQUEST", "The body does not start with the boundary.");
  for (;;) {
    const afterDelimiter = at + delimiter.length;
    if (body.subarray(afterDelimiter, afterDelimiter + 2).toString() === "--") return parts;
    const headerStart = afterDelimiter + 2; // CRLF
    const headerEnd = body.indexOf("\r\n\r\n", headerStart);
    const next = body.indexOf(Buffer.from(`\r\n--${boundary}`), headerStart);
    if (headerEnd < 0 || next < 0 || headerEnd > next) {
      throw new ApiError(400, "PROBLEM_WITH_REQUEST", "A multipart part is malformed.");
    }
    const headers = body.subarray(headerStart, headerEnd).toString("utf8").split("\r\n");
    const get = (name: string) =>
      headers
        .find((h) => h.toLowerCase().startsWith(`${name}:`))
        ?.slice(name.length + 1)
        .trim();
    const disposition = get("content-disposition");
    if (!disposition) {
      throw new ApiError(400, "MISSING_BODYPART_CONTENT_DISPOSITION", "A part has no Content-Disposition.");
    }
    const filename = /filename="([^"]*)"/i.exec(disposition)?.[1];
    if (!filename) throw new ApiError(400, "MISSING_BODYPART_FILENAME", "A part has no filename.");
    const contentType = get("content-type");
    parts.push({ filename, ...(contentType ? { contentType } : {}), content: body.subarray(headerEnd + 4, next) });
    at = next + 2;
  }
}

function sendXml(res: ServerResponse, status: number, xml: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n${xml}`;
  res.writeHead(status, { "content-type": `${MEDIA_TYPE}; charset=UTF-8` });
  res.end(body);
}

function sendError(res: ServerResponse, err: ApiError): void {
  sendXml(
    res,
    err.status,
    `<error xmlns="${NS}"><error-code>${esc(err.code)}</error-code><error-message>${esc(err.message)}</error-message>` +
      `<error-type>${esc(err.type)}</error-type></error>`,
  );
}

function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function mask(nationalId: string): string {
  return `********${nationalId.slice(-3)}`;
}

type PublicRecord = Omit<DigipostRecord, "nationalId" | "pdfSha256"> & { recipient: string; documentUrl: string };

function publicRecord(r: DigipostRecord): PublicRecord {
  const { nationalId, pdfSha256: _hash, ...rest } = r;
  return {
    ...rest,
    recipient: mask(nationalId),
    documentUrl: `${DEV_BASE}/${encodeURIComponent(r.messageId)}/document`,
  };
}

function renderPage(items: PublicRecord[]): string {
  const rows = items
    .map((m) => {
      const inv = m.invoice;
      return `<tr>
<td><time datetime="${escapeHtml(m.receivedAt)}">${escapeHtml(m.receivedAt)}</time></td>
<td>${escapeHtml(m.recipient)}</td>
<td>${escapeHtml(m.subject)}</td>
<td>${inv ? escapeHtml(inv.kind) : ""}</td>
<td>${inv?.kid ? `<code>${escapeHtml(inv.kid)}</code>` : ""}</td>
<td>${inv?.sum ? `kr ${escapeHtml(inv.sum)}` : ""}</td>
<td>${inv?.account ? `<code>${escapeHtml(inv.account)}</code>` : ""}</td>
<td>${inv ? escapeHtml(inv.dueDate.slice(0, 10)) : ""}</td>
<td>${m.status === "DELIVERED" ? "Mailbox" : "Print"}</td>
<td><a href="${escapeHtml(m.documentUrl)}">PDF</a></td>
<td><code>${escapeHtml(m.messageId)}</code></td>
</tr>`;
    })
    .join("\n");
  const table =
    items.length === 0
      ? `<p>No messages yet. Letters the app sends through the Digipost stand-in appear here.</p>`
      : `<table>
<caption>${items.length} message${items.length === 1 ? "" : "s"}, newest first</caption>
<thead><tr><th scope="col">Received</th><th scope="col">Recipient</th><th scope="col">Subject</th><th scope="col">Kind</th><th scope="col">KID</th><th scope="col">Amount</th><th scope="col">Account</th><th scope="col">Due</th><th scope="col">Delivered to</th><th scope="col">Document</th><th scope="col">Message id</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Digipost messages — dev host</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; margin: 1.5rem; color: #1a1a1a; background: #fff; }
table { border-collapse: collapse; width: 100%; }
caption { text-align: left; font-weight: 600; padding: .5rem 0; }
th, td { border: 1px solid #8a8a8a; padding: .4rem .6rem; text-align: left; vertical-align: top; }
th { background: #eef1f5; }
code { font-size: .85em; word-break: break-all; }
a { color: #0b57d0; }
</style>
</head>
<body>
<main>
<h1>Digipost messages</h1>
<p>Messages accepted by the local Digipost stand-in. Nothing here reached a real mailbox or a printer.
<a href="${DEV_BASE}">Refresh</a> · <a href="${DEV_BASE}?format=json">JSON</a></p>
${table}
<h2>Simulate</h2>
<p>Who has a mailbox: by default every valid national id whose last digit is even. Set one:
<code>POST ${DEV_BASE}/mailboxes</code> with <code>{"nationalId":"…","hasMailbox":true}</code>.
Faults: <code>POST ${DEV_BASE}/faults</code> with <code>{"failNext":2,"status":503}</code>. Clear: <code>DELETE ${DEV_BASE}</code>.</p>
</main>
</body>
</html>
`;
}
