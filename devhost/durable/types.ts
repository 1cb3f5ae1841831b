/**
 * Types of the local Durable engine: the history events and actions of the out-of-process protocol spoken by the
 * `durable-functions` package (numbers as in its `HistoryEventType` / `ActionType` enums), the persisted instance
 * state, and the status the engine reports.
 */

/** History event types (durable-functions `lib/src/history/HistoryEventType.js`). */
export enum EventType {
  ExecutionStarted = 0,
  ExecutionCompleted = 1,
  ExecutionFailed = 2,
  ExecutionTerminated = 3,
  TaskScheduled = 4,
  TaskCompleted = 5,
  TaskFailed = 6,
  SubOrchestrationInstanceCreated = 7,
  SubOrchestrationInstanceCompleted = 8,
  SubOrchestrationInstanceFailed = 9,
  TimerCreated = 10,
  TimerFired = 11,
  OrchestratorStarted = 12,
  OrchestratorCompleted = 13,
  EventSent = 14,
  EventRaised = 15,
  ContinueAsNew = 16,
}

/** Action types an orchestrator returns (durable-functions `lib/src/actions/ActionType.js`). */
export enum ActionType {
  CallActivity = 0,
  CallActivityWithRetry = 1,
  CallSubOrchestrator = 2,
  CallSubOrchestratorWithRetry = 3,
  ContinueAsNew = 4,
  CreateTimer = 5,
  WaitForExternalEvent = 6,
  CallEntity = 7,
  CallHttp = 8,
  SignalEntity = 9,
  WhenAny = 11,
  WhenAll = 12,
  LockEntities = 13,
  ReleaseEntities = 14,
}

/**
 * One history event as the SDK reads it. `Result`/`Input` are JSON texts (pitfall 6). `EventId` is the sequence
 * number for events that schedule something (TaskScheduled, TimerCreated, SubOrchestrationInstanceCreated), else -1.
 */
export interface HistoryEvent {
  EventType: EventType;
  EventId: number;
  IsPlayed: boolean;
  Timestamp: string;
  Name?: string;
  Input?: string;
  Result?: string;
  TaskScheduledId?: number;
  TimerId?: number;
  FireAt?: string;
  Reason?: string;
  Details?: string;
  InstanceId?: string;
  FailureDetails?: WireFailureDetails;
  [key: string]: unknown;
}

/** The failure-details DTO the SDK turns into a `TaskFailedError` (when an exception-properties provider is used). */
export interface WireFailureDetails {
  ErrorType: string;
  ErrorMessage: string;
  StackTrace?: string;
  IsNonRetriable?: boolean;
  Properties?: Record<string, unknown>;
}

/** An action as returned in `OrchestratorState.actions` (only the fields the engine reads). */
export interface OrchestratorAction {
  actionType: ActionType;
  functionName?: string;
  input?: unknown;
  instanceId?: string;
  fireAt?: Date | string;
  isCanceled?: boolean;
  externalEventName?: string;
  retryOptions?: WireRetryOptions;
  compoundActions?: OrchestratorAction[];
  /** Not set by durable-functions 3.x; honoured when present (the .NET API has this flag). */
  preserveUnprocessedEvents?: boolean;
}

export interface WireRetryOptions {
  firstRetryIntervalInMilliseconds: number;
  maxNumberOfAttempts: number;
  backoffCoefficient?: number;
  maxRetryIntervalInMilliseconds?: number;
  retryTimeoutInMilliseconds?: number;
}

/** What the orchestrator wrapper returns (or embeds in the `OrchestrationFailureError` message). */
export interface OrchestratorState {
  isDone: boolean;
  actions: OrchestratorAction[][];
  output?: unknown;
  error?: string;
  customStatus?: unknown;
  schemaVersion?: number;
}

export type RuntimeStatus = "Pending" | "Running" | "Completed" | "Failed" | "Terminated" | "ContinuedAsNew";

export const TERMINAL_STATUSES: ReadonlySet<RuntimeStatus> = new Set(["Completed", "Failed", "Terminated"]);

export interface FailureDetails {
  errorType: string;
  errorMessage: string;
  stackTrace?: string;
}

/** The status the engine reports (and, as JSON, what `GET instances/{id}` answers). */
export interface DurableStatus {
  name: string;
  instanceId: string;
  runtimeStatus: RuntimeStatus;
  input: unknown;
  output: unknown;
  customStatus: unknown;
  createdTime: string;
  lastUpdatedTime: string;
  /** Set when runtimeStatus is Failed. */
  failureDetails?: FailureDetails;
  /** Only with `showHistory`. */
  historyEvents?: HistoryEvent[];
}

// ---------------------------------------------------------------------------------------------------------------
// Persisted state
// ---------------------------------------------------------------------------------------------------------------

/**
 * A message accepted for an instance but not yet processed by an episode (the instance's "control queue").
 * Execution-bound messages (task/timer/sub-orchestration results) carry the execution they belong to and are
 * dropped when that execution is over (e.g. after continueAsNew); external events follow the instance.
 */
export type InboxMessage =
  { kind: "event"; event: HistoryEvent; executionId?: string } | { kind: "terminate"; reason: string };

/** Work a sequence number stands for, kept while it is open (activity running, timer pending, child running). */
export type OpenTask = (
  | { kind: "activity"; name: string; input?: string }
  | { kind: "timer"; fireAt: string; canceled?: boolean }
  | { kind: "subOrchestration"; name: string; instanceId: string; input?: string }
) & {
  /** Set for the attempts and retry timers of a `...WithRetry` call: the key of its RetryGroup. */
  retryGroup?: number;
  /** Its result is in the inbox (or it fired): do not run it again after a restart. */
  done?: boolean;
};

/**
 * One `callActivityWithRetry` / `callSubOrchestratorWithRetry`: the SDK emits ONE action for all attempts and
 * expects, per failed attempt, TaskFailed#n → TimerFired#n+1 → next attempt #n+2 (also a timer after the last
 * failure, like DurableTask.Core's RetryInterceptor). Keyed by the sequence number of the first attempt.
 */
export interface RetryGroup {
  kind: "activity" | "subOrchestration";
  name: string;
  input?: string;
  /** Explicit sub-orchestration instance id, if the orchestrator gave one. */
  instanceId?: string;
  options: WireRetryOptions;
  /** 1-based number of the current attempt. */
  attempt: number;
}

export interface ParentLink {
  instanceId: string;
  executionId: string;
  taskScheduledId: number;
}

export interface InstanceState {
  schema: 1;
  instanceId: string;
  name: string;
  executionId: string;
  runtimeStatus: RuntimeStatus;
  /** JSON texts (undefined = no value). */
  input?: string;
  output?: string;
  customStatus?: string;
  failureDetails?: FailureDetails;
  createdTime: string;
  lastUpdatedTime: string;
  parent?: ParentLink;
  /** History of the current execution. */
  history: HistoryEvent[];
  inbox: InboxMessage[];
  /** Next sequence number to allocate, mirroring the SDK's counter. */
  nextSeq: number;
  /**
   * Sequence number of each flattened action seen so far (null for actions that take none: external-event waits,
   * continueAsNew). The SDK returns all actions on every replay, so this also maps a timer action to its number
   * when it later comes back with `isCanceled`.
   */
  actionSeqs: (number | null)[];
  tasks: Record<string, OpenTask>;
  retries: Record<string, RetryGroup>;
}
