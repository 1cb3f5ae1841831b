/**
 * `POST /api/callbacks/partners/{tenantId}` at the HTTP edge: what the partner's system gets back for each kind of
 * delivery, and what the callback does to the case — the debtor's SMS, the creditor's webhooks, the service's state.
 */
import { HttpRequest } from "@azure/functions";
import { beforeEach, describe, expect, it } from "vitest";
import { makePartnerCallbackFunction } from "../../../../functions/services/http-partner-callback";
import { commandIdFor } from "../../../../shared/application/services/case-services";
import type { PartnerOrder } from "../../../../shared/ports/partner-gateway";
import { contextWithLog, read } from "../../http/http-fixtures";
import { StoredPartnerConnection } from "../../../../shared/ports/partner-connection-store";
import { seedTenant } from "../api/api-fixtures";
import {
  currentCommandId,
  CUSTOMER_PHONE,
  orderSuspension,
  payInFull,
  published,
  registerBroadband,
  sendQueued,
  serviceOf,
  servicesWorld,
  signed,
  signedCallback,
  suspendedCase,
  type ServicesWorld,
} from "../../application/services/services-fixtures";

let w: ServicesWorld;
beforeEach(async () => {
  w = await servicesWorld();
});

function callbackRequest(
  delivery: { headers: Record<string, string>; body: string },
  tenantId = w.tenantId,
): HttpRequest {
  return new HttpRequest({
    method: "POST",
    url: `https://pay.example.test/api/callbacks/partners/${tenantId}`,
    headers: delivery.headers,
    body: { string: delivery.body },
    params: { tenantId },
  });
}

/** Posts the delivery to the function; the response as the host would send it, and the log lines. */
async function post(delivery: { headers: Record<string, string>; body: string }, tenantId = w.tenantId) {
  const { context, logged } = contextWithLog();
  const response = await read(
    await makePartnerCallbackFunction(() => w.deps)(callbackRequest(delivery, tenantId), context),
  );
  return { ...response, logged };
}

/** A case whose suspended service is being reopened (paid; the reopen order acknowledged by the partner). */
async function reopeningCase(): Promise<{ caseId: string; reopenId: string }> {
  const caseId = await suspendedCase(w);
  await payInFull(w, caseId);
  expect(await sendQueued(w)).toEqual([{ kind: "sent", partnerState: "acknowledged" }]);
  const service = await serviceOf(w, caseId);
  expect(service).toMatchObject({ state: "reopening", lastCommand: { target: "active" } });
  return { caseId, reopenId: service.lastCommand!.commandId };
}

function problemCode(res: { json: unknown }): unknown {
  return (res.json as { code?: unknown }).code;
}

describe("the partner's callback about a reopen order", () => {
  it("reopens the service on 'completed': service active, one SMS to the debtor, the webhook service.reopened", async () => {
    const { caseId, reopenId } = await reopeningCase();
    w.advance(2_000);

    const res = await post(signedCallback(w, w.partnerGateway.complete(reopenId)));

    expect(res.status).toBe(200);
    expect(res.json).toEqual({ outcome: "applied" });
    const service = await serviceOf(w, caseId);
    expect(service.state).toBe("active");
    expect(service.lastCommand).toMatchObject({ commandId: reopenId, partnerState: "completed" });
    expect(service.lastCommand!.confirmedAt).toBe(w.clock.now().toISOString());
    // 09:00:02Z is 10:00 in Oslo in December.
    expect(w.sms).toEqual([
      expect.objectContaining({
        to: CUSTOMER_PHONE,
        text: "Creditor t_alpha: Bredbåndet ditt er åpnet igjen kl. 10:00.",
      }),
    ]);
    expect(published(w, "service.reopened")).toEqual([
      expect.objectContaining({ caseId, data: expect.objectContaining({ serviceId: "bb-1", commandId: reopenId }) }),
    ]);
  });

  it("answers a second delivery of the same event 200 'duplicate' and changes nothing: no second SMS or webhook", async () => {
    const { caseId, reopenId } = await reopeningCase();
    const delivery = signedCallback(w, w.partnerGateway.complete(reopenId));
    expect((await post(delivery)).json).toEqual({ outcome: "applied" });
    const before = await w.deps.cases.get(w.tenantId, caseId);

    const again = await post(delivery);

    expect(again.status).toBe(200);
    expect(again.json).toEqual({ outcome: "duplicate" });
    expect(await w.deps.cases.get(w.tenantId, caseId)).toEqual(before);
    expect(w.sms).toHaveLength(1);
    expect(published(w, "service.reopened")).toHaveLength(1);
  });

  it("applies the partner's redelivery after our store failed the first time: the service is reopened", async () => {
    const { caseId, reopenId } = await reopeningCase();
    const delivery = signedCallback(w, w.partnerGateway.complete(reopenId));
    const store = w.deps.cases;
    const update = store.update.bind(store);
    let outages = 1;
    store.update = async (...args) => {
      if (outages-- > 0) throw new Error("the database is briefly unavailable");
      return update(...args);
    };

    const first = await post(delivery);
    expect(first.status).toBe(500);
    expect((await serviceOf(w, caseId)).state).toBe("reopening");

    const redelivered = await post(delivery); // the partner retries the delivery it got no 2xx for

    expect(redelivered.status).toBe(200);
    expect(redelivered.json).toEqual({ outcome: "applied" });
    expect((await serviceOf(w, caseId)).state).toBe("active");
    expect(w.sms).toHaveLength(1);
    expect(published(w, "service.reopened")).toHaveLength(1);
  });

  it("answers a new event repeating a state already recorded 200 'unchanged': no second SMS or webhook", async () => {
    const { caseId, reopenId } = await reopeningCase();
    const completed = w.partnerGateway.complete(reopenId);
    expect((await post(signedCallback(w, completed))).json).toEqual({ outcome: "applied" });
    const before = await w.deps.cases.get(w.tenantId, caseId);

    const repeat = await post(signedCallback(w, completed)); // another event id, the same news

    expect(repeat.status).toBe(200);
    expect(repeat.json).toEqual({ outcome: "unchanged" });
    expect(await w.deps.cases.get(w.tenantId, caseId)).toEqual(before);
    expect(w.sms).toHaveLength(1);
    expect(published(w, "service.reopened")).toHaveLength(1);
  });

  it("ignores an 'inProgress' that arrives after 'completed' (out of order): the service stays active", async () => {
    const { caseId, reopenId } = await reopeningCase();
    const inProgress = w.partnerGateway.complete(reopenId, "inProgress");
    const completed = w.partnerGateway.complete(reopenId);
    expect((await post(signedCallback(w, completed))).json).toEqual({ outcome: "applied" });

    const late = await post(signedCallback(w, inProgress));

    expect(late.json).toEqual({ outcome: "unchanged" });
    expect(await serviceOf(w, caseId)).toMatchObject({ state: "active", lastCommand: { partnerState: "completed" } });
  });

  it("answers 'stale' to news about the superseded suspension order and leaves the reopen in charge", async () => {
    const caseId = await registerBroadband(w);
    await orderSuspension(w, caseId);
    await sendQueued(w);
    const suspensionId = await currentCommandId(w, caseId);
    await payInFull(w, caseId); // paid before the partner finished the suspension: a reopen supersedes it
    const reopenId = await currentCommandId(w, caseId);
    expect(reopenId).not.toBe(suspensionId);
    const before = await w.deps.cases.get(w.tenantId, caseId);

    const res = await post(signedCallback(w, w.partnerGateway.complete(suspensionId)));

    expect(res.status).toBe(200);
    expect(res.json).toEqual({ outcome: "stale" });
    expect(await w.deps.cases.get(w.tenantId, caseId)).toEqual(before);
    expect(published(w, "service.suspended")).toEqual([]);
  });

  it.each(["failed", "rejected"] as const)(
    "leaves the service failed when the partner reports the reopen %s, and tells the creditor by service.command_failed",
    async (state) => {
      const { caseId, reopenId } = await reopeningCase();

      const res = await post(signedCallback(w, w.partnerGateway.complete(reopenId, state)));

      expect(res.json).toEqual({ outcome: "applied" });
      expect(await serviceOf(w, caseId)).toMatchObject({
        state: "failed",
        lastCommand: { commandId: reopenId, partnerState: state },
      });
      expect(published(w, "service.command_failed")).toEqual([
        expect.objectContaining({
          caseId,
          data: expect.objectContaining({ commandId: reopenId, target: "active", partnerState: state }),
        }),
      ]);
      expect(published(w, "service.reopened")).toEqual([]);
      expect(w.sms).toEqual([]);
    },
  );
});

describe("callbacks the partner's system gets refused", () => {
  let caseId: string;
  let order: PartnerOrder;
  beforeEach(async () => {
    const reopening = await reopeningCase();
    caseId = reopening.caseId;
    order = w.partnerGateway.complete(reopening.reopenId);
  });

  async function expectNothingChanged(): Promise<void> {
    expect((await serviceOf(w, caseId)).state).toBe("reopening");
    expect(w.sms).toEqual([]);
    expect(published(w, "service.reopened")).toEqual([]);
  }

  /** The event about `order` as JSON, to be changed and then signed. */
  function eventJson(eventId: string): { eventId: string; event: { serviceOrder: Record<string, unknown> } } {
    return JSON.parse(signedCallback(w, order, { eventId }).body) as ReturnType<typeof eventJson>;
  }

  it("refuses an unsigned callback with 401 problem+json and changes nothing", async () => {
    const { body } = signedCallback(w, order);

    const res = await post({ headers: { "content-type": "application/json" }, body });

    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(problemCode(res)).toBe("CALLBACK_NOT_AUTHENTICATED");
    await expectNothingChanged();
  });

  it("refuses a callback signed with another key with 401, logging the reason but not the order", async () => {
    const other = `whsec_${Buffer.from("some-other-secret-of-32-bytes!!!").toString("base64")}`;

    const res = await post(signedCallback(w, order, { secret: other }));

    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(JSON.stringify(res.logged)).toContain("bad-signature");
    expect(JSON.stringify(res.logged)).not.toContain(order.externalId);
    await expectNothingChanged();
  });

  it("refuses a body altered after signing with 401", async () => {
    const delivery = signedCallback(w, order);
    const res = await post({ ...delivery, body: delivery.body.replace('"completed"', '"failed"') });
    expect(res.status).toBe(401);
    await expectNothingChanged();
  });

  it("refuses a signed event without the order's state with 400 naming the field", async () => {
    const event = eventJson("evt-no-state");
    delete event.event.serviceOrder["state"];

    const res = await post(signed(w, "evt-no-state", JSON.stringify(event)));

    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect((res.json as { errors: unknown[] }).errors).toEqual([
      { pointer: "/event/serviceOrder/state", detail: "Required.", code: "REQUIRED" },
    ]);
    await expectNothingChanged();
  });

  it("refuses a signed body that is not JSON with 400", async () => {
    const res = await post(signed(w, "evt-garbage", "state=completed"));
    expect(res.status).toBe(400);
    expect(problemCode(res)).toBe("CALLBACK_MALFORMED");
    await expectNothingChanged();
  });

  it("answers 404 to an order we never placed", async () => {
    const unknown = [
      "not-one-of-ours",
      commandIdFor(caseId, 0, 99), // a command this service never had
      commandIdFor(caseId, 7, 1), // a service the case does not have
    ];
    for (const externalId of unknown) {
      const res = await post(signedCallback(w, { ...order, externalId }));
      expect(res.status, externalId).toBe(404);
      expect(problemCode(res)).toBe("PARTNER_ORDER_NOT_FOUND");
    }
    await expectNothingChanged();
  });

  it("answers a tenant without a partner connection exactly like a wrong signature (401): no probing for tenants", async () => {
    const other = `whsec_${Buffer.from("some-other-secret-of-32-bytes!!!").toString("base64")}`;
    const unsigned = { headers: { "content-type": "application/json" }, body: signedCallback(w, order).body };
    // The same answer, word for word, as a connected tenant gives the same headers.
    for (const delivery of [signedCallback(w, order, { secret: other }), unsigned]) {
      const known = await post(delivery);
      const unknown = await post(delivery, "t_unknown");
      expect(unknown.status).toBe(401);
      expect(problemCode(unknown)).toBe("CALLBACK_NOT_AUTHENTICATED");
      expect(unknown.json).toEqual(known.json);
    }
    await expectNothingChanged();
  });

  it("answers 404 when another tenant's partner calls back about this tenant's order", async () => {
    await seedTenant(w, "t_beta");
    const betaSecret = `whsec_${Buffer.from("beta-partner-secret-of-32-bytes!").toString("base64")}`;
    await w.deps.partnerConnections.put("t_beta", () =>
      StoredPartnerConnection.parse({
        schemaVersion: 1,
        tenantId: "t_beta",
        baseUrl: "https://provisioning.beta.example.no",
        auth: { kind: "hmac", secret: betaSecret },
        role: "broadband-provider",
        createdAt: "2026-12-01T00:00:00.000Z",
        updatedAt: "2026-12-01T00:00:00.000Z",
      }),
    );

    const res = await post(signedCallback(w, order, { secret: betaSecret }), "t_beta");

    expect(res.status).toBe(404);
    await expectNothingChanged();
  });

  it("refuses a body over 64 KB with 413", async () => {
    const event = { ...eventJson("evt-huge"), padding: "x".repeat(70_000) };

    const res = await post(signed(w, "evt-huge", JSON.stringify(event)));

    expect(res.status).toBe(413);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    await expectNothingChanged();
  });
});
