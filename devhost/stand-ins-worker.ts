/**
 * The stand-ins' worker thread (started by stand-in-thread.ts): opens the stand-ins the host asks for, each from its
 * module's `makeStandIn`, and serves their methods to the host by message, with the host's virtual clock, work
 * tracker and log.
 */
import path from "node:path";
import { parentPort, workerData } from "node:worker_threads";
import { sharedClock } from "./clock";
import { batchedSink, createLogger, type DevLogger } from "./logger";
import type { FromThread, StandInThreadData, ToThread } from "./stand-in-thread";
import { SharedWork } from "./work-tracker";

/** What a stand-in in the thread is given. */
export interface StandInContext<Init> {
  /** The stand-in's options as the host sent them. */
  init: Init;
  logger: DevLogger;
  /** The dev host's virtual clock. */
  now: () => Date;
  /** The dev host's work counter: `begin()` → end function, `track(promise)`. */
  work: SharedWork;
  /** Asks the host (a handler given to `StandInThread.open`); resolves with its answer. */
  request: <T>(method: string, ...args: unknown[]) => Promise<T>;
  /** Tells the host (a handler given to `StandInThread.open`), wanting no answer; in order with `request`. */
  notify: (method: string, ...args: unknown[]) => void;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- methods of any shape, called with what the host sends
export type StandInMethods = Record<string, (...args: any[]) => unknown>;

/** What a stand-in's module exports as `makeStandIn`; `stop` is expected among the methods. */
export type StandInFactory<Init> = (context: StandInContext<Init>) => StandInMethods;

const port = parentPort;
if (!port) throw new Error("stand-ins-worker runs in a worker thread (stand-in-thread.ts starts it)");
const data = workerData as StandInThreadData;
const clock = sharedClock(data.clock);
const work = new SharedWork(data.work);
// A turn's lines in one message (the host writes them as they come: several lines in one string), and whatever is
// gathered goes before each answer, so the host has a call's log lines when it has its answer.
const logSink = batchedSink((text) => port.postMessage({ kind: "log", line: text.slice(0, -1) } satisfies FromThread));
const logger = createLogger(logSink, clock.nowDate);
const send = (message: FromThread) => {
  logSink.flush();
  port.postMessage(message);
};
const standIns = new Map<string, StandInMethods>();
const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
let nextId = 0;

function open(name: string, module: string, init: unknown): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module the host names, loaded on demand
  const { makeStandIn } = require(path.join(__dirname, module)) as { makeStandIn: StandInFactory<unknown> };
  standIns.set(
    name,
    makeStandIn({
      init,
      logger,
      now: clock.nowDate,
      work,
      request: <T>(method: string, ...args: unknown[]) =>
        new Promise<T>((resolve, reject) => {
          const id = ++nextId;
          waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
          send({ kind: "request", id, name, method, args });
        }),
      notify: (method, ...args) => send({ kind: "request", id: 0, name, method, args }),
    }),
  );
}

port.on("message", (message: ToThread) => {
  if (message.kind === "reply") {
    const w = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.ok) w?.resolve(message.value);
    else w?.reject(new Error(message.error));
    return;
  }
  void (async () => {
    if (message.kind === "open") return open(message.name, message.module, message.init);
    const method = standIns.get(message.name)?.[message.method];
    if (!method) throw new Error(`the ${message.name} stand-in has no method ${message.method}`);
    return method(...message.args);
  })().then(
    (value) => send({ kind: "result", id: message.id, ok: true, value }),
    (err: unknown) =>
      send({ kind: "result", id: message.id, ok: false, error: err instanceof Error ? err.message : String(err) }),
  );
});
