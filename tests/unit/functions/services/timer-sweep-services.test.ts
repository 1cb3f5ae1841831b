/**
 * The services sweep's timer (every 10 s): a reopen not confirmed within `SERVICE_REOPEN_LIMIT_SECONDS` raises ONE
 * warning trace `service.reopen_delayed` (the one the Bicep alert rule watches), naming ids only, however many
 * sweeps follow.
 */
import { InvocationContext, type Timer } from "@azure/functions";
import { beforeEach, describe, expect, it } from "vitest";
import { makeSweepServicesFunction } from "../../../../functions/services/timer-sweep-services";
import {
  CUSTOMER_NAME,
  CUSTOMER_PHONE,
  payInFull,
  sendQueued,
  serviceOf,
  servicesWorld,
  suspendedCase,
  type ServicesWorld,
} from "../../application/services/services-fixtures";

let w: ServicesWorld;
beforeEach(async () => {
  w = await servicesWorld();
});

const timer: Timer = { isPastDue: false, schedule: { adjustForDST: false }, scheduleStatus: undefined as never };

/** Runs the timer once; its log lines as [level, ...args]. */
async function tick(deps = w.deps): Promise<unknown[][]> {
  const logged: unknown[][] = [];
  const context = new InvocationContext({
    invocationId: "5a1c2e3f-1111-4222-8333-944455556666",
    functionName: "sweepServiceCommands",
    logHandler: (level, ...args) => logged.push([level, ...args]),
  });
  await makeSweepServicesFunction(() => deps)(timer, context);
  return logged;
}

function warnings(logged: unknown[][]): unknown[][] {
  return logged.filter(([level]) => level === "warning");
}

async function reopenAcknowledged(): Promise<string> {
  const caseId = await suspendedCase(w);
  await payInFull(w, caseId);
  expect(await sendQueued(w)).toEqual([{ kind: "sent", partnerState: "acknowledged" }]);
  return caseId;
}

describe("the sweep timer and a late reopen", () => {
  it("warns service.reopen_delayed once, with ids only, when a reopen is not confirmed within 60 s", async () => {
    const caseId = await reopenAcknowledged();
    const service = await serviceOf(w, caseId);

    const logs: unknown[][] = [];
    for (let s = 10; s <= 180; s += 10) {
      w.clock.set(new Date(Date.parse(service.lastCommand!.issuedAt) + s * 1000).toISOString());
      logs.push(...(await tick()));
    }

    expect(warnings(logs)).toEqual([
      [
        "warning",
        "service.reopen_delayed",
        {
          event: "service.reopen_delayed",
          tenantId: w.tenantId,
          caseId,
          commandId: service.lastCommand!.commandId,
          issuedAt: service.lastCommand!.issuedAt,
        },
      ],
    ]);
    const text = JSON.stringify(logs);
    for (const personal of [CUSTOMER_NAME, CUSTOMER_PHONE]) expect(text).not.toContain(personal);
    expect((await serviceOf(w, caseId)).state).toBe("escalated");
  });

  it("follows SERVICE_REOPEN_LIMIT_SECONDS", async () => {
    const caseId = await reopenAcknowledged();
    const deps = { ...w.deps, reopenLimitSeconds: 300 };

    w.advance(290_000);
    expect(warnings(await tick(deps))).toEqual([]);
    expect((await serviceOf(w, caseId)).state).toBe("reopening");
    w.advance(20_000);
    expect(warnings(await tick(deps))).toHaveLength(1);
  });

  it("logs nothing when there is nothing to do", async () => {
    await suspendedCase(w);
    w.advance(60_000);
    expect(await tick()).toEqual([]);
  });
});
