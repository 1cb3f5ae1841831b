/**
 * A suspension is never sent while a payment on the case is authorized at Vipps but not yet applied: the command
 * waits (a delayed retry in the service's session) and goes out once nothing is underway any more.
 */
import { describe, expect, it } from "vitest";
import { makeInvoiceFunctions } from "../../../../functions/api/http-invoices";
import { suspendServices } from "../../../../shared/application/services/case-services";
import { makeSendPartnerCommand, PAYMENT_HOLD_MS } from "../../../../shared/application/services/partner-commands";
import { StoredPartnerConnection } from "../../../../shared/ports/partner-connection-store";
import type { PaymentAttempt } from "../../../../shared/ports/payment-attempt-store";
import { read } from "../../http/http-fixtures";
import { HttpRequest } from "@azure/functions";
import { context, invoiceBody, seedTenant, testWorld } from "../../functions/api/api-fixtures";

function post(path: string, body: unknown, headers: Record<string, string>): HttpRequest {
  return new HttpRequest({
    method: "POST",
    url: `http://localhost/api/v1${path}`,
    headers: { "content-type": "application/json", ...headers },
    body: { string: JSON.stringify(body) },
  });
}

async function suspendingCase() {
  const world = testWorld({ now: "2026-12-08T09:00:00Z" }); // a Tuesday
  const { tenantId, apiKey } = await seedTenant(world);
  await world.deps.partnerConnections.put(tenantId, () =>
    StoredPartnerConnection.parse({
      schemaVersion: 1,
      tenantId,
      baseUrl: "https://provisioning.example.no",
      auth: { kind: "hmac", secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" },
      role: "broadband-provider",
      createdAt: "2026-12-01T00:00:00.000Z",
      updatedAt: "2026-12-01T00:00:00.000Z",
    }),
  );
  const res = await read(
    await makeInvoiceFunctions(world.resolve).registerInvoice(
      post("/invoices", invoiceBody({ services: [{ serviceId: "bb-1", kind: "broadband" }] }), { "x-api-key": apiKey }),
      context(),
    ),
  );
  expect(res.status).toBe(201);
  const caseId = res.json.caseId as string;
  let commands: ReturnType<typeof suspendServices>["commands"] = [];
  await world.deps.cases.update(tenantId, caseId, (r) => {
    const changed = suspendServices(r, ["bb-1"], world.clock.now());
    commands = changed.commands;
    return changed.record;
  });
  await world.deps.partnerCommands.enqueue(commands);
  const [message] = world.partnerCommands.drain();
  if (!message) throw new Error("the suspension decided no command");
  return { world, tenantId, caseId, message };
}

function attempt(tenantId: string, caseId: string, state: PaymentAttempt["state"], at: string): PaymentAttempt {
  return {
    schemaVersion: 1,
    reference: "pfu-hold-0001",
    provider: "vipps",
    method: "vipps",
    tenantId,
    tokenHash: "h",
    option: "full",
    amount: { value: 129900, currency: "NOK" },
    parts: [{ caseId, amount: { value: 129900, currency: "NOK" } }],
    valueDate: "2026-12-08",
    state,
    appliedTo: [],
    createdAt: at,
    updatedAt: at,
  };
}

describe("a suspension while a payment is underway", () => {
  it("waits for an authorized payment instead of suspending, then goes out once nothing is underway", async () => {
    const { world, tenantId, caseId, message: msg } = await suspendingCase();
    await world.deps.paymentAttempts.create(attempt(tenantId, caseId, "authorized", "2026-12-08T08:59:00.000Z"));
    const send = makeSendPartnerCommand(world.deps);

    const held = await send(msg);
    expect(held).toMatchObject({ kind: "held", reason: "payment-authorized-not-applied" });
    expect(world.partnerGateway.placed).toEqual([]);
    const retry = world.partnerCommands.queued.at(-1)!;
    expect(retry.message).toMatchObject({ commandId: msg.commandId, attempt: 2 });
    expect(retry.notBefore!.getTime() - world.clock.now().getTime()).toBe(PAYMENT_HOLD_MS);
    expect((await world.deps.cases.get(tenantId, caseId))!.case.services[0]!.state).toBe("suspending");

    // The authorization lapsed (failed): nothing is underway any more, the suspension goes to the partner.
    await world.deps.paymentAttempts.update("pfu-hold-0001", (a) => ({ ...a, state: "failed" }));
    expect(await send({ ...msg, attempt: 2 })).toMatchObject({ kind: "sent", partnerState: "acknowledged" });
    expect(world.partnerGateway.placed.map((p) => [p.commandId, p.targetState])).toEqual([[msg.commandId, "inactive"]]);
  });

  it("does not wait for a payment that was only started (not authorized)", async () => {
    const { world, tenantId, caseId, message: msg } = await suspendingCase();
    await world.deps.paymentAttempts.create(attempt(tenantId, caseId, "created", "2026-12-08T08:59:00.000Z"));
    expect(await makeSendPartnerCommand(world.deps)(msg)).toMatchObject({ kind: "sent" });
  });
});
