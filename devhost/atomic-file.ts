/**
 * Crash-safe file writes for the stand-ins' snapshots: write a temporary file beside the target, flush it to disk,
 * then rename it over the target. A reader (or the next start after a crash) sees either the old or the new file,
 * never half of one.
 */
import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, readFile, rename, rm, type FileHandle } from "node:fs/promises";
import { dirname } from "node:path";
import { createInterface } from "node:readline";

export async function writeFileAtomic(path: string, content: string | Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  const handle = await open(temp, "w");
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

/**
 * A file written as JSON Lines a batch at a time, then made visible atomically: the lines go to a temporary file
 * beside the target; `commit()` flushes it to disk and renames it over the target, `abandon()` removes it. Until the
 * commit a reader sees the old file (or none).
 */
export class AtomicLineWriter {
  private constructor(
    private readonly path: string,
    private readonly temp: string,
    private readonly handle: FileHandle,
  ) {}

  static async open(path: string): Promise<AtomicLineWriter> {
    await mkdir(dirname(path), { recursive: true });
    const temp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    return new AtomicLineWriter(path, temp, await open(temp, "w"));
  }

  /** Appends one line of JSON per value. */
  async write(values: readonly unknown[]): Promise<void> {
    if (values.length === 0) return;
    await this.handle.write(values.map((v) => JSON.stringify(v)).join("\n") + "\n");
  }

  async commit(): Promise<void> {
    try {
      await this.handle.sync();
    } finally {
      await this.handle.close();
    }
    try {
      await rename(this.temp, this.path);
    } catch (err) {
      await rm(this.temp, { force: true });
      throw err;
    }
  }

  async abandon(): Promise<void> {
    await this.handle.close().catch(() => undefined);
    await rm(this.temp, { force: true });
  }
}

/** The lines of `path`, read as they are needed; `undefined` when the file does not exist. */
export async function openLines(path: string): Promise<AsyncIterator<string> | undefined> {
  const stream = createReadStream(path, { encoding: "utf8" });
  try {
    await new Promise<void>((resolve, reject) => {
      stream.once("open", () => resolve());
      stream.once("error", reject);
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  return createInterface({ input: stream, crlfDelay: Infinity })[Symbol.asyncIterator]();
}

/** The parsed JSON content of `path`, or `undefined` when the file does not exist. */
export async function readJsonFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  return JSON.parse(text) as unknown;
}

/**
 * Serialises snapshot writes and coalesces bursts: `request()` resolves once a write that started after the call has
 * finished, so every change made before the call is on disk; many calls during one write share the next write.
 */
export class CoalescingWriter {
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;

  constructor(private readonly write: () => Promise<void>) {}

  request(): Promise<void> {
    if (this.queued) return this.queued;
    if (!this.running) {
      this.running = this.run();
      return this.running;
    }
    const after = this.running.catch(() => undefined);
    this.queued = after.then(() => {
      this.queued = undefined;
      this.running = this.run();
      return this.running;
    });
    return this.queued;
  }

  /** Waits for whatever is written or queued now. */
  async idle(): Promise<void> {
    await (this.queued ?? this.running)?.catch(() => undefined);
  }

  private async run(): Promise<void> {
    try {
      await this.write();
    } finally {
      this.running = undefined;
    }
  }
}
