/**
 * The stand-ins' worker thread, so that the dev host's event loop runs the app and nothing else: the stand-ins' HTTP
 * and AMQP servers, their request handling and their disk writes take the other core, not the app's.
 *
 * One thread for all of them, not one each: a stand-in mostly answers small requests, and on a thread of its own it
 * wakes for each one (a system call and a context switch each way); sharing one event loop they batch better, and the
 * Service Bus triggers' receivers talk to the broker within it. Measured with `npm run bench -- payments` at 10
 * payments/s on 2 vCPU: a thread each cost about 105 ms of CPU per payment (all threads), one shared thread about
 * 95 ms; the app's own thread about 40 ms either way, against 55–75 ms with every stand-in on it.
 *
 * The host side (`StandInThread`) starts the thread (stand-ins-worker.ts) and opens stand-ins in it: `open(name,
 * module, init)` loads `module` (e.g. "cosmos/cosmos-worker", a file beside this one exporting `makeStandIn`) in the
 * thread and builds the stand-in from `init`; its methods are then called by message — `call(method, ...args)`
 * resolves with what the method returned (structured-cloned) or rejects with its error's message. What a stand-in
 * needs from the host it gets without a message round trip:
 *
 * - the virtual clock's time (`VirtualClock.share()`: a shared offset, current during an advance too);
 * - the work tracker (`WorkTracker.share()`: a shared counter, so work a stand-in starts before it answers is seen
 *   by the caller that got the answer — "settle" and clock advances wait for it as before);
 * - the log: its lines, stamped in the thread, are written by the host's logger (one stream, one format).
 *
 * A stand-in may also ask the host (`request` in the thread): the host answers with the handler given for that name
 * when the stand-in was opened (e.g. "schedule this on the virtual clock", "invoke this function").
 *
 * A thread that dies (an uncaught error) ends the dev host, as the same error in the host's own thread would.
 */
import path from "node:path";
import fs from "node:fs";
import { Worker } from "node:worker_threads";
import type { VirtualClock } from "./clock";
import type { DevLogger } from "./logger";
import type { WorkTracker } from "./work-tracker";

/** What stand-ins-worker.ts finds in `workerData`. */
export interface StandInThreadData {
  clock: SharedArrayBuffer;
  work: SharedArrayBuffer;
}

export type Outcome = { ok: true; value: unknown } | { ok: false; error: string };
export type ToThread =
  | { kind: "open"; id: number; name: string; module: string; init: unknown }
  | { kind: "call"; id: number; name: string; method: string; args: unknown[] }
  | ({ kind: "reply"; id: number } & Outcome);
export type FromThread =
  | ({ kind: "result"; id: number } & Outcome)
  /** From stand-in `name`; `id` 0: no reply wanted. */
  | { kind: "request"; id: number; name: string; method: string; args: unknown[] }
  /** One line, or several separated by "\n". */
  | { kind: "log"; line: string };

/** What the host does when a stand-in asks `method` (see `StandInThread.open`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- handlers of any shape, called with what the thread sends
export type HostHandlers = Record<string, (...args: any[]) => unknown>;

export interface StandInThreadDeps {
  logger: DevLogger;
  clock: VirtualClock;
  tracker: WorkTracker;
}

/** A stand-in opened in the thread. */
export interface ThreadedStandIn {
  call<T>(method: string, ...args: unknown[]): Promise<T>;
  /** Calls the stand-in's `stop` (it saves what it keeps). */
  stop(): Promise<void>;
}

/**
 * Whether stand-ins run in the worker thread: yes, unless `DEVHOST_STAND_IN_THREADS=false` (everything in one thread,
 * as before — to compare, or to profile a stand-in with the app) or the dev host runs from its TypeScript sources (a
 * worker thread cannot load those).
 */
export function standInThreadsEnabled(env: NodeJS.ProcessEnv): boolean {
  return env.DEVHOST_STAND_IN_THREADS?.trim().toLowerCase() !== "false" && workerFile() !== undefined;
}

function workerFile(): string | undefined {
  if (!__filename.endsWith(".js")) return undefined;
  const file = path.join(__dirname, "stand-ins-worker.js");
  return fs.existsSync(file) ? file : undefined;
}

export class StandInThread {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly handlers = new Map<string, HostHandlers>();
  private stopping = false;
  private exited = false;

  private constructor(
    private readonly worker: Worker,
    private readonly logger: DevLogger,
  ) {
    worker.on("message", (message: FromThread) => this.receive(message));
    worker.on("error", (err) => this.died(err));
    worker.on("exit", (code) => {
      this.exited = true;
      if (!this.stopping) this.died(new Error(`the thread exited with code ${code}`));
    });
  }

  /** Starts the thread (no stand-in in it yet). */
  static start(deps: StandInThreadDeps): StandInThread {
    const file = workerFile();
    if (!file) throw new Error("the stand-ins' worker thread needs the compiled dev host (npm run build)");
    const workerData: StandInThreadData = { clock: deps.clock.share(), work: deps.tracker.share() };
    // The thread's stdout/stderr go through this thread's (its log lines come as messages, not through these).
    const worker = new Worker(file, { workerData, stdout: false, stderr: false });
    return new StandInThread(worker, deps.logger);
  }

  /**
   * Builds stand-in `name` in the thread: `module` (relative to this folder, without extension) exports
   * `makeStandIn(context)`, given `init` in its context; `handlers` answer what the stand-in asks the host.
   */
  async open(name: string, module: string, init: unknown, handlers: HostHandlers = {}): Promise<ThreadedStandIn> {
    this.handlers.set(name, handlers);
    await this.send((id) => ({ kind: "open", id, name, module, init }));
    return {
      call: <T>(method: string, ...args: unknown[]) => this.send<T>((id) => ({ kind: "call", id, name, method, args })),
      stop: async () => {
        if (!this.exited) await this.send((id) => ({ kind: "call", id, name, method: "stop", args: [] }));
      },
    };
  }

  /** Ends the thread (stop its stand-ins first). */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    await this.worker.terminate();
  }

  private send<T>(message: (id: number) => ToThread): Promise<T> {
    if (this.exited) return Promise.reject(new Error("the stand-ins' thread is not running"));
    const id = ++this.nextId;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage(message(id));
    });
  }

  private receive(message: FromThread): void {
    if (message.kind === "log") {
      // One or more lines (a turn's worth in the thread).
      if (this.logger.write) this.logger.write(message.line);
      else for (const line of message.line.split("\n")) this.relayParsed(line);
      return;
    }
    if (message.kind === "request") return this.answer(message);
    const waiting = this.pending.get(message.id);
    if (!waiting) return;
    this.pending.delete(message.id);
    if (message.ok) waiting.resolve(message.value);
    else waiting.reject(new Error(message.error));
  }

  private answer({ id, name, method, args }: { id: number; name: string; method: string; args: unknown[] }): void {
    const handler = this.handlers.get(name)?.[method];
    void (async () => {
      if (!handler) throw new Error(`the host has no handler for ${method} from the ${name} stand-in`);
      return handler(...args);
    })().then(
      (value) => {
        if (id !== 0 && !this.exited)
          this.worker.postMessage({ kind: "reply", id, ok: true, value } satisfies ToThread);
      },
      (err: unknown) => {
        const error = err instanceof Error ? err.message : String(err);
        if (id !== 0 && !this.exited)
          this.worker.postMessage({ kind: "reply", id, ok: false, error } satisfies ToThread);
        else if (id === 0) this.logger.error(`${method} from the ${name} stand-in failed`, { error });
      },
    );
  }

  /** For a logger without `write`: the line's level and message through its methods. */
  private relayParsed(line: string): void {
    const { level, msg, ts: _ts, ...fields } = JSON.parse(line) as Record<string, unknown>;
    const text = String(msg);
    if (level === "error") this.logger.error(text, fields);
    else if (level === "warning") this.logger.warn(text, fields);
    else this.logger.info(text, fields);
  }

  private died(err: Error): void {
    for (const { reject } of this.pending.values()) reject(new Error("the stand-ins' thread failed"));
    this.pending.clear();
    if (this.stopping) return;
    this.logger.error("the stand-ins' thread failed: the dev host stops", { error: err.message });
    // As an uncaught error in this thread would: the dev host cannot go on without its stand-ins.
    process.exit(1);
  }
}
