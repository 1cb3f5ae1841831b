import { describe, expect, it } from "vitest";
import {
  signVippsWebhook,
  verifyVippsWebhookSignature,
} from "../../../../shared/adapters/vipps/webhook-signature.vipps";

/** Vipps webhooks-api docs, request-authentication.md (the published test vector). */
const VECTOR = {
  secret: "A0+AeKBRG2KRGvnNwJpQlb6IJFk48CKXCIcrLoHncVJKDILsQSxS6NWCccwWm6r6FhGKhiHTBsG2wo/xU6FY/A==",
  pathAndQuery: "/e2cee29b-012e-4f1d-8ef4-e95fd74a7a63",
  host: "webhook.site",
  date: "Thu, 30 Mar 2023 08:38:32 GMT",
  body: '{"some-unique-content":"ee6e441b-cc4a-46f8-895d-a5af79bcc233/hello-world"}',
};

describe("signVippsWebhook", () => {
  it("reproduces the published Vipps test vector exactly", () => {
    const headers = signVippsWebhook({ ...VECTOR, method: "POST" });
    expect(headers.authorization).toBe(
      "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=agAiSyogQbDHpeucoNwYz+yAr5nJ+v+zasdkSbqzv+U=",
    );
    expect(headers["x-ms-date"]).toBe(VECTOR.date);
    expect(headers.host).toBe("webhook.site");
    expect(headers["x-ms-content-sha256"]).toBe("lNlsp1XA03N34HrQsVzPgJKtC+r7l/RBF4V3JQUWMj4=");
  });
});

describe("verifyVippsWebhookSignature", () => {
  const signed = signVippsWebhook(VECTOR);
  const input = { ...VECTOR, contentHash: signed["x-ms-content-sha256"], authorization: signed.authorization };

  it("accepts the published test vector and returns its signature", () => {
    expect(verifyVippsWebhookSignature(input)).toEqual({
      ok: true,
      signature: "agAiSyogQbDHpeucoNwYz+yAr5nJ+v+zasdkSbqzv+U=",
    });
  });

  it("refuses another path, host or date under the same signature", () => {
    expect(verifyVippsWebhookSignature({ ...input, pathAndQuery: "/other" })).toMatchObject({
      ok: false,
      reason: "bad-signature",
    });
    expect(verifyVippsWebhookSignature({ ...input, host: "evil.example" })).toMatchObject({
      ok: false,
      reason: "bad-signature",
    });
    expect(verifyVippsWebhookSignature({ ...input, date: "Thu, 30 Mar 2023 08:38:33 GMT" })).toMatchObject({
      ok: false,
      reason: "bad-signature",
    });
  });

  it("refuses a body that does not match the content hash", () => {
    expect(verifyVippsWebhookSignature({ ...input, body: VECTOR.body.replace("hello", "hullo") })).toMatchObject({
      ok: false,
      reason: "bad-content-hash",
    });
  });

  it("refuses an Authorization header in another form", () => {
    expect(verifyVippsWebhookSignature({ ...input, authorization: "Bearer abc" })).toMatchObject({
      ok: false,
      reason: "bad-signature",
    });
  });
});
