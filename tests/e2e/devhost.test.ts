import { afterAll, describe, expect, it } from "vitest";
import { CLOCK_START, makeDataDir, startDevHost, type DevHostProcess } from "../support/devhost-process";
import packageJson from "../../package.json";
import { json } from "../support/http";

const DAY = 86_400_000;
const dataDir = makeDataDir();
let host: DevHostProcess | undefined;

afterAll(async () => {
  await host?.stop();
});

describe("npm start (the dev host process)", () => {
  it("answers GET /api/health with 200 and the version once it says it is ready", async () => {
    host = await startDevHost(dataDir);
    const res = await fetch(`${host.base}/api/health`);
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ status: "ok", version: packageJson.version });
  });

  it("starts its virtual clock at DEVHOST_CLOCK_START on a fresh data folder", async () => {
    const now = Date.parse((await json(await fetch(`${host!.base}/api/dev/clock`))).now);
    expect(now).toBeGreaterThanOrEqual(Date.parse(CLOCK_START));
    expect(now - Date.parse(CLOCK_START)).toBeLessThan(60_000);
  });

  it("refuses to start with a DEVHOST_CLOCK_START that is not an instant, naming the setting", async () => {
    const started = startDevHost(makeDataDir(), { DEVHOST_CLOCK_START: "next Monday" });
    await expect(started).rejects.toThrow(/exited with 1[\s\S]*DEVHOST_CLOCK_START must be an ISO 8601 instant/);
  });

  it("prints what listens where at start", () => {
    expect(host!.stdout()).toContain(`${host!.base}/api/health`);
    expect(host!.stdout()).toMatch(/cosmos\s+http:\/\/127\.0\.0\.1:\d+/);
    expect(host!.stdout()).toMatch(/serviceBus\s+amqp:\/\/127\.0\.0\.1:\d+/);
  });

  it("serves Min side's action forms with the app's own wiring: nobody signed in is sent to sign in", async () => {
    for (const form of ["utsettelse", "nedbetaling", "innsigelse", "jeg-har-betalt"]) {
      for (const method of ["GET", "POST"]) {
        const res = await fetch(`${host!.base}/min-side/krav/t_any/c_any/${form}`, { method, redirect: "manual" });
        expect(res.status, `${method} ${form}`).toBe(303);
        expect(res.headers.get("location")).toBe("/min-side/logg-inn");
      }
    }
  });

  it("logs one structured line per invocation without request data", async () => {
    await fetch(`${host!.base}/api/health?phone=4799999999`);
    const line = host!.logs.find((l) => l.msg === "invocation" && l.function === "health");
    expect(line).toMatchObject({ trigger: "httpTrigger", outcome: "succeeded" });
    expect(typeof line!.invocationId).toBe("string");
    expect(typeof line!.durationMs).toBe("number");
    expect(JSON.stringify(host!.logs)).not.toContain("4799999999");
  });

  it("moves the virtual clock forward by an ISO duration or to a moment, and refuses to go back", async () => {
    const before = Date.parse((await json(await fetch(`${host!.base}/api/dev/clock`))).now);
    const advanced = await fetch(`${host!.base}/api/dev/clock`, {
      method: "POST",
      body: JSON.stringify({ advance: "P7D" }),
    });
    expect(advanced.status).toBe(200);
    const after = Date.parse((await json(advanced)).now);
    expect(after - before).toBeGreaterThanOrEqual(7 * DAY);
    expect(after - before).toBeLessThan(7 * DAY + 60_000);
    const back = await fetch(`${host!.base}/api/dev/clock`, {
      method: "POST",
      body: JSON.stringify({ to: "2020-01-01T00:00:00Z" }),
    });
    expect(back.status).toBe(409);
    const bad = await fetch(`${host!.base}/api/dev/clock`, {
      method: "POST",
      body: JSON.stringify({ advance: "a week" }),
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toContain("application/problem+json");
    expect((await json(bad)).errors[0].pointer).toBe("/advance");
  });

  it("keeps the virtual clock across a restart", async () => {
    const beforeStop = Date.parse((await json(await fetch(`${host!.base}/api/dev/clock`))).now);
    expect(await host!.stop()).toBe(0);
    host = await startDevHost(dataDir);
    const afterRestart = Date.parse((await json(await fetch(`${host.base}/api/dev/clock`))).now);
    // The saved clock (7 days on) wins over DEVHOST_CLOCK_START, which only places a fresh clock.
    expect(afterRestart).toBeGreaterThanOrEqual(beforeStop);
    expect(afterRestart - Date.parse(CLOCK_START)).toBeGreaterThanOrEqual(7 * DAY);
  });
});
