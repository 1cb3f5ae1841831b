/**
 * The Durable Functions settings of `host.json` (`extensions.durableTask`) that decide how much work one Functions host
 * instance runs at once, read as the Durable extension (2.x/3.x) reads them, so that the dev host's engine runs with
 * the concurrency one instance of the app gets in Azure:
 *
 * - `maxConcurrentActivityFunctions`: activity invocations in parallel on the instance; default 10 × cores.
 * - `maxConcurrentOrchestratorFunctions`: orchestrator episodes in parallel on the instance; default 10 × cores.
 *
 * The rest waits in the task hub (here: in the engine's queue) until a slot is free. Without the limit, ten thousand
 * cases whose reminders fall due at one moment would all start rendering, archiving and sending at once, each one's
 * requests stretched over the whole burst until the SDKs' timeouts fire (the Cosmos SDK gives up after 60 s).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { z } from "zod";

export interface DurableHostSettings {
  maxConcurrentActivityFunctions: number;
  maxConcurrentOrchestratorFunctions: number;
}

const DEFAULT_PER_CORE = 10;

const HostJson = z.object({
  extensions: z
    .object({
      durableTask: z
        .object({
          maxConcurrentActivityFunctions: z.number().int().min(1).optional(),
          maxConcurrentOrchestratorFunctions: z.number().int().min(1).optional(),
        })
        .optional(),
    })
    .optional(),
});

/** The settings from a parsed host.json (an invalid value is an error, as it is for the host). */
export function durableHostSettings(hostJson: unknown, cores = os.cpus().length): DurableHostSettings {
  const parsed = HostJson.safeParse(hostJson);
  if (!parsed.success) throw new Error(`host.json extensions.durableTask: ${z.prettifyError(parsed.error)}`);
  const dt = parsed.data.extensions?.durableTask;
  const fallback = DEFAULT_PER_CORE * Math.max(1, cores);
  return {
    maxConcurrentActivityFunctions: dt?.maxConcurrentActivityFunctions ?? fallback,
    maxConcurrentOrchestratorFunctions: dt?.maxConcurrentOrchestratorFunctions ?? fallback,
  };
}

/** The settings of `<root>/host.json`; the extension's defaults when there is no such file. */
export function readDurableHostSettings(root: string): DurableHostSettings {
  const file = path.join(root, "host.json");
  if (!fs.existsSync(file)) return durableHostSettings({});
  return durableHostSettings(JSON.parse(fs.readFileSync(file, "utf8")) as unknown);
}

/** At most `limit` holders at a time; the others wait in arrival order. */
export class Slots {
  private used = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly limit: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.used >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.used++;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next)
        next(); // the slot passes straight to the next in line
      else this.used--;
    }
  }

  /** Holders and waiters now (diagnostics). */
  get load(): { running: number; waiting: number } {
    return { running: this.used, waiting: this.waiting.length };
  }
}
