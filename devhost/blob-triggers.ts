/**
 * Blob triggers (`app.storageBlob`) in the dev host: polls each trigger's container through the real Blob SDK and
 * invokes the function once per new or changed blob (by ETag), like the host's blob receipts. A blob whose invocation
 * fails is retried on the next polls and given up after 5 attempts (the host's poison threshold), with a log line.
 * Receipts are kept under the data folder, so a restart does not process a blob again.
 */
import fs from "node:fs";
import path from "node:path";
import { BlobServiceClient, type ContainerClient } from "@azure/storage-blob";
import type { FunctionRegistry, Registration } from "./functions-core";
import type { Invoker } from "./invoker";
import type { DevLogger } from "./logger";
import type { VirtualClock } from "./clock";
import { asString } from "./text";

const MAX_ATTEMPTS = 5;

interface Receipt {
  etag: string;
  attempts: number;
  done: boolean;
}

export interface BlobTriggersOptions {
  registry: FunctionRegistry;
  invoker: Invoker;
  logger: DevLogger;
  dataDir: string;
  clock: VirtualClock;
  setting: (name: string) => string | undefined;
  pollIntervalMs?: number;
}

interface Watched {
  registration: Registration;
  container: ContainerClient;
  containerName: string;
  /** Path pattern after the container, e.g. "{name}" or "in/{name}.txt". */
  pattern: RegExp;
  names: string[];
  prefix: string;
}

export class BlobTriggers {
  private watched: Watched[] = [];
  private receipts: Record<string, Receipt> = {};
  private timer: ReturnType<typeof setTimeout> | undefined;
  private polling: Promise<boolean> | undefined;
  private stopped = false;
  private readonly receiptsFile: string;

  constructor(private readonly options: BlobTriggersOptions) {
    this.receiptsFile = path.join(options.dataDir, "blob-triggers", "receipts.json");
  }

  async start(): Promise<void> {
    try {
      this.receipts = JSON.parse(fs.readFileSync(this.receiptsFile, "utf8")) as Record<string, Receipt>;
    } catch {
      this.receipts = {};
    }
    for (const registration of this.options.registry.byTrigger("blobTrigger")) {
      const connectionName = asString(registration.trigger.connection ?? "AzureWebJobsStorage");
      const cs = this.options.setting(connectionName);
      if (!cs) throw new Error(`Blob trigger ${registration.name}: setting "${connectionName}" is not set`);
      // "%SETTING%" parts of the path are app settings, resolved like the Functions host does (e.g. %OCR_INCOMING_CONTAINER%)
      const blobPath = asString(registration.trigger.path ?? "").replace(/%([^%]+)%/g, (_, name: string) => {
        const value = this.options.setting(name);
        if (!value)
          throw new Error(`Blob trigger ${registration.name}: path names setting "${name}", which is not set`);
        return value;
      });
      const [containerName, ...rest] = blobPath.split("/");
      if (!containerName) throw new Error(`Blob trigger ${registration.name}: path must start with a container name`);
      const service = BlobServiceClient.fromConnectionString(cs);
      const container = service.getContainerClient(containerName);
      await container.createIfNotExists();
      const { pattern, names, prefix } = compilePath(rest.join("/") || "{name}");
      this.watched.push({ registration, container, containerName, pattern, names, prefix });
    }
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.polling;
    this.save();
  }

  /**
   * Polls every watched container once now (tests and the virtual clock's moments call this instead of waiting for
   * the interval); true when a function was invoked.
   */
  pollNow(): Promise<boolean> {
    // A poll already under way may have listed the container before the caller's blob was written: poll again after it.
    const run = (this.polling ?? Promise.resolve(false)).then(() => this.pollAll());
    const tracked: Promise<boolean> = run.finally(() => {
      if (this.polling === tracked) this.polling = undefined;
    });
    this.polling = tracked;
    return tracked;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.pollNow().finally(() => this.schedule());
    }, this.options.pollIntervalMs ?? 2_000);
    this.timer.unref?.();
  }

  private async pollAll(): Promise<boolean> {
    let invoked = false;
    for (const w of this.watched) {
      try {
        for await (const blob of w.container.listBlobsFlat({ prefix: w.prefix, includeMetadata: true })) {
          if (this.stopped) return invoked;
          const match = w.pattern.exec(blob.name);
          if (!match) continue;
          const key = `${w.registration.name}|${w.containerName}/${blob.name}`;
          const etag = blob.properties.etag ?? "";
          const receipt = this.receipts[key];
          if (receipt && receipt.etag === etag && (receipt.done || receipt.attempts >= MAX_ATTEMPTS)) continue;
          const attempts = receipt && receipt.etag === etag ? receipt.attempts + 1 : 1;
          const params: Record<string, string> = {};
          w.names.forEach((n, i) => (params[n] = match[i + 1] ?? ""));
          const client = w.container.getBlockBlobClient(blob.name);
          const content = await client.downloadToBuffer();
          let done = false;
          invoked = true;
          try {
            await this.options.invoker.invoke(w.registration, content, {
              triggerMetadata: {
                blobTrigger: `${w.containerName}/${blob.name}`,
                uri: client.url,
                properties: { ...blob.properties },
                metadata: blob.metadata ?? {},
                ...params,
              },
              retryContext: { retryCount: attempts - 1, maxRetryCount: MAX_ATTEMPTS - 1 },
            });
            done = true;
          } catch {
            if (attempts >= MAX_ATTEMPTS) {
              this.options.logger.error("blob trigger gave up on a blob after the maximum attempts", {
                function: w.registration.name,
                blob: `${w.containerName}/${blob.name}`,
                attempts,
              });
            }
          }
          this.receipts[key] = { etag, attempts, done };
          this.save();
        }
      } catch (err) {
        this.options.logger.warn("blob trigger poll failed", {
          function: w.registration.name,
          error: err instanceof Error ? err.message : String(err),
        });
      }
    }
    return invoked;
  }

  private save(): void {
    fs.mkdirSync(path.dirname(this.receiptsFile), { recursive: true });
    const tmp = `${this.receiptsFile}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(this.receipts));
    fs.renameSync(tmp, this.receiptsFile);
  }
}

/** "{name}" / "in/{name}.txt" → a regex over blob names, its parameter names, and the literal prefix. */
function compilePath(pattern: string): { pattern: RegExp; names: string[]; prefix: string } {
  const names: string[] = [];
  const prefix = pattern.split("{")[0] ?? "";
  const source = pattern
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const m = /^\{([^}]+)\}$/.exec(part);
      if (!m) return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      names.push(m[1]!);
      return "(.+)";
    })
    .join("");
  return { pattern: new RegExp(`^${source}$`), names, prefix };
}
