import { describe, expect, it } from "vitest";
import { serviceBusHostSettings, timeSpanMs } from "../../../devhost/service-bus/host-settings";

describe("host.json's Service Bus settings, as the Functions host reads them", () => {
  it("takes maxConcurrentCalls, maxConcurrentSessions and sessionIdleTimeout from extensions.serviceBus", () => {
    const hostJson = {
      version: "2.0",
      extensions: {
        serviceBus: { maxConcurrentCalls: 12, maxConcurrentSessions: 20, sessionIdleTimeout: "00:00:00.250" },
      },
    };
    expect(serviceBusHostSettings(hostJson, 2)).toEqual({
      maxConcurrentCalls: 12,
      maxConcurrentSessions: 20,
      sessionIdleMs: 250,
    });
  });

  it("holds an idle session for the client's try timeout when sessionIdleTimeout is unset — 60 s unless set", () => {
    expect(serviceBusHostSettings({ extensions: { serviceBus: { maxConcurrentSessions: 8 } } }, 2)).toEqual({
      maxConcurrentCalls: 32,
      maxConcurrentSessions: 8,
      sessionIdleMs: 60_000,
    });
    expect(
      serviceBusHostSettings({ extensions: { serviceBus: { clientRetryOptions: { tryTimeout: "00:00:30" } } } }, 4),
    ).toEqual({ maxConcurrentCalls: 64, maxConcurrentSessions: 8, sessionIdleMs: 30_000 });
    expect(serviceBusHostSettings({}, 1)).toEqual({
      maxConcurrentCalls: 16,
      maxConcurrentSessions: 8,
      sessionIdleMs: 60_000,
    });
  });

  it("reads .NET TimeSpans with days and fractions of a second", () => {
    expect(timeSpanMs("00:00:01")).toBe(1_000);
    expect(timeSpanMs("00:01:00")).toBe(60_000);
    expect(timeSpanMs("00:00:00.1")).toBe(100);
    expect(timeSpanMs("1.02:03:04.5")).toBe(((26 * 60 + 3) * 60 + 4) * 1000 + 500);
  });

  it.each([{ sessionIdleTimeout: "100ms" }, { sessionIdleTimeout: 1 }, { maxConcurrentSessions: 0 }])(
    "refuses an invalid setting (%o), as the host does",
    (serviceBus) => {
      expect(() => serviceBusHostSettings({ extensions: { serviceBus } })).toThrow(/host\.json extensions\.serviceBus/);
    },
  );
});
