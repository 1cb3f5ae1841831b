/**
 * A local print house: reads the batches the app publishes in the print outbox container (Azurite, through the real
 * Blob SDK — only `batches/{batchId}/manifest.json`, as the real print house does) and "posts" each letter on a
 * business day after the batch (Norwegian holidays; the dev host's virtual clock): postage A on the 1st business day
 * after the batch's day in Oslo, B on the 2nd. At 18:00 Oslo time on a posting day it writes the receipt file for
 * that day's letters of the batch, `{batchId}-{postingDay}.csv`, into the receipts container, where the app's blob
 * trigger imports it (format: docs/print-house.md). A recipient whose first address line contains "Ukjent" comes back
 * RETURNED, as mail to an unknown address does.
 *
 * - New manifests are found by polling (every 2 s real time, and at once after `POST /api/dev/print/close-batch`);
 *   a batch found after its posting evening gets its receipt at once, still dated on the posting day.
 * - State (batches seen, posting days, receipts written) is kept in `<dataDir>/print/state.json` (atomic writes);
 *   after a restart the receipts still due are scheduled again. A receipt upload is create-only, so a crash between
 *   upload and save never writes a file twice.
 * - Dev endpoints (mounted on the dev host's server): `GET /api/dev/print` (JSON, or HTML for a browser: batches,
 *   letters with the recipient's city only, state, posting day, a link to each PDF), `GET /api/dev/print/{letterId}.pdf`,
 *   `POST /api/dev/print/close-batch` (the app's batch timer now), `POST /api/dev/print/receipt` `{ name, content }`
 *   (a raw receipt file into the receipts container, e.g. a broken one), and faults: `POST /api/dev/print/faults`
 *   `{ "rejectNext": n }` — the next n letters found come back REJECTED (unreadable PDF).
 *
 * Logs carry batch ids, letter ids and counts only — never names or addresses.
 */
import { join } from "node:path";
import { BlobServiceClient, type ContainerClient } from "@azure/storage-blob";
import { z } from "zod";
import { addBusinessDays, atLocalTime, toLocalDate } from "../../shared/domain/calendar";
import { PrintManifest } from "../../shared/adapters/blob/print-house.blob";
import { formatPrintReceipt, type PrintReceiptLine } from "../../shared/letters/print-receipt";
import { CoalescingWriter, readJsonFile, writeFileAtomic } from "../atomic-file";
import { escapeHtml, header, readDevJson, sendJson, sendProblem, type DevRouteHandler } from "../dev-routes";
import type { DevLogger } from "../logger";

const DEV_BASE = "/api/dev/print";
const OSLO = "Europe/Oslo";
/** When the print house sends the day's receipts. */
const RECEIPT_TIME = "18:00";

const LetterState = z.object({
  letterId: z.string(),
  postage: z.enum(["A", "B"]),
  /** The recipient's city only, the rest of the address stays in the outbox. */
  city: z.string(),
  postingDay: z.string(),
  outcome: z.enum(["POSTED", "RETURNED", "REJECTED"]),
  detail: z.string().optional(),
});
const BatchState = z.object({
  batchId: z.string(),
  createdAt: z.string(),
  foundAt: z.string(),
  letters: z.array(LetterState),
  /** Posting day → the receipt file written for it (absent until written). */
  receipts: z.record(z.string(), z.string()),
});
type BatchState = z.infer<typeof BatchState>;
const StateFile = z.object({ version: z.literal(1), batches: z.array(BatchState) });

const ReceiptBody = z.object({
  name: z.string().regex(/^[A-Za-z0-9._-]{1,200}$/u, "a file name of letters, digits, dot, dash or underscore"),
  content: z.string().max(1_000_000),
});
const FaultsBody = z.object({ rejectNext: z.number().int().min(0) });

export interface PrintHouseStandInOptions {
  /** Storage connection string (Azurite). */
  connectionString: string;
  outboxContainer: string;
  receiptsContainer: string;
  dataDir: string;
  logger: DevLogger;
  now: () => Date;
  /** The virtual clock's scheduler. */
  schedule: (at: number, fire: () => unknown, label: string) => { cancel(): void };
  /** Runs the app's batch close (its timer function); without it `POST …/close-batch` answers 501. */
  closeBatch?: () => Promise<void>;
  pollIntervalMs?: number;
}

export class PrintHouseStandIn {
  private readonly outbox: ContainerClient;
  private readonly receipts: ContainerClient;
  private readonly statePath: string;
  private readonly writer: CoalescingWriter;
  private batches: BatchState[] = [];
  private rejectNext = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private polling: Promise<boolean> | undefined;
  private stopped = false;
  private readonly scheduled = new Map<string, { cancel(): void }>();

  constructor(private readonly options: PrintHouseStandInOptions) {
    const service = BlobServiceClient.fromConnectionString(options.connectionString);
    this.outbox = service.getContainerClient(options.outboxContainer);
    this.receipts = service.getContainerClient(options.receiptsContainer);
    this.statePath = join(options.dataDir, "print", "state.json");
    this.writer = new CoalescingWriter(() =>
      writeFileAtomic(this.statePath, JSON.stringify({ version: 1, batches: this.batches })),
    );
  }

  async start(): Promise<void> {
    const saved = await readJsonFile(this.statePath);
    this.batches = saved === undefined ? [] : StateFile.parse(saved).batches;
    await this.outbox.createIfNotExists();
    await this.receipts.createIfNotExists();
    for (const batch of this.batches) this.scheduleReceipts(batch);
    this.arm();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    for (const handle of this.scheduled.values()) handle.cancel();
    this.scheduled.clear();
    await this.polling;
    await this.writer.idle();
  }

  /** Looks for new manifests now (tests call this instead of waiting for the interval). */
  pollNow(): Promise<boolean> {
    // A poll already under way may have listed the outbox before the caller's batch was written: poll again after it.
    const run = (this.polling ?? Promise.resolve(false)).then(() => this.poll());
    const tracked: Promise<boolean> = run.finally(() => {
      if (this.polling === tracked) this.polling = undefined;
    });
    this.polling = tracked;
    return tracked;
  }

  /** What the print house holds (the dev page and tests). */
  view(): BatchState[] {
    return structuredClone(this.batches);
  }

  private arm(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.pollNow()
        .catch((err: unknown) =>
          this.options.logger.warn("print stand-in poll failed", {
            error: err instanceof Error ? err.message : String(err),
          }),
        )
        .finally(() => this.arm());
    }, this.options.pollIntervalMs ?? 2_000);
    this.timer.unref?.();
  }

  /** True when a new batch was found. */
  private async poll(): Promise<boolean> {
    let found = false;
    const known = new Set(this.batches.map((b) => b.batchId));
    // The batch folders, not every letter in them (a flat listing made each poll cost O(letters ever printed)).
    for await (const item of this.outbox.listBlobsByHierarchy("/", { prefix: "batches/" })) {
      const m = /^batches\/([^/]+)\/$/u.exec(item.name);
      if (item.kind !== "prefix" || !m || known.has(m[1]!)) continue;
      const bytes = await this.download(`${item.name}manifest.json`);
      if (bytes === undefined) continue; // the batch's letters are there, its manifest (written last) not yet
      const manifest = PrintManifest.parse(JSON.parse(bytes.toString("utf8")));
      const batch = this.accept(manifest);
      known.add(batch.batchId);
      this.batches.push(batch);
      await this.writer.request();
      this.options.logger.info("print stand-in received a batch", {
        batchId: batch.batchId,
        letters: batch.letters.length,
      });
      this.scheduleReceipts(batch);
      found = true;
    }
    return found;
  }

  /** A blob's bytes, or undefined when there is no such blob. */
  private async download(name: string): Promise<Buffer | undefined> {
    try {
      return await this.outbox.getBlobClient(name).downloadToBuffer();
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return undefined;
      throw err;
    }
  }

  private accept(manifest: PrintManifest): BatchState {
    const day = toLocalDate(new Date(manifest.createdAt), OSLO);
    return {
      batchId: manifest.batchId,
      createdAt: manifest.createdAt,
      foundAt: this.options.now().toISOString(),
      receipts: {},
      letters: manifest.letters.map((l) => {
        const postingDay = addBusinessDays(day, l.postage === "A" ? 1 : 2, "NO");
        const base = { letterId: l.letterId, postage: l.postage, city: l.recipient.address.city, postingDay };
        if (this.rejectNext > 0) {
          this.rejectNext -= 1;
          return { ...base, outcome: "REJECTED" as const, detail: "PDF kunne ikke leses" };
        }
        return /ukjent/iu.test(l.recipient.address.lines[0] ?? "")
          ? { ...base, outcome: "RETURNED" as const, detail: "Adressat ukjent" }
          : { ...base, outcome: "POSTED" as const };
      }),
    };
  }

  private scheduleReceipts(batch: BatchState): void {
    const days = [...new Set(batch.letters.map((l) => l.postingDay))].sort();
    for (const day of days) {
      const key = `${batch.batchId}|${day}`;
      if (batch.receipts[day] !== undefined || this.scheduled.has(key)) continue;
      const at = atLocalTime(day, RECEIPT_TIME, OSLO).getTime();
      this.scheduled.set(
        key,
        this.options.schedule(at, () => this.writeReceipt(batch.batchId, day), `print receipt ${key}`),
      );
    }
  }

  private async writeReceipt(batchId: string, day: string): Promise<void> {
    this.scheduled.delete(`${batchId}|${day}`);
    const batch = this.batches.find((b) => b.batchId === batchId);
    if (!batch || batch.receipts[day] !== undefined || this.stopped) return;
    const lines: PrintReceiptLine[] = batch.letters
      .filter((l) => l.postingDay === day)
      .map((l) => ({
        letterId: l.letterId,
        status: l.outcome,
        date: day,
        ...(l.detail ? { detail: l.detail } : {}),
      }));
    const name = `${batchId}-${day}.csv`;
    const content = Buffer.from(formatPrintReceipt(lines), "utf8");
    try {
      await this.receipts.getBlockBlobClient(name).uploadData(content, {
        blobHTTPHeaders: { blobContentType: "text/csv; charset=utf-8" },
        conditions: { ifNoneMatch: "*" },
      });
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode;
      if (status !== 409 && status !== 412) throw err;
    }
    batch.receipts[day] = name;
    await this.writer.request();
    this.options.logger.info("print stand-in wrote a receipt", { batchId, postingDay: day, letters: lines.length });
  }

  // ---- dev endpoints ----------------------------------------------------------------------------------------------

  readonly handleDevHttp: DevRouteHandler = async (req, res, url) => {
    const path = url.pathname.replace(/\/+$/u, "");
    if (path !== DEV_BASE && !path.startsWith(DEV_BASE + "/")) return false;
    const method = req.method ?? "GET";
    if (path === DEV_BASE) {
      if (method !== "GET" && method !== "HEAD") {
        sendProblem(res, 405, "Method not allowed", "Use GET.");
        return true;
      }
      const format = url.searchParams.get("format");
      const wantsHtml = format === "html" || (format !== "json" && /\btext\/html\b/u.test(header(req, "accept") ?? ""));
      if (wantsHtml) {
        res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
        res.end(method === "HEAD" ? undefined : renderPage(this.publicView()));
      } else sendJson(res, 200, { batches: this.publicView() }, { "cache-control": "no-store" });
      return true;
    }
    const pdf = /^\/api\/dev\/print\/([^/]+)\.pdf$/u.exec(path);
    if (pdf?.[1]) {
      const letterId = decodeURIComponent(pdf[1]);
      const batch = this.batches.find((b) => b.letters.some((l) => l.letterId === letterId));
      if (!batch || method !== "GET") {
        sendProblem(res, batch ? 405 : 404, batch ? "Method not allowed" : "No such letter in a batch");
        return true;
      }
      const content = await this.outbox.getBlobClient(`batches/${batch.batchId}/${letterId}.pdf`).downloadToBuffer();
      res.writeHead(200, { "content-type": "application/pdf", "content-length": String(content.length) });
      res.end(content);
      return true;
    }
    if (method !== "POST") {
      sendProblem(res, 405, "Method not allowed", "Use POST.");
      return true;
    }
    if (path === `${DEV_BASE}/close-batch`) {
      if (!(await readDevJson(req, res, z.object({})))) return true;
      if (!this.options.closeBatch) {
        sendProblem(res, 501, "Not available", "The app registers no batch close function.");
        return true;
      }
      const before = new Set(this.batches.map((b) => b.batchId));
      await this.options.closeBatch();
      await this.pollNow();
      const added = this.publicView().filter((b) => !before.has(b.batchId));
      sendJson(res, 200, { closed: added });
      return true;
    }
    if (path === `${DEV_BASE}/receipt`) {
      const body = await readDevJson(req, res, ReceiptBody);
      if (!body) return true;
      await this.receipts.getBlockBlobClient(body.name).uploadData(Buffer.from(body.content, "utf8"), {
        blobHTTPHeaders: { blobContentType: "text/csv; charset=utf-8" },
      });
      sendJson(res, 201, { container: this.options.receiptsContainer, name: body.name });
      return true;
    }
    if (path === `${DEV_BASE}/faults`) {
      const body = await readDevJson(req, res, FaultsBody);
      if (!body) return true;
      this.rejectNext = body.rejectNext;
      sendJson(res, 200, { rejectNext: this.rejectNext });
      return true;
    }
    return false;
  };

  private publicView() {
    return this.batches.map((b) => ({
      batchId: b.batchId,
      createdAt: b.createdAt,
      letters: b.letters.map((l) => {
        const done = b.receipts[l.postingDay] !== undefined;
        return {
          letterId: l.letterId,
          postage: l.postage,
          city: l.city,
          postingDay: l.postingDay,
          state: !done
            ? "pending"
            : l.outcome === "POSTED"
              ? "posted"
              : l.outcome === "RETURNED"
                ? "returned"
                : "rejected",
          receipt: b.receipts[l.postingDay] ?? null,
          pdf: `${DEV_BASE}/${encodeURIComponent(l.letterId)}.pdf`,
        };
      }),
    }));
  }
}

function renderPage(batches: ReturnType<PrintHouseStandIn["publicView"]>): string {
  const sections = batches
    .slice()
    .reverse()
    .map((b) => {
      const rows = b.letters
        .map(
          (l) => `<tr><td><code>${escapeHtml(l.letterId)}</code></td><td>${l.postage}</td><td>${escapeHtml(l.city)}</td>
<td>${escapeHtml(l.state)}</td><td>${escapeHtml(l.postingDay)}</td><td>${l.receipt ? escapeHtml(l.receipt) : ""}</td>
<td><a href="${escapeHtml(l.pdf)}">PDF</a></td></tr>`,
        )
        .join("\n");
      return `<section><h2>Batch <code>${escapeHtml(b.batchId)}</code></h2>
<p>Closed <time datetime="${escapeHtml(b.createdAt)}">${escapeHtml(b.createdAt)}</time>, ${b.letters.length} letter(s).</p>
<table><thead><tr><th scope="col">Letter</th><th scope="col">Postage</th><th scope="col">City</th><th scope="col">State</th>
<th scope="col">Posting day</th><th scope="col">Receipt</th><th scope="col">PDF</th></tr></thead>
<tbody>
${rows}
</tbody></table></section>`;
    })
    .join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Print house — dev host</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; margin: 1.5rem; color: #1a1a1a; background: #fff; }
table { border-collapse: collapse; width: 100%; margin-bottom: 1rem; }
th, td { border: 1px solid #8a8a8a; padding: .4rem .6rem; text-align: left; vertical-align: top; }
th { background: #eef1f5; }
code { font-size: .85em; word-break: break-all; }
a { color: #0b57d0; }
</style>
</head>
<body>
<main>
<h1>Print house</h1>
<p>Batches the local print house stand-in took from the print outbox. Nothing here was printed or posted.
Postage A is posted on the first business day after the batch, B on the second; the receipt file goes back at 18:00
Oslo time on the posting day. <a href="${DEV_BASE}">Refresh</a> · <a href="${DEV_BASE}?format=json">JSON</a></p>
${sections || "<p>No batch yet. Letters go out when the app closes a batch (weekdays, or <code>POST " + DEV_BASE + "/close-batch</code>).</p>"}
<h2>Simulate</h2>
<p>Close a batch now: <code>POST ${DEV_BASE}/close-batch</code> with <code>{}</code>. A raw receipt file:
<code>POST ${DEV_BASE}/receipt</code> with <code>{"name":"x.csv","content":"…"}</code>. Unreadable PDFs:
<code>POST ${DEV_BASE}/faults</code> with <code>{"rejectNext":1}</code>.</p>
</main>
</body>
</html>
`;
}
