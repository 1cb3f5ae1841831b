/**
 * The history-replay protocol between the engine and the durable-functions orchestrator wrapper: building history
 * events and the trigger input, reading the actions an episode returns, and JSON conventions of the wire format.
 *
 * See ../../../shared/reference/azure-functions-without-core-tools.md for the verified facts this relies on.
 */
import {
  ActionType,
  EventType,
  type HistoryEvent,
  type OrchestratorAction,
  type OrchestratorState,
  type WireFailureDetails,
  type WireRetryOptions,
} from "./types";

/**
 * Timers longer than this become "long timers" that the SDK splits into hidden sub-timers which consume sequence
 * numbers (pitfall 4). A century keeps every real timer short; the engine fires it on the virtual clock.
 */
export const MAXIMUM_SHORT_TIMER_DURATION = "36500.00:00:00";
export const LONG_RUNNING_TIMER_INTERVAL = "3.00:00:00";
/** ReplaySchema.V4 of durable-functions 3.x. */
export const UPPER_SCHEMA_VERSION = 3;

export function historyEvent(
  type: EventType,
  timestamp: string,
  extra: Partial<HistoryEvent> = {},
  eventId = -1,
): HistoryEvent {
  return { EventType: type, EventId: eventId, IsPlayed: false, Timestamp: timestamp, ...extra };
}

/** JSON text of a value; undefined stays undefined (the wire's "no value"). */
export function toJson(value: unknown): string | undefined {
  return value === undefined ? undefined : JSON.stringify(value);
}

export function fromJson(text: string | undefined): unknown {
  return text === undefined || text === "" ? undefined : JSON.parse(text);
}

/**
 * The orchestration trigger input; every own property is required by the SDK (reference: "Trigger input"). `played`
 * (the stored history, handed over with IsPlayed set) and `added` (this episode's new events) are copied: the SDK
 * must not share objects with the stored history (pitfall 7) — it rewrites each event's Timestamp as a Date.
 */
export function orchestrationTriggerInput(
  instanceId: string,
  played: readonly HistoryEvent[],
  added: readonly HistoryEvent[],
  input: unknown,
  parentInstanceId: string | undefined,
): Record<string, unknown> {
  const history = new Array<HistoryEvent>(played.length + added.length);
  for (let i = 0; i < played.length; i++) history[i] = wireCopy(played[i]!, true);
  for (let i = 0; i < added.length; i++) history[played.length + i] = wireCopy(added[i]!, added[i]!.IsPlayed);
  return {
    history,
    input,
    instanceId,
    isReplaying: false,
    parentInstanceId: parentInstanceId ?? "",
    upperSchemaVersion: UPPER_SCHEMA_VERSION,
    maximumShortTimerDuration: MAXIMUM_SHORT_TIMER_DURATION,
    longRunningTimerIntervalDuration: LONG_RUNNING_TIMER_INTERVAL,
    defaultHttpAsyncRequestSleepTimeMillseconds: 30_000,
  };
}

/**
 * A fresh copy of one event, as the SDK would get it off the wire: the event's own fields copied (they are strings and
 * numbers but for FailureDetails), any object among them deep-copied. A fraction of the cost of `structuredClone` on
 * the whole history, which every episode pays again for every event of its history.
 */
function wireCopy(event: HistoryEvent, isPlayed: boolean): HistoryEvent {
  const copy: HistoryEvent = { ...event, IsPlayed: isPlayed };
  for (const key in copy) {
    const value = copy[key];
    if (value !== null && typeof value === "object") copy[key] = structuredClone(value);
  }
  return copy;
}

/**
 * All actions of an episode in the order the SDK numbered them, compound actions (Task.any/Task.all) flattened
 * (pitfall 2). A task that was yielded alone and later again inside Task.any appears twice in the SDK's list (the
 * compound action embeds its children's action objects); it was numbered once, so it is kept once, by identity.
 */
export function flattenActions(state: OrchestratorState): OrchestratorAction[] {
  const seen = new Set<OrchestratorAction>();
  const out: OrchestratorAction[] = [];
  const walk = (action: OrchestratorAction) => {
    if (seen.has(action)) return;
    seen.add(action);
    if (action.actionType === ActionType.WhenAny || action.actionType === ActionType.WhenAll) {
      for (const child of action.compoundActions ?? []) walk(child);
    } else {
      out.push(action);
    }
  };
  for (const group of state.actions ?? []) for (const action of group ?? []) walk(action);
  return out;
}

/** External-event waits are matched by name and continueAsNew ends the execution: neither takes a number. */
export function takesSequenceNumber(action: OrchestratorAction): boolean {
  return action.actionType !== ActionType.WaitForExternalEvent && action.actionType !== ActionType.ContinueAsNew;
}

/**
 * An action's input as JSON text. The SDK JSON-encodes string inputs of activities and continueAsNew itself
 * (`Utils.processInput`) and leaves other values as they are; sub-orchestration inputs are never pre-encoded.
 */
export function actionInputJson(action: OrchestratorAction): string | undefined {
  const preEncoded =
    action.actionType === ActionType.CallActivity ||
    action.actionType === ActionType.CallActivityWithRetry ||
    action.actionType === ActionType.ContinueAsNew;
  if (preEncoded && typeof action.input === "string") return action.input;
  return toJson(action.input);
}

/** The orchestrator's final output as JSON text (null when it returned nothing, as the extension stores it). */
export function outputJson(state: OrchestratorState): string {
  return JSON.stringify(state.output ?? null);
}

const OUT_OF_PROC_LABEL = "\n\n$OutOfProcData$:";

/**
 * Reads the `OrchestrationFailureError` the wrapper throws when the orchestrator throws: its message is
 * `<error message>\n\n$OutOfProcData$:<OrchestratorState JSON>`.
 */
export function parseOrchestrationFailure(err: unknown): {
  message: string;
  stack?: string;
  state?: OrchestratorState;
} {
  const text = err instanceof Error ? err.message : String(err);
  const at = text.indexOf(OUT_OF_PROC_LABEL);
  if (at < 0) return { message: text, stack: err instanceof Error ? err.stack : undefined };
  let state: OrchestratorState | undefined;
  try {
    state = JSON.parse(text.slice(at + OUT_OF_PROC_LABEL.length)) as OrchestratorState;
  } catch {
    state = undefined;
  }
  const message = state?.error ?? text.slice(0, at);
  const stack = err instanceof Error && err.stack && !err.stack.includes(OUT_OF_PROC_LABEL) ? err.stack : undefined;
  return { message, stack, state };
}

/**
 * Failure fields of a TaskFailed / SubOrchestrationInstanceFailed event. The SDK builds `new Error(Reason + " \n " +
 * Details)` from them, or a TaskFailedError from `FailureDetails` when present: an activity whose message is the
 * JSON the SDK's exception-properties provider produced gets it back as FailureDetails, like on Azure.
 */
export function failureFields(
  reason: string,
  err: unknown,
): Pick<HistoryEvent, "Reason" | "Details" | "FailureDetails"> {
  const message = err instanceof Error ? err.message : String(err);
  const details = err instanceof Error ? (err.stack ?? message) : message;
  const structured = parseFailureDetailsJson(message);
  return {
    Reason: `${reason}: ${structured ? structured.ErrorMessage : message}`,
    Details: details,
    ...(structured ? { FailureDetails: structured } : {}),
  };
}

function parseFailureDetailsJson(message: string): WireFailureDetails | undefined {
  if (!message.startsWith("{")) return undefined;
  try {
    const p = JSON.parse(message) as Record<string, unknown>;
    if (typeof p.errorType !== "string" || typeof p.errorMessage !== "string" || typeof p.properties !== "object")
      return undefined;
    return {
      ErrorType: p.errorType,
      ErrorMessage: p.errorMessage,
      StackTrace: typeof p.stackTrace === "string" ? p.stackTrace : undefined,
      IsNonRetriable: p.isNonRetriable === true,
      Properties: (p.properties ?? undefined) as Record<string, unknown> | undefined,
    };
  } catch {
    return undefined;
  }
}

/**
 * Delay before the retry that follows failed attempt `attempt` (1-based), as DurableTask.Core's RetryInterceptor
 * computes it: first interval × backoff^(attempt-1), capped by the maximum interval.
 */
export function retryDelayMs(options: WireRetryOptions, attempt: number): number {
  const backoff = options.backoffCoefficient && options.backoffCoefficient > 0 ? options.backoffCoefficient : 1;
  const delay = options.firstRetryIntervalInMilliseconds * Math.pow(backoff, attempt - 1);
  const cap =
    options.maxRetryIntervalInMilliseconds && options.maxRetryIntervalInMilliseconds > 0
      ? options.maxRetryIntervalInMilliseconds
      : Infinity;
  return Math.min(delay, cap);
}

/**
 * External events of this execution that no wait consumed (for continueAsNew with preserveUnprocessedEvents).
 * The SDK hands buffered events to waits FIFO per name, so per name the last (raised − waited) events are left.
 */
export function unconsumedEvents(history: HistoryEvent[], actions: OrchestratorAction[]): HistoryEvent[] {
  const waits = new Map<string, number>();
  for (const a of actions) {
    if (a.actionType === ActionType.WaitForExternalEvent && a.externalEventName) {
      waits.set(a.externalEventName, (waits.get(a.externalEventName) ?? 0) + 1);
    }
  }
  const out: HistoryEvent[] = [];
  for (const e of history) {
    if (e.EventType !== EventType.EventRaised || !e.Name) continue;
    const left = waits.get(e.Name) ?? 0;
    if (left > 0) waits.set(e.Name, left - 1);
    else out.push(e);
  }
  return out;
}
