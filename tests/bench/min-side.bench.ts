/**
 * Min side's overview through the whole dev host (`dist/devhost/main.js`, what `npm start` runs): one person with 20
 * claims (10 at each demo creditor, handed over through the partner API), among `BENCH_MINSIDE_OTHER_CASES` other
 * people's cases (default 2 000, by the batch endpoint), 20 users signed in with "BankID" at the local OIDC provider,
 * each asking `GET /min-side` again as soon as the last answer is read, for `BENCH_MINSIDE_SECONDS` (default 20 s).
 * Time to first byte (fetch resolving with the headers) per request; the full page is read before the next one.
 * Every request comes from 127.0.0.1, so the per-client page limit is raised through the environment.
 *
 *   npm run bench -- min-side
 *   BENCH_MINSIDE_OTHER_CASES=0 BENCH_MINSIDE_SECONDS=10 npm run bench -- min-side
 */
import fs from "node:fs";
import path from "node:path";
import { makeDataDir, ROOT, startDevHost } from "../support/devhost-process";
import { MiniBrowser, signInWithLocalBankId } from "../support/min-side-browser";
import { TEST_PERSONS } from "../../devhost/oidc/test-persons";
import { inParallel, pct } from "./helpers";

const USERS = 20;
const CLAIMS = 20;

export async function run(): Promise<Record<string, number | string>> {
  const seconds = Number(process.env.BENCH_MINSIDE_SECONDS ?? 20);
  const others = Number(process.env.BENCH_MINSIDE_OTHER_CASES ?? 2000);
  const settings = JSON.parse(fs.readFileSync(path.join(ROOT, "local.settings.example.json"), "utf8")) as {
    Values: Record<string, string>;
  };
  const keys = [settings.Values.DEVHOST_DEMO_API_KEY!, settings.Values.DEVHOST_SECOND_DEMO_API_KEY!];
  const person = TEST_PERSONS[2]!; // no demo claims of their own
  const host = await startDevHost(makeDataDir("bench-min-side-"), { PAY_PAGE_RATE_PER_CLIENT: "1000000" });
  try {
    const today = new Date(Date.parse("2026-11-02T09:00:00Z"));
    const day = (offset: number) => new Date(today.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
    const invoice = (n: string, nationalId: string | undefined, name: string) => ({
      invoiceNumber: n,
      customer: {
        customerId: `bench-${n}`,
        name,
        ...(nationalId ? { nationalId } : {}),
        address: { lines: ["Storgata 1"], postalCode: "0155", city: "Oslo", country: "NO" },
        consent: { sms: false, email: false },
      },
      amount: { value: 50_000 + Number(n.replace(/\D/gu, "")) * 100, currency: "NOK" },
      issueDate: day(-5),
      dueDate: day(10),
    });
    for (let i = 0; i < others; i += 1000) {
      const batch = Array.from({ length: Math.min(1000, others - i) }, (_, j) =>
        invoice(`OTHER-${i + j}`, undefined, "Someone Else"),
      );
      const response = await fetch(`${host.base}/api/v1/invoices/batch`, {
        method: "POST",
        headers: { "x-api-key": keys[0]!, "content-type": "application/json" },
        body: JSON.stringify({ invoices: batch }),
      });
      if (!response.ok) throw new Error(`batch of other cases: HTTP ${response.status} ${await response.text()}`);
    }
    await inParallel(CLAIMS, 4, async (i) => {
      const response = await fetch(`${host.base}/api/v1/invoices`, {
        method: "POST",
        headers: { "x-api-key": keys[i % 2]!, "content-type": "application/json" },
        body: JSON.stringify(invoice(`MS-BENCH-${i}`, person.nationalId, person.name)),
      });
      if (response.status !== 201) throw new Error(`claim ${i}: HTTP ${response.status}`);
    });
    const users = await inParallel(USERS, 4, async () => {
      const browser = new MiniBrowser();
      const overview = await signInWithLocalBankId(browser, host.base, person.sub);
      const shown = overview.body.match(/\/min-side\/krav\/[^"/]+\/[^"/]+"/gu)?.length ?? 0;
      if (overview.status !== 200 || shown !== CLAIMS)
        throw new Error(`overview: HTTP ${overview.status}, ${shown} claims shown`);
      return browser;
    });
    const ttfb: number[] = [];
    let failures = 0;
    let bytes = 0;
    const until = performance.now() + seconds * 1000;
    const started = performance.now();
    await Promise.all(
      users.map(async (browser) => {
        const cookie = browser.jar.header(host.base);
        while (performance.now() < until) {
          const t0 = performance.now();
          const response = await fetch(`${host.base}/min-side`, { headers: { cookie }, redirect: "manual" });
          const t1 = performance.now();
          const body = await response.text();
          if (response.status !== 200) failures++;
          else {
            ttfb.push(t1 - t0);
            bytes = body.length;
          }
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    return {
      "claims of the person (two creditors)": CLAIMS,
      "other people's cases in the store": others,
      "concurrent users": USERS,
      "requests answered 200": ttfb.length,
      "requests failed": failures,
      "overview requests/s": ttfb.length / elapsed,
      "overview TTFB ms p50": pct(ttfb, 50),
      "overview TTFB ms p95": pct(ttfb, 95),
      "overview TTFB ms p99": pct(ttfb, 99),
      "overview TTFB ms max": Math.max(...ttfb),
      "overview page bytes": bytes,
    };
  } finally {
    await host.stop();
  }
}
