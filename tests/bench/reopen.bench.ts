/**
 * Reopening a paid, suspended broadband service, end to end through the whole dev host (`dist/devhost/main.js`, the
 * process `npm start` runs) with its stand-ins, Vipps simulator and partner system simulator (TMF641):
 *
 * 1. Preparation. N broadband invoices for the demo creditor (a customer and a service each), due today on the
 *    virtual clock; the clock is then moved on a week at a time until the partner simulator's inventory has every
 *    service `inactive` (the ladder's notice, then the suspension on the first allowed day, confirmed by the
 *    simulator's callback), and each case is checked to show its service `suspended`. Then each debtor opens the pay
 *    link in the newest SMS about the case and chooses Vipps / the whole balance (the 303 to the Vipps landing page
 *    names the payment).
 * 2. The measured phase, on the virtual clock held still (it runs with real time). The payments are approved through
 *    the Vipps simulator at a steady rate (default 20/s, open loop: no approval waits for an earlier one). The path:
 *    simulator → signed webhook → `payments` queue → applyPayment (reads, captures at Vipps, applies: the case's
 *    services are re-evaluated in the same write, the reopen command goes on the `partner-commands` session queue)
 *    → sendPartnerCommand → the simulator receives the TMF641 order → completes it 200 ms later → its signed callback
 *    → partnerCallback applies it: the case shows the service `active` (and the debtor gets the SMS).
 *
 * Per payment, from the moment Vipps recorded the capture (the provider has the money): (a) until the partner
 * simulator RECEIVED the reopen order (its `orderDate`), (b) until the service was confirmed active on the case — the
 * simulator's `completed` callback answered 2xx, which the app does only after the case is written (and the SMS and
 * webhooks handed on: an upper bound; the `confirmedAt` the app stamps as it applies the callback is printed too, a
 * lower one). Every timestamp is read from the dev host (the Vipps payment's events, the simulator's order, the dev
 * host's log lines, the case), all on the one virtual clock, so no request of this benchmark sits inside a figure. The
 * case is also read back at the end: what a user would see (`services[0].state`, `lastCommand.confirmedAt`). A reopen
 * missed the promise when (b) is over SERVICE_REOPEN_LIMIT_SECONDS, or it was not confirmed when the wait ended (all
 * seen, none for a whole limit, or four limits after the last approval).
 *
 * Nothing here asserts a speed. Defaults: 300 cases at 20 payments/s (a 15 s phase; ~2 min in all). Preparing costs
 * about a quarter of a second of dev host time per case (the ladder's letters, SMS and webhooks on the way to the
 * suspension), so the full 1 200 (20/s for 60 s) takes ~9 min:
 *
 *   npm run bench -- reopen                                   300 cases, 20 payments/s
 *   BENCH_REOPEN_CASES=1200 npm run bench -- reopen           20 payments/s for 60 s (~9 min in all)
 *   BENCH_REOPEN_RATE=10 npm run bench -- reopen              another approval rate
 *   BENCH_REOPEN_LOG=/tmp/r.jsonl npm run bench -- reopen     also writes the phase's dev host log lines
 *   BENCH_DEVHOST_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" npm run bench -- reopen   profiles the dev host
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { addDays, timeZoneOf, toLocalDate } from "../../shared/domain/calendar";
import { Settings } from "../../shared/config/settings";
import { ROOT, startDevHost, type DevHostProcess } from "../support/devhost-process";
import { inParallel, pct } from "./helpers";

const PREPARE_IN_FLIGHT = 8;
/** How far the clock is moved per step while waiting for the suspensions, and how far at most in all. */
const ADVANCE_STEP = "P7D";
const ADVANCE_MAX_STEPS = 20;
/**
 * Reopens are waited for until all are seen, or until none has been seen for a whole reopen limit (stalled), and at
 * most this many reopen limits after the last approval (so a run always ends).
 */
const WAIT_LIMITS_AFTER_LAST_APPROVAL = 4;
const LIMIT_RAISED = "1000000";
const COUNTRY = "NO";

type Log = Record<string, unknown>;

interface Prepared {
  i: number;
  caseId: string;
  serviceId: string;
  payLink: string;
  reference: string;
}

interface ServiceView {
  serviceId: string;
  state: string;
  lastCommand: {
    commandId: string;
    target: string;
    issuedAt: string;
    sentAt?: string | null;
    confirmedAt?: string | null;
  } | null;
}

interface CaseView {
  status: string;
  balance: { total: { value: number; currency: string } };
  services: ServiceView[];
}

interface VippsPayment {
  reference: string;
  events: Array<{ name: string; timestamp: string; success: boolean }>;
}

interface PartnerOrder {
  id: string;
  externalId: string;
  orderDate: string;
  completionDate?: string;
  state: string;
  serviceOrderItem: Array<{ service: { id: string; state: string } }>;
}

export async function run(): Promise<Record<string, number | string>> {
  const cases = positive("BENCH_REOPEN_CASES", 300);
  const rate = positive("BENCH_REOPEN_RATE", 20);
  const values = (
    JSON.parse(fs.readFileSync(path.join(ROOT, "local.settings.example.json"), "utf8")) as {
      Values: Record<string, string>;
    }
  ).Values;
  const apiKey = values.DEVHOST_DEMO_API_KEY;
  if (!apiKey) throw new Error("local.settings.example.json has no DEVHOST_DEMO_API_KEY");
  // The promise the app escalates on (SERVICE_REOPEN_LIMIT_SECONDS, parsed as the app parses it).
  const limitMs =
    Settings.pick({ SERVICE_REOPEN_LIMIT_SECONDS: true }).parse({
      SERVICE_REOPEN_LIMIT_SECONDS: process.env.SERVICE_REOPEN_LIMIT_SECONDS ?? values.SERVICE_REOPEN_LIMIT_SECONDS,
    }).SERVICE_REOPEN_LIMIT_SECONDS * 1000;

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-reopen-"));
  const nodeArgs = (process.env.BENCH_DEVHOST_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const host = await startDevHost(
    dataDir,
    { PAY_PAGE_RATE_PER_TOKEN: LIMIT_RAISED, PAY_PAGE_RATE_PER_CLIENT: LIMIT_RAISED },
    60_000,
    { nodeArgs },
  );
  const figures: Record<string, number | string> = {};
  const runId = Date.now().toString(36);
  const api = (method: string, route: string, body?: unknown) =>
    fetch(`${host.base}${route}`, {
      method,
      headers: { "x-api-key": apiKey, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const dev = async <T>(route: string, init?: RequestInit): Promise<T> => {
    const res = await fetch(`${host.base}${route}`, init);
    if (res.status !== 200)
      throw new Error(`${init?.method ?? "GET"} ${route} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
    return (await res.json()) as T;
  };
  const getCase = async (caseId: string): Promise<CaseView> => {
    const res = await api("GET", `/api/v1/cases/${caseId}`);
    if (res.status !== 200) throw new Error(`GET /api/v1/cases/{id} answered ${res.status}`);
    return (await res.json()) as CaseView;
  };

  try {
    // ---- 1. preparation ---------------------------------------------------------------------------------------------
    const t0 = performance.now();
    const today = toLocalDate(new Date((await dev<{ now: string }>("/api/dev/clock")).now), timeZoneOf(COUNTRY));
    const registered = await inParallel(cases, PREPARE_IN_FLIGHT, async (i) => {
      const serviceId = `bb-${runId}-${i}`;
      const res = await api("POST", "/api/v1/invoices", {
        invoiceNumber: `REOPEN-${runId}-${i}`,
        // A customer per case: one debtor's overdue cases share a pay link, which would pay several at once.
        customer: {
          customerId: `reopen-${runId}-${i}`,
          name: "Kari Nordmann",
          phone: "+4791234567",
          address: { lines: ["Storgata 1"], postalCode: "0155", city: "Oslo", country: COUNTRY },
          consent: { sms: true, email: false },
        },
        amount: { value: 59_900, currency: "NOK" },
        issueDate: addDays(today, -14),
        dueDate: today,
        services: [{ serviceId, kind: "broadband" }],
      });
      const body = (await res.json()) as { caseId?: string; payLink?: string };
      if (res.status !== 201 || !body.caseId || !body.payLink)
        throw new Error(`POST /api/v1/invoices answered ${res.status}: ${JSON.stringify(body)}`);
      return { i, caseId: body.caseId, serviceId, payLink: body.payLink };
    });
    const t1 = performance.now();

    const ours = new Set(registered.map((r) => r.serviceId));
    let advances = 0;
    for (; advances < ADVANCE_MAX_STEPS;) {
      await dev("/api/dev/clock", { method: "POST", body: JSON.stringify({ advance: ADVANCE_STEP }) });
      advances++;
      const inventory = await dev<{ services: Array<{ id: string; state: string }> }>("/api/dev/partner/services");
      if (inventory.services.filter((s) => ours.has(s.id) && s.state === "inactive").length === ours.size) break;
    }
    const t2 = performance.now();
    const views = await inParallel(registered.length, PREPARE_IN_FLIGHT, (i) => getCase(registered[i]!.caseId));
    const suspended = registered.filter((_, i) => views[i]!.services[0]?.state === "suspended");
    if (suspended.length === 0) throw new Error("no service was suspended: nothing to reopen");

    // The debtor pays from the newest SMS about the case (the link handed over with the invoice has expired by now).
    const outbox = await dev<{ messages: Array<{ tag?: string; message: string }> }>("/api/dev/sms?format=json");
    const newestLink = new Map<string, string>();
    for (const m of outbox.messages) {
      const caseId = m.tag?.split(":")[0];
      const link = /https?:\/\/\S+?\/p\/[A-Za-z0-9_-]+/u.exec(m.message)?.[0];
      if (caseId && link && !newestLink.has(caseId)) newestLink.set(caseId, link); // newest first
    }
    const prepared = await inParallel(suspended.length, PREPARE_IN_FLIGHT, async (k): Promise<Prepared> => {
      const r = suspended[k]!;
      const payLink = newestLink.get(r.caseId);
      if (!payLink) throw new Error(`no SMS with a pay link about case ${r.caseId}`);
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
      return { ...r, payLink, reference: decodeURIComponent(reference) };
    });
    const t3 = performance.now();
    const sample = views[registered.indexOf(suspended[0]!)]!;
    figures["cases registered (broadband, a customer each)"] = registered.length;
    figures[`suspended and confirmed (clock moved ${advances} × ${ADVANCE_STEP})`] = suspended.length;
    figures["preparation seconds: register / advance to suspension / pay links"] = [t1 - t0, t2 - t1, t3 - t2]
      .map((ms) => (ms / 1000).toFixed(1))
      .join(" / ");
    figures["balance paid per case (øre, the whole balance)"] = sample.balance.total.value;

    // ---- 2. the measured phase --------------------------------------------------------------------------------------
    const logMark = host.logs.length;
    const cosmos0 = await cosmosCounter(host.base);
    const cpu0 = cpuSeconds(host);
    const load0 = os.loadavg()[0]!;
    const wall0 = performance.now();
    const approvals = await approve(host.base, prepared, rate);
    const done = await waitForReopens(host.logs, logMark, approvals.approved, {
      stalledAfterMs: limitMs,
      deadline: approvals.lastAt + WAIT_LIMITS_AFTER_LAST_APPROVAL * limitMs,
    });
    const phaseSeconds = (performance.now() - wall0) / 1000;
    const cpu = cpuSeconds(host) - cpu0;
    const cosmos1 = await cosmosCounter(host.base);
    const load1 = os.loadavg()[0]!;
    await sleep(1_000); // the last log lines
    const phaseLogs = host.logs.slice(logMark);
    if (process.env.BENCH_REOPEN_LOG)
      fs.writeFileSync(process.env.BENCH_REOPEN_LOG, phaseLogs.map((l) => JSON.stringify(l)).join("\n") + "\n");

    // ---- 3. the timestamps, from the dev host -----------------------------------------------------------------------
    const payments = new Map(
      (await dev<{ payments: VippsPayment[] }>("/api/dev/vipps/payments")).payments.map((p) => [p.reference, p]),
    );
    const orders = new Map(
      (await dev<{ orders: PartnerOrder[] }>("/api/dev/partner/orders")).orders.map((o) => [o.externalId, o]),
    );
    const answered = new Map<string, number>(); // simulator order id → its `completed` callback answered 2xx
    for (const l of phaseLogs) {
      if (l.msg === "partner simulator callback delivered" && l.state === "completed" && typeof l.orderId === "string")
        if (!answered.has(l.orderId)) answered.set(l.orderId, Date.parse(String(l.ts)));
    }
    const after = await inParallel(prepared.length, PREPARE_IN_FLIGHT, (k) => getCase(prepared[k]!.caseId));

    const toReceived: number[] = [];
    const toActive: number[] = [];
    const approvedToActive: number[] = [];
    const toConfirmedAt: number[] = [];
    const stages = {
      approvedToCaptured: [] as number[],
      capturedToIssued: [] as number[],
      issuedToReceived: [] as number[],
      receivedToCompleted: [] as number[],
      completedToConfirmed: [] as number[],
      confirmedToAnswered: [] as number[],
    };
    let missed = 0;
    let neverActive = 0;
    let activeAtEnd = 0;
    for (let k = 0; k < prepared.length; k++) {
      const p = prepared[k]!;
      const view = after[k]!;
      const service = view.services.find((s) => s.serviceId === p.serviceId);
      if (service?.state === "active") activeAtEnd++;
      const events = payments.get(p.reference)?.events ?? [];
      const at = (name: string) => {
        const e = events.find((x) => x.name === name && x.success);
        return e ? Date.parse(e.timestamp) : undefined;
      };
      const approvedAt = at("AUTHORIZED");
      const capturedAt = at("CAPTURED");
      if (approvedAt === undefined) continue; // not approved (its approval failed): not part of the phase
      const command = service?.lastCommand;
      const order = command?.target === "active" ? orders.get(command.commandId) : undefined;
      const receivedAt = order ? Date.parse(order.orderDate) : undefined;
      const completedAt = order?.completionDate ? Date.parse(order.completionDate) : undefined;
      const answeredAt = order ? answered.get(order.id) : undefined;
      const confirmedAt = command?.confirmedAt ? Date.parse(command.confirmedAt) : undefined;
      if (capturedAt !== undefined && receivedAt !== undefined) toReceived.push(receivedAt - capturedAt);
      if (capturedAt !== undefined && confirmedAt !== undefined && service?.state === "active")
        toConfirmedAt.push(confirmedAt - capturedAt);
      if (capturedAt !== undefined && answeredAt !== undefined && service?.state === "active") {
        toActive.push(answeredAt - capturedAt);
        approvedToActive.push(answeredAt - approvedAt);
        if (answeredAt - capturedAt > limitMs) missed++;
      } else {
        neverActive++;
        missed++;
      }
      if (capturedAt !== undefined) stages.approvedToCaptured.push(capturedAt - approvedAt);
      if (capturedAt !== undefined && command?.target === "active")
        stages.capturedToIssued.push(Date.parse(command.issuedAt) - capturedAt);
      if (receivedAt !== undefined && command) stages.issuedToReceived.push(receivedAt - Date.parse(command.issuedAt));
      if (receivedAt !== undefined && completedAt !== undefined)
        stages.receivedToCompleted.push(completedAt - receivedAt);
      if (completedAt !== undefined && confirmedAt !== undefined)
        stages.completedToConfirmed.push(confirmedAt - completedAt);
      if (confirmedAt !== undefined && answeredAt !== undefined)
        stages.confirmedToAnswered.push(answeredAt - confirmedAt);
    }

    figures["payments approved / approval answers other than 200"] = `${approvals.approved} / ${approvals.failures}`;
    figures[`achieved approval rate (payments/s; offered ${rate})`] = approvals.rate;
    figures["(a) captured → partner simulator received the reopen order: p50 / p95 / p99 / max ms"] =
      fmtPct(toReceived);
    figures["(b) captured → service confirmed active on the case: p50 / p95 / p99 / max ms"] = fmtPct(toActive);
    figures["    captured → confirmedAt the app stamped as it applied the callback: p50 / p95 / p99 / max ms"] =
      fmtPct(toConfirmedAt);
    figures["    approved in Vipps → service active on the case: p50 / p95 / p99 / max ms"] = fmtPct(approvedToActive);
    figures[`missed the ${limitMs / 1000} s promise (late, or not active when the wait ended)`] = missed;
    figures["  of them not active when the wait ended"] = neverActive;
    figures["services active on the case at the end (GET /api/v1/cases/{id})"] = `${activeAtEnd} of ${prepared.length}`;
    figures["reopens escalated (service.reopen_delayed)"] = phaseLogs.filter(
      (l) => l.msg === "service.reopen_delayed" || String(l.msg).startsWith("service.reopen_delayed"),
    ).length;
    figures["stage ms (p50 / p95 / p99 / max): approved → captured (webhook, queue, applyPayment)"] = fmtPct(
      stages.approvedToCaptured,
    );
    figures["stage ms: captured → reopen command issued (the payment's write)"] = fmtPct(stages.capturedToIssued);
    figures["stage ms: issued → partner received it (partner-commands queue, sendPartnerCommand)"] = fmtPct(
      stages.issuedToReceived,
    );
    figures["stage ms: received → completed at the partner (the simulator's processing)"] = fmtPct(
      stages.receivedToCompleted,
    );
    figures["stage ms: completed → callback applied (confirmedAt on the case)"] = fmtPct(stages.completedToConfirmed);
    figures["stage ms: applied → callback answered (write, SMS, webhooks)"] = fmtPct(stages.confirmedToAnswered);
    figures["phase seconds (first approval → last reopen seen, or the wait's end)"] = done.allSeen
      ? (done.lastAt - wall0) / 1000
      : phaseSeconds;
    figures["dev host CPU during the phase: seconds / % of one core / ms per reopen"] =
      `${cpu.toFixed(1)} / ${Math.round((100 * cpu) / phaseSeconds)} / ${Math.round((1000 * cpu) / Math.max(1, toActive.length))}`;
    figures["Cosmos requests per reopen (whole phase: payments, reopens, sweeps, reads)"] =
      cosmos0 && cosmos1 && toActive.length > 0
        ? `${((cosmos1.total - cosmos0.total) / toActive.length).toFixed(1)} (reads ${((cosmos1.reads - cosmos0.reads) / toActive.length).toFixed(1)}, queries ${((cosmos1.queries - cosmos0.queries) / toActive.length).toFixed(1)}, writes ${((cosmos1.writes - cosmos0.writes) / toActive.length).toFixed(1)})`
        : "n/a (the Cosmos stand-in exposes no counter)";
    figures["machine load average (1 min) before / after the phase"] =
      `${load0.toFixed(1)} / ${load1.toFixed(1)} on ${os.cpus().length} CPUs`;
    Object.assign(figures, invocationSummary(phaseLogs));
    const problems = phaseLogs.filter((l) => l.level === "error" || l.level === "warning");
    figures["warning / error log lines during the phase"] = problems.length;
    if (problems.length > 0) figures["  first of them"] = String(problems[0]!.msg).slice(0, 100);
    return figures;
  } finally {
    await host.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

// ---- the phase --------------------------------------------------------------------------------------------------

/** Approves the payments at `rate` per second, open loop; resolves once every approval has been answered. */
async function approve(
  base: string,
  prepared: Prepared[],
  rate: number,
): Promise<{ approved: number; failures: number; rate: number; lastAt: number }> {
  let approved = 0;
  let failures = 0;
  const answers: Array<Promise<void>> = [];
  const started = performance.now();
  let lastAt = started;
  for (let k = 0; k < prepared.length; k++) {
    const wait = started + (k * 1000) / rate - performance.now();
    if (wait > 0) await sleep(wait);
    lastAt = performance.now();
    answers.push(
      fetch(`${base}/api/dev/vipps/payments/${encodeURIComponent(prepared[k]!.reference)}/approve`, {
        method: "POST",
      }).then(
        async (res) => {
          await res.arrayBuffer();
          if (res.status === 200) approved++;
          else failures++;
        },
        () => void failures++,
      ),
    );
  }
  await Promise.all(answers);
  const seconds = (lastAt - started) / 1000;
  return { approved, failures, rate: prepared.length > 1 ? (prepared.length - 1) / seconds : prepared.length, lastAt };
}

/**
 * Waits until the partner simulator's `completed` callbacks for `expected` reopen orders were answered 2xx (every
 * order completed after the mark is a reopen: the suspensions were all confirmed before it), or until none has been
 * for `stalledAfterMs`, or until `deadline`.
 */
async function waitForReopens(
  logs: Log[],
  from: number,
  expected: number,
  until: { stalledAfterMs: number; deadline: number },
): Promise<{ allSeen: boolean; lastAt: number }> {
  const seen = new Set<string>();
  let scanned = from;
  let lastAt = performance.now();
  for (;;) {
    for (; scanned < logs.length; scanned++) {
      const l = logs[scanned]!;
      if (l.msg !== "partner simulator callback delivered" || l.state !== "completed") continue;
      if (typeof l.orderId === "string" && !seen.has(l.orderId)) {
        seen.add(l.orderId);
        lastAt = performance.now();
      }
    }
    if (seen.size >= expected) return { allSeen: true, lastAt };
    const now = performance.now();
    if (now > until.deadline || now - lastAt > until.stalledAfterMs) return { allSeen: false, lastAt };
    await sleep(100);
  }
}

/** Invocations per function during the phase: count, failed, p50 and p95 duration. */
function invocationSummary(logs: Log[]): Record<string, string> {
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
    out[`invocations: ${name}: count / failed / p50 / p95 ms`] =
      `${e.count} / ${e.failed} / ${pct(e.durations, 50).toFixed(1)} / ${pct(e.durations, 95).toFixed(1)}`;
  }
  return out;
}

// ---- helpers ----------------------------------------------------------------------------------------------------

/** The Cosmos stand-in's request counter (`GET /api/dev/cosmos`), or undefined when the dev host has none. */
async function cosmosCounter(
  base: string,
): Promise<{ total: number; reads: number; queries: number; writes: number } | undefined> {
  const res = await fetch(`${base}/api/dev/cosmos`);
  if (res.status !== 200) {
    await res.arrayBuffer();
    return undefined;
  }
  const body = (await res.json()) as { requests?: { total: number; reads: number; queries: number; writes: number } };
  return body.requests;
}

/** CPU seconds (user + system) the dev host process has used: /proc/<pid>/stat fields 14 and 15, in clock ticks. */
function cpuSeconds(host: DevHostProcess): number {
  try {
    const fields = fs
      .readFileSync(`/proc/${String(host.pid)}/stat`, "utf8")
      .split(") ")[1]!
      .split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

function positive(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
}

function fmtPct(values: number[]): string {
  if (values.length === 0) return "n/a";
  const s = [...values].sort((a, b) => a - b);
  return [50, 95, 99]
    .map((p) => pct(s, p).toFixed(0))
    .concat(s[s.length - 1]!.toFixed(0))
    .join(" / ");
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
