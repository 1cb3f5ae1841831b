import { beforeAll, describe, expect, it } from "vitest";
import { installFunctionsCore, type FunctionRegistry } from "../../../../devhost/functions-core";
import {
  DELIVER_WEBHOOK_FUNCTION,
  FAN_OUT_CASE_EVENTS_FUNCTION,
  LIST_WEBHOOKS_FUNCTION,
  REGISTER_WEBHOOK_FUNCTION,
} from "../../../../functions/webhooks/names";

let registry: FunctionRegistry;

beforeAll(async () => {
  registry = installFunctionsCore();
  // Registers without calling deps(): they are only asked for inside the handlers.
  const { registerWebhooks } = await import("../../../../functions/webhooks/index");
  registerWebhooks(() => {
    throw new Error("deps are not needed to register");
  });
});

describe("the webhook functions' registrations", () => {
  it("serves POST and GET api/v1/webhooks", () => {
    expect(registry.byName(REGISTER_WEBHOOK_FUNCTION)?.trigger).toMatchObject({
      type: "httpTrigger",
      route: "api/v1/webhooks",
      methods: ["POST"],
    });
    expect(registry.byName(LIST_WEBHOOKS_FUNCTION)?.trigger).toMatchObject({
      type: "httpTrigger",
      route: "api/v1/webhooks",
      methods: ["GET"],
    });
  });

  it("fans out from case-events/webhooks and delivers from webhook-deliveries on the ServiceBusConnection", () => {
    expect(registry.byName(FAN_OUT_CASE_EVENTS_FUNCTION)?.trigger).toMatchObject({
      type: "serviceBusTrigger",
      topicName: "case-events",
      subscriptionName: "webhooks",
      connection: "ServiceBusConnection",
    });
    expect(registry.byName(DELIVER_WEBHOOK_FUNCTION)?.trigger).toMatchObject({
      type: "serviceBusTrigger",
      queueName: "webhook-deliveries",
      connection: "ServiceBusConnection",
    });
  });
});
