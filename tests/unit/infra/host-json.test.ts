/**
 * host.json as the Functions host in Azure reads it. The `partner-commands` queue is session-enabled with one session
 * per service, so a session almost always carries one command (a suspension, and days later a reopen; a retry comes
 * back after a backoff of at least a second). After a session's message the Service Bus extension keeps the session,
 * and one of its `maxConcurrentSessions` slots, waiting `sessionIdleTimeout` for another message — 60 s (the client's
 * try timeout) when it is not set. With 8 slots held 60 s each, the trigger sends 8 commands a minute: a burst of
 * payments would push reopens far past the one-minute promise.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readServiceBusHostSettings, serviceBusHostSettings } from "../../../devhost/service-bus/host-settings";

const ROOT = path.resolve(__dirname, "..", "..", "..");
/** Payments a second the reopen promise is held at (the reopen benchmark's rate). */
const REOPENS_PER_SECOND = 20;
/** A generous time for one send to the partner (read the case, POST the order, record it). */
const SEND_MS = 500;

describe("host.json's Service Bus settings", () => {
  it("lets the partner-commands sessions keep up with 20 reopens a second, twice over", () => {
    const { maxConcurrentSessions, sessionIdleMs } = readServiceBusHostSettings(ROOT);
    // A slot is free again once the command is sent and the session has been idle for sessionIdleTimeout.
    const commandsPerSecond = (maxConcurrentSessions * 1000) / (SEND_MS + sessionIdleMs);
    expect(commandsPerSecond).toBeGreaterThanOrEqual(2 * REOPENS_PER_SECOND);
  });

  it("releases an idle session well within a second, so a new service's command never waits on an idle one", () => {
    expect(readServiceBusHostSettings(ROOT).sessionIdleMs).toBeLessThanOrEqual(1_000);
  });
});

describe("host.json's Durable Task Scheduler provider and the dev host", () => {
  const hostJson = JSON.parse(fs.readFileSync(path.join(ROOT, "host.json"), "utf8")) as {
    extensions: { durableTask: Record<string, unknown> };
  };

  it("is read by the dev host for its Service Bus settings only, the same with or without the storage provider", () => {
    expect(hostJson.extensions.durableTask["storageProvider"]).toMatchObject({ type: "azureManaged" });
    const withoutProvider = structuredClone(hostJson);
    delete withoutProvider.extensions.durableTask["storageProvider"];
    expect(readServiceBusHostSettings(ROOT)).toEqual(serviceBusHostSettings(withoutProvider));
  });

  it("leaves the dev host on its own orchestration engine: nothing in devhost/ reads the provider or its connection", () => {
    const files = (dir: string): string[] =>
      fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]))
        .filter((f) => f.endsWith(".ts"));
    const devhost = files(path.join(ROOT, "devhost"));
    expect(devhost.length).toBeGreaterThan(10);
    for (const file of devhost) {
      const text = fs.readFileSync(file, "utf8");
      expect(text, file).not.toMatch(/storageProvider|DURABLE_TASK_SCHEDULER_CONNECTION_STRING|azureManaged/);
    }
  });
});
