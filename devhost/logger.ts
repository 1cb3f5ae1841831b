/**
 * The dev host's log: one JSON line per event on stdout (invocations, function logs, dev-host notices), or nothing
 * when silenced (tests that run the host in-process).
 */
import { format } from "node:util";

export interface InvocationLogLine {
  function: string;
  invocationId: string;
  trigger: string;
  durationMs: number;
  outcome: "succeeded" | "failed";
  error?: string;
}

export interface DevLogger {
  invocation(line: InvocationLogLine): void;
  functionLog(level: string, functionName: string, invocationId: string, args: unknown[]): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** A line another logger formatted already (a stand-in in a worker thread, stamped with its own time). */
  write?(line: string): void;
}

export type LogSink = (line: string) => void;

/**
 * Lines to `write`, gathered over one turn of the event loop and written together (one write instead of one per
 * line: the dev host logs a couple of dozen lines per payment, and a write to a pipe is a system call on the event
 * loop). Whatever is still gathered when the process exits is written then (or on `flush()`); a kill -9 can lose the
last turn's lines.
 */
export function batchedSink(write: (text: string) => void): LogSink & { flush: () => void } {
  let pending: string[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    const text = pending.join("\n") + "\n";
    pending = [];
    write(text);
  };
  process.once("exit", flush);
  const sink = (line: string) => {
    if (pending.push(line) === 1) setImmediate(flush);
  };
  return Object.assign(sink, { flush });
}

export function createLogger(
  sink: LogSink = batchedSink((text) => process.stdout.write(text)),
  now: () => Date = () => new Date(),
): DevLogger {
  const emit = (record: Record<string, unknown>) => sink(JSON.stringify({ ts: now().toISOString(), ...record }));
  return {
    invocation: (line) => emit({ level: line.outcome === "failed" ? "error" : "info", msg: "invocation", ...line }),
    functionLog: (level, functionName, invocationId, args) =>
      emit({ level, msg: format(...args), function: functionName, invocationId }),
    info: (message, fields) => emit({ level: "info", msg: message, ...fields }),
    warn: (message, fields) => emit({ level: "warning", msg: message, ...fields }),
    error: (message, fields) => emit({ level: "error", msg: message, ...fields }),
    write: sink,
  };
}

export const silentLogger: DevLogger = {
  invocation() {},
  functionLog() {},
  info() {},
  warn() {},
  error() {},
  write() {},
};
