/**
 * Local settings, read the way `func start` reads them: `local.settings.json` (falling back to the committed
 * `local.settings.example.json`), whose `Values` become environment variables unless the environment already sets them.
 */
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";

const LocalSettingsFile = z.object({
  IsEncrypted: z.boolean().optional(),
  Values: z.record(z.string(), z.string()),
  Host: z
    .object({ LocalHttpPort: z.number().int().min(0).max(65535).optional(), CORS: z.string().optional() })
    .partial()
    .optional(),
});
export type LocalSettingsFile = z.infer<typeof LocalSettingsFile>;

export interface LoadedSettings {
  file: string;
  values: Record<string, string>;
  localHttpPort?: number;
}

export function loadLocalSettings(root: string): LoadedSettings {
  const candidates = ["local.settings.json", "local.settings.example.json"].map((f) => path.join(root, f));
  const file = candidates.find((f) => fs.existsSync(f));
  if (!file) throw new Error(`Neither local.settings.json nor local.settings.example.json exists in ${root}`);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`${path.basename(file)} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  const parsed = LocalSettingsFile.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${path.basename(file)}: ${issue?.path.join(".") || "(root)"}: ${issue?.message}`);
  }
  if (parsed.data.IsEncrypted)
    throw new Error(`${path.basename(file)} is encrypted; the dev host reads plain settings only`);
  return { file, values: parsed.data.Values, localHttpPort: parsed.data.Host?.LocalHttpPort };
}

/** Copies settings into `env` without overriding what the environment already sets. */
export function applySettings(values: Record<string, string>, env: NodeJS.ProcessEnv): void {
  for (const [key, value] of Object.entries(values)) {
    if (env[key] === undefined) env[key] = value;
  }
}

/** Parses `Key=Value;Key=Value` connection strings (case-insensitive keys). */
export function parseConnectionString(cs: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of cs.split(";")) {
    const i = part.indexOf("=");
    if (i > 0) map.set(part.slice(0, i).trim().toLowerCase(), part.slice(i + 1).trim());
  }
  return map;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

/** True when the URL names this machine, i.e. a local stand-in should serve it. */
export function isLoopbackUrl(value: string | undefined): boolean {
  if (!value) return false;
  try {
    return LOOPBACK.has(new URL(value).hostname.toLowerCase());
  } catch {
    return false;
  }
}

export function portOf(url: string, fallback: number): number {
  const u = new URL(url);
  return u.port ? Number(u.port) : fallback;
}

/** The setting that makes a fresh virtual clock start at a fixed instant instead of real time. */
export const CLOCK_START_SETTING = "DEVHOST_CLOCK_START";

/**
 * `DEVHOST_CLOCK_START`: the instant (ISO 8601 with `Z` or an offset, e.g. `2026-11-02T08:00:00Z`) the dev host's
 * virtual clock starts at; undefined when unset or empty. Read by the dev host only, never by the app.
 */
export function clockStartFrom(env: NodeJS.ProcessEnv): number | undefined {
  const value = env[CLOCK_START_SETTING]?.trim();
  if (!value) return undefined;
  const ms = z.iso.datetime({ offset: true }).safeParse(value).success ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms)) {
    throw new Error(
      `${CLOCK_START_SETTING} must be an ISO 8601 instant with a time zone, such as 2026-11-02T08:00:00Z (it is "${value}")`,
    );
  }
  return ms;
}
