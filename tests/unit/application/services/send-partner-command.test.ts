/**
 * Sending a command to the partner's system (the `partner-commands` session trigger's use case): a partner that is
 * down gets the command again later with a growing backoff and, after the last attempt, the message is given up to the
 * dead-letter queue; a partner that refuses it fails the service at once; a suspension whose day is no longer allowed
 * when it finally goes is withdrawn; a command a later decision superseded is never sent.
 */
import { beforeEach, describe, expect, it } from "vitest";
import {
  MAX_SEND_ATTEMPTS,
  makeListServiceCommands,
  makeSendPartnerCommand,
  PartnerCommandUndeliverable,
} from "../../../../shared/application/services/partner-commands";
import {
  PartnerUnavailable,
  type PartnerGateway,
  type PartnerOrderRequest,
} from "../../../../shared/ports/partner-gateway";
import type { PartnerCommandMessage } from "../../../../shared/ports/partner-command-queue";
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
beforeEach(async () => {
  w = await servicesWorld();
});

/** The one message on the queue (what the session trigger receives next), with when it may be delivered. */
function nextQueued(): { message: PartnerCommandMessage; notBefore?: Date } {
  expect(w.partnerCommands.queued).toHaveLength(1);
  return w.partnerCommands.queued.splice(0, 1)[0]!;
}

/** The world's fake partner, with `placeOrder` replaced. */
function partnerWhoseOrders(placeOrder: PartnerGateway["placeOrder"]): void {
  const fake = w.partnerGateway;
  w.deps.partnerGateway = {
    placeOrder,
    getOrder: (connection, id) => fake.getOrder(connection, id),
    getService: () => fake.getService(),
    registerCallback: (connection, url) => fake.registerCallback(connection, url),
  };
}

/** Counts the partner's placeOrder calls while delegating to the fake. */
function countingGateway(): { calls: PartnerOrderRequest[] } {
  const calls: PartnerOrderRequest[] = [];
  const fake = w.partnerGateway;
  partnerWhoseOrders(async (connection, order) => {
    calls.push(order);
    return fake.placeOrder(connection, order);
  });
  return { calls };
}

describe("a partner system that cannot be reached", () => {
  it("gets the suspension again with a growing backoff, then gives it up to the dead-letter queue", async () => {
    const caseId = await registerBroadband(w);
    await orderSuspension(w, caseId);
    const commandId = await currentCommandId(w, caseId);
    w.partnerGateway.mode = "down";
    const send = makeSendPartnerCommand(w.deps);

    const delays: number[] = [];
    for (let attempt = 1; attempt < MAX_SEND_ATTEMPTS; attempt++) {
      const { message, notBefore } = nextQueued();
      if (notBefore) w.clock.set(notBefore.toISOString()); // Service Bus delivers the delayed message then
      expect(message).toMatchObject({ commandId, attempt });
      const outcome = await send(message);
      expect(outcome).toMatchObject({ kind: "retry-scheduled", attempt: attempt + 1, reason: "server-error" });
      delays.push((w.partnerCommands.queued[0]!.notBefore!.getTime() - w.clock.now().getTime()) / 1000);
      expect(await serviceOf(w, caseId)).toMatchObject({
        state: "suspending",
        lastCommand: { attempts: attempt, sentAt: w.clock.now().toISOString(), partnerState: null },
      });
    }
    expect(delays).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256]);

    // The last attempt fails too: the trigger throws, so Service Bus dead-letters the message.
    const last = nextQueued();
    w.clock.set(last.notBefore!.toISOString());
    expect(last.message.attempt).toBe(MAX_SEND_ATTEMPTS);
    await expect(send(last.message)).rejects.toBeInstanceOf(PartnerCommandUndeliverable);

    expect(w.partnerCommands.queued).toEqual([]); // no retry of our own any more
    expect(w.partnerGateway.placed).toEqual([]);
    // Every attempt is on record, and operators find the command among those still on their way.
    expect(await makeListServiceCommands(w.deps)("pending")).toEqual([
      expect.objectContaining({
        caseId,
        commandId,
        state: "suspending",
        attempts: MAX_SEND_ATTEMPTS,
        partnerState: null,
      }),
    ]);
  });

  it("goes out as soon as the partner is back, once", async () => {
    const caseId = await registerBroadband(w);
    await orderSuspension(w, caseId);
    w.partnerGateway.mode = "down";
    expect(await sendQueued(w)).toEqual([expect.objectContaining({ kind: "retry-scheduled", attempt: 2 })]);

    w.partnerGateway.mode = "up";
    w.advance(1_000);
    expect(await sendQueued(w)).toEqual([{ kind: "sent", partnerState: "acknowledged" }]);

    expect(w.partnerGateway.placed.map((p) => p.targetState)).toEqual(["inactive"]);
    expect(await serviceOf(w, caseId)).toMatchObject({
      state: "suspending",
      lastCommand: { attempts: 2, partnerState: "acknowledged", partnerOrderId: "so-1" },
    });
    expect(w.partnerCommands.queued).toEqual([]);
  });

  it("waits as long as the partner's retry-after asks when that is longer than the backoff", async () => {
    const caseId = await registerBroadband(w);
    await orderSuspension(w, caseId);
    partnerWhoseOrders(async () => {
      throw new PartnerUnavailable("placeOrder: 429", "throttled", 429, 120);
    });

    expect(await sendQueued(w)).toEqual([expect.objectContaining({ kind: "retry-scheduled", reason: "throttled" })]);

    expect(w.partnerCommands.queued[0]!.notBefore!.getTime() - w.clock.now().getTime()).toBe(120_000);
  });
});

describe("a partner system that refuses the order (4xx)", () => {
  it("fails the service at once, tells the creditor, and does not try again", async () => {
    const caseId = await suspendedCase(w);
    await payInFull(w, caseId);
    const reopenId = await currentCommandId(w, caseId);
    w.partnerGateway.mode = "reject";
    const { calls } = countingGateway();
    const [message] = w.partnerCommands.drain();
    const send = makeSendPartnerCommand(w.deps);

    expect(await send(message!)).toEqual({ kind: "refused", status: 422 });

    expect(await serviceOf(w, caseId)).toMatchObject({
      state: "failed",
      lastCommand: { commandId: reopenId, partnerState: "rejected", attempts: 1 },
    });
    expect(published(w, "service.command_failed")).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ commandId: reopenId, partnerState: "rejected" }) }),
    ]);
    expect(w.partnerCommands.queued).toEqual([]);
    // Service Bus delivering the same message again does not ask the partner again.
    expect(await send(message!)).toEqual({ kind: "already-answered" });
    expect(calls).toHaveLength(1);
    expect(w.sms).toEqual([]);
  });
});

describe("a suspension re-checked just before it goes", () => {
  it("is withdrawn when the partner's outage pushed it past midnight into a Friday: the service stays open", async () => {
    w.clock.set("2026-12-10T22:59:59.500Z"); // Thursday 23:59:59 in Oslo
    const caseId = await registerBroadband(w);
    await orderSuspension(w, caseId);
    w.partnerGateway.mode = "down";
    expect(await sendQueued(w)).toEqual([expect.objectContaining({ kind: "retry-scheduled" })]);
    w.partnerGateway.mode = "up";
    w.advance(1_000); // Friday 00:00:00.5 in Oslo

    const [outcome] = await sendQueued(w);

    expect(outcome).toEqual({ kind: "withdrawn", reason: "suspension is not allowed on 2026-12-11" });
    expect(w.partnerGateway.placed).toEqual([]);
    const service = await serviceOf(w, caseId);
    expect(service.state).toBe("active");
    expect(service.blockers.map((b) => b.kind)).toEqual(["overdue"]);
    const record = await w.deps.cases.get(w.tenantId, caseId);
    expect(record!.timeline.at(-1)!.title).toContain("withdrawn before it was sent");
    // The creditor, told `service.suspending` earlier, hears that the line stays open after all.
    expect(published(w, "service.suspension_withdrawn")).toEqual([
      expect.objectContaining({
        caseId,
        data: {
          serviceId: "bb-1",
          commandId: service.lastCommand!.commandId,
          reason: "suspension is not allowed on 2026-12-11",
        },
      }),
    ]);
  });

  it("is not sent at all when a payment decided a reopen first: only the reopen reaches the partner", async () => {
    const caseId = await registerBroadband(w);
    await orderSuspension(w, caseId);
    const suspensionId = await currentCommandId(w, caseId);
    await payInFull(w, caseId);

    const outcomes = await sendQueued(w);

    expect(outcomes).toEqual([{ kind: "superseded" }, { kind: "sent", partnerState: "acknowledged" }]);
    expect(w.partnerGateway.placed.map((p) => [p.commandId === suspensionId, p.targetState])).toEqual([
      [false, "active"],
    ]);
  });
});
