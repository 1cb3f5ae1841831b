/**
 * The worker thread's side of stand-in-thread.ts: serves the methods of one stand-in to the host by message, with the
 * host's virtual clock, work tracker and log (see there).
 */
import { parentPort, workerData } from "node:worker_threads";
import { sharedClock } from "./clock";
import { batchedSink, createLogger, type DevLogger } from "./logger";
import type { FromThread, StandInThreadData, ToThread } from "./stand-in-thread";
import { SharedWork } from "./work-tracker";

export interface StandInThreadContext<Init> {
  /** The stand-in's options as the host sent them. */
  init: Init;
  logger: DevLogger;
  /** The dev host's virtual clock. */
  now: () => Date;
  /** Counts `work` as the dev host's in-flight work until it ends. */
  track: <T>(work: Promise<T>) => Promise<T>;
  /** The dev host's work counter itself (`begin()` → end function). */
  work: SharedWork;
  /** Asks the host (a handler given to `StandInThread.start`); resolves with its answer. */
  request: <T>(method: string, ...args: unknown[]) => Promise<T>;
  /** Tells the host (a handler given to `StandInThread.start`), wanting no answer; in order with `request`. */
  notify: (method: string, ...args: unknown[]) => void;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- methods of any shape, called with what the host sends
export type StandInMethods = Record<string, (...args: any[]) => unknown>;

/** Builds the stand-in with `make` and answers the host's calls; `stop` is expected among the methods. */
export function serveStandIn<Init>(make: (context: StandInThreadContext<Init>) => StandInMethods): void {
  const port = parentPort;
  if (!port) throw new Error("serveStandIn runs in a worker thread (stand-in-thread.ts starts it)");
  const data = workerData as StandInThreadData;
  const clock = sharedClock(data.clock);
  const work = new SharedWork(data.work);
  // A turn's lines in one message (written by the host as they come: several lines in one string), and whatever is
  // gathered sent before each answer, so the host has a call's log lines when it has its answer.
  const logSink = batchedSink((text) =>
    port.postMessage({ kind: "log", line: text.slice(0, -1) } satisfies FromThread),
  );
  const send = (message: FromThread) => {
    logSink.flush();
    port.postMessage(message);
  };
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  const methods = make({
    init: data.init as Init,
    logger: createLogger(logSink, clock.nowDate),
    now: clock.nowDate,
    track: (w) => work.track(w),
    work,
    request: <T>(method: string, ...args: unknown[]) =>
      new Promise<T>((resolve, reject) => {
        const id = ++nextId;
        waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
        send({ kind: "request", id, method, args });
      }),
    notify: (method, ...args) => send({ kind: "request", id: 0, method, args }),
  });
  port.on("message", (message: ToThread) => {
    if (message.kind === "reply") {
      const w = waiting.get(message.id);
      waiting.delete(message.id);
      if (message.ok) w?.resolve(message.value);
      else w?.reject(new Error(message.error));
      return;
    }
    const method = methods[message.method];
    void (async () => {
      if (!method) throw new Error(`the ${data.name} stand-in has no method ${message.method}`);
      return method(...message.args);
    })().then(
      (value) => send({ kind: "result", id: message.id, ok: true, value }),
      (err: unknown) =>
        send({ kind: "result", id: message.id, ok: false, error: err instanceof Error ? err.message : String(err) }),
    );
  });
}
