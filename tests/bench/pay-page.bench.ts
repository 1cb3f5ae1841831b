/**
 * The pay page through the whole dev host (`dist/devhost/main.js`, what `npm start` runs): `BENCH_PAYPAGE_CLIENTS`
 * (default 50) clients, each on a pay link of its own (one case each, handed over through the partner API), ask
 * `GET /p/{token}` again as soon as the last answer is read, for `BENCH_PAYPAGE_SECONDS` (default 20 s). Time to first
 * byte (status line and headers) per request; the body is drained before the next one. Then, when the page carries
 * the "Spør oss" form, the same clients POST a question to it ("har dere fått betalingen min?") for the same time —
 * the form's own cost, which a plain GET must not pay.
 * Every request comes from 127.0.0.1, so the pay page's rate limits are raised through the environment.
 *
 *   npm run bench -- pay-page
 *   BENCH_PAYPAGE_SECONDS=10 npm run bench -- pay-page
 */
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { makeDataDir, ROOT, startDevHost } from "../support/devhost-process";
import { inParallel, pct } from "./helpers";

const LIMIT_RAISED = "1000000";

export async function run(): Promise<Record<string, number | string>> {
  const seconds = Number(process.env.BENCH_PAYPAGE_SECONDS ?? 20);
  const clients = Number(process.env.BENCH_PAYPAGE_CLIENTS ?? 50);
  if (!(seconds > 0) || !(clients > 0)) throw new Error("BENCH_PAYPAGE_SECONDS and _CLIENTS must be positive");
  const settings = JSON.parse(fs.readFileSync(path.join(ROOT, "local.settings.example.json"), "utf8")) as {
    Values: Record<string, string>;
  };
  const apiKey = settings.Values.DEVHOST_DEMO_API_KEY!;
  const dataDir = makeDataDir("bench-pay-page-");
  const host = await startDevHost(dataDir, {
    PAY_PAGE_RATE_PER_TOKEN: LIMIT_RAISED,
    PAY_PAGE_RATE_PER_CLIENT: LIMIT_RAISED,
    PAY_ASSISTANT_RATE_PER_TOKEN: LIMIT_RAISED,
    PAY_ASSISTANT_RATE_PER_CLIENT: LIMIT_RAISED,
  });
  try {
    const links = await inParallel(clients, 8, async (i) => {
      const res = await fetch(`${host.base}/api/v1/invoices`, {
        method: "POST",
        headers: { "x-api-key": apiKey, "content-type": "application/json" },
        body: JSON.stringify({
          invoiceNumber: `PP-${i}`,
          customer: {
            customerId: `pp-${i}`,
            name: "Kari Nordmann",
            phone: "+4791234567",
            consent: { sms: true, email: false },
          },
          amount: { value: 129_900, currency: "NOK" },
          issueDate: "2026-11-01",
          dueDate: "2026-12-15",
        }),
      });
      const body = (await res.json()) as { payLink?: string };
      if (res.status !== 201 || !body.payLink) throw new Error(`POST /api/v1/invoices answered ${res.status}`);
      return body.payLink;
    });
    const sample = await fetch(links[0]!);
    const html = Buffer.from(await sample.arrayBuffer());
    if (sample.status !== 200) throw new Error(`GET /p/{token} answered ${sample.status}`);
    const figures: Record<string, number | string> = {
      "pay page: bytes / gzip bytes": `${html.length} / ${gzipSync(html).length}`,
    };
    const get = await load(links, seconds, (link, agent) => timeToFirstByte(link, agent));
    figures[`GET /p/{token}, ${clients} clients × ${seconds} s: requests`] = get.ttfb.length;
    figures["GET: requests/s"] = Math.round(get.ttfb.length / get.seconds);
    figures["GET: TTFB p50 / p95 / p99 / max ms"] = fmt(get.ttfb);
    figures["GET: answers other than 200"] = others(get.statuses);
    const action = /<form[^>]*action="([^"]*)"[^>]*>(?:(?!<\/form>)[\s\S])*name="sporsmal"/u.exec(html.toString())?.[1];
    if (!action) {
      figures["POST question"] = "the page has no question form";
      return figures;
    }
    const post = await load(links, seconds, (link, agent) =>
      timeToFirstByte(
        new URL(action.replace(/&amp;/gu, "&"), link).toString(),
        agent,
        "sporsmal=har+dere+f%C3%A5tt+betalingen+min%3F",
      ),
    );
    figures[`POST question, ${clients} clients × ${seconds} s: requests`] = post.ttfb.length;
    figures["POST: requests/s"] = Math.round(post.ttfb.length / post.seconds);
    figures["POST: TTFB p50 / p95 / p99 / max ms"] = fmt(post.ttfb);
    figures["POST: answers other than 200"] = others(post.statuses);
    return figures;
  } finally {
    await host.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function load(
  links: string[],
  seconds: number,
  once: (link: string, agent: http.Agent) => Promise<{ status: string; ms: number }>,
): Promise<{ seconds: number; ttfb: number[]; statuses: Record<string, number> }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: links.length });
  const ttfb: number[] = [];
  const statuses: Record<string, number> = {};
  const started = performance.now();
  const until = started + seconds * 1000;
  try {
    await Promise.all(
      links.map(async (link) => {
        while (performance.now() < until) {
          const { status, ms } = await once(link, agent);
          ttfb.push(ms);
          statuses[status] = (statuses[status] ?? 0) + 1;
        }
      }),
    );
  } finally {
    agent.destroy();
  }
  return { seconds: (performance.now() - started) / 1000, ttfb, statuses };
}

/** Time from sending the request to its 'response' event; the body is then drained. */
function timeToFirstByte(url: string, agent: http.Agent, form?: string): Promise<{ status: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const req = http.request(
      url,
      {
        agent,
        method: form === undefined ? "GET" : "POST",
        headers: form === undefined ? {} : { "content-type": "application/x-www-form-urlencoded" },
      },
      (res) => {
        const ms = performance.now() - t;
        res.resume();
        res.on("end", () => resolve({ status: String(res.statusCode), ms }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(form);
  });
}

function fmt(values: number[]): string {
  const s = [...values].sort((a, b) => a - b);
  return [pct(s, 50), pct(s, 95), pct(s, 99), s[s.length - 1] ?? Number.NaN].map((v) => v.toFixed(1)).join(" / ");
}

function others(statuses: Record<string, number>): string | number {
  const rest = Object.entries(statuses).filter(([s]) => s !== "200");
  return rest.length === 0 ? 0 : rest.map(([s, n]) => `${s} × ${n}`).join(", ");
}
