/**
 * A stand-in for `@azure/functions-core`, the module the real Azure Functions Node worker injects.
 *
 * `@azure/functions` lazily `require`s that module on the first `app.*` call; outside the worker it is missing and the
 * package switches to "test mode" and drops every registration. Answering that one specifier from Node's module loader
 * lets the dev host capture the very registrations the app makes for Azure: one `functions/index.ts` serves both.
 *
 * Must be installed before the app's first `app.*` call (i.e. before `functions/index` is required).
 */
import Module from "node:module";

export type BindingDirection = "in" | "out" | "inout";

export interface BindingMetadata {
  type: string;
  direction: BindingDirection;
  name: string;
  [key: string]: unknown;
}

export interface FunctionMetadata {
  name: string;
  bindings: Record<string, BindingMetadata>;
  retryOptions?: Record<string, unknown>;
}

/** The user's handler exactly as `app.*` received it: `(triggerInput, context) => result`. */
export type FunctionCallback = (...args: unknown[]) => unknown;

export interface Registration {
  name: string;
  metadata: FunctionMetadata;
  callback: FunctionCallback;
  /** The trigger binding (the one binding whose type ends in "Trigger"). */
  trigger: BindingMetadata;
}

export interface HookRegistration {
  name: string;
  callback: (...args: unknown[]) => unknown;
}

export class FunctionRegistry {
  readonly functions: Registration[] = [];
  readonly hooks: HookRegistration[] = [];
  programmingModel: unknown;

  byName(name: string): Registration | undefined {
    return this.functions.find((f) => f.name === name);
  }

  /** Registrations whose trigger type matches, case-insensitively (`httpTrigger`, `timerTrigger`, …). */
  byTrigger(triggerType: string): Registration[] {
    const t = triggerType.toLowerCase();
    return this.functions.filter((f) => f.trigger.type.toLowerCase() === t);
  }

  /** The function of a trigger type with this name, or an error naming what exists. */
  require(name: string, triggerType: string): Registration {
    const found = this.byTrigger(triggerType).find((f) => f.name === name);
    if (!found) {
      const known = this.byTrigger(triggerType).map((f) => f.name);
      throw new Error(
        `No ${triggerType} function named "${name}" is registered (known: ${known.join(", ") || "none"})`,
      );
    }
    return found;
  }
}

const INSTALLED = Symbol.for("payment-follow-up.devhost.functions-core");

interface GlobalWithRegistry {
  [INSTALLED]?: FunctionRegistry;
}

/**
 * Installs the stand-in once per process and returns the registry it fills. Idempotent: a second call returns the
 * same registry (the module cache of `@azure/functions` also keeps the first stand-in).
 */
export function installFunctionsCore(): FunctionRegistry {
  const g = globalThis as GlobalWithRegistry;
  const existing = g[INSTALLED];
  if (existing) return existing;
  const registry = new FunctionRegistry();
  const core = {
    setProgrammingModel(model: unknown) {
      registry.programmingModel = model;
    },
    getProgrammingModel() {
      return registry.programmingModel;
    },
    registerFunction(metadata: FunctionMetadata, callback: FunctionCallback) {
      const trigger = Object.values(metadata.bindings).find((b) => /trigger$/i.test(b.type));
      if (!trigger) throw new Error(`Function "${metadata.name}" has no trigger binding`);
      if (registry.byName(metadata.name)) throw new Error(`Function "${metadata.name}" is registered twice`);
      registry.functions.push({ name: metadata.name, metadata, callback, trigger });
      return { dispose() {} };
    },
    registerHook(name: string, callback: (...args: unknown[]) => unknown) {
      registry.hooks.push({ name, callback });
      return { dispose() {} };
    },
    log(_level: string, _category: string, _message: string) {
      /* system log of the worker: the dev host logs invocations itself */
    },
  };
  const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const original = loader._load;
  loader._load = function patchedLoad(this: unknown, request: string, ...rest: unknown[]) {
    if (request === "@azure/functions-core") return core;
    return original.call(this, request, ...rest);
  };
  g[INSTALLED] = registry;
  return registry;
}
