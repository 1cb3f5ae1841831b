/**
 * The Service Bus triggers' receivers in the stand-ins' worker thread (opened by triggers-thread.ts): the functions they trigger
 * run in the host's thread, asked for by message.
 */
import { FunctionRegistry, type BindingMetadata } from "../functions-core";
import { InvocationFailed, type OutputHandler } from "../invoker";
import type { StandInFactory } from "../stand-ins-worker";
import type { InvokeOutcome, TriggersThreadInit } from "./triggers-thread";
import { ServiceBusTriggers } from "./triggers";

export const makeStandIn: StandInFactory<TriggersThreadInit> = ({ init, logger, request }) => {
  const registry = new FunctionRegistry();
  for (const { name, trigger } of init.registrations)
    registry.functions.push({
      name,
      trigger,
      metadata: { name, bindings: { trigger } },
      callback: () => {
        throw new Error(`${name} runs in the dev host's thread`);
      },
    });
  let output: OutputHandler | undefined;
  const triggers = new ServiceBusTriggers({
    registry,
    invoker: {
      invoke: async (registration, input, options = {}) => {
        const started = performance.now();
        const outcome = await request<InvokeOutcome>("invoke", registration.name, input, options.triggerMetadata);
        if (outcome.failed)
          throw new InvocationFailed(registration.name, outcome.invocationId, new Error(outcome.error));
        return { invocationId: outcome.invocationId, result: undefined, durationMs: performance.now() - started };
      },
      setOutputHandler: (type, handler) => {
        if (type.toLowerCase() === "servicebus") output = handler;
      },
    },
    logger,
    setting: (name) => init.settings[name],
    ...init.hostSettings,
  });
  return {
    start: () => triggers.start(),
    sendOutput: async (binding: BindingMetadata, value: unknown, functionName: string) => {
      if (!output) throw new Error("the Service Bus triggers have not started");
      const registration = registry.byName(functionName) ?? {
        name: functionName,
        trigger: binding,
        metadata: { name: functionName, bindings: {} },
        callback: () => undefined,
      };
      await output(binding, value, registration);
    },
    stop: () => triggers.stop(),
  };
};
