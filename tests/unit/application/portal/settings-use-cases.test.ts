/**
 * The use cases behind the portal's settings pages (issue 16): the live policy check answers what a save would,
 * without saving; API keys are added, listed (never a key) and revoked per tenant; a webhook delivery is written to
 * the delivery log with its status and outcome, and a failed one is sent again through the same queue.
 */
import { describe, expect, it } from "vitest";
import { MemoryTenantStore } from "../../../../shared/adapters/memory/tenant-store.memory";
import { MemoryWebhookDeliveryLog } from "../../../../shared/adapters/memory/webhook-delivery-log.memory";
import { MemoryWebhookStore } from "../../../../shared/adapters/memory/webhook-store.memory";
import { makeAddApiKey, makeListApiKeys, makeRevokeApiKey } from "../../../../shared/application/portal/api-keys";
import { makeCheckPolicy, makeGetPolicy, makePutPolicy, UnlawfulPolicy } from "../../../../shared/application/policy";
import { makeDeliverWebhook } from "../../../../shared/application/webhooks/deliver-webhook";
import {
  makeListWebhookDeliveries,
  makeRetryWebhookDelivery,
} from "../../../../shared/application/webhooks/delivery-log";
import { defaultPolicy } from "../../../../shared/domain/policy";
import {
  deliveryMessageId,
  type WebhookDeliveryMessage,
  type WebhookDeliveryQueue,
} from "../../../../shared/ports/webhook-delivery-queue";
import type { Tenant } from "../../../../shared/ports/tenant-store";
import { fixedFraction, seededRandom } from "../../../support/random";

const NOW = new Date("2026-12-07T09:00:00.000Z");
const clock = { now: () => NOW };

function tenant(tenantId: string): Tenant {
  return {
    schemaVersion: 1,
    tenantId,
    name: `${tenantId} AS`,
    senderName: "Demo",
    orgNumber: "974760673",
    country: "NO",
    policy: null,
    createdAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
  };
}

async function tenants(...ids: string[]) {
  const store = new MemoryTenantStore();
  for (const id of ids)
    await store.create(tenant(id), { keyId: `k_${id}`, tenantId: id, keyHash: "0".repeat(64), createdAt: "x" });
  return store;
}

describe("the live policy check", () => {
  it("answers the problems a save would refuse with, and saves nothing", async () => {
    const deps = { tenants: await tenants("t_a"), clock, partnerConnections: { get: async () => undefined } };
    const policy = defaultPolicy("NO", "Demo");
    const reminder = policy.steps.findIndex((s) => s.kind === "reminder");
    const unlawful = {
      ...policy,
      steps: policy.steps.map((s, i) => (i === reminder ? { ...s, offsetDays: 3 } : s)),
    };
    const problems = await makeCheckPolicy(deps)("t_a", unlawful);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.step === reminder)).toBe(true);
    expect((await makeGetPolicy(deps)("t_a")).isDefault).toBe(true);
    const refused = await makePutPolicy(deps)("t_a", unlawful).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(UnlawfulPolicy);
    expect((refused as UnlawfulPolicy).problems).toEqual(problems);
    expect(await makeCheckPolicy(deps)("t_a", policy)).toEqual([]);
  });
});

describe("API keys", () => {
  it("adds a labelled key, lists it without its hash, and revokes only the tenant's own", async () => {
    const store = await tenants("t_a", "t_b");
    const add = makeAddApiKey({ tenants: store, clock });
    expect(
      await add("t_a", { keyId: "aaaaaaaaaaaaaaaa", keyHash: "1".repeat(64), environment: "live" as const }, "   "),
    ).toEqual({
      ok: false,
      problem: "label-missing",
    });
    expect(
      (
        await add(
          "t_a",
          { keyId: "aaaaaaaaaaaaaaaa", keyHash: "1".repeat(64), environment: "live" as const },
          "x".repeat(61),
        )
      ).ok,
    ).toBe(false);
    expect(
      (
        await add(
          "t_a",
          { keyId: "aaaaaaaaaaaaaaaa", keyHash: "1".repeat(64), environment: "live" as const },
          " Regnskap ",
        )
      ).ok,
    ).toBe(true);

    const list = await makeListApiKeys({ tenants: store })("t_a");
    expect(list.map((k) => [k.keyId, k.label])).toEqual(
      expect.arrayContaining([
        ["aaaaaaaaaaaaaaaa", "Regnskap"],
        ["k_t_a", null],
      ]),
    );
    expect(JSON.stringify(list)).not.toContain("1".repeat(64));

    const revoke = makeRevokeApiKey({ tenants: store, clock });
    expect(await revoke("t_b", "aaaaaaaaaaaaaaaa")).toBe(false);
    expect((await store.findApiKey("aaaaaaaaaaaaaaaa"))?.revokedAt).toBeUndefined();
    expect(await revoke("t_a", "aaaaaaaaaaaaaaaa")).toBe(true);
    expect((await store.findApiKey("aaaaaaaaaaaaaaaa"))?.revokedAt).toBe(NOW.toISOString());
  });
});

class RecordingQueue implements WebhookDeliveryQueue {
  readonly sent: WebhookDeliveryMessage[] = [];
  readonly scheduled: WebhookDeliveryMessage[] = [];
  async send(deliveries: WebhookDeliveryMessage[]) {
    this.sent.push(...deliveries);
  }
  async schedule(delivery: WebhookDeliveryMessage) {
    this.scheduled.push(delivery);
  }
}

describe("the webhook delivery log", () => {
  it("records each attempt's status and outcome, and sends a failed delivery again through the queue", async () => {
    const webhooks = new MemoryWebhookStore();
    await webhooks.create({
      schemaVersion: 1,
      id: "wh_1",
      tenantId: "t_a",
      url: "https://erp.example/hook",
      events: ["case.created"],
      secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
      createdAt: NOW.toISOString(),
    });
    const log = new MemoryWebhookDeliveryLog();
    const queue = new RecordingQueue();
    const statuses = [503, 204];
    const deliver = makeDeliverWebhook({
      webhooks,
      queue,
      clock,
      signingClock: clock,
      random: fixedFraction(0.5),
      sender: { send: async () => ({ kind: "answered", status: statuses.shift() ?? 500 }) },
      log,
    });
    const first: WebhookDeliveryMessage = {
      schemaVersion: 1,
      tenantId: "t_a",
      subscriptionId: "wh_1",
      attempt: 1,
      event: { id: "evt_1", type: "case.created", tenantId: "t_a", caseId: "c_1", occurredAt: "x", data: {} },
      failures: [],
    };
    expect((await deliver(first)).kind).toBe("retry");

    const list = makeListWebhookDeliveries({ log, webhooks });
    const [failed] = (await list("t_a", "wh_1"))!;
    expect(failed).toMatchObject({ eventType: "case.created", attempt: 1, status: 503, outcome: "retrying" });
    expect(await list("t_b", "wh_1")).toBeUndefined();

    const retry = makeRetryWebhookDelivery({ log, webhooks, queue, random: seededRandom(3) });
    expect(await retry("t_b", "wh_1", failed!.id)).toBe("not-found");
    expect(await retry("t_a", "wh_1", failed!.id)).toBe("queued");
    const again = queue.sent[0]!;
    expect(again).toMatchObject({ attempt: 1, failures: [], event: first.event });
    expect(deliveryMessageId(again)).not.toBe(deliveryMessageId(first));
    expect(deliveryMessageId(again)).not.toBe(deliveryMessageId(queue.scheduled[0]!));

    expect((await deliver(again)).kind).toBe("delivered");
    const records = (await list("t_a", "wh_1"))!;
    const delivered = records.find((r) => r.outcome === "delivered")!;
    expect(delivered).toMatchObject({ status: 204, manualRetry: again.manualRetry });
    expect(await retry("t_a", "wh_1", delivered.id)).toBe("not-failed");
    // The log never holds the URL or the secret.
    expect(JSON.stringify(records)).not.toContain("erp.example");
    expect(JSON.stringify(records)).not.toContain("whsec_");
  });
});
