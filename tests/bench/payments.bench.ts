/**
 * Payments through the whole dev host (`dist/devhost/main.js`, the process `npm start` runs), on its virtual clock
 * held still (nothing here advances it):
 *
 * 1. Payment callback → the creditor's webhook, and → balance visible through the API. N cases are prepared (register
 *    the invoice, POST the pay form with Vipps / full amount, take the reference from the 303's Location), then
 *    approved through the Vipps simulator at a steady 20 payments/s (open loop: the next approval does not wait for
 *    the previous answer). Each approval starts a timer, which two things stop:
 *    - the signed `payment.received` webhook arriving at the creditor's receiver (a server in this process,
 *      subscribed through `POST /api/v1/webhooks`; the Standard Webhooks signature is verified before it counts);
 *    - `GET /api/v1/cases/{caseId}` answering paid with a zero balance — asked as soon as the dev host's log
 *      announces the payment applied (then every 50 ms), and every second otherwise.
 *    Every payment counts: one not seen within 30 s counts as "> 30 000 ms" in the percentiles. The path measured:
 *    simulator → signed webhook → POST /api/callbacks/vipps → Service Bus queue `payments` → applyPayment (read the
 *    payment, capture, apply) → Cosmos → the API; and on from the case write → outbox relay → topic `case-events` →
 *    fan-out → queue `webhook-deliveries` → delivery → the creditor.
 * 2. Pay page: bytes (and gzip bytes — the dev host does not compress) of GET /p/{token}, and time to first byte
 *    with 50 concurrent clients for 20 s, each client on a token of its own.
 *
 * The pay page's rate limits are raised through the environment (PAY_PAGE_RATE_PER_TOKEN / _PER_CLIENT): every
 * request here comes from 127.0.0.1, so the per-client limit (300/min by default) would otherwise be all we measure.
 *
 *   BENCH_PAYMENT_SECONDS=10 npm run bench -- payments     a shorter approval phase (default 60 s → 1 200 payments)
 *   BENCH_PAYMENT_RATE=5 npm run bench -- payments         another approval rate (default 20 payments/s)
 *   BENCH_PAYMENTS_LOG=/tmp/p.jsonl npm run bench -- payments   also writes the payment phase's dev host log lines
 *   BENCH_DEVHOST_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" npm run bench -- payments   profiles the dev host;
 *     the figures then say when the payment phase ran on the profile's clock, to cut it out of the profile
 *   DEVHOST_STAND_IN_THREADS=false npm run bench -- payments   the stand-ins on the app's event loop, to compare
 */
import { ROOT, startDevHost } from "../support/devhost-process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { Webhook } from "standardwebhooks";
import { inParallel, pct } from "./helpers";

const PREPARE_IN_FLIGHT = 8;
/**
 * A case is asked at once when the dev host's log says its payment was applied (so the figure is how soon the API
 * shows it, without a storm of polls loading the very host being measured), and otherwise every second — the
 * fallback that catches a payment the log did not announce.
 */
const POLL_EVERY_MS = 1000;
const POLL_IN_FLIGHT = 16;
const SETTLE_TIMEOUT_MS = 30_000;
const PAGE_CLIENTS = 50;
const PAGE_SECONDS = 20;
const LIMIT_RAISED = "1000000";

interface Host {
  base: string;
  /** CPU seconds (user + system) the dev host process has used so far. */
  cpuSeconds: () => number;
  /** CPU seconds of its main thread alone (the app's event loop; stand-ins may run on worker threads). */
  mainThreadCpuSeconds: () => number;
  logs: Array<Record<string, unknown>>;
  stop: () => Promise<void>;
}

interface Prepared {
  caseId: string;
  payLink: string;
  reference: string;
}

export async function run(): Promise<Record<string, number | string>> {
  const seconds = Number(process.env.BENCH_PAYMENT_SECONDS ?? 60);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error("BENCH_PAYMENT_SECONDS must be a positive number");
  const rate = Number(process.env.BENCH_PAYMENT_RATE ?? 20);
  if (!Number.isFinite(rate) || rate <= 0) throw new Error("BENCH_PAYMENT_RATE must be a positive number");
  const payments = Math.round(rate * seconds);
  const settings = JSON.parse(fs.readFileSync(path.join(ROOT, "local.settings.example.json"), "utf8")) as {
    Values: Record<string, string>;
  };
  const apiKey = settings.Values.DEVHOST_DEMO_API_KEY;
  if (!apiKey) throw new Error("local.settings.example.json has no DEVHOST_DEMO_API_KEY");

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-payments-"));
  const host = await startHost(dataDir, {
    PAY_PAGE_RATE_PER_TOKEN: LIMIT_RAISED,
    PAY_PAGE_RATE_PER_CLIENT: LIMIT_RAISED,
    // The dev host gets a clean environment: pass the stand-ins' thread switch on (false = all on one event loop).
    ...(process.env.DEVHOST_STAND_IN_THREADS ? { DEVHOST_STAND_IN_THREADS: process.env.DEVHOST_STAND_IN_THREADS } : {}),
  });
  const figures: Record<string, number | string> = {};
  const runId = Date.now().toString(36);
  const api = (method: string, route: string, body?: unknown) =>
    fetch(`${host.base}${route}`, {
      method,
      headers: { "x-api-key": apiKey, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  const register = async (i: number, prefix: string): Promise<{ caseId: string; payLink: string }> => {
    const res = await api("POST", "/api/v1/invoices", {
      invoiceNumber: `${prefix}-${runId}-${i}`,
      // A customer per case: one debtor's overdue cases share a pay link, which would pay several cases at once.
      customer: {
        customerId: `${prefix}-cust-${runId}-${i}`,
        name: "Kari Nordmann",
        phone: "+4791234567",
        consent: { sms: true, email: false },
      },
      amount: { value: 129_900, currency: "NOK" },
      issueDate: "2026-11-01",
      dueDate: "2026-12-15",
    });
    const body = (await res.json()) as { caseId?: string; payLink?: string };
    if (res.status !== 201 || !body.caseId || !body.payLink)
      throw new Error(`POST /api/v1/invoices answered ${res.status}: ${JSON.stringify(body)}`);
    return { caseId: body.caseId, payLink: body.payLink };
  };

  try {
    // ---- 1. payment callback → balance visible ------------------------------------------------------------------
    const prepareStarted = performance.now();
    const prepared = await inParallel(payments, PREPARE_IN_FLIGHT, async (i): Promise<Prepared> => {
      const { caseId, payLink } = await register(i, "PAY");
      const res = await fetch(`${payLink}/pay`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "method=vipps&option=full",
        redirect: "manual",
      });
      await res.arrayBuffer();
      const location = res.headers.get("location") ?? "";
      const reference = /\/landing\/([^/?#]+)/u.exec(location)?.[1];
      if (res.status !== 303 || !reference)
        throw new Error(`POST /p/{token}/pay answered ${res.status} (location ${location || "none"})`);
      return { caseId, payLink, reference: decodeURIComponent(reference) };
    });
    const prepareSeconds = (performance.now() - prepareStarted) / 1000;
    const first = (await (await api("GET", `/api/v1/cases/${prepared[0]!.caseId}`)).json()) as CaseView;
    figures["cases prepared (invoice + Vipps payment started)"] = prepared.length;
    figures[`preparation, ${PREPARE_IN_FLIGHT} in flight: seconds / cases/s`] =
      `${prepareSeconds.toFixed(1)} / ${Math.round(prepared.length / prepareSeconds)}`;
    figures["balance of each case before payment (øre)"] = first.balance.total.value;

    // The creditor's receiver: every verified `payment.received`, by case, with the time it arrived.
    const receiver = await startReceiver();
    const hook = await api("POST", "/api/v1/webhooks", { url: receiver.url, events: ["payment.received"] });
    const subscribed = (await hook.json()) as { secret?: string };
    if (hook.status !== 201 || !subscribed.secret)
      throw new Error(`POST /api/v1/webhooks answered ${hook.status}: ${JSON.stringify(subscribed)}`);
    receiver.verifyWith(subscribed.secret);

    const logMark = host.logs.length;
    const sms0 = await smsCount(host.base);
    const cpu0 = host.cpuSeconds();
    const mainCpu0 = host.mainThreadCpuSeconds();
    const wall0 = performance.now();
    const load0 = os.loadavg()[0]!;
    const phaseStart = process.hrtime.bigint();
    const result = await approveAndWatch(host.base, prepared, rate, api, host.logs, receiver);
    const phaseEnd = process.hrtime.bigint();
    const phaseSeconds = (performance.now() - wall0) / 1000;
    const cpuShare = (host.cpuSeconds() - cpu0) / phaseSeconds;
    const mainCpuShare = (host.mainThreadCpuSeconds() - mainCpu0) / phaseSeconds;
    // Payments that missed the 30 s window are still queued: let them land (so nothing is lost, and so the pay page
    // is not measured against the backlog), then let the tail of the work reach the log before counting it.
    const drained = await drain(host.logs, logMark, new Set(prepared.map((p) => p.reference)));
    await sleep(2_000);
    const phaseLogs = host.logs.slice(logMark);
    // BENCH_PAYMENTS_LOG=file keeps the payment phase's dev host log lines (JSON lines) for a closer look.
    if (process.env.BENCH_PAYMENTS_LOG)
      fs.writeFileSync(process.env.BENCH_PAYMENTS_LOG, phaseLogs.map((l) => JSON.stringify(l)).join("\n") + "\n");

    figures["payments approved"] = result.approved;
    figures["approval answers other than 200"] = result.approveFailures;
    figures[`achieved approval rate (payments/s; offered ${rate})`] = result.rate;
    figures["approval → payment.received webhook verified at the receiver: p50 / p95 / p99 / max ms"] = fmtPct(
      result.webhookLatencies,
    );
    figures[`  webhooks not received within ${SETTLE_TIMEOUT_MS / 1000} s (counted as > 30 000 ms above)`] =
      result.webhookMissing;
    figures["  webhooks refused by the receiver (bad signature) / repeated deliveries"] =
      `${receiver.badSignatures} / ${receiver.repeats}`;
    figures["approval → paid & balance 0 via API: p50 / p95 / p99 / max ms"] = fmtPct(result.latencies);
    figures[`  never settled within ${SETTLE_TIMEOUT_MS / 1000} s (counted as > 30 000 ms above)`] = result.unsettled;
    figures["applied in the end (log) / seconds from the first approval"] =
      `${drained.applied} of ${prepared.length} / ${((drained.at - wall0) / 1000).toFixed(1)}`;
    figures["polls: fallback every (ms) / GET p50 / GET p99"] =
      `${POLL_EVERY_MS} / ${pct(result.pollLatencies, 50).toFixed(1)} / ${pct(result.pollLatencies, 99).toFixed(1)}`;
    figures["polls (GET /api/v1/cases/{id})"] = result.pollLatencies.length;
    figures["dev host process CPU during the phase (% of one core)"] = Math.round(cpuShare * 100);
    figures["  of which its main thread (the app's event loop)"] = Math.round(mainCpuShare * 100);
    figures["  CPU ms per payment approved: all threads / main thread"] =
      `${Math.round((cpuShare * phaseSeconds * 1000) / result.approved)} / ${Math.round((mainCpuShare * phaseSeconds * 1000) / result.approved)}`;
    figures["machine load average (1 min) before / after the phase"] =
      `${load0.toFixed(1)} / ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} CPUs`;
    figures["SMS sent during the payment phase"] = (await smsCount(host.base)) - sms0;
    figures["throughput: payments applied per second, first approval → last applied"] =
      drained.applied / ((drained.at - wall0) / 1000);
    if (process.env.BENCH_DEVHOST_NODE_ARGS)
      figures["payment phase on the profile's clock (monotonic µs): from / to"] =
        `${phaseStart / 1000n} / ${phaseEnd / 1000n}`;
    await receiver.close();
    Object.assign(figures, stageSummary(phaseLogs));
    Object.assign(figures, invocationSummary(phaseLogs));
    const problems = phaseLogs.filter((l) => l.level === "error" || l.level === "warning");
    figures["warning / error log lines during the payment phase"] = problems.length;
    if (problems.length > 0) figures["  first of them"] = String(problems[0]!.msg).slice(0, 100);

    // ---- 2. pay page --------------------------------------------------------------------------------------------
    const pageCases = await inParallel(PAGE_CLIENTS, PREPARE_IN_FLIGHT, (i) => register(i, "PAGE"));
    const sample = await fetch(pageCases[0]!.payLink);
    const html = Buffer.from(await sample.arrayBuffer());
    if (sample.status !== 200) throw new Error(`GET /p/{token} answered ${sample.status}`);
    figures["pay page: bytes / gzip bytes (node:zlib, default level)"] =
      `${html.length.toLocaleString("en-US")} / ${gzipSync(html).length.toLocaleString("en-US")}`;
    figures["pay page: content-encoding sent by the dev host"] = sample.headers.get("content-encoding") ?? "none";
    const load = await pageLoad(pageCases.map((c) => c.payLink));
    figures[`pay page, ${PAGE_CLIENTS} clients × ${PAGE_SECONDS} s (a token each, limits raised): requests`] =
      load.requests;
    figures["pay page: requests/s"] = Math.round(load.requests / load.seconds);
    figures["pay page: TTFB p50 / p95 / p99 / max ms"] = fmtPct(load.ttfb);
    figures["pay page: answers other than 200"] =
      Object.keys(load.statuses).filter((s) => s !== "200").length === 0
        ? 0
        : Object.entries(load.statuses)
            .filter(([s]) => s !== "200")
            .map(([s, n]) => `${s} × ${n}`)
            .join(", ");
    return figures;
  } finally {
    await host.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

// ---- phase 1 ----------------------------------------------------------------------------------------------------

interface CaseView {
  status: string;
  balance: { total: { value: number } };
}

interface Pending {
  caseId: string;
  reference: string;
  /** The log said the payment was applied: poll now. */
  announced: boolean;
  startedAt: number;
  nextPollAt: number;
  polling: boolean;
}

async function approveAndWatch(
  base: string,
  prepared: Prepared[],
  rate: number,
  api: (method: string, route: string) => Promise<Response>,
  logs: Array<Record<string, unknown>>,
  receiver: Receiver,
): Promise<{
  seconds: number;
  approved: number;
  approveFailures: number;
  rate: number;
  /** Every approved payment: ms to paid through the API, Infinity when not within the settle timeout. */
  latencies: number[];
  unsettled: number;
  /** Every approved payment: ms to its webhook at the receiver, Infinity when not within the settle timeout. */
  webhookLatencies: number[];
  webhookMissing: number;
  pollLatencies: number[];
}> {
  const pending: Pending[] = [];
  const latencies: number[] = [];
  const pollLatencies: number[] = [];
  let unsettled = 0;
  let approved = 0;
  let approveFailures = 0;
  let approvalsDone = false;
  const approvals: Array<Promise<void>> = [];

  let scanned = logs.length;
  const announce = (): void => {
    for (; scanned < logs.length; scanned++) {
      const msg = String(logs[scanned]!.msg);
      if (!msg.startsWith("payment event handled") || !msg.includes("'applied'")) continue;
      const reference = /reference: '([^']+)'/u.exec(msg)?.[1];
      const p = pending.find((x) => x.reference === reference);
      if (p) p.announced = true;
    }
  };
  const pollers = Array.from({ length: POLL_IN_FLIGHT }, async () => {
    while (!approvalsDone || pending.length > 0) {
      announce();
      const now = performance.now();
      const p = pending.find((x) => !x.polling && (x.announced || x.nextPollAt <= now));
      if (!p) {
        await sleep(2);
        continue;
      }
      p.polling = true;
      const t = performance.now();
      const res = await api("GET", `/api/v1/cases/${p.caseId}`);
      const view = (await res.json()) as CaseView;
      const seen = performance.now();
      pollLatencies.push(seen - t);
      const done = res.status === 200 && view.status === "paid" && view.balance.total.value === 0;
      if (done || seen - p.startedAt > SETTLE_TIMEOUT_MS) {
        // Paid but seen only after the timeout (a slow poll) counts as not settled in time, like the webhook.
        if (done && seen - p.startedAt <= SETTLE_TIMEOUT_MS) latencies.push(seen - p.startedAt);
        else {
          unsettled++;
          latencies.push(Number.POSITIVE_INFINITY);
        }
        pending.splice(pending.indexOf(p), 1);
      } else {
        p.nextPollAt = seen + (p.announced ? 50 : POLL_EVERY_MS);
        p.polling = false;
      }
    }
  });

  const approvedAt = new Map<string, number>();
  const started = performance.now();
  let lastSent = started;
  for (let i = 0; i < prepared.length; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const { caseId, reference } = prepared[i]!;
    const startedAt = performance.now();
    lastSent = startedAt;
    receiver.expect(caseId, startedAt);
    approvals.push(
      fetch(`${base}/api/dev/vipps/payments/${encodeURIComponent(reference)}/approve`, { method: "POST" }).then(
        async (res) => {
          await res.arrayBuffer();
          if (res.status !== 200) {
            approveFailures++;
            return;
          }
          approved++;
          approvedAt.set(caseId, startedAt);
          pending.push({
            caseId,
            reference,
            announced: false,
            startedAt,
            nextPollAt: startedAt + POLL_EVERY_MS,
            polling: false,
          });
        },
      ),
    );
  }
  const sendSeconds = (lastSent - started) / 1000;
  await Promise.all(approvals);
  approvalsDone = true;
  await Promise.all(pollers);
  // Webhooks still on their way: wait for each up to its settle timeout.
  while (
    [...approvedAt].some(([caseId, at]) => !receiver.arrived.has(caseId) && performance.now() - at <= SETTLE_TIMEOUT_MS)
  )
    await sleep(20);
  const webhookLatencies = [...approvedAt].map(([caseId, at]) => {
    const arrived = receiver.arrived.get(caseId);
    return arrived !== undefined && arrived - at <= SETTLE_TIMEOUT_MS ? arrived - at : Number.POSITIVE_INFINITY;
  });
  const seconds = (performance.now() - started) / 1000;
  return {
    seconds,
    approved,
    approveFailures,
    rate: prepared.length > 1 ? (prepared.length - 1) / sendSeconds : prepared.length,
    latencies,
    unsettled,
    webhookLatencies,
    webhookMissing: webhookLatencies.filter((l) => l === Number.POSITIVE_INFINITY).length,
    pollLatencies,
  };
}

/**
 * Where a payment's time goes, from the dev host's log lines (timestamps on its clock, held still so it runs with real
 * time): approved → the callback has queued the AUTHORIZED event → applyPayment captures → applyPayment has applied it.
 * And how many applyPayment invocations ran at once (the Service Bus trigger runs at most 16).
 */
function stageSummary(logs: Array<Record<string, unknown>>): Record<string, string> {
  type Stage = "approved" | "queued" | "capture" | "applied" | "fannedOut" | "delivered";
  const at = new Map<string, Partial<Record<Stage, number>>>();
  const entry = (reference: string) => at.get(reference) ?? at.set(reference, {}).get(reference)!;
  for (const l of logs) {
    const msg = String(l.msg);
    const ts = Date.parse(String(l.ts));
    // The payment.received event's id ends with the provider's reference (…:payment.received:vipps:<reference>).
    const eventReference = /:payment\.received:vipps:([^'\s]+)'/u.exec(msg)?.[1];
    const reference =
      typeof l.reference === "string" ? l.reference : (/reference: '([^']+)'/u.exec(msg)?.[1] ?? eventReference);
    if (!reference) continue;
    const e = entry(reference);
    if (msg === "vipps simulator payment approved") e.approved = ts;
    else if (msg === "vipps simulator payment capture") e.capture ??= ts;
    else if (msg.startsWith("payment callback queued") && msg.includes("AUTHORIZED")) e.queued ??= ts;
    else if (msg.startsWith("payment event handled") && msg.includes("'applied'")) e.applied ??= ts;
    else if (msg.startsWith("case event fanned out") && eventReference) e.fannedOut ??= ts;
    else if (msg.startsWith("webhook delivered") && eventReference) e.delivered ??= ts;
  }
  const stage = (from: Stage, to: Stage) =>
    fmtPct([...at.values()].filter((e) => e[from] !== undefined && e[to] !== undefined).map((e) => e[to]! - e[from]!));
  const running = logs
    .filter((l) => l.msg === "invocation" && l.function === "applyPayment")
    .map((l) => ({ end: Date.parse(String(l.ts)), start: Date.parse(String(l.ts)) - Number(l.durationMs) }));
  const counts: number[] = [];
  if (running.length > 0) {
    const from = Math.min(...running.map((r) => r.start));
    const to = Math.max(...running.map((r) => r.end));
    for (let t = from; t < to; t += 100) counts.push(running.filter((r) => r.start <= t && t < r.end).length);
  }
  return {
    "stage ms (p50 / p95 / p99 / max): approved → callback queued": stage("approved", "queued"),
    "stage ms: callback queued → applyPayment captures": stage("queued", "capture"),
    "stage ms: capture → applied to the case": stage("capture", "applied"),
    // The "applied" log line comes after the relay, so the fan-out is timed from the capture.
    "stage ms: capture → payment.received fanned out to deliveries": stage("capture", "fannedOut"),
    "stage ms: fanned out → webhook delivered (receiver answered)": stage("fannedOut", "delivered"),
    "applyPayment invocations running at once: mean / max": counts.length
      ? `${(counts.reduce((a, b) => a + b, 0) / counts.length).toFixed(1)} / ${Math.max(...counts)}`
      : "n/a",
  };
}

/**
 * Waits until every payment has been applied ("payment event handled … 'applied'" in the log), or until none has been
 * for 60 s (a stuck pipeline), and says how many were applied and when the last one was seen.
 */
async function drain(
  logs: Array<Record<string, unknown>>,
  from: number,
  references: Set<string>,
): Promise<{ applied: number; at: number }> {
  const applied = new Set<string>();
  let scanned = from;
  let lastProgress = performance.now();
  for (;;) {
    for (; scanned < logs.length; scanned++) {
      const msg = String(logs[scanned]!.msg);
      if (!msg.startsWith("payment event handled") || !msg.includes("'applied'")) continue;
      const reference = /reference: '([^']+)'/u.exec(msg)?.[1];
      if (reference && references.has(reference) && !applied.has(reference)) {
        applied.add(reference);
        lastProgress = performance.now();
      }
    }
    if (applied.size === references.size || performance.now() - lastProgress > 60_000)
      return { applied: applied.size, at: lastProgress };
    await sleep(250);
  }
}

/** Invocations per function during the phase (count and p95 duration), the durable and SMS noise among them. */
function invocationSummary(logs: Array<Record<string, unknown>>): Record<string, string> {
  const byFunction = new Map<string, { count: number; failed: number; durations: number[] }>();
  for (const l of logs) {
    if (l.msg !== "invocation") continue;
    const name = `${String(l.function)} (${String(l.trigger)})`;
    const entry = byFunction.get(name) ?? { count: 0, failed: 0, durations: [] };
    entry.count++;
    if (l.outcome === "failed") entry.failed++;
    entry.durations.push(Number(l.durationMs));
    byFunction.set(name, entry);
  }
  const out: Record<string, string> = {};
  for (const [name, e] of [...byFunction.entries()].sort((a, b) => b[1].count - a[1].count)) {
    e.durations.sort((a, b) => a - b);
    out[`invocations: ${name}: count / failed / p50 / p95 ms`] =
      `${e.count} / ${e.failed} / ${pct(e.durations, 50).toFixed(1)} / ${pct(e.durations, 95).toFixed(1)}`;
  }
  return out;
}

async function smsCount(base: string): Promise<number> {
  const res = await fetch(`${base}/api/dev/sms`, { headers: { accept: "application/json" } });
  if (res.status !== 200) return Number.NaN;
  return ((await res.json()) as { count: number }).count;
}

// ---- phase 2 ----------------------------------------------------------------------------------------------------

async function pageLoad(
  links: string[],
): Promise<{ requests: number; seconds: number; ttfb: number[]; statuses: Record<string, number> }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: links.length });
  const ttfb: number[] = [];
  const statuses: Record<string, number> = {};
  const started = performance.now();
  const until = started + PAGE_SECONDS * 1000;
  try {
    await Promise.all(
      links.map(async (link) => {
        while (performance.now() < until) {
          const { status, ms } = await timeToFirstByte(link, agent);
          ttfb.push(ms);
          statuses[status] = (statuses[status] ?? 0) + 1;
        }
      }),
    );
  } finally {
    agent.destroy();
  }
  return { requests: ttfb.length, seconds: (performance.now() - started) / 1000, ttfb, statuses };
}

/** Time from sending the request to its 'response' event (status line and headers); the body is then drained. */
function timeToFirstByte(url: string, agent: http.Agent): Promise<{ status: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const req = http.get(url, { agent }, (res) => {
      const ms = performance.now() - t;
      res.resume();
      res.on("end", () => resolve({ status: String(res.statusCode), ms }));
      res.on("error", reject);
    });
    req.on("error", reject);
  });
}

// ---- the creditor's webhook receiver ----------------------------------------------------------------------------

interface Receiver {
  url: string;
  /** When the first verified `payment.received` of each expected case arrived (performance.now()). */
  arrived: Map<string, number>;
  badSignatures: number;
  repeats: number;
  verifyWith: (secret: string) => void;
  expect: (caseId: string, at: number) => void;
  close: () => Promise<void>;
}

/**
 * A creditor's webhook endpoint: takes the whole body, verifies its Standard Webhooks signature (a delivery that fails
 * verification does not count) and answers 204.
 */
async function startReceiver(): Promise<Receiver> {
  let verifier: Webhook | undefined;
  const expected = new Set<string>();
  const receiver: Receiver = {
    url: "",
    arrived: new Map(),
    badSignatures: 0,
    repeats: 0,
    verifyWith: (secret) => void (verifier = new Webhook(secret)),
    expect: (caseId) => void expected.add(caseId),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = http.createServer({ keepAlive: true }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      let event: { type?: string; data?: { caseId?: string } };
      try {
        event = verifier!.verify(body, req.headers as Record<string, string>) as typeof event;
      } catch {
        receiver.badSignatures++;
        res.writeHead(401).end();
        return;
      }
      const at = performance.now();
      const caseId = event.data?.caseId;
      if (event.type === "payment.received" && caseId && expected.has(caseId)) {
        if (receiver.arrived.has(caseId)) receiver.repeats++;
        else receiver.arrived.set(caseId, at);
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/payments`;
  return receiver;
}

// ---- helpers ----------------------------------------------------------------------------------------------------

/** The compiled dev host on free ports (tests/support/devhost-process.ts), with the CPU time its process has used. */
async function startHost(dataDir: string, extraEnv: Record<string, string>): Promise<Host> {
  // BENCH_DEVHOST_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the dev host while it is measured.
  const nodeArgs = (process.env.BENCH_DEVHOST_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const host = await startDevHost(dataDir, extraEnv, 60_000, { nodeArgs });
  return {
    base: host.base,
    logs: host.logs,
    cpuSeconds: () => cpuOf(`/proc/${String(host.pid)}/stat`),
    mainThreadCpuSeconds: () => cpuOf(`/proc/${String(host.pid)}/task/${String(host.pid)}/stat`),
    stop: async () => void (await host.stop()),
  };
}

/** p50 / p95 / p99 / max; Infinity (not seen within the settle timeout) shows as "> 30000". */
/** User + system CPU seconds from a /proc stat file (fields 14 and 15, in clock ticks: 100 per second on Linux). */
function cpuOf(statFile: string): number {
  try {
    const fields = fs.readFileSync(statFile, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

function fmtPct(values: number[]): string {
  const s = [...values].sort((a, b) => a - b);
  const show = (v: number) => (v === Number.POSITIVE_INFINITY ? `> ${SETTLE_TIMEOUT_MS}` : v.toFixed(1));
  return [50, 95, 99]
    .map((p) => show(pct(s, p)))
    .concat(show(s[s.length - 1] ?? Number.NaN))
    .join(" / ");
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
