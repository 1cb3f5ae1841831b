import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { InstanceStore } from "../../../devhost/durable/store";
import { stateAt } from "./fixtures/durable-store-steps";

const ROOT = resolve(__dirname, "..", "..", "..");
const IDS = ["kill-a", "kill-b", "kill-c"];

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

/**
 * Runs the store in a child process (see fixtures/durable-store-process.ts) until every instance has reported
 * `minSteps` resolved saves, then kills it with SIGKILL; resolves with the last step each instance reported saved.
 */
async function runAndKill(dataDir: string, minSteps: number): Promise<Map<string, number>> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      join(ROOT, "node_modules", "vite-node", "vite-node.mjs"),
      join(__dirname, "fixtures", "durable-store-process.ts"),
      dataDir,
    ],
    { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] },
  );
  cleanups.push(() => void child.kill("SIGKILL"));
  const saved = new Map<string, number>();
  await new Promise<void>((ok, fail) => {
    let buffered = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop()!;
      for (const line of lines) {
        const { id, saved: k } = JSON.parse(line) as { id: string; saved: number };
        saved.set(id, k);
      }
      if (IDS.every((id) => (saved.get(id) ?? -1) >= minSteps)) {
        // Right after a reported save: kill at once, without a chance to write anything more.
        child.kill("SIGKILL");
        ok();
      }
    });
    child.once("exit", (code, signal) => {
      if (signal !== "SIGKILL") fail(new Error(`store process exited (${code}) before the kill`));
    });
  });
  if (child.exitCode === null && child.signalCode === null) await new Promise((ok) => child.once("exit", ok));
  // A line read after the kill was sent was still reported before the process died: it counts too.
  return saved;
}

describe("the Durable instance store under kill -9", () => {
  it("keeps every save that resolved before the process was killed (replayed from the journal)", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "durable-kill9-"));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const reported = await runAndKill(dataDir, 150); // long enough for compactions and continueAsNew on the way
    const jdir = join(dataDir, "durable", "KillHub", "journal");
    // Killed with compactions behind it (a snapshot) and lines after the last one (a journal).
    expect(readdirSync(jdir)).toContain("instances.json");
    expect(readdirSync(jdir).some((f) => f.startsWith("changes."))).toBe(true);

    const store = new InstanceStore(dataDir, "KillHub");
    const bad: string[] = [];
    const states = new Map((await store.loadAll((file) => bad.push(file))).map((s) => [s.instanceId, s]));
    expect(bad).toEqual([]); // a kill -9 tears no line: each batch is one write(2) that either happened or not
    for (const id of IDS) {
      const state = states.get(id);
      expect(state, id).toBeDefined();
      // The state saved at the last reported step, or at a later one whose line was written but not yet reported.
      const k = reported.get(id)!;
      const candidates = [k, k + 1, k + 2].map((n) => stateAt(id, n));
      const plain = (x: unknown) => JSON.parse(JSON.stringify(x)) as unknown;
      const match = candidates.findIndex((c) => isDeepStrictEqual(plain(c), plain(state)));
      if (match < 0) expect(state).toEqual(candidates[0]);
    }
    await store.close();
  });
});
