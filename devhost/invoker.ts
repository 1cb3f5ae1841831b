/**
 * Invokes a captured registration the way the Functions host does: a fresh InvocationContext with trigger metadata,
 * input bindings the dev host provides (e.g. the durable client), output bindings dispatched after a successful run
 * (e.g. Service Bus messages), and one structured log line per invocation.
 */
import { randomUUID } from "node:crypto";
import { InvocationContext } from "@azure/functions";
import type { BindingMetadata, FunctionRegistry, Registration } from "./functions-core";
import type { WorkTracker } from "./work-tracker";
import type { DevLogger } from "./logger";
import { asString } from "./text";

/** Sends an output binding's value (e.g. `serviceBus` → the broker). Throwing fails the invocation. */
export type OutputHandler = (binding: BindingMetadata, value: unknown, registration: Registration) => Promise<void>;

/** Provides an input binding's value (e.g. `durableClient` → the local client endpoints). */
export type InputProvider = (binding: BindingMetadata, registration: Registration) => unknown;

export interface InvokeOptions {
  invocationId?: string;
  triggerMetadata?: Record<string, unknown>;
  retryContext?: { retryCount: number; maxRetryCount: number };
  /** Skip the log line (used for very chatty internal invocations such as orchestration replays). */
  quiet?: boolean;
}

export interface InvokeResult {
  invocationId: string;
  result: unknown;
  durationMs: number;
}

export class InvocationFailed extends Error {
  constructor(
    readonly functionName: string,
    readonly invocationId: string,
    override readonly cause: unknown,
  ) {
    super(`${functionName} (${invocationId}) failed: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

export class Invoker {
  private readonly outputHandlers = new Map<string, OutputHandler>();
  private readonly inputProviders = new Map<string, InputProvider>();
  private readonly warned = new Set<string>();

  constructor(
    readonly registry: FunctionRegistry,
    private readonly tracker: WorkTracker,
    private readonly logger: DevLogger,
  ) {}

  /** `type` is a binding type, case-insensitive: "serviceBus", "blob", "queue", … */
  setOutputHandler(type: string, handler: OutputHandler): void {
    this.outputHandlers.set(type.toLowerCase(), handler);
  }

  /** `type` is a binding type, case-insensitive: "durableClient", … */
  setInputProvider(type: string, provider: InputProvider): void {
    this.inputProviders.set(type.toLowerCase(), provider);
  }

  /**
   * Runs the handler with `triggerInput`. Resolves with its result after its output bindings were dispatched;
   * rejects with InvocationFailed when the handler (or an output) throws.
   */
  async invoke(registration: Registration, triggerInput: unknown, options: InvokeOptions = {}): Promise<InvokeResult> {
    const end = this.tracker.begin();
    const invocationId = options.invocationId ?? randomUUID();
    const started = performance.now();
    // The return binding sits under the key "$return"; its `name` is a generated one.
    const { $return: returnBinding, ...named } = registration.metadata.bindings;
    const bindings = Object.values(named);
    const extraInputs = bindings.filter((b) => b.direction === "in" && b !== registration.trigger);
    const extraOutputs = bindings.filter((b) => b.direction === "out");
    const name = registration.name;
    const context = new InvocationContext({
      invocationId,
      functionName: name,
      triggerMetadata: options.triggerMetadata,
      retryContext: options.retryContext,
      options: {
        trigger: registration.trigger,
        return: returnBinding as never,
        extraInputs: extraInputs,
        extraOutputs: extraOutputs,
      },
      logHandler: (level, ...args) => this.logger.functionLog(level, name, invocationId, args),
    });
    for (const binding of extraInputs) {
      const provider = this.inputProviders.get(binding.type.toLowerCase());
      if (provider) context.extraInputs.set(binding.name, provider(binding, registration));
      else this.warnOnce(`input:${binding.type}`, `no local provider for input binding type "${binding.type}"`);
    }
    try {
      const result = await registration.callback(triggerInput, context);
      for (const binding of extraOutputs) {
        const value = context.extraOutputs.get(binding.name);
        if (value !== undefined) await this.dispatch(binding, value, registration);
      }
      if (returnBinding && result !== undefined && returnBinding.type.toLowerCase() !== "http") {
        await this.dispatch(returnBinding, result, registration);
      }
      const durationMs = performance.now() - started;
      if (!options.quiet) this.logInvocation(registration, invocationId, durationMs, "succeeded");
      return { invocationId, result, durationMs };
    } catch (err) {
      const durationMs = performance.now() - started;
      if (!options.quiet) this.logInvocation(registration, invocationId, durationMs, "failed", err);
      throw new InvocationFailed(name, invocationId, err);
    } finally {
      end();
    }
  }

  private async dispatch(binding: BindingMetadata, value: unknown, registration: Registration): Promise<void> {
    const handler = this.outputHandlers.get(binding.type.toLowerCase());
    if (!handler) {
      this.warnOnce(
        `output:${binding.type}`,
        `no local handler for output binding type "${binding.type}"; value dropped`,
      );
      return;
    }
    await handler(binding, value, registration);
  }

  private logInvocation(
    registration: Registration,
    invocationId: string,
    durationMs: number,
    outcome: "succeeded" | "failed",
    err?: unknown,
  ): void {
    this.logger.invocation({
      function: registration.name,
      invocationId,
      trigger: registration.trigger.type,
      durationMs: Math.round(durationMs * 10) / 10,
      outcome,
      ...(err ? { error: err instanceof Error ? err.message : asString(err) } : {}),
    });
  }

  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.logger.warn(message);
  }
}
