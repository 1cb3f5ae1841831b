/**
 * While a reopen is under way, the sweep (every 10 s) and the partner's callbacks leave the case alone unless they
 * have something to record. Writing an unchanged case back cost a write per pending case on every sweep and changed
 * the case's etag under the send or callback that was writing the reopen, which then had to read and write again:
 * under a burst of payments the sweep took seconds per pass and slowed the very reopens it watches.
 */
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { makeInvoiceFunctions } from "../../../../functions/api/http-invoices";
import {
  commandSent,
  partnerReport,
  reevaluateServices,
  suspendServices,
  type ServicesChanged,
} from "../../../../shared/application/services/case-services";
import { makeApplyPartnerCallback, makeSweepServices } from "../../../../shared/application/services/partner-commands";
import type { CaseRecord, CaseStore } from "../../../../shared/ports/case-store";
import { StoredPartnerConnection } from "../../../../shared/ports/partner-connection-store";
import { HttpRequest } from "@azure/functions";
import { read } from "../../http/http-fixtures";
import { context, invoiceBody, seedTenant, testWorld } from "../../functions/api/api-fixtures";

const SECRET = `whsec_${Buffer.from("partner-shared-secret-32-bytes!!").toString("base64")}`;
const ISSUED = "2026-12-08T09:00:00.000Z"; // a Tuesday

/** The case store, counting the updates that reach it (each one a read and a write in Cosmos DB). */
function counting(cases: CaseStore): { cases: CaseStore; writes: () => number } {
  let writes = 0;
  const counted = new Proxy(cases, {
    get(target, name) {
      if (name === "update") {
        return (...args: Parameters<CaseStore["update"]>) => {
          writes++;
          return target.update(...args);
        };
      }
      const value = Reflect.get(target, name, target) as unknown;
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { cases: counted, writes: () => writes };
}

/** A broadband case whose service was suspended (confirmed) and is now reopening: the reopen sent, `acknowledged`. */
async function reopeningCase() {
  const world = testWorld({ now: ISSUED });
  const { tenantId, apiKey } = await seedTenant(world);
  await world.deps.partnerConnections.put(tenantId, () =>
    StoredPartnerConnection.parse({
      schemaVersion: 1,
      tenantId,
      baseUrl: "https://provisioning.example.no",
      auth: { kind: "hmac", secret: SECRET },
      role: "broadband-provider",
      createdAt: "2026-12-01T00:00:00.000Z",
      updatedAt: "2026-12-01T00:00:00.000Z",
    }),
  );
  const res = await read(
    await makeInvoiceFunctions(world.resolve).registerInvoice(
      new HttpRequest({
        method: "POST",
        url: "http://localhost/api/v1/invoices",
        headers: { "content-type": "application/json", "x-api-key": apiKey },
        body: { string: JSON.stringify(invoiceBody({ services: [{ serviceId: "bb-1", kind: "broadband" }] })) },
      }),
      context(),
    ),
  );
  expect(res.status).toBe(201);
  const caseId = res.json.caseId as string;
  const now = world.clock.now();
  const change = (f: (r: CaseRecord) => ServicesChanged) =>
    world.deps.cases.update(tenantId, caseId, (r) => f(r).record);
  const commandId = () =>
    world.deps.cases.get(tenantId, caseId).then((r) => r!.case.services[0]!.lastCommand!.commandId);
  await change((r) => suspendServices(r, ["bb-1"], now));
  const suspension = await commandId();
  await change((r) =>
    commandSent(r, {
      serviceId: "bb-1",
      commandId: suspension,
      at: now,
      answer: { partnerState: "acknowledged", partnerOrderId: "so-1" },
    }),
  );
  await change((r) => partnerReport(r, { commandId: suspension, partnerState: "completed", at: now }));
  await change((r) => reevaluateServices(r, false, now));
  const reopen = await commandId();
  await change((r) =>
    commandSent(r, {
      serviceId: "bb-1",
      commandId: reopen,
      at: now,
      answer: { partnerState: "acknowledged", partnerOrderId: "so-2" },
    }),
  );
  const service = (await world.deps.cases.get(tenantId, caseId))!.case.services[0]!;
  expect(service).toMatchObject({
    state: "reopening",
    lastCommand: { commandId: reopen, partnerState: "acknowledged" },
  });
  return { world, tenantId, caseId, reopen };
}

function callback(orderId: string, externalId: string, state: string, at: Date) {
  const eventId = `evt-${orderId}-${state}`;
  const body = JSON.stringify({
    eventId,
    eventTime: at.toISOString(),
    eventType: "ServiceOrderStateChangeEvent",
    event: {
      serviceOrder: {
        id: orderId,
        externalId,
        state,
        serviceOrderItem: [{ id: "1", state, service: { id: "bb-1", state: "active" } }],
      },
    },
  });
  return {
    body,
    headers: {
      "webhook-id": eventId,
      "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
      "webhook-signature": new Webhook(SECRET).sign(eventId, at, body),
    },
  };
}

describe("a reopen under way", () => {
  it("is not rewritten by a sweep that has nothing to send, poll or escalate; one past the limit is escalated", async () => {
    const { world, tenantId, caseId } = await reopeningCase();
    const store = counting(world.deps.cases);
    const sweep = makeSweepServices({ ...world.deps, cases: store.cases, reopenLimitSeconds: 60 });

    world.clock.set("2026-12-08T09:00:05.000Z");
    expect(await sweep()).toEqual({ cases: 1, resent: 0, polled: 0, escalated: 0 });
    expect(store.writes()).toBe(0);

    world.clock.set("2026-12-08T09:01:01.000Z");
    world.partnerGateway.mode = "down"; // the poll finds nothing: the reopen is still not confirmed
    expect(await sweep()).toMatchObject({ cases: 1, escalated: 1 });
    expect(store.writes()).toBe(1);
    expect((await world.deps.cases.get(tenantId, caseId))!.case.services[0]!.state).toBe("escalated");
  });

  it("takes the partner's callback of a state it already has without a write, and the next state with one", async () => {
    const { world, tenantId, caseId, reopen } = await reopeningCase();
    const store = counting(world.deps.cases);
    const apply = makeApplyPartnerCallback({ ...world.deps, cases: store.cases });
    const at = new Date("2026-12-08T09:00:01.000Z");
    world.clock.set(at.toISOString());

    expect(await apply({ tenantId, ...callback("so-2", reopen, "acknowledged", at) })).toEqual({ kind: "unchanged" });
    expect(store.writes()).toBe(0);
    expect(await apply({ tenantId, ...callback("so-2", reopen, "completed", at) })).toEqual({
      kind: "applied",
      state: "active",
    });
    expect(store.writes()).toBe(1);
    expect((await world.deps.cases.get(tenantId, caseId))!.case.services[0]).toMatchObject({
      state: "active",
      lastCommand: { commandId: reopen, confirmedAt: at.toISOString() },
    });
  });
});
