/** The operator's Vipps callback registration endpoint, against the local Vipps simulator. */
import { HttpRequest, InvocationContext, type HttpResponseInit } from "@azure/functions";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../../../devhost/logger";
import { VippsSimulator } from "../../../../devhost/vipps/vipps-simulator";
import {
  makeVippsWebhookOpsFunction,
  type VippsWebhookOpsDeps,
} from "../../../../functions/payments/http-ops-vipps-webhooks";
import { VippsApiClient } from "../../../../shared/adapters/vipps/api-client.vipps";
import { VippsWebhookRegistry } from "../../../../shared/adapters/vipps/webhooks-api.vipps";

const credentials = {
  clientId: "local-vipps-client-id",
  clientSecret: "local-vipps-client-secret",
  subscriptionKey: "local-vipps-subscription-key",
  merchantSerialNumber: "123456",
};
const OPERATOR_KEY = "local-operator-key-for-the-dev-host";

let dataDir: string;
let sim: VippsSimulator;
let deps: VippsWebhookOpsDeps;

function call(method: "GET" | "POST", key = OPERATOR_KEY) {
  const fn = makeVippsWebhookOpsFunction(() => deps);
  const request = new HttpRequest({
    method,
    url: "http://127.0.0.1:7071/api/v1/ops/vipps/webhooks",
    headers: { "x-api-key": key },
  });
  return fn(request, new InvocationContext({ functionName: "test" })) as Promise<HttpResponseInit>;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "vipps-ops-"));
  sim = new VippsSimulator({ dataDir, ...credentials, logger: silentLogger });
  const { baseUrl } = await sim.start(0);
  const client = new VippsApiClient({ baseUrl, ...credentials });
  deps = {
    operatorKey: OPERATOR_KEY,
    publicBaseUrl: "https://pay.example.no",
    vipps: new VippsWebhookRegistry(client),
  };
});

afterAll(async () => {
  await sim?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe("POST/GET /api/v1/ops/vipps/webhooks", () => {
  it("refuses a caller without the operator key", async () => {
    expect((await call("POST", "wrong")).status).toBe(401);
  });

  it("registers the callback URL for every ePayment event and shows the secret once", async () => {
    const created = await call("POST");
    expect(created.status).toBe(201);
    const body = created.jsonBody as { id: string; secret: string; url: string; events: string[]; note: string };
    expect(body.url).toBe("https://pay.example.no/api/callbacks/vipps");
    expect(body.events).toContain("epayments.payment.authorized.v1");
    expect(body.events).toHaveLength(8);
    expect(body.secret.length).toBeGreaterThan(32);
    expect(body.note).toContain("VIPPS_WEBHOOK_SECRET");

    const listed = await call("GET");
    expect(listed.status).toBe(200);
    const list = listed.jsonBody as { webhooks: Array<Record<string, unknown>> };
    expect(list.webhooks).toEqual([{ id: body.id, url: body.url, events: body.events }]);
    expect(JSON.stringify(list)).not.toContain(body.secret);

    const again = await call("POST");
    expect(again.status).toBe(409);
  });

  it("answers 503 when Vipps is not configured", async () => {
    const saved = deps;
    deps = { ...deps, vipps: undefined };
    try {
      expect((await call("GET")).status).toBe(503);
    } finally {
      deps = saved;
    }
  });
});
