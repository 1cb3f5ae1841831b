/**
 * The Service Bus trigger settings of `host.json` (`extensions.serviceBus`), read as the Functions host's Service Bus
 * extension (5.x) reads them, so that the dev host's triggers run with the concurrency the app gets in Azure:
 *
 * - `maxConcurrentCalls`: messages in parallel per non-session trigger; default 16 per core.
 * - `maxConcurrentSessions`: sessions in parallel per session trigger; default 8.
 * - `sessionIdleTimeout` (a .NET TimeSpan, `hh:mm:ss[.fffffff]` or `d.hh:mm:ss`): how long a session trigger waits for
 *   one more message in the session it holds before it releases the session and takes another. Unset, the extension
 *   waits the client's try timeout (`clientRetryOptions.tryTimeout`, 60 s by default) — so a session holds one of the
 *   `maxConcurrentSessions` slots for that long after its last message.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { z } from "zod";

export interface ServiceBusHostSettings {
  maxConcurrentCalls: number;
  maxConcurrentSessions: number;
  sessionIdleMs: number;
}

/** The extension's defaults (Microsoft.Azure.WebJobs.Extensions.ServiceBus 5.x, ServiceBusRetryOptions.TryTimeout). */
const DEFAULT_CALLS_PER_CORE = 16;
const DEFAULT_MAX_CONCURRENT_SESSIONS = 8;
const DEFAULT_TRY_TIMEOUT_MS = 60_000;

const TIME_SPAN = /^(?:(\d+)\.)?(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,7}))?$/u;

const TimeSpan = z
  .string()
  .regex(TIME_SPAN, "a .NET TimeSpan such as 00:00:01 or 00:00:00.250")
  .transform((s) => timeSpanMs(s));

const HostJson = z.object({
  extensions: z
    .object({
      serviceBus: z
        .object({
          maxConcurrentCalls: z.number().int().min(1).optional(),
          maxConcurrentSessions: z.number().int().min(1).optional(),
          sessionIdleTimeout: TimeSpan.optional(),
          clientRetryOptions: z.object({ tryTimeout: TimeSpan.optional() }).optional(),
        })
        .optional(),
    })
    .optional(),
});

/** Milliseconds of a .NET TimeSpan string (`[d.]hh:mm:ss[.fffffff]`). */
export function timeSpanMs(s: string): number {
  const m = TIME_SPAN.exec(s);
  if (!m) throw new Error(`"${s}" is not a TimeSpan such as 00:00:01`);
  const [, days, hours, minutes, seconds, fraction] = m;
  const whole = ((Number(days ?? 0) * 24 + Number(hours)) * 60 + Number(minutes)) * 60 + Number(seconds);
  return whole * 1000 + (fraction ? Number(`0.${fraction}`) * 1000 : 0);
}

/** The settings from a parsed host.json (an invalid `serviceBus` section is an error, as it is for the host). */
export function serviceBusHostSettings(hostJson: unknown, cores = os.cpus().length): ServiceBusHostSettings {
  const parsed = HostJson.safeParse(hostJson);
  if (!parsed.success) throw new Error(`host.json extensions.serviceBus: ${z.prettifyError(parsed.error)}`);
  const sb = parsed.data.extensions?.serviceBus;
  return {
    maxConcurrentCalls: sb?.maxConcurrentCalls ?? DEFAULT_CALLS_PER_CORE * Math.max(1, cores),
    maxConcurrentSessions: sb?.maxConcurrentSessions ?? DEFAULT_MAX_CONCURRENT_SESSIONS,
    sessionIdleMs: sb?.sessionIdleTimeout ?? sb?.clientRetryOptions?.tryTimeout ?? DEFAULT_TRY_TIMEOUT_MS,
  };
}

/** The settings of `<root>/host.json`; the extension's defaults when there is no such file. */
export function readServiceBusHostSettings(root: string): ServiceBusHostSettings {
  const file = path.join(root, "host.json");
  if (!fs.existsSync(file)) return serviceBusHostSettings({});
  return serviceBusHostSettings(JSON.parse(fs.readFileSync(file, "utf8")) as unknown);
}
