/**
 * The digital mailbox through Digipost's REST API v8 (https://api.digipost.no), signed with the sender's enterprise
 * key (see digipost-protocol.ts for the wire details and their sources).
 *
 * - `hasMailbox`: `POST /identification` with the national id; only `DIGIPOST` counts as a mailbox.
 * - `send`: one multipart `POST /messages` — the message XML (recipient by national id, print details when a print
 *   fallback is given, the PDF as primary document; KID/amount/account/due date as the `invoice` data type, or the
 *   `inkasso` data type when the subject starts with `[INKASSO] `) and the PDF, named by the document's uuid.
 *   `DELIVERED` → delivered, `DELIVERED_TO_PRINT` → delivered-to-print.
 * - The message id is the port's `messageId`; the document uuid is derived from it, so a retry is the same message.
 *   A repeat answers 409 `DUPLICATE_MESSAGE`: the adapter then reads the document's status
 *   (`GET /documents/{senderId}/{uuid}/status`) and reports the earlier outcome.
 * - 429, 5xx, timeouts and network errors are retryable; other 4xx are not and carry Digipost's error code.
 *   `UNKNOWN_RECIPIENT` (no mailbox and no print fallback) is `noMailbox`.
 * - Response signatures are not verified (TLS to api.digipost.no is relied on).
 *
 * Nothing here logs, and no outcome carries a national id (11-digit runs in Digipost's messages are masked).
 */
import { createHash, createPrivateKey, randomUUID, type KeyObject } from "node:crypto";
import { XMLParser } from "fast-xml-parser";
import { z } from "zod";
import type {
  DigitalMail,
  DigitalMailbox,
  DigitalMailOutcome,
  MailboxRecipient,
  PrintFallback,
} from "../../ports/digital-mailbox";
import {
  DATATYPES_NS,
  DIGIPOST_MEDIA_TYPE,
  DIGIPOST_MULTIPART_TYPE,
  DIGIPOST_NS,
  INKASSO_PREFIX,
  canonicalRequestString,
  contentSha256,
  el,
  kronerFromMinorUnits,
  osloMidnight,
  renderXml,
  signCanonical,
  withAttrs,
  type XmlNode,
} from "./digipost-protocol";

export interface DigipostMailboxOptions {
  /** `https://api.digipost.no` in production (DIGIPOST_API_URL). */
  apiUrl: string;
  /** The sender (broker) id Digipost gave the organisation (DIGIPOST_SENDER_ID), sent as X-Digipost-UserId. */
  senderId: string;
  /** The enterprise certificate's private key, PEM (DIGIPOST_SIGNING_KEY). Escaped `\n` are accepted. */
  signingKey: string | KeyObject;
  fetch?: typeof fetch;
  /** Wall-clock time for the signed Date header (Digipost refuses more than 5 minutes of skew). Default: real time. */
  now?: () => Date;
  /** Per request; default 30 s. */
  timeoutMs?: number;
}

/** A Digipost answer the adapter could not get, or got as a failure. */
class DigipostFailure extends Error {
  constructor(
    readonly retryable: boolean,
    readonly status: number | undefined,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
});

const ErrorXml = z.object({
  error: z.object({
    "error-code": z.string(),
    "error-message": z.string().optional(),
    "error-type": z.string().optional(),
  }),
});
const IdentificationResultXml = z.object({
  "identification-result": z.object({ result: z.enum(["DIGIPOST", "IDENTIFIED", "UNIDENTIFIED", "INVALID"]) }),
});
const MessageDeliveryXml = z.object({
  "message-delivery": z.object({
    "delivery-method": z.string(),
    status: z.string(),
  }),
});
const DocumentStatusXml = z.object({
  "document-status": z.object({
    "@status": z.enum(["DELIVERED", "NOT_DELIVERED"]),
    "@channel": z.string().optional(),
  }),
});

export class DigipostMailbox implements DigitalMailbox {
  private readonly base: string;
  private readonly key: KeyObject;
  private readonly fetch: typeof fetch;
  private readonly now: () => Date;
  private readonly timeoutMs: number;

  constructor(private readonly options: DigipostMailboxOptions) {
    if (!/^\d+$/.test(options.senderId)) throw new Error("DigipostMailbox: senderId must be Digipost's numeric id");
    this.base = options.apiUrl.replace(/\/+$/, "");
    this.key =
      typeof options.signingKey === "string"
        ? createPrivateKey(options.signingKey.replace(/\\n/g, "\n"))
        : options.signingKey;
    this.fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.now = options.now ?? (() => new Date());
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  async hasMailbox(recipient: MailboxRecipient): Promise<boolean> {
    const body = renderXml(
      withAttrs(el("identification", el("personal-identification-number", recipient.nationalId)), {
        xmlns: DIGIPOST_NS,
      }),
    );
    const res = await this.request("POST", "/identification", Buffer.from(body, "utf8"), DIGIPOST_MEDIA_TYPE);
    if (res.status < 200 || res.status > 299) throw failureOf(res.status, res.body, "identification");
    const parsed = IdentificationResultXml.safeParse(parseXml(res.body));
    if (!parsed.success) throw new Error("Digipost identification: unexpected answer");
    return parsed.data["identification-result"].result === "DIGIPOST";
  }

  async send(mail: DigitalMail): Promise<DigitalMailOutcome> {
    try {
      const documentUuid = documentUuidFor(mail.messageId);
      const boundary = `digipost-${randomUUID()}`;
      const body = multipartBody(boundary, messageXml(mail, documentUuid), documentUuid, mail.pdf);
      const res = await this.request("POST", "/messages", body, `${DIGIPOST_MULTIPART_TYPE}; boundary=${boundary}`, {
        "MIME-Version": "1.0",
      });
      if (res.status >= 200 && res.status <= 299) return delivered(mail.messageId, res.body);
      const failure = failureOf(res.status, res.body, "send");
      if (failure.code === "DUPLICATE_MESSAGE") return await this.earlierOutcome(mail.messageId, documentUuid);
      if (failure.code === "UNKNOWN_RECIPIENT") {
        return { ok: false, retryable: false, noMailbox: true, reason: "Digipost: the recipient has no mailbox" };
      }
      throw failure;
    } catch (err) {
      return outcomeOf(err);
    }
  }

  /** The outcome of the first send of a duplicate message id, from its primary document's status. */
  private async earlierOutcome(messageId: string, documentUuid: string): Promise<DigitalMailOutcome> {
    const path = `/documents/${this.options.senderId}/${documentUuid}/status`;
    const res = await this.request("GET", path);
    if (res.status < 200 || res.status > 299) throw failureOf(res.status, res.body, "document status");
    const parsed = DocumentStatusXml.safeParse(parseXml(res.body));
    if (!parsed.success)
      throw new DigipostFailure(false, res.status, undefined, "Digipost: unexpected document status");
    const status = parsed.data["document-status"];
    if (status["@status"] !== "DELIVERED") {
      return { ok: false, retryable: false, reason: "Digipost: the earlier send of this message was not delivered" };
    }
    return { ok: true, messageId, status: status["@channel"] === "PRINT" ? "delivered-to-print" : "delivered" };
  }

  private async request(
    method: "GET" | "POST",
    pathAndQuery: string,
    body?: Buffer,
    contentType?: string,
    extraHeaders: Record<string, string> = {},
  ): Promise<{ status: number; body: string }> {
    const url = new URL(this.base + pathAndQuery);
    const date = this.now().toUTCString();
    const hash = body ? contentSha256(body) : undefined;
    const signature = signCanonical(
      canonicalRequestString({
        method,
        path: url.pathname,
        query: url.search.replace(/^\?/, ""),
        date,
        userId: this.options.senderId,
        ...(hash !== undefined ? { contentSha256: hash } : {}),
      }),
      this.key,
    );
    const headers: Record<string, string> = {
      Accept: DIGIPOST_MEDIA_TYPE,
      Date: date,
      "X-Digipost-UserId": this.options.senderId,
      "X-Digipost-Signature": signature,
      ...extraHeaders,
    };
    if (body && hash !== undefined) {
      headers["X-Content-SHA256"] = hash;
      headers["Content-Type"] = contentType ?? DIGIPOST_MEDIA_TYPE;
    }
    let response: Response;
    try {
      response = await this.fetch(url, {
        method,
        headers,
        ...(body ? { body: new Uint8Array(body) } : {}),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      const timedOut = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
      throw new DigipostFailure(true, undefined, undefined, timedOut ? "Digipost: timed out" : "Digipost: unreachable");
    }
    return { status: response.status, body: await response.text().catch(() => "") };
  }
}

/** A stable UUID for the message's primary document (name-based, from the message id). */
export function documentUuidFor(messageId: string): string {
  const h = createHash("sha256").update(`digipost-primary-document:${messageId}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50; // version 5 layout (name-based)
  h[8] = (h[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const hex = h.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The `<message>` XML of api_v8.xsd for one mail (element order as the schema's sequences require). */
export function messageXml(mail: DigitalMail, documentUuid: string): string {
  const invoice = mail.invoice;
  const dataType = invoice
    ? mail.subject.startsWith(INKASSO_PREFIX)
      ? withAttrs(
          el(
            "inkasso",
            el("due-date", osloMidnight(invoice.dueDate)),
            el("sum", kronerFromMinorUnits(invoice.amount)),
            el("account", invoice.account),
            el("kid", invoice.kid),
          ),
          { xmlns: DATATYPES_NS },
        )
      : withAttrs(
          el(
            "invoice",
            el("due-date", osloMidnight(invoice.dueDate)),
            el("sum", kronerFromMinorUnits(invoice.amount)),
            el("creditor-account", invoice.account),
            el("kid", invoice.kid),
          ),
          { xmlns: DATATYPES_NS },
        )
    : undefined;
  const message = el(
    "message",
    el("message-id", mail.messageId),
    el(
      "recipient",
      el("personal-identification-number", mail.recipient.nationalId),
      mail.printFallback ? printDetails(mail.printFallback) : undefined,
    ),
    el(
      "primary-document",
      el("uuid", documentUuid),
      el("subject", mail.subject),
      el("file-type", "pdf"),
      el("authentication-level", "PASSWORD"),
      el("sensitivity-level", "NORMAL"),
      dataType ? el("data-type", dataType) : undefined,
    ),
  );
  return renderXml(withAttrs(message, { xmlns: DIGIPOST_NS }));
}

function printDetails(p: PrintFallback): XmlNode {
  return el(
    "print-details",
    printRecipient("recipient", p.name, p.address),
    printRecipient("return-address", p.returnAddress.name, p.returnAddress),
  );
}

const NORWAY = new Set(["NO", "NOR", "NORGE", "NORWAY", "NOREG"]);

function printRecipient(
  element: string,
  name: string,
  a: { lines: string[]; postalCode: string; city: string; country: string },
): XmlNode {
  if (NORWAY.has(a.country.trim().toUpperCase())) {
    const lines = fitLines(a.lines, 3);
    return el(
      element,
      el("name", name),
      el(
        "norwegian-address",
        lines.map((l, i) => el(`addressline${i + 1}`, l)),
        el("zip-code", a.postalCode),
        el("city", a.city),
      ),
    );
  }
  // A foreign address has no postal code or city elements: they go on the last line before the country.
  const lines = fitLines([...a.lines, `${a.postalCode} ${a.city}`.trim()], 4);
  return el(
    element,
    el("name", name),
    el(
      "foreign-address",
      lines.map((l, i) => el(`addressline${i + 1}`, l)),
      el("country", a.country),
    ),
  );
}

/** At most `max` address lines: the overflow is joined onto the last one. */
function fitLines(lines: string[], max: number): string[] {
  const kept = lines.map((l) => l.trim()).filter((l) => l.length > 0);
  if (kept.length <= max) return kept;
  return [...kept.slice(0, max - 1), kept.slice(max - 1).join(", ")];
}

export function multipartBody(boundary: string, messageXml: string, documentUuid: string, pdf: Buffer): Buffer {
  const crlf = "\r\n";
  return Buffer.concat([
    Buffer.from(
      `--${boundary}${crlf}` +
        `Content-Disposition: attachment; filename="message"${crlf}` +
        `Content-Type: ${DIGIPOST_MEDIA_TYPE}; charset=UTF-8${crlf}${crlf}`,
      "utf8",
    ),
    Buffer.from(messageXml, "utf8"),
    Buffer.from(
      `${crlf}--${boundary}${crlf}` +
        `Content-Disposition: attachment; filename="${documentUuid}"${crlf}` +
        `Content-Type: application/pdf${crlf}${crlf}`,
      "utf8",
    ),
    pdf,
    Buffer.from(`${crlf}--${boundary}--${crlf}`, "utf8"),
  ]);
}

function parseXml(text: string): unknown {
  try {
    return parser.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function delivered(messageId: string, body: string): DigitalMailOutcome {
  const parsed = MessageDeliveryXml.safeParse(parseXml(body));
  if (!parsed.success) throw new DigipostFailure(false, 200, undefined, "Digipost: unexpected message-delivery");
  const { status } = parsed.data["message-delivery"];
  if (status === "DELIVERED") return { ok: true, messageId, status: "delivered" };
  if (status === "DELIVERED_TO_PRINT") return { ok: true, messageId, status: "delivered-to-print" };
  throw new DigipostFailure(false, 200, undefined, `Digipost: message not delivered (${status})`);
}

function failureOf(status: number, body: string, what: string): DigipostFailure {
  const parsed = ErrorXml.safeParse(parseXml(body));
  const code = parsed.success ? parsed.data.error["error-code"] : undefined;
  const retryable = status === 429 || status >= 500;
  const detail = parsed.success && parsed.data.error["error-message"] ? `: ${parsed.data.error["error-message"]}` : "";
  const message = maskIds(`Digipost ${what} failed with ${status}${code ? ` ${code}` : ""}${detail}`).slice(0, 500);
  return new DigipostFailure(retryable, status, code, message);
}

function outcomeOf(err: unknown): DigitalMailOutcome {
  if (err instanceof DigipostFailure) return { ok: false, retryable: err.retryable, reason: err.message };
  if (err instanceof RangeError) return { ok: false, retryable: false, reason: `Digipost: ${err.message}` };
  return { ok: false, retryable: true, reason: "Digipost: unexpected error" };
}

/** Digipost's messages may quote what we sent: never let a national id through. */
function maskIds(text: string): string {
  return text.replace(/\d{11}/g, "***********");
}
