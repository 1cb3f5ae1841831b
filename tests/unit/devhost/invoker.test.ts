import { describe, expect, it } from "vitest";
import { installFunctionsCore } from "../../../devhost/functions-core";
import { app, output } from "@azure/functions";
import { Invoker, InvocationFailed } from "../../../devhost/invoker";
import { WorkTracker } from "../../../devhost/work-tracker";
import { silentLogger } from "../../../devhost/logger";

const registry = installFunctionsCore();
const toQueue = output.serviceBusQueue({ queueName: "payments", connection: "ServiceBusConnection" });
const toTopic = output.serviceBusTopic({ topicName: "case-events", connection: "ServiceBusConnection" });
app.timer("returnsMessage", { schedule: "0 0 * * * *", return: toQueue, handler: async () => ({ paid: 100 }) });
app.timer("setsOutput", {
  schedule: "0 0 * * * *",
  extraOutputs: [toTopic],
  handler: async (_t, ctx) => {
    ctx.extraOutputs.set(toTopic, [{ event: "a" }, { event: "b" }]);
  },
});
app.timer("failsAfterOutput", {
  schedule: "0 0 * * * *",
  extraOutputs: [toTopic],
  handler: async (_t, ctx) => {
    ctx.extraOutputs.set(toTopic, { event: "never" });
    throw new Error("boom");
  },
});

function makeInvoker() {
  const sent: Array<{ entity: unknown; value: unknown }> = [];
  const invoker = new Invoker(registry, new WorkTracker(), silentLogger);
  invoker.setOutputHandler("serviceBus", async (binding, value) => {
    sent.push({ entity: binding.queueName ?? binding.topicName, value });
  });
  return { invoker, sent };
}

describe("the invoker", () => {
  it("sends a function's return value through its return output binding", async () => {
    const { invoker, sent } = makeInvoker();
    await invoker.invoke(registry.byName("returnsMessage")!, {});
    expect(sent).toEqual([{ entity: "payments", value: { paid: 100 } }]);
  });

  it("sends what the function set on its extra output bindings", async () => {
    const { invoker, sent } = makeInvoker();
    await invoker.invoke(registry.byName("setsOutput")!, {});
    expect(sent).toEqual([{ entity: "case-events", value: [{ event: "a" }, { event: "b" }] }]);
  });

  it("sends nothing from an invocation that fails, and reports the failure", async () => {
    const { invoker, sent } = makeInvoker();
    await expect(invoker.invoke(registry.byName("failsAfterOutput")!, {})).rejects.toBeInstanceOf(InvocationFailed);
    expect(sent).toEqual([]);
  });
});
