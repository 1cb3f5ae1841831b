/**
 * host.json as the Functions host in Azure reads it. The `partner-commands` queue is session-enabled with one session
 * per service, so a session almost always carries one command (a suspension, and days later a reopen; a retry comes
 * back after a backoff of at least a second). After a session's message the Service Bus extension keeps the session,
 * and one of its `maxConcurrentSessions` slots, waiting `sessionIdleTimeout` for another message — 60 s (the client's
 * try timeout) when it is not set. With 8 slots held 60 s each, the trigger sends 8 commands a minute: a burst of
 * payments would push reopens far past the one-minute promise.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readServiceBusHostSettings } from "../../../devhost/service-bus/host-settings";

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
