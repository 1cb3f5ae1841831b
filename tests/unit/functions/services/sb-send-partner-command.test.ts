/**
 * The `partner-commands` session trigger: sends one command per message; when the partner could not be reached on the
 * last attempt it THROWS, so Service Bus redelivers and finally dead-letters the message. Logs ids and outcomes only.
 */
import { InvocationContext } from "@azure/functions";
import { beforeEach, describe, expect, it } from "vitest";
import { makeSendPartnerCommandHandler } from "../../../../functions/services/sb-send-partner-command";
import {
  MAX_SEND_ATTEMPTS,
  PartnerCommandUndeliverable,
} from "../../../../shared/application/services/partner-commands";
import {
  currentCommandId,
  CUSTOMER_NAME,
  CUSTOMER_PHONE,
  orderSuspension,
  registerBroadband,
  serviceOf,
  servicesWorld,
  type ServicesWorld,
} from "../../application/services/services-fixtures";

let w: ServicesWorld;
let logged: unknown[][];
beforeEach(async () => {
  w = await servicesWorld();
  logged = [];
});

function handle(body: unknown): Promise<void> {
  const context = new InvocationContext({
    invocationId: "7b1c2e3f-1111-4222-8333-944455556666",
    functionName: "sendPartnerCommand",
    logHandler: (level, ...args) => logged.push([level, ...args]),
  });
  return makeSendPartnerCommandHandler(() => w.deps)(body, context);
}

async function suspensionMessage(): Promise<{ caseId: string; message: Record<string, unknown> }> {
  const caseId = await registerBroadband(w);
  await orderSuspension(w, caseId);
  const [message] = w.partnerCommands.drain();
  return { caseId, message: { ...message! } };
}

describe("the partner-commands session trigger", () => {
  it("sends the command and logs its outcome with ids only", async () => {
    const { caseId, message } = await suspensionMessage();

    await handle(message);

    expect(w.partnerGateway.placed).toEqual([expect.objectContaining({ commandId: message["commandId"] })]);
    expect(logged).toEqual([
      [
        "information",
        "partner command handled",
        {
          caseId,
          commandId: message["commandId"],
          target: "inactive",
          attempt: 1,
          outcome: "sent",
          partnerState: "acknowledged",
        },
      ],
    ]);
    const text = JSON.stringify(logged);
    for (const personal of [CUSTOMER_NAME, CUSTOMER_PHONE]) expect(text).not.toContain(personal);
  });

  it("returns normally while retries are left, the next attempt delayed in the same session", async () => {
    const { caseId, message } = await suspensionMessage();
    w.partnerGateway.mode = "down";

    await handle(message);

    expect(w.partnerCommands.queued).toEqual([
      { message: { ...message, attempt: 2 }, notBefore: new Date(w.clock.now().getTime() + 1_000) },
    ]);
    expect(logged[0]![2]).toMatchObject({ outcome: "retry-scheduled", reason: "server-error" });
    expect((await serviceOf(w, caseId)).state).toBe("suspending");
  });

  it("throws on the last attempt (Service Bus dead-letters the message), and on every redelivery of it", async () => {
    const { caseId, message } = await suspensionMessage();
    w.partnerGateway.mode = "down";
    const last = { ...message, attempt: MAX_SEND_ATTEMPTS };

    await expect(handle(last)).rejects.toBeInstanceOf(PartnerCommandUndeliverable);
    await expect(handle(last)).rejects.toBeInstanceOf(PartnerCommandUndeliverable);

    expect(w.partnerCommands.queued).toEqual([]);
    expect(await serviceOf(w, caseId)).toMatchObject({
      state: "suspending",
      lastCommand: { commandId: await currentCommandId(w, caseId), attempts: 2, partnerState: null },
    });
  });

  it("sends it when a redelivery of the last attempt finds the partner back", async () => {
    const { message } = await suspensionMessage();
    w.partnerGateway.mode = "down";
    const last = { ...message, attempt: MAX_SEND_ATTEMPTS };
    await expect(handle(last)).rejects.toThrow();

    w.partnerGateway.mode = "up";
    await handle(last);

    expect(w.partnerGateway.placed).toHaveLength(1);
  });

  it("throws on a message that is not a partner command, so it is dead-lettered rather than lost", async () => {
    await expect(handle({ commandId: "x", target: "sideways" })).rejects.toThrow();
    expect(w.partnerGateway.placed).toEqual([]);
  });
});
