/**
 * The ladder at scale, end to end through the whole dev host (`dist/devhost/main.js`, the process `npm start` runs):
 * N invoices handed over through the partner API, then the virtual clock moved a day at a time from the due date
 * through the Let's pay SMS, the reminder and the collection notice, until the collection notice of EVERY case has
 * reached its debtor — what a creditor running the product would see.
 *
 * 1. Hand-over (not in the ladder figure). A fresh dev host (own data folder, free ports). The demo creditor
 *    (`DEVHOST_DEMO_API_KEY`) subscribes a webhook receiver of this process to `letter.delivered`, then hands over N
 *    invoices through `POST /api/v1/invoices/batch` (1 000 per request), all due today on the virtual clock, one
 *    debtor per case, each with a phone of its own and SMS consent (the Let's pay SMS and the letters' SMS alerts), and a written
 *    channel in turn: a national id with a Digipost mailbox (4 in 10: the letter goes to the Digipost stand-in), an
 *    e-mail address with consent (3 in 10: the ACS e-mail stand-in, PDF attached, `Delivered` report through Event
 *    Grid), or a postal address only (3 in 10: the print outbox, posted by the print house stand-in on its business
 *    day, its receipt read back). The hand-over is settled (`advance PT0S`) before the clock starts.
 * 2. The ladder (timed). `POST /api/dev/clock {"advance":"P1D"}` repeatedly (each answers once the work its timers
 *    started has settled) until the receiver has had a `letter.delivered` for the collection notice of every case.
 *    The wall time of this phase, cases/s, the dev host's CPU seconds in it, and the virtual days it took.
 * 3. Check (not timed): every case is read back through `GET /api/v1/cases/{caseId}` — stage `collection-notice`,
 *    its reminder and its notice `delivered` — and the stand-ins' outboxes are counted (SMS, e-mail, Digipost, print).
 *    Any case short of that fails the benchmark.
 *
 * The dev host's peak RSS is `VmHWM` of /proc/<pid>/status (the whole run: hand-over and ladder). Each size runs on a
 * fresh dev host; the figures of every size are printed, with the time ratio of each size to the first.
 *
 *   npm run bench -- ladder                                        1 000 and 10 000 cases (~5 min after the fix)
 *   BENCH_LADDER_CASES=1000,3000 npm run bench -- ladder           other sizes (a comma-separated list)
 *   BENCH_LADDER_VERBOSE=1 npm run bench -- ladder                each virtual day's time and counts on stderr
 *   BENCH_DEVHOST_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" npm run bench -- ladder   profiles the dev host
 */
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { Agent, fetch as undiciFetch } from "undici";
import { addDays, timeZoneOf, toLocalDate } from "../../shared/domain/calendar";
import { isValidNorwegianNationalId } from "../../shared/domain/identifiers/national-id";
import { ROOT, startDevHost, type DevHostProcess } from "../support/devhost-process";
import { inParallel } from "./helpers";

const COUNTRY = "NO";
const BATCH = 1_000;
const BATCHES_IN_FLIGHT = 2;
const READ_IN_FLIGHT = 8;
/** The ladder reaches the notice about 30–36 days after the due date (post adds its posting days); a bound. */
const MAX_DAYS = 60;
const NOTICE = "collection-notice";

type Channel = "digipost" | "email" | "post";

interface CaseView {
  stage: string;
  deliveries?: Array<{ kind: string; channel: string; state: string }>;
}

export async function run(): Promise<Record<string, number | string>> {
  const sizes = (process.env.BENCH_LADDER_CASES ?? "1000,10000").split(",").map((s) => {
    const n = Number(s.trim());
    if (!Number.isInteger(n) || n <= 0)
      throw new Error("BENCH_LADDER_CASES must be positive integers, comma-separated");
    return n;
  });
  const figures: Record<string, number | string> = {};
  const first: { cases: number; seconds: number }[] = [];
  for (const cases of sizes) {
    const result = await runOnce(cases);
    for (const [key, value] of Object.entries(result.figures)) figures[`${cases} cases: ${key}`] = value;
    if (first.length > 0) {
      const base = first[0]!;
      figures[`${cases} cases: time ratio to ${base.cases} cases (cases ratio ${cases / base.cases})`] = (
        result.seconds / base.seconds
      ).toFixed(2);
    } else first.push({ cases, seconds: result.seconds });
  }
  return figures;
}

async function runOnce(cases: number): Promise<{ seconds: number; figures: Record<string, number | string> }> {
  const values = (
    JSON.parse(fs.readFileSync(path.join(ROOT, "local.settings.example.json"), "utf8")) as {
      Values: Record<string, string>;
    }
  ).Values;
  const apiKey = values.DEVHOST_DEMO_API_KEY;
  if (!apiKey) throw new Error("local.settings.example.json has no DEVHOST_DEMO_API_KEY");

  // The creditor's webhook receiver: which cases' letters were delivered, by letter kind.
  const delivered = new Map<string, Set<string>>();
  let webhookBodies = 0;
  const receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      webhookBodies++;
      try {
        const event = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
          type?: string;
          data?: { caseId?: string; letter?: string };
        };
        if (event.type === "letter.delivered" && event.data?.caseId && event.data.letter) {
          let set = delivered.get(event.data.letter);
          if (!set) delivered.set(event.data.letter, (set = new Set()));
          set.add(event.data.caseId);
        }
      } catch {
        /* counted, not understood */
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/ladder-hooks`;

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-ladder-"));
  const nodeArgs = (process.env.BENCH_DEVHOST_NODE_ARGS ?? "").split(" ").filter(Boolean);
  let host: DevHostProcess | undefined;
  try {
    host = await startDevHost(dataDir, {}, 60_000, { nodeArgs });
    const h = host;
    const api = (method: string, route: string, body?: unknown) =>
      fetch(`${h.base}${route}`, {
        method,
        headers: { "x-api-key": apiKey, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const dev = async <T>(route: string, init?: RequestInit): Promise<T> => {
      const res = await fetch(`${h.base}${route}`, init);
      if (res.status !== 200)
        throw new Error(
          `${init?.method ?? "GET"} ${route} answered ${res.status}: ${(await res.text()).slice(0, 300)}`,
        );
      return (await res.json()) as T;
    };
    // An advance answers once its work has settled, which may take minutes: no header or body timeout.
    const patient = new Agent({ headersTimeout: 0, bodyTimeout: 0 });
    const advance = async (duration: string): Promise<{ now: string }> => {
      const res = await undiciFetch(`${h.base}/api/dev/clock`, {
        method: "POST",
        body: JSON.stringify({ advance: duration }),
        dispatcher: patient,
      });
      if (res.status !== 200) throw new Error(`POST /api/dev/clock answered ${res.status}: ${await res.text()}`);
      return (await res.json()) as { now: string };
    };

    // ---- 1. hand-over ---------------------------------------------------------------------------------------------
    const hook = await api("POST", "/api/v1/webhooks", { url: receiverUrl, events: ["letter.delivered"] });
    if (hook.status !== 201) throw new Error(`POST /api/v1/webhooks answered ${hook.status}: ${await hook.text()}`);
    const today = toLocalDate(new Date((await dev<{ now: string }>("/api/dev/clock")).now), timeZoneOf(COUNTRY));
    const runId = Date.now().toString(36);
    const nationalIds = nationalIdsWithMailbox(Math.ceil(cases * 0.4) + 1);
    const channelOf = (i: number): Channel => (i % 10 < 4 ? "digipost" : i % 10 < 7 ? "email" : "post");
    const t0 = performance.now();
    const batches = Math.ceil(cases / BATCH);
    const caseIds: string[] = new Array<string>(cases);
    let digipostUsed = 0;
    const invoices = Array.from({ length: cases }, (_, i) => {
      const channel = channelOf(i);
      return {
        invoiceNumber: `LADDER-${runId}-${i}`,
        customer: {
          customerId: `ladder-${runId}-${i}`,
          name: "Kari Nordmann",
          // A phone of its own: without a national id the debtor is known by the phone (one SMS per debtor at a time),
          // so a shared number would make every post and e-mail case one debtor whose letters wait a day each.
          phone: `+4791${String(i).padStart(6, "0")}`,
          address: { lines: [`Storgata ${(i % 200) + 1}`], postalCode: "0155", city: "Oslo", country: COUNTRY },
          ...(channel === "digipost" ? { nationalId: nationalIds[digipostUsed++]! } : {}),
          ...(channel === "email" ? { email: `kari.${i}@example.no` } : {}),
          consent: { sms: true, email: channel === "email" },
        },
        amount: { value: 125_000 + (i % 50) * 100, currency: "NOK" },
        issueDate: addDays(today, -14),
        dueDate: today,
      };
    });
    await inParallel(batches, BATCHES_IN_FLIGHT, async (b) => {
      const slice = invoices.slice(b * BATCH, (b + 1) * BATCH);
      const res = await api("POST", "/api/v1/invoices/batch", { invoices: slice });
      const body = (await res.json()) as { results?: Array<{ index: number; status: number; caseId?: string }> };
      if (res.status !== 207 || !body.results) throw new Error(`POST /api/v1/invoices/batch answered ${res.status}`);
      for (const r of body.results) {
        if (r.status !== 201 || !r.caseId)
          throw new Error(`invoice ${b * BATCH + r.index} answered ${r.status}: ${JSON.stringify(r)}`);
        caseIds[b * BATCH + r.index] = r.caseId;
      }
    });
    await advance("PT0S"); // the hand-over's orchestrations started and waiting for their first timer
    const handOverSeconds = (performance.now() - t0) / 1000;

    // ---- 2. the ladder (timed) ------------------------------------------------------------------------------------
    const ours = new Set(caseIds);
    const countOf = (letter: string) => [...(delivered.get(letter) ?? [])].filter((id) => ours.has(id)).length;
    const load0 = os.loadavg()[0]!;
    const cpu0 = cpuSeconds(h);
    const childCpu0 = childrenCpuSeconds(h);
    const t1 = performance.now();
    let days = 0;
    const dayTimes: number[] = [];
    while (countOf(NOTICE) < cases) {
      if (days >= MAX_DAYS)
        throw new Error(
          `after ${MAX_DAYS} days only ${countOf(NOTICE)} of ${cases} collection notices were delivered (reminders ${countOf("reminder")})`,
        );
      const d0 = performance.now();
      const { now } = await advance("P1D");
      days++;
      dayTimes.push((performance.now() - d0) / 1000);
      if (process.env.BENCH_LADDER_VERBOSE)
        console.error(
          `  day ${days} → ${now}: ${dayTimes[dayTimes.length - 1]!.toFixed(1)} s, reminders ${countOf("reminder")}, notices ${countOf(NOTICE)}, rss ${peakRssMiB(h)} MiB`,
        );
    }
    const seconds = (performance.now() - t1) / 1000;
    const cpu = cpuSeconds(h) - cpu0;
    const childCpu = childrenCpuSeconds(h) - childCpu0;
    const load1 = os.loadavg()[0]!;
    const peakRss = peakRssMiB(h);

    // ---- 3. check every case (not timed) --------------------------------------------------------------------------
    const t2 = performance.now();
    const views = await inParallel(cases, READ_IN_FLIGHT, async (i) => {
      const res = await api("GET", `/api/v1/cases/${caseIds[i]!}`);
      if (res.status !== 200) throw new Error(`GET /api/v1/cases/{caseId} answered ${res.status}`);
      return (await res.json()) as CaseView;
    });
    const lettersBy = new Map<string, number>();
    let atNotice = 0;
    for (const view of views) {
      const deliveries = view.deliveries ?? [];
      const ok = (kind: string) => deliveries.some((d) => d.kind === kind && d.state === "delivered");
      if (view.stage === NOTICE && ok("reminder") && ok(NOTICE)) atNotice++;
      for (const d of deliveries.filter((x) => x.state === "delivered"))
        lettersBy.set(d.channel, (lettersBy.get(d.channel) ?? 0) + 1);
    }
    if (atNotice !== cases)
      throw new Error(`${cases - atNotice} of ${cases} cases are not at a delivered collection notice when read back`);
    const sms = await dev<{ count: number }>("/api/dev/sms?format=json");
    const email = await dev<{ count: number }>("/api/dev/email?format=json");
    const digipost = await dev<{ count: number }>("/api/dev/digipost?format=json");
    const checkSeconds = (performance.now() - t2) / 1000;

    const sortedDays = [...dayTimes].sort((a, b) => b - a);
    return {
      seconds,
      figures: {
        "hand-over: batch API + settle (s)": handOverSeconds.toFixed(1),
        "LADDER: due date → every notice delivered, wall (s)": seconds.toFixed(1),
        "ladder cases/s": (cases / seconds).toFixed(1),
        "virtual days advanced (P1D each); slowest days (s)": `${days}; ${sortedDays
          .slice(0, 4)
          .map((s) => s.toFixed(1))
          .join(", ")}`,
        "dev host CPU in the ladder (s / % of a core / ms a case)": `${cpu.toFixed(1)} / ${Math.round(
          (100 * cpu) / seconds,
        )} / ${((1000 * cpu) / cases).toFixed(1)}`,
        "its child processes' CPU in the ladder (Azurite) (s / ms a case)": `${childCpu.toFixed(1)} / ${(
          (1000 * childCpu) /
          cases
        ).toFixed(1)}`,
        "dev host peak RSS, VmHWM (MiB)": peakRss,
        "1-min load before / after the ladder": `${load0.toFixed(2)} / ${load1.toFixed(2)} on ${os.cpus().length} CPUs`,
        "checked by GET: cases at a delivered notice": `${atNotice} of ${cases} (${checkSeconds.toFixed(1)} s)`,
        "letters delivered, by channel": [...lettersBy.entries()].map(([k, v]) => `${k} ${v}`).join(", "),
        "stand-in outboxes: SMS / e-mail / Digipost": `${sms.count} / ${email.count} / ${digipost.count}`,
        "webhook bodies received": webhookBodies,
      },
    };
  } catch (error) {
    // What the dev host said went wrong (its error lines carry ids, never personal data).
    const errors = (host?.logs ?? []).filter((l) => l.level === "error").slice(-5);
    for (const line of errors) console.error(`ladder bench: dev host error: ${JSON.stringify(line).slice(0, 1_000)}`);
    throw error;
  } finally {
    await stopOrKill(host);
    await new Promise((resolve) => receiver.close(resolve));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Stops the dev host (SIGTERM: it saves its state); one that has not exited after a minute is killed. */
async function stopOrKill(host: DevHostProcess | undefined): Promise<void> {
  if (!host) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stopped = await Promise.race([
    host.stop().then(() => true),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 60_000))),
  ]);
  clearTimeout(timer);
  if (!stopped && host.pid !== undefined) {
    console.error(`ladder bench: the dev host (pid ${host.pid}) did not stop within a minute of SIGTERM; killing it`);
    process.kill(host.pid, "SIGKILL");
    await host.stop();
  }
}

/** Valid fødselsnumre (classic check digits) whose last digit is even: the Digipost stand-in gives them a mailbox. */
function nationalIdsWithMailbox(count: number): string[] {
  const out: string[] = [];
  const w1 = [3, 7, 6, 1, 8, 9, 4, 5, 2];
  const w2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
  const check = (digits: number[], weights: number[]) => {
    const r = 11 - (weights.reduce((s, w, i) => s + w * digits[i]!, 0) % 11);
    return r === 11 ? 0 : r;
  };
  for (let day = 0; out.length < count; day++) {
    const date = new Date(Date.UTC(1960, 0, 1) + day * 86_400_000);
    const ddmmyy = `${String(date.getUTCDate()).padStart(2, "0")}${String(date.getUTCMonth() + 1).padStart(2, "0")}${String(date.getUTCFullYear() % 100).padStart(2, "0")}`;
    for (let individual = 0; individual < 500 && out.length < count; individual++) {
      const base = `${ddmmyy}${String(individual).padStart(3, "0")}`;
      const d = [...base].map(Number);
      const k1 = check(d, w1);
      if (k1 === 10) continue;
      const k2 = check([...d, k1], w2);
      if (k2 === 10 || k2 % 2 !== 0) continue;
      const id = `${base}${k1}${k2}`;
      if (isValidNorwegianNationalId(id)) out.push(id);
    }
  }
  return out;
}

/** CPU seconds (user + system) the dev host process has used: /proc/<pid>/stat fields 14 and 15, in clock ticks. */
function cpuSeconds(host: DevHostProcess): number {
  return host.pid === undefined ? Number.NaN : processCpuSeconds(host.pid);
}

/**
 * CPU seconds of the dev host's child processes now alive (Azurite runs as one): the dev host's own figure leaves
 * out the storage stand-in's share of the work.
 */
function childrenCpuSeconds(host: DevHostProcess): number {
  if (host.pid === undefined) return Number.NaN;
  const parentOf = new Map<number, number>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/u.test(entry)) continue;
    try {
      const fields = fs.readFileSync(`/proc/${entry}/stat`, "utf8").split(") ")[1]!.split(" ");
      parentOf.set(Number(entry), Number(fields[1]));
    } catch {
      /* gone meanwhile */
    }
  }
  const isDescendant = (pid: number): boolean => {
    for (let p = parentOf.get(pid); p !== undefined && p > 1; p = parentOf.get(p)) if (p === host.pid) return true;
    return false;
  };
  let total = 0;
  for (const pid of parentOf.keys()) if (isDescendant(pid)) total += processCpuSeconds(pid) || 0;
  return total;
}

function processCpuSeconds(pid: number): number {
  try {
    const fields = fs
      .readFileSync(`/proc/${String(pid)}/stat`, "utf8")
      .split(") ")[1]!
      .split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** The dev host's peak resident set (VmHWM), MiB. */
function peakRssMiB(host: DevHostProcess): number {
  try {
    const line = fs
      .readFileSync(`/proc/${String(host.pid)}/status`, "utf8")
      .split("\n")
      .find((l) => l.startsWith("VmHWM:"));
    return Math.round(Number(/(\d+)/u.exec(line ?? "")?.[1]) / 1024);
  } catch {
    return Number.NaN;
  }
}
