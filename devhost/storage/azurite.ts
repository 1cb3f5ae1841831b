/**
 * Blob, Queue and Table storage stand-in: the installed azurite as a child process (its CLI is the stable interface;
 * the programmatic servers are deep imports), loopback only, data under `<dataDir>/azurite`.
 *
 * No orphans: the child is stopped gracefully (SIGTERM, so azurite flushes its metadata databases; SIGKILL after a
 * grace period) by `stop()`, by this process's `exit`, and — because it is spawned with an IPC channel and a small
 * preloaded watchdog — by itself when this process dies without cleaning up (killed, or ended by a signal it does not
 * handle: the channel disconnects). Verified by hand: `process.exit()`, SIGKILL and SIGINT of the parent all leave no
 * azurite behind.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { createConnection, createServer } from "node:net";
import { join } from "node:path";
import type { DevLogger } from "../logger";
import { asString } from "../text";

/** Azurite's well-known development account. */
export const AZURITE_ACCOUNT_NAME = "devstoreaccount1";
export const AZURITE_ACCOUNT_KEY =
  "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

const HOST = "127.0.0.1";
const START_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 10_000;
/**
 * Preloaded into the child: when the parent's IPC channel goes away (the parent died), ask azurite to shut down
 * gracefully, once. Its own SIGTERM handler is a `once` listener; this one stays, so a second SIGTERM cannot kill the
 * process in the middle of its graceful shutdown.
 */
const WATCHDOG =
  "data:text/javascript," +
  encodeURIComponent(
    `let asked=false;process.on("SIGTERM",()=>{asked=true});` +
      `process.on("disconnect",()=>{if(!asked){asked=true;process.kill(process.pid,"SIGTERM")}});`,
  );

export interface AzuriteStandInOptions {
  dataDir: string;
  logger: DevLogger;
}

export interface AzuriteEndpoints {
  connectionString: string;
  blobPort: number;
  queuePort: number;
  tablePort: number;
}

export class AzuriteStandIn {
  private child: ChildProcess | undefined;
  private exited: Promise<void> | undefined;
  private readonly onParentExit = () => {
    // Synchronous context: only a signal can be sent. SIGTERM lets azurite flush and close on its own (and the
    // IPC channel closes with this process).
    this.child?.kill("SIGTERM");
  };

  constructor(private readonly options: AzuriteStandInOptions) {}

  async start(ports: { blob?: number; queue?: number; table?: number } = {}): Promise<AzuriteEndpoints> {
    if (this.child) throw new Error("AzuriteStandIn already started");
    const blobPort = await choosePort(ports.blob ?? 10000);
    const queuePort = await choosePort(ports.queue ?? 10001, [blobPort]);
    const tablePort = await choosePort(ports.table ?? 10002, [blobPort, queuePort]);
    const location = join(this.options.dataDir, "azurite");
    await mkdir(location, { recursive: true });
    const cli = require.resolve("azurite/dist/src/azurite.js");
    const args = [
      "--import",
      WATCHDOG,
      cli,
      "--blobHost",
      HOST,
      "--blobPort",
      String(blobPort),
      "--queueHost",
      HOST,
      "--queuePort",
      String(queuePort),
      "--tableHost",
      HOST,
      "--tablePort",
      String(tablePort),
      "--location",
      location,
      "--skipApiVersionCheck",
      "--disableTelemetry",
      "--silent",
    ];
    // Own process group (detached): a terminal Ctrl-C reaches only the dev host, which then stops azurite once,
    // in order, instead of azurite receiving SIGINT and SIGTERM and shutting down twice.
    const child = spawn(process.execPath, args, {
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      windowsHide: true,
      detached: true,
    });
    this.child = child;
    process.once("exit", this.onParentExit);
    const output: string[] = [];
    const remember = (chunk: Buffer) => {
      output.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      if (output.length > 50) output.splice(0, output.length - 50);
    };
    child.stdout?.on("data", remember);
    child.stderr?.on("data", (chunk: Buffer) => {
      remember(chunk);
      for (const line of chunk.toString("utf8").split("\n").filter(Boolean))
        this.options.logger.warn("azurite", { line });
    });
    this.exited = new Promise<void>((resolve) => {
      child.once("exit", (code, signal) => {
        process.off("exit", this.onParentExit);
        if (this.child === child) {
          this.child = undefined;
          this.options.logger.warn("azurite exited", { code, signal });
        }
        resolve();
      });
    });
    // Keep our own event loop free of the child: it must not keep the parent alive.
    child.unref();
    child.channel?.unref();
    (child.stdout as { unref?: () => void } | null)?.unref?.();
    (child.stderr as { unref?: () => void } | null)?.unref?.();

    try {
      await waitUntilListening([blobPort, queuePort, tablePort], this.exited, START_TIMEOUT_MS);
    } catch (err) {
      await this.stop();
      throw new Error(`azurite did not start: ${(err as Error).message}\n${output.join("\n")}`, { cause: err });
    }
    const base = `http://${HOST}`;
    const connectionString =
      `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT_NAME};AccountKey=${AZURITE_ACCOUNT_KEY};` +
      `BlobEndpoint=${base}:${blobPort}/${AZURITE_ACCOUNT_NAME};` +
      `QueueEndpoint=${base}:${queuePort}/${AZURITE_ACCOUNT_NAME};` +
      `TableEndpoint=${base}:${tablePort}/${AZURITE_ACCOUNT_NAME};`;
    this.options.logger.info("azurite listening", { blobPort, queuePort, tablePort, pid: child.pid });
    return { connectionString, blobPort, queuePort, tablePort };
  }

  /** Stops azurite gracefully (SIGTERM; SIGKILL after 10 s) and waits until the process is gone. */
  async stop(): Promise<void> {
    const child = this.child;
    const exited = this.exited;
    if (!child || !exited) return;
    this.child = undefined;
    child.kill("SIGTERM");
    // Close the IPC channel too: azurite listens for IPC messages, which would keep it alive after its shutdown.
    if (child.connected) child.disconnect();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const killed = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.options.logger.warn("azurite did not stop in time; killing it", { pid: child.pid });
        child.kill("SIGKILL");
        resolve();
      }, STOP_GRACE_MS);
    });
    await Promise.race([exited, killed.then(() => exited)]);
    clearTimeout(timer);
    process.off("exit", this.onParentExit);
  }
}

/**
 * `preferred` after checking that it is free (otherwise the readiness probe could mistake another process on that
 * port for our azurite), or — for 0 — a port the OS reports free right now (probe socket on port 0, then released).
 */
async function choosePort(preferred: number, taken: number[] = []): Promise<number> {
  if (preferred !== 0) {
    try {
      await bindAndRelease(preferred);
    } catch (err) {
      throw new Error(
        `azurite: port ${preferred} on ${HOST} is not free (${(err as NodeJS.ErrnoException).code ?? asString(err)})`,
        { cause: err },
      );
    }
    return preferred;
  }
  for (;;) {
    const port = await bindAndRelease(0);
    if (!taken.includes(port)) return port;
  }
}

function bindAndRelease(port: number): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(port, HOST, () => {
      const address = probe.address();
      const bound = typeof address === "object" && address ? address.port : port;
      probe.close(() => resolve(bound));
    });
  });
}

async function waitUntilListening(ports: number[], exited: Promise<void>, timeoutMs: number): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + timeoutMs;
  for (const port of ports) {
    for (;;) {
      if (gone) throw new Error("the process exited during start-up");
      if (await canConnect(port)) break;
      if (Date.now() > deadline) throw new Error(`port ${port} did not accept connections within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: HOST, port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
