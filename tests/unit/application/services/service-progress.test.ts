import { describe, expect, it } from "vitest";
import { serviceProgressOf } from "../../../../shared/application/services/service-progress";
import type { ManagedService, ServiceCommandRecord } from "../../../../shared/domain/service-lifecycle";

const command = (over: Partial<ServiceCommandRecord>): ServiceCommandRecord => ({
  commandId: "c1.0.2",
  target: "active",
  sequence: 2,
  issuedAt: "2026-12-05T23:59:50.000Z",
  partnerState: null,
  attempts: 1,
  ...over,
});
const service = (over: Partial<ManagedService>): ManagedService => ({
  serviceId: "bb-1",
  kind: "broadband",
  state: "active",
  blockers: [],
  lastCommand: null,
  ...over,
});

describe("what the debtor is told about a service after paying", () => {
  it("gives the partner's confirmation as the wall-clock time in Norway, across midnight and daylight saving", () => {
    const winter = service({
      lastCommand: command({ partnerState: "completed", confirmedAt: "2026-12-05T23:30:00.000Z" }),
    });
    expect(serviceProgressOf(winter, "NO")).toEqual({ kind: "reopened", serviceKind: "broadband", time: "00:30" });
    const summer = service({
      lastCommand: command({ partnerState: "completed", confirmedAt: "2027-06-01T12:05:00.000Z" }),
    });
    expect(serviceProgressOf(summer, "NO")).toMatchObject({ time: "14:05" });
  });

  it("says nothing of a reopen confirmed before this payment, nor of a service we never closed", () => {
    const earlier = service({
      lastCommand: command({ partnerState: "completed", confirmedAt: "2026-11-01T10:00:00.000Z" }),
    });
    expect(serviceProgressOf(earlier, "NO", new Date("2026-12-05T10:00:00Z"))).toBeUndefined();
    expect(serviceProgressOf(service({}), "NO")).toBeUndefined();
    // A suspend order the partner failed leaves the line open: nothing for the debtor to hear.
    const failedSuspend = service({
      state: "failed",
      lastCommand: command({ target: "inactive", partnerState: "failed" }),
    });
    expect(serviceProgressOf(failedSuspend, "NO")).toBeUndefined();
  });

  it("tells a reopen under way, a reopen that is late, and a line still closed and by whom", () => {
    expect(serviceProgressOf(service({ state: "reopening", lastCommand: command({}) }), "NO")).toEqual({
      kind: "reopening",
      serviceKind: "broadband",
    });
    expect(
      serviceProgressOf(service({ state: "escalated", kind: "power-meter", lastCommand: command({}) }), "NO"),
    ).toEqual({ kind: "reopen-delayed", serviceKind: "power-meter" });
    const since = "2026-12-01T10:00:00.000Z";
    const overdue = service({ state: "suspended", blockers: [{ kind: "overdue", since }] });
    expect(serviceProgressOf(overdue, "NO")).toMatchObject({ kind: "closed", heldBy: "overdue" });
    const manual = service({
      state: "suspended",
      blockers: [
        { kind: "overdue", since },
        { kind: "manual", reason: "moving", by: "cs-1", since },
      ],
    });
    expect(serviceProgressOf(manual, "NO")).toMatchObject({ kind: "closed", heldBy: "manual" });
  });
});
