/**
 * A stand-in in a worker thread, so that the dev host's event loop runs the app and nothing else: the stand-in's
 * HTTP (or AMQP) server, its request handling and its disk writes take the thread's CPU, not the app's.
 *
 * The host side (`StandInThread`) starts the thread with the entry file of one stand-in (e.g. cosmos/cosmos-worker.ts,
 * which calls `serveStandIn` from stand-in-thread-worker.ts) and calls its methods by message: `call(method, ...args)`
 * resolves with what the method returned (structured-cloned) or rejects with its error's message. What the thread
 * needs from the host it gets without a message round trip:
 *
 * - the virtual clock's time (`VirtualClock.share()`: a shared offset, current during an advance too);
 * - the work tracker (`WorkTracker.share()`: a shared counter, so work the stand-in starts before it answers is seen
 *   by the caller that got the answer — "settle" and clock advances wait for it as before);
 * - the log: its lines, stamped in the thread, are written by the host's logger (one stream, one format).
 *
 * The thread may also ask the host (`request` in the thread): the host answers with the handler given for that name
 * at start (e.g. "schedule this on the virtual clock", "invoke this function").
 *
 * A thread that dies (an uncaught error) ends the dev host, as the same error in the host's own thread would.
 */
import path from "node:path";
import fs from "node:fs";
import { Worker } from "node:worker_threads";
import type { VirtualClock } from "./clock";
import type { DevLogger } from "./logger";
import type { WorkTracker } from "./work-tracker";

/** What `serveStandIn` finds in `workerData`. */
export interface StandInThreadData {
  name: string;
  init: unknown;
  clock: SharedArrayBuffer;
  work: SharedArrayBuffer;
}

export type Outcome = { ok: true; value: unknown } | { ok: false; error: string };
export type ToThread =
  { kind: "call"; id: number; method: string; args: unknown[] } | ({ kind: "reply"; id: number } & Outcome);
export type FromThread =
  | ({ kind: "result"; id: number } & Outcome)
  /** `id` 0: no reply wanted. */
  | { kind: "request"; id: number; method: string; args: unknown[] }
  /** One line, or several separated by "\n". */
  | { kind: "log"; line: string };

/** What the host does when the thread asks `method` (see `StandInThread.start`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- handlers of any shape, called with what the thread sends
export type HostHandlers = Record<string, (...args: any[]) => unknown>;

export interface StandInThreadDeps {
  logger: DevLogger;
  clock: VirtualClock;
  tracker: WorkTracker;
}

/**
 * The compiled worker entry beside this file (`dist/devhost/…/x-worker.js`), or undefined when the dev host runs from
 * its TypeScript sources (a worker thread cannot load those): the caller then runs the stand-in in this thread.
 */
export function workerEntry(relative: string): string | undefined {
  if (!__filename.endsWith(".js")) return undefined;
  const file = path.join(__dirname, `${relative}.js`);
  return fs.existsSync(file) ? file : undefined;
}

/**
 * Whether stand-ins run in worker threads: yes, unless `DEVHOST_STAND_IN_THREADS=false` (everything in one thread, as
 * before — to compare, or to profile a stand-in with the app) or the host runs from sources (see `workerEntry`).
 */
export function standInThreadsEnabled(env: NodeJS.ProcessEnv): boolean {
  return env.DEVHOST_STAND_IN_THREADS?.trim().toLowerCase() !== "false" && __filename.endsWith(".js");
}

export class StandInThread {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private stopping = false;
  private exited = false;

  private constructor(
    readonly name: string,
    private readonly worker: Worker,
    private readonly logger: DevLogger,
    private readonly handlers: HostHandlers,
  ) {
    worker.on("message", (message: FromThread) => this.receive(message));
    worker.on("error", (err) => this.died(err));
    worker.on("exit", (code) => {
      this.exited = true;
      if (!this.stopping) this.died(new Error(`the thread exited with code ${code}`));
    });
  }

  /**
   * Starts the thread running `entry` (a compiled worker file) with `init` as the stand-in's options; `handlers`
   * answer what the thread asks.
   */
  static start(
    name: string,
    entry: string,
    init: unknown,
    deps: StandInThreadDeps,
    handlers: HostHandlers = {},
  ): StandInThread {
    const workerData: StandInThreadData = { name, init, clock: deps.clock.share(), work: deps.tracker.share() };
    // The thread's stdout/stderr go through this thread's (its log lines come as messages, not through these).
    const worker = new Worker(entry, { workerData, stdout: false, stderr: false });
    return new StandInThread(name, worker, deps.logger, handlers);
  }

  /** Calls `method` of the stand-in in the thread; resolves with its (structured-cloned) result. */
  call<T>(method: string, ...args: unknown[]): Promise<T> {
    if (this.exited) return Promise.reject(new Error(`the ${this.name} stand-in thread is not running`));
    const id = ++this.nextId;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ kind: "call", id, method, args } satisfies ToThread);
    });
  }

  /** Calls the stand-in's `stop` (it saves what it keeps), then ends the thread. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    try {
      if (!this.exited) await this.call("stop");
    } finally {
      await this.worker.terminate();
    }
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

  private answer({ id, method, args }: { id: number; method: string; args: unknown[] }): void {
    const handler = this.handlers[method];
    void (async () => {
      if (!handler) throw new Error(`the host has no handler for ${method} from the ${this.name} thread`);
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
        else if (id === 0) this.logger.error(`${method} from the ${this.name} thread failed`, { error });
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
    for (const { reject } of this.pending.values()) reject(new Error(`the ${this.name} stand-in thread failed`));
    this.pending.clear();
    if (this.stopping) return;
    this.logger.error(`the ${this.name} stand-in thread failed: the dev host stops`, { error: err.message });
    // As an uncaught error in this thread would: the dev host cannot go on without the stand-in.
    process.exit(1);
  }
}
