/**
 * A local Durable Functions engine for the dev host. It drives the REAL orchestrator wrapper of the
 * `durable-functions` package by history replay, the way the Durable extension does on Azure: every episode hands the
 * orchestrator its whole history plus one new event, reads the actions it returns, and turns the new ones into work
 * (activities, timers on the virtual clock, sub-orchestrations). Orchestration semantics stay in the SDK.
 *
 * How it is organised:
 * - Each instance has an inbox (its "control queue") of accepted messages. Accepting a message persists the instance
 *   before it is acknowledged, so a 202 survives a restart.
 * - Episodes of one instance run one after another (one drain loop per instance), ONE new event per episode. That
 *   keeps the engine's sequence numbers in step with the SDK's: the SDK numbers every non-event task in yield order
 *   and, for `...WithRetry` calls, numbers the retry timer and each re-attempt while it processes the failure or
 *   timer event. With one event per episode the order is always "numbers caused by the event, then new actions".
 * - Different instances run concurrently; the activities an episode schedules run concurrently and their
 *   completions are fed back one per episode, in the order they completed. At most `maxConcurrentActivityFunctions`
 *   activities and `maxConcurrentOrchestratorFunctions` episodes run at once (host.json's, as one Functions host
 *   instance runs them); the others wait their turn in arrival order.
 * - Every unit of work is tracked by the WorkTracker, so `clock.advanceTo` returns only after the orchestrations
 *   have reacted to the timers it fired.
 */
import { randomUUID } from "node:crypto";
import type { ScheduledHandle, VirtualClock } from "../clock";
import { sendJson, type DevRouteHandler } from "../dev-routes";
import type { FunctionRegistry, Registration } from "../functions-core";
import { InvocationFailed, type Invoker } from "../invoker";
import type { DevLogger } from "../logger";
import type { WorkTracker } from "../work-tracker";
import { clientBindingData, createClientApiHandler, DURABLE_WEBHOOK_PATH } from "./client-api";
import {
  actionInputJson,
  failureFields,
  flattenActions,
  fromJson,
  historyEvent,
  orchestrationTriggerInput,
  outputJson,
  parseOrchestrationFailure,
  retryDelayMs,
  takesSequenceNumber,
  toJson,
  unconsumedEvents,
} from "./history";
import { Slots } from "./host-settings";
import { InstanceStore } from "./store";
import {
  ActionType,
  EventType,
  TERMINAL_STATUSES,
  type DurableStatus,
  type HistoryEvent,
  type InboxMessage,
  type InstanceState,
  type OpenTask,
  type OrchestratorAction,
  type OrchestratorState,
  type ParentLink,
  type RuntimeStatus,
} from "./types";

export interface DurableEngineOptions {
  registry: FunctionRegistry;
  invoker: Invoker;
  clock: VirtualClock;
  tracker: WorkTracker;
  logger: DevLogger;
  /** Instances persist in a journal under `<dataDir>/durable/<taskHubName>/journal/` (see store.ts). */
  dataDir: string;
  taskHubName: string;
  /**
   * Carry external events the old execution never consumed over to the new one on continueAsNew. Azure's default
   * for the JavaScript SDK is false (its `continueAsNew(input)` has no such flag); an action that carries
   * `preserveUnprocessedEvents: true` is honoured either way.
   */
  preserveUnprocessedEventsOnContinueAsNew?: boolean;
  /**
   * Activity invocations / orchestrator episodes run at once (host.json's `maxConcurrentActivityFunctions` and
   * `maxConcurrentOrchestratorFunctions`, see host-settings.ts); the rest wait their turn. Default: no limit.
   */
  maxConcurrentActivityFunctions?: number;
  maxConcurrentOrchestratorFunctions?: number;
}

export interface ListFilter {
  runtimeStatus?: string[];
  createdTimeFrom?: Date;
  createdTimeTo?: Date;
}

/** An error with the HTTP status the Durable extension would answer for it. */
export class DurableEngineError extends Error {
  constructor(
    readonly status: 400 | 404 | 409 | 503,
    message: string,
  ) {
    super(message);
    this.name = "DurableEngineError";
  }
}

/** Result of raiseEvent/terminate for the HTTP layer: "gone" = the instance already finished (HTTP 410). */
export type DeliveryOutcome = "accepted" | "gone";

interface LiveInstance {
  state: InstanceState;
  draining: boolean;
  /** The inbox message the running episode processes. */
  current?: InboxMessage;
  /** Clock entries of pending timers, by sequence number. */
  timers: Map<number, ScheduledHandle>;
}

/** Work to start once the episode's state is on disk. */
type Effect = { kind: "activity" | "timer" | "subOrchestration"; seq: number };

/**
 * The work the engine dispatched since it started: orchestrator episodes (by the event that started each) and activity
 * executions. On the Durable Task Scheduler each of these is an "action" (a message dispatched to the app); Azure may
 * hand an orchestrator several events in one episode, so these are upper bounds for it. `GET /api/dev/durable`.
 */
export interface DurableWorkCounts {
  orchestratorEpisodes: number;
  episodesByEvent: Record<string, number>;
  activityExecutions: number;
  /** History events appended (the episodes' own OrchestratorStarted/Completed markers included). */
  historyEvents: number;
}

const ORCHESTRATION_TRIGGER = "orchestrationTrigger";
const ACTIVITY_TRIGGER = "activityTrigger";

export class DurableEngine {
  readonly handleHttp: DevRouteHandler;
  private readonly work: DurableWorkCounts = {
    orchestratorEpisodes: 0,
    episodesByEvent: {},
    activityExecutions: 0,
    historyEvents: 0,
  };
  private readonly store: InstanceStore;
  private readonly instances = new Map<string, LiveInstance>();
  private readonly inFlight = new Set<Promise<void>>();
  private baseUrl = `http://127.0.0.1:${process.env.PORT ?? 7071}`;
  private started = false;
  private stopping = false;
  private readonly activitySlots: Slots;
  private readonly episodeSlots: Slots;

  constructor(private readonly options: DurableEngineOptions) {
    this.store = new InstanceStore(options.dataDir, options.taskHubName, {
      onError: (err) =>
        options.logger.error("durable: could not save instances", {
          error: err instanceof Error ? err.message : String(err),
        }),
    });
    this.activitySlots = new Slots(options.maxConcurrentActivityFunctions ?? Number.POSITIVE_INFINITY);
    this.episodeSlots = new Slots(options.maxConcurrentOrchestratorFunctions ?? Number.POSITIVE_INFINITY);
    this.handleHttp = createClientApiHandler(this, () => this.baseUrl, options.taskHubName);
    // Every function that declares `extraInputs: [df.input.durableClient()]` gets a client pointing at handleHttp.
    options.invoker.setInputProvider("durableClient", () => clientBindingData(this.baseUrl, options.taskHubName));
  }

  /** The work dispatched so far (a deep copy). */
  workCounts(): DurableWorkCounts {
    return structuredClone(this.work);
  }

  /** `GET /api/dev/durable`: the work dispatched so far (see DurableWorkCounts). */
  readonly handleDevHttp: DevRouteHandler = async (req, res, url) => {
    if (url.pathname.replace(/\/+$/u, "") !== "/api/dev/durable" || req.method !== "GET") return false;
    sendJson(res, 200, { work: this.workCounts() }, { "cache-control": "no-store" });
    return true;
  };

  setBaseUrl(baseUrl: string): void {
    this.baseUrl = baseUrl.replace(/\/+$/, "");
  }

  /** Where the client endpoints live (for the dev host's start-up banner). */
  get clientEndpoint(): string {
    return `${this.baseUrl}${DURABLE_WEBHOOK_PATH}/`;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Lifecycle
  // -------------------------------------------------------------------------------------------------------------

  /** Loads persisted instances, re-arms their timers, re-runs unfinished activities (at-least-once) and resumes. */
  async start(): Promise<void> {
    if (this.started) return;
    const states = await this.store.loadAll((file, err) =>
      this.options.logger.warn("durable: skipping unreadable instance file", { file, error: String(err) }),
    );
    for (const state of states) this.instances.set(state.instanceId, { state, draining: false, timers: new Map() });
    this.started = true;
    this.stopping = false;
    let resumed = 0;
    for (const live of this.instances.values()) {
      const s = live.state;
      if (TERMINAL_STATUSES.has(s.runtimeStatus)) {
        if (s.parent) this.track(() => this.notifyParent(s)); // in case we stopped between child and parent writes
        continue;
      }
      resumed++;
      for (const [key, task] of Object.entries(s.tasks)) {
        if (task.done) continue;
        const seq = Number(key);
        if (task.kind === "timer" && !task.canceled) this.armTimer(live, seq);
        else if (task.kind === "activity") this.launchActivity(live, seq);
        else if (task.kind === "subOrchestration") this.track(() => this.ensureChild(live, seq));
      }
      this.kick(live);
    }
    if (states.length > 0) this.options.logger.info("durable: instances loaded", { total: states.length, resumed });
  }

  /**
   * Stops starting new work, waits for episodes and activities in flight, and writes a snapshot of every instance
   * (the journal starts afresh on the next start).
   */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const live of this.instances.values()) this.disarmAll(live);
    await this.waitForIdle();
    await this.store.close();
    this.started = false;
  }

  /** Resolves when no episode, activity or engine write is in flight (pending timers do not count). */
  async waitForIdle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    await this.store.flush();
  }

  // -------------------------------------------------------------------------------------------------------------
  // Client operations
  // -------------------------------------------------------------------------------------------------------------

  /**
   * Starts an orchestration and resolves with its instance id once the start is persisted (it runs asynchronously).
   * Like the extension with its default `overridableExistingInstanceStates: NonRunningStates`: an id whose instance
   * is Pending/Running is refused (409); an id whose instance Completed/Failed/was Terminated is started afresh.
   */
  async startNew(name: string, options: { instanceId?: string; input?: unknown } = {}): Promise<string> {
    this.assertStarted();
    if (!this.findRegistration(name, ORCHESTRATION_TRIGGER)) {
      throw new DurableEngineError(
        400,
        `The function '${name}' doesn't exist, is disabled, or is not an orchestrator function.`,
      );
    }
    const instanceId = options.instanceId ?? randomUUID().replace(/-/g, "");
    if (!instanceId || /[/\\#?]/.test(instanceId) || hasControlCharacter(instanceId)) {
      throw new DurableEngineError(
        400,
        "Instance ids must be non-empty and must not contain '/', '\\', '#', '?' or control characters.",
      );
    }
    const existing = this.instances.get(instanceId);
    if (existing && !TERMINAL_STATUSES.has(existing.state.runtimeStatus)) {
      throw new DurableEngineError(
        409,
        `An orchestration instance with the ID '${instanceId}' already exists and is ${existing.state.runtimeStatus}.`,
      );
    }
    await this.createInstance(name, instanceId, toJson(options.input), undefined);
    return instanceId;
  }

  async raiseEvent(instanceId: string, eventName: string, data?: unknown): Promise<void> {
    await this.raiseEventChecked(instanceId, eventName, data);
  }

  /** raiseEvent telling whether the event was accepted or the instance had already finished (dropped, like Azure). */
  async raiseEventChecked(instanceId: string, eventName: string, data?: unknown): Promise<DeliveryOutcome> {
    this.assertStarted();
    if (!eventName) throw new DurableEngineError(400, "An event name is required.");
    const live = this.requireInstance(instanceId);
    if (TERMINAL_STATUSES.has(live.state.runtimeStatus)) return "gone";
    const event = historyEvent(EventType.EventRaised, this.nowIso(), { Name: eventName, Input: toJson(data) });
    await this.accept(live, { kind: "event", event });
    return "accepted";
  }

  async terminate(instanceId: string, reason: string): Promise<void> {
    await this.terminateChecked(instanceId, reason);
  }

  /** Terminates after any episode in progress; sub-orchestrations it started keep running (as on Azure). */
  async terminateChecked(instanceId: string, reason: string): Promise<DeliveryOutcome> {
    this.assertStarted();
    const live = this.requireInstance(instanceId);
    if (TERMINAL_STATUSES.has(live.state.runtimeStatus)) return "gone";
    await this.accept(live, { kind: "terminate", reason });
    return "accepted";
  }

  async getStatus(
    instanceId: string,
    options: { showHistory?: boolean; showInput?: boolean } = {},
  ): Promise<DurableStatus | undefined> {
    const live = this.instances.get(instanceId);
    return live ? this.statusOf(live.state, options) : undefined;
  }

  async list(filter: ListFilter = {}): Promise<DurableStatus[]> {
    return [...this.instances.values()]
      .map((l) => l.state)
      .filter((s) => matches(s, filter))
      .map((s) => this.statusOf(s, {}));
  }

  /** Deletes a finished instance and its history. Instances still Pending/Running are kept (returns false). */
  async purge(instanceId: string): Promise<boolean> {
    const live = this.instances.get(instanceId);
    if (!live || !TERMINAL_STATUSES.has(live.state.runtimeStatus)) return false;
    this.disarmAll(live);
    this.instances.delete(instanceId);
    await this.store.delete(instanceId);
    return true;
  }

  /** Purges every finished instance matching the filter; resolves with how many were deleted. */
  async purgeBy(filter: ListFilter): Promise<number> {
    let deleted = 0;
    for (const s of [...this.instances.values()].map((l) => l.state)) {
      if (TERMINAL_STATUSES.has(s.runtimeStatus) && matches(s, filter) && (await this.purge(s.instanceId))) deleted++;
    }
    return deleted;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Inbox and episodes
  // -------------------------------------------------------------------------------------------------------------

  private async createInstance(
    name: string,
    instanceId: string,
    inputJson: string | undefined,
    parent: ParentLink | undefined,
  ): Promise<void> {
    const now = this.nowIso();
    const state: InstanceState = {
      schema: 1,
      instanceId,
      name,
      executionId: randomUUID(),
      runtimeStatus: "Pending",
      input: inputJson,
      createdTime: now,
      lastUpdatedTime: now,
      parent,
      history: [],
      inbox: [
        { kind: "event", event: historyEvent(EventType.ExecutionStarted, now, { Name: name, Input: inputJson }) },
      ],
      nextSeq: 0,
      actionSeqs: [],
      tasks: {},
      retries: {},
    };
    const previous = this.instances.get(instanceId);
    if (previous) this.disarmAll(previous);
    const live: LiveInstance = { state, draining: false, timers: new Map() };
    this.instances.set(instanceId, live);
    await this.persist(live);
    this.kick(live);
  }

  /** Adds a message to the instance's inbox, persists it, then lets the instance process it. */
  private async accept(live: LiveInstance, message: InboxMessage): Promise<void> {
    live.state.inbox.push(message);
    await this.persist(live);
    this.kick(live);
  }

  /** Starts the instance's drain loop unless one runs already (this is what serialises its episodes). */
  private kick(live: LiveInstance): void {
    if (live.draining || !this.started || this.stopping || !this.isCurrent(live)) return;
    if (live.state.inbox.length === 0) return;
    live.draining = true;
    this.track(() => this.drain(live));
  }

  private async drain(live: LiveInstance): Promise<void> {
    try {
      while (!this.stopping && this.isCurrent(live) && live.state.inbox.length > 0) {
        const inbox = live.state.inbox;
        // Termination jumps the queue: what is still queued behind it would be dropped anyway.
        const index = Math.max(
          0,
          inbox.findIndex((m) => m.kind === "terminate"),
        );
        const message = inbox[index]!;
        live.current = message;
        try {
          await this.process(live, message);
        } catch (err) {
          this.options.logger.error("durable: message processing failed; message dropped", {
            instanceId: live.state.instanceId,
            error: err instanceof Error ? err.message : String(err),
          });
        }
        live.current = undefined;
        const at = live.state.inbox.indexOf(message);
        if (at >= 0) live.state.inbox.splice(at, 1);
        await this.persist(live);
      }
    } finally {
      live.draining = false;
    }
  }

  private async process(live: LiveInstance, message: InboxMessage): Promise<void> {
    const s = live.state;
    if (TERMINAL_STATUSES.has(s.runtimeStatus)) return; // late messages for a finished instance are dropped
    if (message.kind === "terminate") {
      this.finish(live, "Terminated", JSON.stringify(message.reason), undefined, [
        historyEvent(EventType.ExecutionTerminated, this.nowIso(), { Input: JSON.stringify(message.reason) }),
      ]);
      return;
    }
    if (message.executionId !== undefined && message.executionId !== s.executionId) return; // an earlier execution's
    await this.runEpisode(live, message.event);
  }

  /**
   * One episode: replay the history plus `event` through the orchestrator and act on its new actions. The instance
   * state is only changed after the orchestrator returned, in one synchronous stretch up to the write, so that a
   * write triggered meanwhile (an event accepted during the episode) never stores a half-applied episode.
   */
  private async runEpisode(live: LiveInstance, event: HistoryEvent): Promise<void> {
    const s = live.state;
    const now = this.nowIso();
    const added: HistoryEvent[] = [historyEvent(EventType.OrchestratorStarted, now), { ...event, IsPlayed: false }];
    const registration = this.findRegistration(s.name, ORCHESTRATION_TRIGGER);
    if (!registration) {
      this.commit(live, added);
      this.finish(live, "Failed", undefined, {
        errorType: "Error",
        errorMessage: `The orchestrator function '${s.name}' is not registered.`,
      });
      return;
    }

    const trigger = orchestrationTriggerInput(s.instanceId, s.history, added, fromJson(s.input), s.parent?.instanceId);
    let state: OrchestratorState | undefined;
    let failure: ReturnType<typeof parseOrchestrationFailure> | undefined;
    this.work.orchestratorEpisodes++;
    const startedBy = EventType[event.EventType] ?? String(event.EventType);
    this.work.episodesByEvent[startedBy] = (this.work.episodesByEvent[startedBy] ?? 0) + 1;
    try {
      state = (await this.episodeSlots.run(() => this.options.invoker.invoke(registration, trigger, { quiet: true })))
        .result as OrchestratorState;
    } catch (err) {
      failure = parseOrchestrationFailure(err instanceof InvocationFailed ? err.cause : err);
    }
    if (!this.isCurrent(live) || TERMINAL_STATUSES.has(s.runtimeStatus)) return;

    for (const e of s.history) e.IsPlayed = true;
    if (event.EventType === EventType.ExecutionStarted) s.runtimeStatus = "Running";
    if (failure) {
      this.commit(live, added);
      if (failure.state?.customStatus !== undefined) s.customStatus = toJson(failure.state.customStatus);
      this.finish(live, "Failed", undefined, {
        errorType: /^(\w+):/.exec(failure.stack ?? "")?.[1] ?? "Error",
        errorMessage: failure.message,
        ...(failure.stack ? { stackTrace: failure.stack } : {}),
      });
      return;
    }
    if (!state || !Array.isArray(state.actions)) {
      this.commit(live, added);
      this.finish(live, "Failed", undefined, {
        errorType: "Error",
        errorMessage: `'${s.name}' did not return an orchestrator state; is it registered with df.app.orchestration?`,
      });
      return;
    }
    s.customStatus = toJson(state.customStatus);

    const effects: Effect[] = [];
    this.noteDelivered(s, event, now, added, effects); // numbers the event causes come before the new actions' ones
    const actions = flattenActions(state);
    this.applyCancellations(live, actions);
    const fresh = actions.slice(s.actionSeqs.length);

    if (state.isDone) {
      this.commit(live, added);
      const continueAsNew = [...fresh].reverse().find((a) => a.actionType === ActionType.ContinueAsNew);
      if (continueAsNew) this.continueAsNew(live, continueAsNew, actions);
      else this.finish(live, "Completed", outputJson(state));
      return;
    }

    for (const action of fresh) {
      const unsupported = this.scheduleAction(s, action, now, added, effects);
      if (unsupported) {
        this.commit(live, added);
        this.finish(live, "Failed", undefined, { errorType: "NotSupportedError", errorMessage: unsupported });
        return;
      }
    }
    this.commit(live, added);
    await this.persist(live);
    if (!this.stopping && this.isCurrent(live)) this.startEffects(live, effects); // else resumed by the next start()
  }

  /**
   * Engine bookkeeping for the event an episode delivers, mirroring what the SDK does while it processes it:
   * completions close their task; for a `...WithRetry` task a failure allocates the retry timer's number, and that
   * timer firing allocates the next attempt's number (unless the attempts are used up: then the SDK surfaces the
   * last failure).
   */
  private noteDelivered(
    s: InstanceState,
    event: HistoryEvent,
    now: string,
    added: HistoryEvent[],
    effects: Effect[],
  ): void {
    const id = event.EventType === EventType.TimerFired ? event.TimerId : event.TaskScheduledId;
    if (id === undefined) return;
    const task = s.tasks[id];
    delete s.tasks[id];
    if (!task || task.retryGroup === undefined) return;
    const groupKey = task.retryGroup;
    const group = s.retries[groupKey];
    if (!group) return;
    switch (event.EventType) {
      case EventType.TaskCompleted:
      case EventType.SubOrchestrationInstanceCompleted:
        delete s.retries[groupKey];
        return;
      case EventType.TaskFailed:
      case EventType.SubOrchestrationInstanceFailed: {
        const seq = s.nextSeq++;
        const fireAt = new Date(Date.parse(now) + retryDelayMs(group.options, group.attempt)).toISOString();
        s.tasks[seq] = { kind: "timer", fireAt, retryGroup: groupKey };
        added.push(historyEvent(EventType.TimerCreated, now, { FireAt: fireAt }, seq));
        effects.push({ kind: "timer", seq });
        return;
      }
      case EventType.TimerFired: {
        if (group.attempt >= group.options.maxNumberOfAttempts) {
          delete s.retries[groupKey];
          return;
        }
        group.attempt++;
        const seq = s.nextSeq++;
        if (group.kind === "activity") {
          s.tasks[seq] = { kind: "activity", name: group.name, input: group.input, retryGroup: groupKey };
          added.push(historyEvent(EventType.TaskScheduled, now, { Name: group.name, Input: group.input }, seq));
          effects.push({ kind: "activity", seq });
        } else {
          const instanceId = group.instanceId ?? childInstanceId(s.instanceId, seq);
          s.tasks[seq] = {
            kind: "subOrchestration",
            name: group.name,
            instanceId,
            input: group.input,
            retryGroup: groupKey,
          };
          added.push(
            historyEvent(
              EventType.SubOrchestrationInstanceCreated,
              now,
              { Name: group.name, InstanceId: instanceId, Input: group.input },
              seq,
            ),
          );
          effects.push({ kind: "subOrchestration", seq });
        }
        return;
      }
    }
  }

  /** Records one new action; returns an error message for actions the dev host does not support. */
  private scheduleAction(
    s: InstanceState,
    action: OrchestratorAction,
    now: string,
    added: HistoryEvent[],
    effects: Effect[],
  ): string | undefined {
    if (!takesSequenceNumber(action)) {
      s.actionSeqs.push(null);
      return undefined;
    }
    const seq = s.nextSeq++;
    s.actionSeqs.push(seq);
    const input = actionInputJson(action);
    const name = action.functionName ?? "";
    switch (action.actionType) {
      case ActionType.CallActivity:
      case ActionType.CallActivityWithRetry: {
        const retry = action.actionType === ActionType.CallActivityWithRetry && action.retryOptions;
        s.tasks[seq] = { kind: "activity", name, input, ...(retry ? { retryGroup: seq } : {}) };
        if (retry) s.retries[seq] = { kind: "activity", name, input, options: { ...retry }, attempt: 1 };
        added.push(historyEvent(EventType.TaskScheduled, now, { Name: name, Input: input }, seq));
        effects.push({ kind: "activity", seq });
        return undefined;
      }
      case ActionType.CallSubOrchestrator:
      case ActionType.CallSubOrchestratorWithRetry: {
        const retry = action.actionType === ActionType.CallSubOrchestratorWithRetry && action.retryOptions;
        const instanceId = action.instanceId || childInstanceId(s.instanceId, seq);
        s.tasks[seq] = { kind: "subOrchestration", name, instanceId, input, ...(retry ? { retryGroup: seq } : {}) };
        if (retry) {
          s.retries[seq] = {
            kind: "subOrchestration",
            name,
            input,
            instanceId: action.instanceId || undefined,
            options: { ...retry },
            attempt: 1,
          };
        }
        added.push(
          historyEvent(
            EventType.SubOrchestrationInstanceCreated,
            now,
            { Name: name, InstanceId: instanceId, Input: input },
            seq,
          ),
        );
        effects.push({ kind: "subOrchestration", seq });
        return undefined;
      }
      case ActionType.CreateTimer: {
        const fireAt = new Date(action.fireAt as Date | string).toISOString();
        added.push(historyEvent(EventType.TimerCreated, now, { FireAt: fireAt }, seq));
        if (!action.isCanceled) {
          s.tasks[seq] = { kind: "timer", fireAt };
          effects.push({ kind: "timer", seq });
        }
        return undefined;
      }
      default:
        return `Durable action type ${ActionType[action.actionType] ?? action.actionType} (entities, callHttp) is not supported by the dev host.`;
    }
  }

  /** A timer the orchestrator cancelled (Task.any lost) comes back with isCanceled: never fire it (pitfall 3). */
  private applyCancellations(live: LiveInstance, actions: OrchestratorAction[]): void {
    const s = live.state;
    const known = Math.min(actions.length, s.actionSeqs.length);
    for (let i = 0; i < known; i++) {
      const action = actions[i]!;
      const seq = s.actionSeqs[i];
      if (action.actionType !== ActionType.CreateTimer || !action.isCanceled || seq === null || seq === undefined)
        continue;
      const task = s.tasks[seq];
      if (task?.kind === "timer" && !task.done) {
        delete s.tasks[seq];
        live.timers.get(seq)?.cancel();
        live.timers.delete(seq);
      }
    }
  }

  /**
   * Appends the episode to the history and takes its message out of the inbox, in the same synchronous step, so
   * one write stores both (a restart never replays a message whose episode is already in the history).
   */
  private commit(live: LiveInstance, added: HistoryEvent[]): void {
    const s = live.state;
    s.history.push(...added, historyEvent(EventType.OrchestratorCompleted, this.nowIso()));
    this.work.historyEvents += added.length + 1;
    s.lastUpdatedTime = this.nowIso();
    const at = live.current ? s.inbox.indexOf(live.current) : -1;
    if (at >= 0) s.inbox.splice(at, 1);
  }

  /** Ends the current execution (Completed/Failed/Terminated), frees its working state and tells the parent. */
  private finish(
    live: LiveInstance,
    status: Extract<RuntimeStatus, "Completed" | "Failed" | "Terminated">,
    output: string | undefined,
    failure?: DurableStatus["failureDetails"],
    extraHistory: HistoryEvent[] = [],
  ): void {
    const s = live.state;
    s.runtimeStatus = status;
    s.output =
      status === "Failed"
        ? JSON.stringify(`Orchestrator function '${s.name}' failed: ${failure?.errorMessage ?? "unknown error"}`)
        : output;
    s.failureDetails = failure;
    s.history.push(
      ...extraHistory,
      ...(status === "Terminated"
        ? []
        : [
            historyEvent(EventType.ExecutionCompleted, this.nowIso(), {
              OrchestrationStatus: status,
              Result: s.output,
            }),
          ]),
    );
    s.lastUpdatedTime = this.nowIso();
    this.disarmAll(live);
    s.tasks = {};
    s.retries = {};
    s.actionSeqs = [];
    s.inbox = [];
    this.options.logger.info(`durable: orchestration ${status.toLowerCase()}`, {
      function: s.name,
      instanceId: s.instanceId,
      runtimeStatus: status,
    });
    if (s.parent) this.track(() => this.notifyParent(s));
  }

  /**
   * continueAsNew: the execution ends and a new one starts with the new input and an empty history. External events
   * still in the inbox go to the new execution; results of the old one's work are dropped (they carry its id).
   */
  private continueAsNew(live: LiveInstance, action: OrchestratorAction, actions: OrchestratorAction[]): void {
    const s = live.state;
    const preserve =
      action.preserveUnprocessedEvents === true || this.options.preserveUnprocessedEventsOnContinueAsNew === true;
    const carried = preserve ? unconsumedEvents(s.history, actions) : [];
    const inputJson = actionInputJson(action);
    const now = this.nowIso();
    this.disarmAll(live);
    s.history.push(historyEvent(EventType.ExecutionCompleted, now, { OrchestrationStatus: "ContinuedAsNew" }));
    s.runtimeStatus = "ContinuedAsNew";
    s.executionId = randomUUID();
    s.input = inputJson;
    s.output = undefined;
    s.history = [];
    s.nextSeq = 0;
    s.actionSeqs = [];
    s.tasks = {};
    s.retries = {};
    s.lastUpdatedTime = now;
    // The message being processed is still in the inbox (it leaves it once the episode is written): not carried.
    const external = s.inbox.filter(
      (m) => m !== live.current && (m.kind === "terminate" || m.executionId === undefined),
    );
    s.inbox = [
      { kind: "event", event: historyEvent(EventType.ExecutionStarted, now, { Name: s.name, Input: inputJson }) },
      ...carried.map((e): InboxMessage => ({ kind: "event", event: { ...e, IsPlayed: false } })),
      ...external,
    ];
  }

  // -------------------------------------------------------------------------------------------------------------
  // Work: activities, timers, sub-orchestrations
  // -------------------------------------------------------------------------------------------------------------

  private startEffects(live: LiveInstance, effects: Effect[]): void {
    for (const effect of effects) {
      if (effect.kind === "activity") this.launchActivity(live, effect.seq);
      else if (effect.kind === "timer") this.armTimer(live, effect.seq);
      else this.track(() => this.ensureChild(live, effect.seq));
    }
  }

  private launchActivity(live: LiveInstance, seq: number): void {
    const task = live.state.tasks[seq];
    if (task?.kind !== "activity") return;
    const executionId = live.state.executionId;
    this.track(async () => {
      let completion: HistoryEvent;
      const now = () => this.nowIso();
      const registration = this.findRegistration(task.name, ACTIVITY_TRIGGER);
      if (!registration) {
        completion = historyEvent(EventType.TaskFailed, now(), {
          TaskScheduledId: seq,
          Reason: `The function '${task.name}' doesn't exist, is disabled, or is not an activity function.`,
          Details: "",
        });
      } else {
        this.work.activityExecutions++;
        try {
          const { result } = await this.activitySlots.run(() =>
            this.options.invoker.invoke(registration, fromJson(task.input)),
          );
          completion = historyEvent(EventType.TaskCompleted, now(), {
            TaskScheduledId: seq,
            Result: JSON.stringify(result ?? null),
          });
        } catch (err) {
          const cause = err instanceof InvocationFailed ? err.cause : err;
          completion = historyEvent(EventType.TaskFailed, now(), {
            TaskScheduledId: seq,
            ...failureFields(`Activity function '${task.name}' failed`, cause),
          });
        }
      }
      if (!this.isOpen(live, executionId, seq, task)) return; // terminated, continued as new, purged meanwhile
      task.done = true;
      await this.accept(live, { kind: "event", event: completion, executionId });
    });
  }

  private armTimer(live: LiveInstance, seq: number): void {
    const task = live.state.tasks[seq];
    if (task?.kind !== "timer" || this.stopping) return;
    const executionId = live.state.executionId;
    const fire = async () => {
      live.timers.delete(seq);
      if (this.stopping || !this.isOpen(live, executionId, seq, task) || task.canceled) return;
      task.done = true;
      const event = historyEvent(EventType.TimerFired, this.nowIso(), { TimerId: seq, FireAt: task.fireAt });
      await this.accept(live, { kind: "event", event, executionId });
    };
    live.timers.get(seq)?.cancel();
    live.timers.set(
      seq,
      this.options.clock.schedule(Date.parse(task.fireAt), fire, `durable timer ${live.state.instanceId}#${seq}`),
    );
  }

  /** Starts the sub-orchestration of task `seq` unless it exists already (a restart), and reports its end. */
  private async ensureChild(parent: LiveInstance, seq: number): Promise<void> {
    const task = parent.state.tasks[seq];
    if (task?.kind !== "subOrchestration" || task.done) return;
    const link: ParentLink = {
      instanceId: parent.state.instanceId,
      executionId: parent.state.executionId,
      taskScheduledId: seq,
    };
    const existing = this.instances.get(task.instanceId);
    if (existing && sameLink(existing.state.parent, link)) {
      if (TERMINAL_STATUSES.has(existing.state.runtimeStatus)) await this.notifyParent(existing.state);
      return; // already started by us before a restart
    }
    let refusal: string | undefined;
    if (!this.findRegistration(task.name, ORCHESTRATION_TRIGGER)) {
      refusal = `The function '${task.name}' doesn't exist, is disabled, or is not an orchestrator function.`;
    } else if (existing && !TERMINAL_STATUSES.has(existing.state.runtimeStatus)) {
      refusal = `An orchestration instance with the ID '${task.instanceId}' already exists and is ${existing.state.runtimeStatus}.`;
    }
    if (refusal) {
      task.done = true;
      const event = historyEvent(EventType.SubOrchestrationInstanceFailed, this.nowIso(), {
        TaskScheduledId: seq,
        Reason: refusal,
        Details: "",
      });
      await this.accept(parent, { kind: "event", event, executionId: link.executionId });
      return;
    }
    await this.createInstance(task.name, task.instanceId, task.input, link);
  }

  /** Delivers a finished sub-orchestration's result to its parent (once: the parent's task is then marked done). */
  private async notifyParent(child: InstanceState): Promise<void> {
    const link = child.parent;
    if (!link || !TERMINAL_STATUSES.has(child.runtimeStatus)) return;
    const parent = this.instances.get(link.instanceId);
    if (!parent || parent.state.executionId !== link.executionId || TERMINAL_STATUSES.has(parent.state.runtimeStatus))
      return;
    const task = parent.state.tasks[link.taskScheduledId];
    if (task?.kind !== "subOrchestration" || task.done || task.instanceId !== child.instanceId) return;
    task.done = true;
    const now = this.nowIso();
    const event =
      child.runtimeStatus === "Completed"
        ? historyEvent(EventType.SubOrchestrationInstanceCompleted, now, {
            TaskScheduledId: link.taskScheduledId,
            Result: child.output ?? "null",
          })
        : historyEvent(EventType.SubOrchestrationInstanceFailed, now, {
            TaskScheduledId: link.taskScheduledId,
            Reason:
              child.runtimeStatus === "Terminated"
                ? `Sub-orchestration '${child.name}' (${child.instanceId}) was terminated: ${String(fromJson(child.output))}`
                : `Orchestrator function '${child.name}' failed: ${child.failureDetails?.errorMessage ?? "unknown error"}`,
            Details: child.failureDetails?.stackTrace ?? "",
          });
    await this.accept(parent, { kind: "event", event, executionId: link.executionId });
  }

  // -------------------------------------------------------------------------------------------------------------
  // Helpers
  // -------------------------------------------------------------------------------------------------------------

  private statusOf(s: InstanceState, options: { showHistory?: boolean; showInput?: boolean }): DurableStatus {
    return {
      name: s.name,
      instanceId: s.instanceId,
      runtimeStatus: s.runtimeStatus,
      input: options.showInput === false ? null : (fromJson(s.input) ?? null),
      output: fromJson(s.output) ?? null,
      customStatus: fromJson(s.customStatus) ?? null,
      createdTime: s.createdTime,
      lastUpdatedTime: s.lastUpdatedTime,
      ...(s.failureDetails ? { failureDetails: { ...s.failureDetails } } : {}),
      ...(options.showHistory ? { historyEvents: structuredClone(s.history) } : {}),
    };
  }

  private isCurrent(live: LiveInstance): boolean {
    return this.instances.get(live.state.instanceId) === live;
  }

  /** The task is still awaited by the same execution of the same (not replaced) instance. */
  private isOpen(live: LiveInstance, executionId: string, seq: number, task: OpenTask): boolean {
    const s = live.state;
    return (
      this.isCurrent(live) &&
      s.executionId === executionId &&
      !TERMINAL_STATUSES.has(s.runtimeStatus) &&
      s.tasks[seq] === task &&
      !task.done
    );
  }

  /** Writes the instance unless it was purged or replaced by a new instance with the same id. */
  private async persist(live: LiveInstance): Promise<void> {
    if (this.isCurrent(live)) await this.store.save(live.state);
  }

  private disarmAll(live: LiveInstance): void {
    for (const handle of live.timers.values()) handle.cancel();
    live.timers.clear();
  }

  /** Runs `work` as one tracked unit (WorkTracker for the clock, inFlight for waitForIdle/stop); logs failures. */
  private track(work: () => Promise<void>): void {
    const end = this.options.tracker.begin();
    const unit: Promise<void> = (async () => {
      try {
        await work();
      } catch (err) {
        this.options.logger.error("durable: engine work failed", {
          error: err instanceof Error ? err.message : String(err),
        });
      } finally {
        end();
      }
    })();
    this.inFlight.add(unit);
    void unit.then(() => this.inFlight.delete(unit));
  }

  private findRegistration(name: string, triggerType: string): Registration | undefined {
    return this.options.registry.byTrigger(triggerType).find((r) => r.name === name);
  }

  private requireInstance(instanceId: string): LiveInstance {
    const live = this.instances.get(instanceId);
    if (!live) throw new DurableEngineError(404, `No instance with ID '${instanceId}' found.`);
    return live;
  }

  private assertStarted(): void {
    if (!this.started || this.stopping) throw new DurableEngineError(503, "The Durable engine is not running.");
  }

  private nowIso(): string {
    return new Date(this.options.clock.now()).toISOString();
  }
}

/** Default id of a sub-orchestration: deterministic, from the parent's id and the task's sequence number. */
function childInstanceId(parentId: string, seq: number): string {
  return `${parentId}:${seq.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** Whether `id` holds a control character (U+0000–U+001F or U+007F), which instance ids must not contain. */
function hasControlCharacter(id: string): boolean {
  for (let i = 0; i < id.length; i++) {
    const code = id.charCodeAt(i);
    if (code <= 0x1f || code === 0x7f) return true;
  }
  return false;
}

function sameLink(a: ParentLink | undefined, b: ParentLink): boolean {
  return (
    !!a && a.instanceId === b.instanceId && a.executionId === b.executionId && a.taskScheduledId === b.taskScheduledId
  );
}

function matches(s: InstanceState, filter: ListFilter): boolean {
  if (filter.runtimeStatus && filter.runtimeStatus.length > 0 && !filter.runtimeStatus.includes(s.runtimeStatus))
    return false;
  const created = Date.parse(s.createdTime);
  if (filter.createdTimeFrom && created < filter.createdTimeFrom.getTime()) return false;
  if (filter.createdTimeTo && created > filter.createdTimeTo.getTime()) return false;
  return true;
}
