/**
 * Operators' endpoints (operator key): `GET /api/v1/ops/service-commands?state=overdue|pending|failed` lists the
 * commands that need a look, with what an operator needs to act and no personal data; `POST …/{commandId}/retry`
 * sends one again, and once the partner answers the service ends where it should.
 */
import { HttpRequest } from "@azure/functions";
import { beforeEach, describe, expect, it } from "vitest";
import { makeServiceCommandOpsFunctions } from "../../../../functions/services/http-ops-service-commands";
import { read } from "../../http/http-fixtures";
import { context, OPERATOR_KEY } from "../api/api-fixtures";
import {
  currentCommandId,
  CUSTOMER_NAME,
  CUSTOMER_PHONE,
  partnerFinishes,
  payInFull,
  published,
  sendQueued,
  serviceOf,
  servicesWorld,
  suspendedCase,
  type ServicesWorld,
} from "../../application/services/services-fixtures";
import {
  makeSendPartnerCommand,
  makeSweepServices,
  MAX_SEND_ATTEMPTS,
  PartnerCommandUndeliverable,
  REOPEN_RETRY_WINDOW_MS,
} from "../../../../shared/application/services/partner-commands";

let w: ServicesWorld;
beforeEach(async () => {
  w = await servicesWorld();
});

const BASE = "http://localhost/api/v1/ops/service-commands";

/** `key` null: no x-api-key header at all. */
async function list(query: string, key: string | null = OPERATOR_KEY) {
  const request = new HttpRequest({
    method: "GET",
    url: `${BASE}${query}`,
    headers: key === null ? {} : { "x-api-key": key },
  });
  return read(await makeServiceCommandOpsFunctions(() => w.deps).list(request, context()));
}

async function retry(commandId: string, key: string | null = OPERATOR_KEY) {
  const request = new HttpRequest({
    method: "POST",
    url: `${BASE}/${encodeURIComponent(commandId)}/retry`,
    headers: key === null ? {} : { "x-api-key": key },
    params: { commandId },
  });
  return read(await makeServiceCommandOpsFunctions(() => w.deps).retry(request, context()));
}

/** A paid case whose reopen the partner refused: the service is failed. */
async function failedReopen(): Promise<{ caseId: string; reopenId: string }> {
  const caseId = await suspendedCase(w);
  await payInFull(w, caseId);
  w.partnerGateway.mode = "reject";
  expect(await sendQueued(w)).toEqual([{ kind: "refused", status: 422 }]);
  expect((await serviceOf(w, caseId)).state).toBe("failed");
  return { caseId, reopenId: await currentCommandId(w, caseId) };
}

/**
 * A paid case whose reopen could not reach the partner (down): the sweep escalates it after 60 s, and the session
 * trigger keeps trying (at most 30 s apart) until the reopen's retry window is over and the last attempt throws
 * (Service Bus dead-letters the message).
 */
async function escalatedReopen(): Promise<{ caseId: string; reopenId: string }> {
  const caseId = await suspendedCase(w);
  w.partnerGateway.mode = "down";
  await payInFull(w, caseId);
  const send = makeSendPartnerCommand(w.deps);
  const sweep = makeSweepServices(w.deps);
  for (;;) {
    const next = w.partnerCommands.queued.shift();
    if (!next) throw new Error("the retries stopped without the last attempt throwing");
    if (next.notBefore) w.clock.set(next.notBefore.toISOString());
    await sweep();
    try {
      await send(next.message);
    } catch (error) {
      expect(error).toBeInstanceOf(PartnerCommandUndeliverable);
      break;
    }
  }
  const service = await serviceOf(w, caseId);
  expect(service.state).toBe("escalated");
  expect(service.lastCommand!.attempts).toBeGreaterThan(MAX_SEND_ATTEMPTS);
  expect(w.clock.now().getTime() - Date.parse(service.lastCommand!.issuedAt)).toBeGreaterThanOrEqual(
    REOPEN_RETRY_WINDOW_MS,
  );
  return { caseId, reopenId: await currentCommandId(w, caseId) };
}

describe("GET /api/v1/ops/service-commands", () => {
  it("lists a refused reopen under failed with what an operator needs, and no personal data", async () => {
    const { caseId, reopenId } = await failedReopen();
    w.advance(30_000);

    const res = await list("?state=failed");

    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const service = await serviceOf(w, caseId);
    expect(res.json).toEqual({
      items: [
        {
          tenantId: w.tenantId,
          caseId,
          serviceId: "bb-1",
          kind: "broadband",
          state: "failed",
          commandId: reopenId,
          target: "active",
          issuedAt: service.lastCommand!.issuedAt,
          sentAt: service.lastCommand!.sentAt,
          attempts: 1,
          partnerState: "rejected",
          partnerOrderId: "refused-422",
          ageSeconds: 30,
        },
      ],
    });
    for (const personal of [CUSTOMER_NAME, CUSTOMER_PHONE, "cust-1", "INV-1"]) expect(res.text).not.toContain(personal);
  });

  it("lists an escalated reopen under overdue (the default) and under pending, but not under failed", async () => {
    const { caseId, reopenId } = await escalatedReopen();

    const overdue = await list("");
    const pending = await list("?state=pending");
    const failed = await list("?state=failed");

    expect(overdue.json.items).toEqual([
      expect.objectContaining({
        caseId,
        commandId: reopenId,
        state: "escalated",
        partnerState: null,
        // 1 + 2 + 4 + 8 + 16 s, then every 30 s until the 6-hour retry window is over: 725 attempts.
        attempts: 725,
      }),
    ]);
    expect(overdue.json.items[0].ageSeconds).toBe(31 + 30 * 719);
    expect(pending.json.items).toEqual([expect.objectContaining({ commandId: reopenId })]);
    expect(failed.json.items).toEqual([]);
  });

  it("does not list services that are settled", async () => {
    await suspendedCase(w);
    for (const state of ["overdue", "pending", "failed"]) {
      expect((await list(`?state=${state}`)).json).toEqual({ items: [] });
    }
  });

  it("refuses an unknown state with 400 naming the query parameter", async () => {
    const res = await list("?state=stuck");
    expect(res.status).toBe(400);
    expect(res.json.errors).toEqual([expect.objectContaining({ pointer: "#/query/state" })]);
  });
});

describe("POST /api/v1/ops/service-commands/{commandId}/retry", () => {
  it("orders a refused reopen anew once the partner is fixed; when the partner completes it, the service is active", async () => {
    const { caseId, reopenId } = await failedReopen();
    w.partnerGateway.mode = "up";

    const res = await retry(reopenId);

    expect(res.status).toBe(202);
    const next = await currentCommandId(w, caseId);
    expect(next).not.toBe(reopenId); // the partner's idempotency key of the refused order would answer the refusal
    expect(res.json).toEqual({ commandId: next, requeued: true });
    expect(await sendQueued(w)).toEqual([{ kind: "sent", partnerState: "acknowledged" }]);
    expect(await partnerFinishes(w, next)).toEqual({ kind: "applied", state: "active" });

    expect(await serviceOf(w, caseId)).toMatchObject({ state: "active", blockers: [] });
    expect(w.sms).toHaveLength(1);
    expect(published(w, "service.reopened")).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ commandId: next }) }),
    ]);
    expect((await list("?state=failed")).json.items).toEqual([]);
  });

  it("sends an escalated reopen again once the partner is back; when the partner completes it, the service is active", async () => {
    const { reopenId } = await escalatedReopen();
    w.partnerGateway.mode = "up";

    const res = await retry(reopenId);

    expect(res.status).toBe(202);
    expect(res.json).toEqual({ commandId: reopenId, requeued: true });
    expect(await sendQueued(w)).toEqual([{ kind: "sent", partnerState: "acknowledged" }]);
    expect(await partnerFinishes(w, reopenId)).toEqual({ kind: "applied", state: "active" });
    expect(w.sms).toHaveLength(1);
    expect((await list("")).json.items).toEqual([]);
  });

  it("orders an escalated reopen the partner acknowledged but never finished anew; completed, the service is active", async () => {
    const caseId = await suspendedCase(w);
    await payInFull(w, caseId);
    expect(await sendQueued(w)).toEqual([{ kind: "sent", partnerState: "acknowledged" }]);
    const stuckId = await currentCommandId(w, caseId); // the partner's order never gets further
    w.advance(61_000);
    await makeSweepServices(w.deps)();
    expect((await serviceOf(w, caseId)).state).toBe("escalated");

    const res = await retry(stuckId);

    expect(res.status).toBe(202);
    const next = await currentCommandId(w, caseId);
    expect(next).not.toBe(stuckId); // the same order again would only get the stuck order back
    expect(res.json).toEqual({ commandId: next, requeued: true });
    expect(await sendQueued(w)).toEqual([{ kind: "sent", partnerState: "acknowledged" }]);
    expect(w.partnerGateway.placed.at(-1)).toMatchObject({ commandId: next, targetState: "active" });
    expect(await partnerFinishes(w, next)).toEqual({ kind: "applied", state: "active" });
    expect(w.sms).toHaveLength(1);
    expect((await list("")).json.items).toEqual([]);
  });

  it("answers 404 for a command that is not a service's current one", async () => {
    const { caseId, reopenId } = await failedReopen();
    const suspensionId = `${caseId}.0.1`;
    expect(suspensionId).not.toBe(reopenId);

    for (const id of ["c_nope", suspensionId, `${caseId}.0.9`]) {
      const res = await retry(id);
      expect(res.status, id).toBe(404);
      expect(res.json.code).toBe("SERVICE_COMMAND_NOT_FOUND");
    }
    expect(w.partnerCommands.queued).toEqual([]);
  });
});

describe("operator authentication", () => {
  it("refuses both endpoints with 401 without the operator key, with a tenant's key, or with a wrong one", async () => {
    const { caseId, reopenId } = await failedReopen();
    for (const key of [null, w.apiKey, `${OPERATOR_KEY}x`, ""]) {
      const listed = await list("?state=failed", key);
      const retried = await retry(reopenId, key);
      expect(listed.status).toBe(401);
      expect(listed.headers.get("content-type")).toBe("application/problem+json");
      expect(listed.text).not.toContain(reopenId);
      expect(retried.status).toBe(401);
    }
    expect(w.partnerCommands.queued).toEqual([]);
    expect((await serviceOf(w, caseId)).state).toBe("failed");
  });
});
