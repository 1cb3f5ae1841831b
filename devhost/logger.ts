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

export function createLogger(
  sink: LogSink = (l) => process.stdout.write(l + "\n"),
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
