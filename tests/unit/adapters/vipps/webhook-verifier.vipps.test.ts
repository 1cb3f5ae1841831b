import { describe, expect, it } from "vitest";
import { signVippsWebhook } from "../../../../shared/adapters/vipps/webhook-signature.vipps";
import { VippsWebhookVerifier } from "../../../../shared/adapters/vipps/webhook-verifier.vipps";
import type { IncomingWebhookRequest } from "../../../../shared/ports/payment-provider";

const SECRET = "local-vipps-webhook-secret-for-the-dev-host";
const NOW = new Date("2026-11-23T12:00:00Z");
const PATH = "/api/callbacks/vipps";
const HOST = "pay.example.no";

const payload = {
  msn: "123456",
  reference: "case-0001-attempt-1",
  pspReference: "psp-7d1f",
  name: "AUTHORIZED",
  amount: { currency: "NOK", value: 49_900 },
  timestamp: "2026-11-23T11:59:58.000Z",
  idempotencyKey: null,
  success: true,
};

function delivery(options: { body?: string; secret?: string; date?: Date } = {}): IncomingWebhookRequest {
  const body = options.body ?? JSON.stringify(payload);
  const headers = signVippsWebhook({
    secret: options.secret ?? SECRET,
    pathAndQuery: PATH,
    host: HOST,
    date: (options.date ?? new Date(NOW.getTime() - 2000)).toUTCString(),
    body,
  });
  return { method: "POST", pathAndQuery: PATH, headers: { ...headers, "content-type": "application/json" }, body };
}

const verifier = new VippsWebhookVerifier({ secret: SECRET });

describe("VippsWebhookVerifier", () => {
  it("accepts a correctly signed delivery and reduces it to the event, identified by its signature", () => {
    const request = delivery();
    const verdict = verifier.verify(request);
    expect(verdict).toEqual({
      ok: true,
      event: {
        provider: "vipps",
        reference: "case-0001-attempt-1",
        name: "AUTHORIZED",
        pspReference: "psp-7d1f",
        timestamp: "2026-11-23T11:59:58.000Z",
        success: true,
      },
      deliveryId: /Signature=(.+)$/.exec(request.headers.authorization!)![1],
      sentAt: new Date(request.headers["x-ms-date"]!).toISOString(),
    });
  });

  it("refuses a delivery signed with another secret", () => {
    expect(verifier.verify(delivery({ secret: "another-secret-of-sufficient-length" }))).toMatchObject({
      ok: false,
      reason: "bad-signature",
    });
  });

  it("refuses a tampered body", () => {
    const request = delivery();
    const tampered = { ...request, body: request.body.replace("49900", "1") };
    expect(verifier.verify(tampered)).toMatchObject({ ok: false, reason: "bad-content-hash" });
  });

  it("refuses a tampered body whose content hash was recomputed (the signature covers the hash)", () => {
    const request = delivery();
    const body = request.body.replace("49900", "1");
    const forged = signVippsWebhook({
      secret: "attacker",
      pathAndQuery: PATH,
      host: HOST,
      date: request.headers["x-ms-date"]!,
      body,
    });
    const tampered = {
      ...request,
      body,
      headers: { ...request.headers, "x-ms-content-sha256": forged["x-ms-content-sha256"] },
    };
    expect(verifier.verify(tampered)).toMatchObject({ ok: false, reason: "bad-signature" });
  });

  it.each(["authorization", "x-ms-date", "x-ms-content-sha256", "host"])(
    "calls a delivery without %s unsigned",
    (name) => {
      const request = delivery();
      const headers = { ...request.headers };
      delete headers[name];
      const verdict = verifier.verify({ ...request, headers });
      expect(verdict).toMatchObject({ ok: false, reason: "unsigned" });
      expect(verdict.ok === false && verdict.detail).toContain(name);
    },
  );

  it("accepts a correctly signed delivery whatever its date, and says when it was signed (the caller judges age)", () => {
    for (const at of [new Date(NOW.getTime() - 6 * 24 * 3_600_000), new Date(NOW.getTime() + 3_600_000)]) {
      expect(verifier.verify(delivery({ date: at }))).toMatchObject({ ok: true, sentAt: at.toISOString() });
    }
  });

  it("refuses a signed delivery whose x-ms-date is not a date", () => {
    const body = JSON.stringify(payload);
    const headers = signVippsWebhook({ secret: SECRET, pathAndQuery: PATH, host: HOST, date: "yesterday", body });
    expect(verifier.verify({ method: "POST", pathAndQuery: PATH, headers: { ...headers }, body })).toMatchObject({
      ok: false,
      reason: "bad-date",
    });
  });

  it("calls a signed body that is not JSON malformed", () => {
    expect(verifier.verify(delivery({ body: "not json" }))).toMatchObject({ ok: false, reason: "malformed" });
  });

  it("calls a signed payload without a reference malformed, naming the field", () => {
    const { reference: _omitted, ...rest } = payload;
    const verdict = verifier.verify(delivery({ body: JSON.stringify(rest) }));
    expect(verdict).toMatchObject({ ok: false, reason: "malformed" });
    expect(verdict.ok === false && verdict.detail).toContain("reference");
  });

  it("calls a signed payload with an unknown event name malformed", () => {
    expect(verifier.verify(delivery({ body: JSON.stringify({ ...payload, name: "PAID" }) }))).toMatchObject({
      ok: false,
      reason: "malformed",
    });
  });
});
