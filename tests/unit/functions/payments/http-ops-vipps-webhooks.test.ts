/**
 * The operator's Vipps callback registration at the HTTP edge, with a literal registry: every refusal comes out of
 * the one mapping (`toProblem`) — 503 not configured, 409 already registered, 502 refused by Vipps (with
 * `providerStatus`), 503 Vipps unavailable (with `retry-after`).
 */
import { HttpRequest, type HttpResponseInit } from "@azure/functions";
import { describe, expect, it } from "vitest";
import {
  makeVippsWebhookOpsFunction,
  type VippsWebhookOpsDeps,
} from "../../../../functions/payments/http-ops-vipps-webhooks";
import { VippsRejected, VippsUnavailable } from "../../../../shared/adapters/vipps/api-client.vipps";
import type { PaymentWebhookRegistry, ProviderWebhookRegistration } from "../../../../shared/ports/payment-provider";
import { context } from "../api/api-fixtures";

const OPERATOR_KEY = "operator-key-for-the-ops-test-0001";
const PROBLEMS = "https://payment-follow-up.dev/problems/";
const CALLBACK_URL = "https://pay.example.no/api/callbacks/vipps";

function registry(list: () => Promise<ProviderWebhookRegistration[]>): PaymentWebhookRegistry {
  return {
    events: ["epayments.payment.authorized.v1"],
    list,
    register: () => Promise.resolve({ id: "wh-2", secret: "s".repeat(40) }),
  };
}

function call(method: "GET" | "POST", vipps: PaymentWebhookRegistry | undefined): Promise<HttpResponseInit> {
  const deps: VippsWebhookOpsDeps = { operatorKey: OPERATOR_KEY, publicBaseUrl: "https://pay.example.no/", vipps };
  const request = new HttpRequest({
    method,
    url: "http://127.0.0.1:7071/api/v1/ops/vipps/webhooks",
    headers: { "x-api-key": OPERATOR_KEY },
  });
  return makeVippsWebhookOpsFunction(() => deps)(request, context()) as Promise<HttpResponseInit>;
}

describe("POST/GET /api/v1/ops/vipps/webhooks refusals", () => {
  it("answers 503 naming the missing settings when Vipps is not configured", async () => {
    const answer = await call("GET", undefined);
    expect(answer.status).toBe(503);
    expect(answer.jsonBody).toEqual({
      type: `${PROBLEMS}vipps-not-configured`,
      code: "VIPPS_NOT_CONFIGURED",
      title: "Vipps is not configured",
      status: 503,
      detail:
        "Set VIPPS_BASE_URL, VIPPS_CLIENT_ID, VIPPS_CLIENT_SECRET, VIPPS_SUBSCRIPTION_KEY and VIPPS_MERCHANT_SERIAL_NUMBER.",
    });
    expect((answer.headers as Record<string, string>)["retry-after"]).toBeUndefined();
  });

  it("answers 409 with the registration id when the callback URL is registered already", async () => {
    const answer = await call(
      "POST",
      registry(() => Promise.resolve([{ id: "wh-1", url: CALLBACK_URL, events: [] }])),
    );
    expect(answer.status).toBe(409);
    expect(answer.jsonBody).toEqual({
      type: `${PROBLEMS}vipps-webhook-already-exists`,
      code: "VIPPS_WEBHOOK_ALREADY_EXISTS",
      title: "Already registered",
      status: 409,
      detail: `${CALLBACK_URL} is already registered with Vipps (id wh-1). Delete it at Vipps first to get a new secret.`,
      registrationId: "wh-1",
    });
  });

  it("answers 502 with Vipps' status when Vipps refuses, without Vipps' own detail", async () => {
    const answer = await call(
      "GET",
      registry(() =>
        Promise.reject(new VippsRejected("Vipps refused list webhooks (403: Forbidden)", 403, "internal text")),
      ),
    );
    expect(answer.status).toBe(502);
    expect(answer.jsonBody).toEqual({
      type: `${PROBLEMS}payment-provider-rejected`,
      code: "PAYMENT_PROVIDER_REJECTED",
      title: "Vipps refused the request",
      status: 502,
      detail: "Vipps refused list webhooks (403: Forbidden)",
      providerStatus: 403,
    });
  });

  it("answers 503 with retry-after when Vipps is unavailable", async () => {
    const answer = await call(
      "POST",
      registry(() => Promise.reject(new VippsUnavailable("Vipps list webhooks: timeout after 3 attempts"))),
    );
    expect(answer.status).toBe(503);
    expect((answer.headers as Record<string, string>)["retry-after"]).toBe("60");
    expect((answer.headers as Record<string, string>)["content-type"]).toBe("application/problem+json");
    expect(answer.jsonBody).toEqual({
      type: `${PROBLEMS}payment-provider-unavailable`,
      code: "PAYMENT_PROVIDER_UNAVAILABLE",
      title: "Vipps is unavailable",
      status: 503,
      detail: "Vipps list webhooks: timeout after 3 attempts",
    });
  });
});
