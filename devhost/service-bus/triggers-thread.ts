/**
 * The Service Bus triggers as the dev host runs them: receiving, lock renewal and settlement (the real
 * `@azure/service-bus` SDK, `ServiceBusTriggers`) in the stand-ins' worker thread (triggers-worker.ts), the functions
 * in the host's thread — as in Azure, where the Functions host receives and settles and the language worker only runs
 * the function. For each message the thread asks the host to invoke the function (`invoke`: the host's `Invoker`, its
 * log line and work tracking as before) and completes or abandons the message by the answer. Output bindings
 * (`output.serviceBus*`) are sent by the thread's senders. `DEVHOST_STAND_IN_THREADS=false` runs `ServiceBusTriggers`
 * in the host's own thread instead.
 */
import { asString } from "../text";
import type { FunctionRegistry, BindingMetadata } from "../functions-core";
import { InvocationFailed, type Invoker } from "../invoker";
import type { StandInThread, StandInThreadDeps } from "../stand-in-thread";
import type { ServiceBusHostSettings } from "./host-settings";
import { ServiceBusTriggers } from "./triggers";

const DEFAULT_CONNECTION = "AzureWebJobsServiceBus";

/** What the worker is started with (triggers-worker.ts). */
export interface TriggersThreadInit {
  /** The Service Bus trigger registrations, as data: the function's name and its trigger binding. */
  registrations: Array<{ name: string; trigger: BindingMetadata }>;
  /** The app settings the triggers' connections name (connection strings, `…__fullyQualifiedNamespace`). */
  settings: Record<string, string>;
  hostSettings: Partial<ServiceBusHostSettings>;
}

/** The host's answer to `invoke`. */
export type InvokeOutcome =
  { failed: false; invocationId: string } | { failed: true; invocationId: string; error: string };

export interface TriggersHandle {
  stop(): Promise<void>;
}

/**
 * Starts a receiver per Service Bus trigger of `registry` (in a worker thread when `thread` is set and possible) and
 * the output handler for `serviceBus` outputs; resolves once they listen.
 */
export async function startServiceBusTriggers(
  options: {
    registry: FunctionRegistry;
    invoker: Invoker;
    setting: (name: string) => string | undefined;
    hostSettings: Partial<ServiceBusHostSettings>;
  },
  deps: StandInThreadDeps,
  thread: StandInThread | undefined,
): Promise<TriggersHandle> {
  const { registry, invoker, setting, hostSettings } = options;
  if (!thread) {
    const triggers = new ServiceBusTriggers({ registry, invoker, logger: deps.logger, setting, ...hostSettings });
    await triggers.start();
    return { stop: () => triggers.stop() };
  }
  const registrations = registry.byTrigger("serviceBusTrigger");
  // Every connection a trigger or an output names, as the host would resolve it.
  const connections = new Set<string>();
  for (const r of registry.functions)
    for (const b of Object.values(r.metadata.bindings))
      if (/^serviceBus/i.test(b.type)) connections.add(asString(b.connection ?? DEFAULT_CONNECTION));
  const settings: Record<string, string> = {};
  for (const c of connections)
    for (const name of [c, `${c}__fullyQualifiedNamespace`]) {
      const value = setting(name);
      if (value !== undefined) settings[name] = value;
    }
  const init: TriggersThreadInit = {
    registrations: registrations.map((r) => ({ name: r.name, trigger: r.trigger })),
    settings,
    hostSettings,
  };
  const worker = await thread.open("service-bus-triggers", "service-bus/triggers-worker", init, {
    invoke: async (name: string, input: unknown, triggerMetadata: Record<string, unknown>): Promise<InvokeOutcome> => {
      const registration = registry.byName(name);
      if (!registration) throw new Error(`No function named ${name}`);
      try {
        const { invocationId } = await invoker.invoke(registration, input, { triggerMetadata });
        return { failed: false, invocationId };
      } catch (err) {
        if (!(err instanceof InvocationFailed)) throw err;
        const cause = err.cause instanceof Error ? err.cause.message : String(err.cause);
        return { failed: true, invocationId: err.invocationId, error: cause };
      }
    },
  });
  await worker.call("start");
  invoker.setOutputHandler("serviceBus", (binding, value, registration) =>
    worker.call("sendOutput", binding, value, registration.name),
  );
  return { stop: () => worker.stop() };
}
