/**
 * Runs the dev host exactly as `npm start` does (the compiled `dist/devhost/main.js`), on free ports and a data
 * folder of its own, and hands its address and log lines to the test.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const UP = path.resolve(__dirname, "..", "..");
/** The repository, whether this file runs as TypeScript (tests) or compiled from dist/tests (benches). */
export const ROOT = path.basename(UP) === "dist" ? path.dirname(UP) : UP;

export interface DevHostProcess {
  /** The dev host's process id. */
  pid: number | undefined;
  base: string;
  /** Addresses of the stand-ins this run started (ports differ between runs). */
  standIns: Record<string, string>;
  dataDir: string;
  logs: Array<Record<string, unknown>>;
  stdout: () => string;
  stop: () => Promise<number | null>;
}

/**
 * Where the dev host's virtual clock starts in tests (`DEVHOST_CLOCK_START`), so that what a test sees never depends on
 * the day or the hour it runs: Monday 2 November 2026, 10:00 in Oslo — a working day with no public holiday in the
 * ladder's first weeks, an hour after the ladder's 09:00 send time, so "N days later" lands after that day's step.
 * A test may pass another `DEVHOST_CLOCK_START` (or `""` for real time) in `extraEnv`.
 */
export const CLOCK_START = "2026-11-02T09:00:00Z";

export function makeDataDir(prefix = "devhost-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export async function startDevHost(
  dataDir: string,
  extraEnv: Record<string, string> = {},
  timeoutMs = 60_000,
  options: { nodeArgs?: string[] } = {},
): Promise<DevHostProcess> {
  const main = path.join(ROOT, "dist", "devhost", "main.js");
  if (!fs.existsSync(main))
    throw new Error("dist/devhost/main.js is missing: npm test builds it first (npm run build)");
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "test" };
  Object.assign(
    env,
    {
      PORT: "0",
      DEVHOST_AUTO_PORTS: "true",
      DEVHOST_DATA_DIR: dataDir,
      DEVHOST_CLOCK_START: CLOCK_START,
      // Min side's demo claims only for the tests that ask for them: they would add letters to every other test's run.
      DEVHOST_DEMO_PEOPLE: "false",
    },
    extraEnv,
  );
  const child: ChildProcess = spawn(process.execPath, [...(options.nodeArgs ?? []), main], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: Array<Record<string, unknown>> = [];
  let out = "";
  let err = "";
  let standIns: Record<string, string> = {};
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`dev host not ready within ${timeoutMs} ms\n${out}\n${err}`)),
      timeoutMs,
    );
    let buffer = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      buffer += chunk.toString();
      let i: number;
      while ((i = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 1);
        if (!line.startsWith("{")) continue;
        try {
          const record = JSON.parse(line) as Record<string, unknown>;
          logs.push(record);
          if (record.msg === "ready") {
            clearTimeout(timer);
            standIns = (record.standIns ?? {}) as Record<string, string>;
            resolve(String(record.http));
          }
        } catch {
          /* not a log line */
        }
      }
    });
    child.stderr!.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`dev host exited with ${code} before it was ready\n${out}\n${err}`));
    });
  });
  const base = await ready;
  return {
    pid: child.pid,
    base,
    standIns,
    dataDir,
    logs,
    stdout: () => out,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once("exit", (code) => resolve(code));
        child.kill("SIGTERM");
      }),
  };
}
