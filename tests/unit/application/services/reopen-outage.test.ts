/**
 * The partner is down when a debtor pays: the reopen keeps being tried, never more than 30 s apart, so the line opens
 * within 30 s of the partner's recovery even after an outage of hours; only after the retry window (6 h) is the
 * message given up to the dead-letter queue. A suspension, which is in no hurry, backs off to 5 minutes and gives up
 * after MAX_SEND_ATTEMPTS.
 */
import { describe, expect, it } from "vitest";
import {
  backoffMs,
  makeSendPartnerCommand,
  MAX_SEND_ATTEMPTS,
  PartnerCommandUndeliverable,
  REOPEN_RETRY_WINDOW_MS,
} from "../../../../shared/application/services/partner-commands";
import type { PartnerCommandMessage } from "../../../../shared/ports/partner-command-queue";
import {
  orderSuspension,
  payInFull,
  registerBroadband,
  serviceOf,
  servicesWorld,
  suspendedCase,
  type ServicesWorld,
} from "./services-fixtures";

/** Suspended and confirmed, then the debtor paid: the reopen command decided, as the queue got it. */
async function reopenDecided() {
  const world = await servicesWorld();
  const caseId = await suspendedCase(world);
  await payInFull(world, caseId);
  expect((await serviceOf(world, caseId)).state).toBe("reopening");
  const [message] = world.partnerCommands.drain();
  if (message?.target !== "active") throw new Error("the payment decided no reopen");
  world.partnerGateway.placed.length = 0; // the suspension's order: what follows is about the reopen only
  return { world, tenantId: world.tenantId, caseId, message };
}

type World = ServicesWorld;

/** Delivers the queue's delayed messages in time order, moving the clock to each one, until `until` (ms epoch). */
async function runQueue(world: World, send: ReturnType<typeof makeSendPartnerCommand>, until: number) {
  const gaps: number[] = [];
  for (;;) {
    const next = world.partnerCommands.queued.shift();
    if (!next) return { gaps, done: true };
    const at = next.notBefore?.getTime() ?? world.clock.now().getTime();
    if (at > until) {
      world.partnerCommands.queued.unshift(next);
      return { gaps, done: false };
    }
    gaps.push(at - world.clock.now().getTime());
    world.clock.set(new Date(at).toISOString());
    await send(next.message);
  }
}

describe("a reopen while the partner is down", () => {
  it("keeps trying at most 30 s apart through a two-hour outage, and opens the line within 30 s of recovery", async () => {
    const { world, tenantId, caseId, message } = await reopenDecided();
    const send = makeSendPartnerCommand(world.deps);
    world.partnerGateway.mode = "down";
    const start = world.clock.now().getTime();
    expect(await send(message)).toMatchObject({ kind: "retry-scheduled", attempt: 2 });

    const outage = await runQueue(world, send, start + 2 * 3600_000);
    expect(outage.done).toBe(false);
    expect(Math.max(...outage.gaps)).toBe(30_000);
    expect(outage.gaps.slice(0, 6)).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000]);
    expect(world.partnerGateway.placed).toEqual([]);

    // The partner is back: the next attempt (at most 30 s later) places the reactivation order.
    world.partnerGateway.mode = "up";
    const recovered = world.clock.now().getTime();
    await runQueue(world, send, recovered + 30_000);
    expect(world.partnerGateway.placed.map((p) => [p.commandId, p.targetState])).toEqual([
      [message.commandId, "active"],
    ]);
    expect(world.clock.now().getTime() - recovered).toBeLessThanOrEqual(30_000);
    const command = (await world.deps.cases.get(tenantId, caseId))!.case.services[0]!.lastCommand!;
    expect(command.partnerState).toBe("acknowledged");
    expect(command.attempts).toBeGreaterThan(200);
  });

  it("gives the reopen up to the dead-letter queue only after the retry window", async () => {
    const { world, message } = await reopenDecided();
    const send = makeSendPartnerCommand(world.deps);
    world.partnerGateway.mode = "down";
    world.clock.set(new Date(world.clock.now().getTime() + REOPEN_RETRY_WINDOW_MS - 1000).toISOString());
    expect(await send({ ...message, attempt: 700 })).toMatchObject({ kind: "retry-scheduled" });
    world.clock.set(new Date(world.clock.now().getTime() + 1000).toISOString());
    await expect(send({ ...message, attempt: 701 })).rejects.toBeInstanceOf(PartnerCommandUndeliverable);
  });
});

describe("a suspension while the partner is down", () => {
  it("backs off to 5 minutes and gives up after MAX_SEND_ATTEMPTS", async () => {
    const world = await servicesWorld();
    const tenantId = world.tenantId;
    const caseId = await registerBroadband(world);
    await orderSuspension(world, caseId);
    const [queued] = world.partnerCommands.drain();
    const commandId = queued!.commandId;
    const send = makeSendPartnerCommand(world.deps);
    world.partnerGateway.mode = "down";
    const message: PartnerCommandMessage = {
      tenantId,
      caseId,
      serviceId: "bb-1",
      commandId,
      target: "inactive",
      attempt: 1,
    };
    const gaps: number[] = [];
    let next: PartnerCommandMessage | undefined = message;
    let givenUp: unknown;
    while (next && !givenUp) {
      try {
        await send(next);
      } catch (error) {
        givenUp = error;
      }
      const queued = world.partnerCommands.queued.shift();
      next = queued?.message;
      if (queued?.notBefore) {
        gaps.push(queued.notBefore.getTime() - world.clock.now().getTime());
        world.clock.set(queued.notBefore.toISOString());
      }
    }
    expect(givenUp).toBeInstanceOf(PartnerCommandUndeliverable);
    expect(gaps).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 64_000, 128_000, 256_000]);
    expect(backoffMs(12, "inactive")).toBe(300_000);
    expect(backoffMs(12, "active")).toBe(30_000);
    const service = (await world.deps.cases.get(tenantId, caseId))!.case.services[0]!;
    expect(service.lastCommand!.attempts).toBe(MAX_SEND_ATTEMPTS);
  });
});
