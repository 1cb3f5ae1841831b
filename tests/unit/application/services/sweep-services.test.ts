/**
 * The services sweep (every 10 s): a command whose enqueue was lost is put on the queue again after 5 s; an order the
 * partner has not called back about for 15 s is read back from the partner; a reopen not confirmed within the limit
 * (60 s) is escalated — once, however many sweeps follow.
 */
import { beforeEach, describe, expect, it } from "vitest";
import {
  makeSweepServices,
  POLL_AFTER_MS,
  RESEND_UNSENT_AFTER_MS,
  type SweepDeps,
} from "../../../../shared/application/services/partner-commands";
import {
  currentCommandId,
  orderSuspension,
  payInFull,
  published,
  registerBroadband,
  sendQueued,
  serviceOf,
  servicesWorld,
  suspendedCase,
  type ServicesWorld,
} from "./services-fixtures";

let w: ServicesWorld;
let escalations: Array<Parameters<NonNullable<SweepDeps["onEscalated"]>>[0]>;
beforeEach(async () => {
  w = await servicesWorld();
  escalations = [];
});

function sweep(options: { reopenLimitSeconds?: number } = {}) {
  return makeSweepServices({ ...w.deps, ...options, onEscalated: (e) => escalations.push(e) })();
}

describe("the outbox relay: commands decided but never put on the queue", () => {
  it("puts a suspension whose enqueue was lost on the queue again once it is 5 s old, and it reaches the partner", async () => {
    const caseId = await registerBroadband(w);
    w.partnerCommands.failNext = 1; // Service Bus unreachable right after the case was written
    await orderSuspension(w, caseId);
    expect(w.partnerCommands.queued).toEqual([]);
    const commandId = await currentCommandId(w, caseId);

    w.advance(RESEND_UNSENT_AFTER_MS - 100);
    expect(await sweep()).toMatchObject({ cases: 1, resent: 0 });
    expect(w.partnerCommands.queued).toEqual([]);

    w.advance(100);
    expect(await sweep()).toMatchObject({ cases: 1, resent: 1 });
    expect(w.partnerCommands.queued.map((q) => q.message)).toEqual([
      expect.objectContaining({ caseId, commandId, target: "inactive", attempt: 1 }),
    ]);

    expect(await sendQueued(w)).toEqual([{ kind: "sent", partnerState: "acknowledged" }]);
    expect(w.partnerGateway.placed.map((p) => p.commandId)).toEqual([commandId]);
  });

  it("does not send a command again once an attempt is on record", async () => {
    const caseId = await registerBroadband(w);
    await orderSuspension(w, caseId);
    w.partnerGateway.mode = "down";
    await sendQueued(w); // attempt 1 failed; attempt 2 is waiting in the session
    w.partnerCommands.drain();

    w.advance(RESEND_UNSENT_AFTER_MS * 2);
    expect(await sweep()).toMatchObject({ resent: 0 });
    expect(w.partnerCommands.queued).toEqual([]);
    expect((await serviceOf(w, caseId)).state).toBe("suspending");
  });
});

describe("the polling fallback: orders the partner has not called back about", () => {
  it("reads the order back after 15 s without a callback and records the suspension the partner completed", async () => {
    const caseId = await registerBroadband(w);
    await orderSuspension(w, caseId);
    await sendQueued(w);
    const commandId = await currentCommandId(w, caseId);
    w.partnerGateway.complete(commandId); // done at the partner, but its callback never arrives

    w.advance(POLL_AFTER_MS - 1_000);
    expect(await sweep()).toMatchObject({ polled: 0 });
    expect((await serviceOf(w, caseId)).state).toBe("suspending");

    w.advance(1_000);
    expect(await sweep()).toMatchObject({ polled: 1 });
    expect(await serviceOf(w, caseId)).toMatchObject({
      state: "suspended",
      lastCommand: { commandId, partnerState: "completed" },
    });
    expect(published(w, "service.suspended")).toEqual([
      expect.objectContaining({ caseId, data: expect.objectContaining({ commandId }) }),
    ]);
    // The case is done: later sweeps no longer look at it.
    w.advance(10_000);
    expect(await sweep()).toMatchObject({ cases: 0 });
  });

  it("leaves the service as it is while the partner cannot be reached, and reads it once it is back", async () => {
    const caseId = await registerBroadband(w);
    await orderSuspension(w, caseId);
    await sendQueued(w);
    w.partnerGateway.complete(await currentCommandId(w, caseId));
    w.partnerGateway.mode = "down";

    w.advance(POLL_AFTER_MS);
    expect(await sweep()).toMatchObject({ polled: 0 });
    expect((await serviceOf(w, caseId)).state).toBe("suspending");

    w.partnerGateway.mode = "up";
    w.advance(10_000);
    expect(await sweep()).toMatchObject({ polled: 1 });
    expect((await serviceOf(w, caseId)).state).toBe("suspended");
  });
});

describe("a reopen the partner does not confirm in time", () => {
  /** A suspended case, paid at the world's clock: the reopen is ordered and acknowledged by the partner. */
  async function reopenAcknowledged(): Promise<{ caseId: string; reopenId: string; issuedAt: string }> {
    const caseId = await suspendedCase(w);
    await payInFull(w, caseId);
    expect(await sendQueued(w)).toEqual([{ kind: "sent", partnerState: "acknowledged" }]);
    const service = await serviceOf(w, caseId);
    return { caseId, reopenId: service.lastCommand!.commandId, issuedAt: service.lastCommand!.issuedAt };
  }

  it("is escalated once after 60 s: one service.reopen_delayed and one alert however many sweeps follow", async () => {
    const { caseId, reopenId, issuedAt } = await reopenAcknowledged();

    for (let s = 10; s <= 60; s += 10) {
      w.clock.set(new Date(Date.parse(issuedAt) + s * 1000).toISOString());
      expect(await sweep()).toMatchObject({ escalated: 0 });
    }
    expect((await serviceOf(w, caseId)).state).toBe("reopening");

    for (let s = 70; s <= 120; s += 10) {
      w.clock.set(new Date(Date.parse(issuedAt) + s * 1000).toISOString());
      await sweep();
    }

    expect((await serviceOf(w, caseId)).state).toBe("escalated");
    expect(escalations).toEqual([{ tenantId: w.tenantId, caseId, commandId: reopenId, issuedAt }]);
    expect(published(w, "service.reopen_delayed")).toEqual([
      expect.objectContaining({ caseId, data: expect.objectContaining({ commandId: reopenId, issuedAt }) }),
    ]);
    expect(w.sms).toEqual([]);
  });

  it("reopens the escalated service when a later poll finds the order completed: active, one SMS, service.reopened", async () => {
    const { caseId, reopenId } = await reopenAcknowledged();
    w.advance(70_000);
    await sweep();
    expect((await serviceOf(w, caseId)).state).toBe("escalated");

    w.partnerGateway.complete(reopenId);
    w.advance(10_000);
    expect(await sweep()).toMatchObject({ polled: 1, escalated: 0 });
    w.advance(10_000);
    await sweep();

    expect(await serviceOf(w, caseId)).toMatchObject({ state: "active", lastCommand: { partnerState: "completed" } });
    expect(w.sms).toHaveLength(1);
    expect(w.sms[0]!.text).toContain("åpnet igjen");
    expect(published(w, "service.reopened")).toHaveLength(1);
    expect(escalations).toHaveLength(1);
  });

  it("escalates a reopen that never reached a partner that is down", async () => {
    const caseId = await suspendedCase(w);
    w.partnerGateway.mode = "down";
    await payInFull(w, caseId);
    await sendQueued(w);
    const reopenId = await currentCommandId(w, caseId);

    w.advance(61_000);
    expect(await sweep()).toMatchObject({ escalated: 1 });

    expect(escalations.map((e) => e.commandId)).toEqual([reopenId]);
    expect((await serviceOf(w, caseId)).state).toBe("escalated");
  });

  it("uses the configured limit instead of 60 s", async () => {
    const { caseId } = await reopenAcknowledged();

    w.advance(90_000);
    expect(await sweep({ reopenLimitSeconds: 120 })).toMatchObject({ escalated: 0 });
    w.advance(31_000);
    expect(await sweep({ reopenLimitSeconds: 120 })).toMatchObject({ escalated: 1 });
    expect((await serviceOf(w, caseId)).state).toBe("escalated");
  });
});
