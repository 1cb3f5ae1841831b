/**
 * `npm run bench`: runs each benchmark in turn against freshly started local services and prints its figures.
 * Figures are measurements of this machine, printed for people; nothing here asserts a speed.
 *   npm run bench                 all benchmarks
 *   npm run bench -- sms cosmos   only those whose name contains one of the words
 *   npm run bench -- reopen       a paid, suspended broadband service reopened, end to end (reopen.bench.ts)
 *   npm run bench -- ladder       N cases from the due date to a delivered collection notice (ladder.bench.ts)
 *   npm run bench -- assistant    the intent classifier: held-out accuracy, latency in process and over HTTP (assistant.bench.ts)
 *   npm run bench -- min-side     Min side's overview TTFB, a person with 20 claims, 20 users (min-side.bench.ts)
 *   npm run bench -- pay-page     the pay page's GET TTFB, 50 clients; and its "Spør oss" POST (pay-page.bench.ts)
 *   npm run bench -- kpis         the KPI projection's events/s and the dashboard's page time (kpis.bench.ts;
 *                                 `-- kpis --cases 200000` for the 200 000 cases)
 */
import os from "node:os";
import { installFunctionsCore } from "../../devhost/functions-core";

// Benchmarks import function files: capture their registrations as the dev host does (no "test mode" warnings).
installFunctionsCore();

type Bench = { name: string; load: () => Promise<{ run: () => Promise<Record<string, number | string>> }> };

const BENCHES: Bench[] = [
  { name: "dev host HTTP", load: () => import("./devhost-http.bench") },
  { name: "stand-ins (Cosmos, SMS)", load: () => import("./stand-ins.bench") },
  { name: "service bus", load: () => import("./service-bus.bench") },
  { name: "durable engine", load: () => import("./durable.bench") },
  { name: "invoice intake", load: () => import("./invoice-intake.bench") },
  { name: "payments", load: () => import("./payments.bench") },
  { name: "reopen", load: () => import("./reopen.bench") },
  { name: "letters", load: () => import("./letters.bench") },
  { name: "ladder", load: () => import("./ladder.bench") },
  { name: "assistant", load: () => import("./assistant.bench") },
  { name: "min-side overview", load: () => import("./min-side.bench") },
  { name: "pay-page", load: () => import("./pay-page.bench") },
  { name: "kpis", load: () => import("./kpis.bench") },
];

async function main(): Promise<void> {
  // Words are bench names; `--option value` pairs are the selected benches' own (kpis: --cases N).
  const filters = process.argv
    .slice(2)
    .filter((a, i, all) => !a.startsWith("--") && !all[i - 1]?.startsWith("--"))
    .map((f) => f.toLowerCase());
  const selected = BENCHES.filter((b) => filters.length === 0 || filters.some((f) => b.name.toLowerCase().includes(f)));
  console.log(
    `# bench on ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, load ${loadAverage()}`,
  );
  let failed = 0;
  for (const bench of selected) {
    const started = performance.now();
    try {
      const figures = await (await bench.load()).run();
      console.log(
        `\n## ${bench.name} (${((performance.now() - started) / 1000).toFixed(1)} s, load after ${loadAverage()})`,
      );
      for (const [key, value] of Object.entries(figures)) {
        console.log(`  ${key.padEnd(58)} ${typeof value === "number" ? formatNumber(value) : value}`);
      }
    } catch (err) {
      failed++;
      console.log(`\n## ${bench.name}: FAILED — ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
  }
  process.exit(failed ? 1 : 0);
}

/** The machine's 1/5/15-minute load averages: figures from a busy machine are not comparable with a quiet one's. */
function loadAverage(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" / ");
}

function formatNumber(n: number): string {
  return Number.isInteger(n) ? n.toLocaleString("en-US") : n.toLocaleString("en-US", { maximumFractionDigits: 1 });
}

void main();
