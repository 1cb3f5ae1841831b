import { Webhook } from "standardwebhooks";
import { beforeEach, describe, expect, it } from "vitest";
import { MemoryReplayGuard } from "../../../../shared/adapters/memory/replay-guard.memory";
import { makeVerifyPartnerCallback } from "../../../../shared/application/partners/verify-partner-callback";
import { toProblem } from "../../../../shared/http/problem";
import type { PartnerConnection } from "../../../../shared/ports/partner-gateway";

const SECRET = `whsec_${Buffer.from("partner-shared-secret-32-bytes!!").toString("base64")}`;
const OTHER_SECRET = `whsec_${Buffer.from("some-other-secret-of-32-bytes!!!").toString("base64")}`;
const NOW = new Date("2026-12-03T21:00:00Z");

const connection: PartnerConnection = {
  tenantId: "t_broadband",
  baseUrl: "https://partner.example.test",
  auth: { kind: "hmac", secret: SECRET },
  role: "broadband-provider",
};

function eventBody(overrides: Record<string, unknown> = {}, eventId = "evt-1"): Record<string, unknown> {
  return {
    eventId,
    eventTime: "2026-12-03T20:59:58Z",
    eventType: "ServiceOrderStateChangeEvent",
    event: {
      serviceOrder: {
        id: "so-1",
        externalId: "cmd-0001",
        state: "completed",
        completionDate: "2026-12-03T20:59:57Z",
        serviceOrderItem: [{ id: "1", state: "completed", service: { id: "bb-1", state: "inactive" } }],
        ...overrides,
      },
    },
    "@type": "ServiceOrderStateChangeEvent",
  };
}

/** A delivery as the partner sends it: the body signed with Standard Webhooks at `sentAt`. */
function delivery(options: { body?: unknown; raw?: string; id?: string; sentAt?: Date; secret?: string } = {}) {
  const body = options.raw ?? JSON.stringify(options.body ?? eventBody());
  const id = options.id ?? "evt-1";
  const sentAt = options.sentAt ?? new Date(NOW.getTime() - 2_000);
  return {
    body,
    headers: {
      "webhook-id": id,
      "webhook-timestamp": String(Math.floor(sentAt.getTime() / 1000)),
      "webhook-signature": new Webhook(options.secret ?? SECRET).sign(id, sentAt, body),
    },
  };
}

let verify: ReturnType<typeof makeVerifyPartnerCallback>;
beforeEach(() => {
  verify = makeVerifyPartnerCallback({ partnerCallbackReplays: new MemoryReplayGuard(), clock: { now: () => NOW } });
});

/** The problem response the one table makes of what `verify` throws. */
function problemOf(call: () => unknown) {
  try {
    call();
  } catch (error) {
    const response = toProblem(error);
    return { status: response.status, body: response.jsonBody as { code?: string; errors?: unknown[] } };
  }
  throw new Error("expected the callback to be refused");
}

describe("verifying a partner's callback", () => {
  it("accepts a correctly signed, fresh event and returns it decoded", () => {
    const event = verify({ connection, ...delivery() });

    expect(event.eventId).toBe("evt-1");
    expect(event.event.serviceOrder).toMatchObject({ id: "so-1", externalId: "cmd-0001", state: "completed" });
    expect(event.event.serviceOrder.serviceOrderItem[0]?.service.state).toBe("inactive");
  });

  it("reads the signature headers whatever their case", () => {
    const { body, headers } = delivery();
    const shouted = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toUpperCase(), value]));
    expect(verify({ connection, body, headers: shouted }).eventId).toBe("evt-1");
  });

  it("verifies an OAuth2 connection's callbacks with its callback secret", () => {
    const oauth2: PartnerConnection = {
      ...connection,
      auth: { kind: "oauth2", tokenUrl: "https://partner.example.test/token", clientId: "c", clientSecret: "s" },
      callbackSecret: OTHER_SECRET,
    };
    expect(verify({ connection: oauth2, ...delivery({ secret: OTHER_SECRET }) }).eventId).toBe("evt-1");
  });

  it("answers 503 for an OAuth2 connection without a callback secret: nothing to verify with", () => {
    const oauth2: PartnerConnection = {
      ...connection,
      auth: { kind: "oauth2", tokenUrl: "https://partner.example.test/token", clientId: "c", clientSecret: "s" },
    };
    expect(problemOf(() => verify({ connection: oauth2, ...delivery() })).status).toBe(503);
  });

  it("refuses an unsigned callback with 401", () => {
    const { body } = delivery();
    const refused = problemOf(() => verify({ connection, body, headers: {} }));

    expect(refused.status).toBe(401);
    expect(refused.body.errors).toEqual([
      { pointer: "#/header/webhook-signature", detail: "unsigned", code: "unsigned" },
    ]);
  });

  it("refuses a callback signed with another secret with 401", () => {
    const refused = problemOf(() => verify({ connection, ...delivery({ secret: OTHER_SECRET }) }));

    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe("CALLBACK_NOT_AUTHENTICATED");
    expect(refused.body.errors).toEqual([expect.objectContaining({ code: "bad-signature" })]);
  });

  it("refuses a body changed after signing with 401", () => {
    const { headers } = delivery();
    const tampered = JSON.stringify(eventBody({ state: "failed" }));
    expect(problemOf(() => verify({ connection, body: tampered, headers })).status).toBe(401);
  });

  it("refuses a callback signed more than 5 minutes before or after now with 401, and accepts one just inside", () => {
    const stale = problemOf(() => verify({ connection, ...delivery({ sentAt: new Date(NOW.getTime() - 301_000) }) }));
    const early = problemOf(() => verify({ connection, ...delivery({ sentAt: new Date(NOW.getTime() + 301_000) }) }));

    expect(stale.status).toBe(401);
    expect(stale.body.errors).toEqual([expect.objectContaining({ code: "stale" })]);
    expect(early.status).toBe(401);
    expect(verify({ connection, ...delivery({ sentAt: new Date(NOW.getTime() - 290_000) }) }).eventId).toBe("evt-1");
  });

  it("refuses the very same delivery a second time with 409", () => {
    const once = delivery();
    verify({ connection, ...once });

    const again = problemOf(() => verify({ connection, ...once }));

    expect(again.status).toBe(409);
    expect(again.body.code).toBe("CALLBACK_REPLAYED");
  });

  it("accepts the next event about the same order: only the same webhook-id is a replay", () => {
    verify({ connection, ...delivery() });
    const next = eventBody({ state: "completed" }, "evt-2");
    expect(verify({ connection, ...delivery({ body: next, id: "evt-2" }) }).eventId).toBe("evt-2");
  });

  it("refuses a signed event without a state with 400, pointing at the field", () => {
    const body = eventBody();
    delete (body["event"] as { serviceOrder: Record<string, unknown> }).serviceOrder["state"];
    const refused = problemOf(() => verify({ connection, ...delivery({ body }) }));

    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe("CALLBACK_MALFORMED");
    expect(refused.body.errors).toEqual([
      { pointer: "/event/serviceOrder/state", detail: "Required.", code: "REQUIRED" },
    ]);
  });

  it("refuses a state outside TMF641's with 400, pointing at the item's field", () => {
    const body = eventBody({
      serviceOrderItem: [{ id: "1", state: "done", service: { id: "bb-1", state: "inactive" } }],
    });
    const refused = problemOf(() => verify({ connection, ...delivery({ body }) }));

    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([
      expect.objectContaining({ pointer: "/event/serviceOrder/serviceOrderItem/0/state", code: "INVALID_VALUE" }),
    ]);
  });

  it("refuses a signed body that is not JSON with 400 about the whole body", () => {
    const refused = problemOf(() => verify({ connection, ...delivery({ raw: "<xml/>" }) }));
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([{ pointer: "", detail: "Not JSON.", code: "INVALID_JSON" }]);
  });

  it("refuses an event whose eventId is not the signed webhook-id with 400 naming eventId", () => {
    const refused = problemOf(() => verify({ connection, ...delivery({ body: eventBody({}, "evt-9") }) }));
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([expect.objectContaining({ pointer: "/eventId" })]);
  });

  it("does not remember a malformed delivery, so the partner's corrected event with the same id is accepted", () => {
    const body = eventBody();
    delete (body["event"] as { serviceOrder: Record<string, unknown> }).serviceOrder["state"];
    expect(problemOf(() => verify({ connection, ...delivery({ body }) })).status).toBe(400);

    expect(verify({ connection, ...delivery() }).eventId).toBe("evt-1");
  });
});
