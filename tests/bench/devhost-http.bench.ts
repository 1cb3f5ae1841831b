/**
 * The dev host's own overhead: GET /api/health through the HTTP server, registration capture and invoker, at
 * 1 and 50 concurrent clients.
 */
import { installFunctionsCore } from "../../devhost/functions-core";
import { DevHttpServer } from "../../devhost/http-server";
import { Invoker } from "../../devhost/invoker";
import { WorkTracker } from "../../devhost/work-tracker";
import { silentLogger } from "../../devhost/logger";

export async function run(): Promise<Record<string, number | string>> {
  const registry = installFunctionsCore();
  if (!registry.byName("health")) (await import("../../functions/health")).registerHealth();
  const server = new DevHttpServer({
    registry,
    invoker: new Invoker(registry, new WorkTracker(), silentLogger),
    logger: silentLogger,
    keys: {},
    devRoutes: [],
  });
  const base = `http://127.0.0.1:${await server.listen(0)}`;
  const figures: Record<string, number | string> = {};
  try {
    for (const concurrency of [1, 50]) {
      const total = concurrency === 1 ? 1_000 : 5_000;
      let next = 0;
      const latencies: number[] = [];
      const started = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < total) {
            next++;
            const t = performance.now();
            const res = await fetch(`${base}/api/health`);
            await res.arrayBuffer();
            if (res.status !== 200) throw new Error(`health answered ${res.status}`);
            latencies.push(performance.now() - t);
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      latencies.sort((a, b) => a - b);
      const pct = (p: number) =>
        latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
      figures[`GET /api/health, ${concurrency} client(s): requests/s`] = Math.round(latencies.length / seconds);
      figures[`GET /api/health, ${concurrency} client(s): p50 / p99 ms`] =
        `${pct(50).toFixed(2)} / ${pct(99).toFixed(2)}`;
    }
  } finally {
    await server.close();
  }
  return figures;
}
