/**
 * Customer service blocks and unblocks a service by hand (tenant key):
 * `POST /api/v1/cases/{caseId}/services/{serviceId}/block` `{ reason }` and `…/unblock`. An open service is suspended
 * by a command to the partner; a suspended one stays closed after payment until it is unblocked; unblocking reopens it
 * only when nothing else blocks it. 404 unknown case or service, 409 blocked twice / not blocked.
 */
import { HttpRequest } from "@azure/functions";
import { beforeEach, describe, expect, it } from "vitest";
import { makeCaseServiceFunctions } from "../../../../functions/api/http-case-services";
import { parseApiKey } from "../../../../shared/http/api-keys";
import { read } from "../../http/http-fixtures";
import { context, seedTenant } from "../api/api-fixtures";
import {
  currentCommandId,
  partnerFinishes,
  payInFull,
  published,
  registerBroadband,
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

async function call(
  action: "block" | "unblock",
  caseId: string,
  options: { serviceId?: string; body?: unknown; key?: string } = {},
) {
  const serviceId = options.serviceId ?? "bb-1";
  const body = options.body ?? (action === "block" ? { reason: "Reported stolen equipment" } : undefined);
  const request = new HttpRequest({
    method: "POST",
    url: `http://localhost/api/v1/cases/${caseId}/services/${serviceId}/${action}`,
    headers: { "x-api-key": options.key ?? w.apiKey, "content-type": "application/json" },
    params: { caseId, serviceId },
    ...(body === undefined ? {} : { body: { string: JSON.stringify(body) } }),
  });
  const fns = makeCaseServiceFunctions(w.resolve);
  return read(await fns[action](request, context()));
}

const keyId = () => parseApiKey(w.apiKey)!.keyId;

describe("blocking a service by hand", () => {
  it("suspends an open service by a command to the partner, audited with the reason and the key", async () => {
    const caseId = await registerBroadband(w);

    const res = await call("block", caseId);

    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      serviceId: "bb-1",
      state: "suspending",
      blockers: [{ kind: "manual", reason: "Reported stolen equipment", by: `api-key:${keyId()}` }],
      lastCommand: { target: "inactive", sentAt: null, partnerState: null },
    });
    const commandId = await currentCommandId(w, caseId);
    expect(w.partnerCommands.queued.map((q) => q.message)).toEqual([
      expect.objectContaining({ caseId, serviceId: "bb-1", commandId, target: "inactive", attempt: 1 }),
    ]);
    expect(published(w, "service.suspending")).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ commandId, target: "inactive" }) }),
    ]);
    const record = await w.deps.cases.get(w.tenantId, caseId);
    expect(record!.timeline).toContainEqual(
      expect.objectContaining({
        title: "Service bb-1 blocked by hand",
        details: { serviceId: "bb-1", reason: "Reported stolen equipment", by: `api-key:${keyId()}` },
      }),
    );

    expect(await sendQueued(w)).toEqual([{ kind: "sent", partnerState: "acknowledged" }]);
    expect(await partnerFinishes(w, commandId)).toEqual({ kind: "applied", state: "suspended" });
  });

  it("keeps a suspended service closed after the debtor pays, until it is unblocked", async () => {
    const caseId = await suspendedCase(w);
    const res = await call("block", caseId);
    expect(res.status).toBe(200);
    expect(res.json.state).toBe("suspended");
    expect(w.partnerCommands.queued).toEqual([]); // nothing to tell the partner: it is closed already

    await payInFull(w, caseId);

    expect(await serviceOf(w, caseId)).toMatchObject({ state: "suspended", blockers: [{ kind: "manual" }] });
    expect(w.partnerCommands.queued).toEqual([]);

    const unblocked = await call("unblock", caseId);

    expect(unblocked.status).toBe(200);
    expect(unblocked.json).toMatchObject({ state: "reopening", blockers: [], lastCommand: { target: "active" } });
    const reopenId = await currentCommandId(w, caseId);
    expect(w.partnerCommands.queued.map((q) => q.message)).toEqual([
      expect.objectContaining({ commandId: reopenId, target: "active" }),
    ]);
    expect(await sendQueued(w)).toEqual([{ kind: "sent", partnerState: "acknowledged" }]);
    expect(await partnerFinishes(w, reopenId)).toEqual({ kind: "applied", state: "active" });
    expect(w.sms).toHaveLength(1);
  });

  it("does not reopen on unblock while the debt still blocks the service", async () => {
    const caseId = await suspendedCase(w);
    expect((await call("block", caseId)).status).toBe(200);

    const unblocked = await call("unblock", caseId);

    expect(unblocked.status).toBe(200);
    expect(unblocked.json).toMatchObject({ state: "suspended", blockers: [{ kind: "overdue" }] });
    expect(w.partnerCommands.queued).toEqual([]);
    expect(published(w, "service.reopening")).toEqual([]);
  });

  it("overrides a reopen still on its way by a new suspension order, so the reopen is never sent", async () => {
    const caseId = await suspendedCase(w);
    w.partnerGateway.mode = "down";
    await payInFull(w, caseId); // the reopen is ordered, but the partner cannot be reached
    const reopenId = await currentCommandId(w, caseId);
    await sendQueued(w);
    w.partnerCommands.drain(); // (its retry would find it superseded)
    w.partnerGateway.mode = "up";

    const res = await call("block", caseId);

    expect(res.json).toMatchObject({ state: "suspending", lastCommand: { target: "inactive" } });
    const blockId = await currentCommandId(w, caseId);
    expect(blockId).not.toBe(reopenId);
    expect(await sendQueued(w)).toEqual([{ kind: "sent", partnerState: "acknowledged" }]);
    expect(w.partnerGateway.placed.map((p) => [p.commandId, p.targetState])).toEqual([
      [`${caseId}.0.1`, "inactive"],
      [blockId, "inactive"],
    ]);
  });
});

describe("a block that overrides a reopen, lifted again", () => {
  it("gives a debtor who paid the line back once the block is lifted", async () => {
    const caseId = await suspendedCase(w);
    w.partnerGateway.mode = "down";
    await payInFull(w, caseId); // the reopen the payment ordered never reaches the partner
    await sendQueued(w);
    w.partnerCommands.drain();
    w.partnerGateway.mode = "up";
    expect((await call("block", caseId)).status).toBe(200);
    for (const outcome of await sendQueued(w)) {
      if (outcome.kind === "sent") await partnerFinishes(w, await currentCommandId(w, caseId));
    }

    const unblocked = await call("unblock", caseId);
    for (const outcome of await sendQueued(w)) {
      if (outcome.kind === "sent") await partnerFinishes(w, await currentCommandId(w, caseId));
    }

    expect(unblocked.status).toBe(200);
    // At the partner, the last order for the line opened it again, and the case says so.
    const last = w.partnerGateway.placed.at(-1)!;
    expect(last.targetState).toBe("active");
    expect(w.partnerGateway.orders.get(last.commandId)!.state).toBe("completed");
    expect(await serviceOf(w, caseId)).toMatchObject({
      state: "active",
      blockers: [],
      lastCommand: { commandId: last.commandId, partnerState: "completed" },
    });
    expect(w.sms).toHaveLength(1);
  });
});

describe("what the state forbids (409)", () => {
  it("refuses to block a service that is already blocked by hand, changing nothing", async () => {
    const caseId = await registerBroadband(w);
    expect((await call("block", caseId)).status).toBe(200);
    const before = await w.deps.cases.get(w.tenantId, caseId);

    const again = await call("block", caseId, { body: { reason: "Second thoughts" } });

    expect(again.status).toBe(409);
    expect(again.headers.get("content-type")).toBe("application/problem+json");
    expect(again.json.code).toBe("SERVICE_BLOCK_CONFLICT");
    expect(await w.deps.cases.get(w.tenantId, caseId)).toEqual(before);
    expect(w.partnerCommands.queued).toHaveLength(1);
  });

  it("refuses to unblock a service that is not blocked by hand, even one suspended for the debt", async () => {
    const open = await registerBroadband(w, { invoiceNumber: "INV-open", serviceId: "bb-open" });
    const suspended = await suspendedCase(w);

    const a = await call("unblock", open, { serviceId: "bb-open" });
    const b = await call("unblock", suspended);

    for (const res of [a, b]) {
      expect(res.status).toBe(409);
      expect(res.json.code).toBe("SERVICE_UNBLOCK_NOT_ALLOWED");
    }
    expect((await serviceOf(w, suspended)).state).toBe("suspended");
    expect(w.partnerCommands.queued).toEqual([]);
  });
});

describe("what does not exist (404) and who may ask", () => {
  it("answers 404 for an unknown case, an unknown service, and another tenant's case", async () => {
    const caseId = await registerBroadband(w);
    const { apiKey: otherKey } = await seedTenant(w, "t_beta");

    const unknownCase = await call("block", "c_aaaaaaaaaaaaaaaaaaaaaaaaaa");
    const unknownService = await call("block", caseId, { serviceId: "bb-9" });
    const othersCase = await call("block", caseId, { key: otherKey });
    const unblockUnknown = await call("unblock", caseId, { serviceId: "bb-9" });

    expect(unknownCase.status).toBe(404);
    expect(unknownCase.json.code).toBe("CASE_NOT_FOUND");
    expect(unknownService.status).toBe(404);
    expect(unknownService.json.code).toBe("CASE_SERVICE_NOT_FOUND");
    expect(othersCase.status).toBe(404);
    expect(unblockUnknown.status).toBe(404);
    expect(await serviceOf(w, caseId)).toMatchObject({ state: "active", blockers: [] });
    expect(w.partnerCommands.queued).toEqual([]);
  });

  it("refuses a block without a reason with 400 naming the field", async () => {
    const caseId = await registerBroadband(w);

    const res = await call("block", caseId, { body: {} });

    expect(res.status).toBe(400);
    expect(res.json.errors).toEqual([expect.objectContaining({ pointer: "/reason", code: "REQUIRED" })]);
    expect((await serviceOf(w, caseId)).state).toBe("active");
  });

  it("refuses a request without a valid tenant key with 401", async () => {
    const caseId = await registerBroadband(w);
    const res = await call("block", caseId, { key: "pfu_test_0000000000000000_nope" });
    expect(res.status).toBe(401);
    expect((await serviceOf(w, caseId)).state).toBe("active");
  });
});

describe("a case id that is not one", () => {
  it("is a 400 naming #/path/caseId, as on every other case route (`#`, `/` or `\\` once reached the store: 500)", async () => {
    for (const caseId of ["a#b", "a/b", "a\\b", "c_not-a-case"]) {
      const res = await call("block", caseId);
      expect(res.status, caseId).toBe(400);
      expect(res.json.errors).toEqual([expect.objectContaining({ pointer: "#/path/caseId" })]);
      expect((await call("unblock", caseId)).status, caseId).toBe(400);
    }
  });
});
